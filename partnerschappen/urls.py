"""Public URLs of partnerships: the answer link of an invitation; the confirmation of an
agreement, posted from the organisation's dossier with its private link's token."""
from django.urls import path

from . import views

app_name = "partnerschappen"
urlpatterns = [
    path("afspraak/<str:token>/", views.AfspraakBevestigenView.as_view(),
         name="afspraak_bevestigen"),
    path("<str:token>/", views.AntwoordView.as_view(), name="antwoord"),
]
