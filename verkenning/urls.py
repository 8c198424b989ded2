from django.urls import path

from . import views

app_name = "verkenning"
urlpatterns = [
    path("", views.LandingView.as_view(), name="landing"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("gezondheid/", views.gezondheid, name="gezondheid"),
]
