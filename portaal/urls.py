from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("beheer/", admin.site.urls),
    path("interesse/", include("registraties.urls")),
    path("", include("verkenning.urls")),
]
