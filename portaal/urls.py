from django.contrib import admin
from django.urls import include, path

from berichten.views import werker_gezondheid

from .staff_auth import (
    StaffBackupTokensView,
    StaffQRGeneratorView,
    StaffSetupCompleteView,
    StaffSetupView,
)

# The two-factor pages that staff use (names as django-two-factor-auth reverses them); the
# login itself is the admin's login page. No page to switch two factors off.
two_factor_patterns = ([
    path("instellen/", StaffSetupView.as_view(), name="setup"),
    path("qr-code/", StaffQRGeneratorView.as_view(), name="qr"),
    path("ingesteld/", StaffSetupCompleteView.as_view(), name="setup_complete"),
    path("back-upcodes/", StaffBackupTokensView.as_view(), name="backup_tokens"),
], "two_factor")

urlpatterns = [
    path("beheer/tweestapsverificatie/", include(two_factor_patterns)),
    path("beheer/", admin.site.urls),
    path("interesse/", include("registraties.urls")),
    path("kbo/", include("kbo.urls")),
    path("gesprek/", include("partnerschappen.urls")),
    # For monitoring (the load balancer's check is /gezondheid/, database only).
    path("gezondheid/werker/", werker_gezondheid, name="gezondheid_werker"),
    path("", include("verkenning.urls")),
]

# Every error page is Dutch, in the portal's layout, with a way back (portaal/views.py).
handler400 = "portaal.views.bad_request"
handler403 = "portaal.views.permission_denied"
handler404 = "portaal.views.page_not_found"
handler500 = "portaal.views.server_error"
