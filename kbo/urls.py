from django.urls import path

from . import views

app_name = "kbo"
urlpatterns = [
    path("<str:nummer>/", views.kbo_lookup_json, name="lookup"),
]
