"""Public URLs of partnerships: the answer link of an invitation."""
from django.urls import path

from . import views

app_name = "partnerschappen"
urlpatterns = [
    path("<str:token>/", views.AntwoordView.as_view(), name="antwoord"),
]
