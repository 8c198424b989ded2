from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("ESF&DO – beheer competentiechecks")
admin.site.site_title = _("Beheer competentiechecks")
admin.site.index_title = _("Verkenningsronde competentiechecks")

urlpatterns = [
    path("beheer/", admin.site.urls),
    path("interesse/", include("registraties.urls")),
    path("", include("verkenning.urls")),
]
