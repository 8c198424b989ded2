from django.urls import path

from . import views

app_name = "registraties"
urlpatterns = [
    path("", views.InteresseView.as_view(), name="formulier"),
    path("bevestiging/", views.BevestigingView.as_view(), name="bevestiging"),
    path("wijzigen/<str:token>/", views.WijzigenView.as_view(), name="wijzigen"),
    path("link-kwijt/", views.LinkKwijtView.as_view(), name="link_kwijt"),
    path("altcha/", views.altcha_challenge, name="altcha_challenge"),
]
