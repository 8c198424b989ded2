"""Public URLs of partnerships: the answer link of an invitation; the link of an agreement
mail (the dossier, and the confirmation posted from it or from the edit-link page)."""
from django.urls import path

from . import views

app_name = "partnerschappen"
urlpatterns = [
    path("afspraak/<str:token>/", views.AfspraakBevestigenView.as_view(),
         name="afspraak_bevestigen"),
    path("<str:token>/", views.AntwoordView.as_view(), name="antwoord"),
]
