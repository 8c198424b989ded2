"""The portal's URLs plus one public and one staff page that fail, for the 500 pages."""
from django.contrib import admin
from django.urls import path

from portaal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise RuntimeError("kapot")


urlpatterns = [
    path("beheer/kapot/", admin.site.admin_view(broken)),
    path("kapot/", broken),
    *portal_urlpatterns,
]

handler400 = "portaal.views.bad_request"
handler403 = "portaal.views.permission_denied"
handler404 = "portaal.views.page_not_found"
handler500 = "portaal.views.server_error"
