"""Error pages: bad request, forbidden, not found, server error, CSRF failure, too many
requests, outage. Public URLs get them in the portal's layout with a way back to the call;
staff URLs (/beheer/) in the staff layout with a way back to /beheer/.

Most render without the request (no context processors, no session, no user), so they
work when the database does not and never add a query of their own; only the staff pages
for "forbidden" and "not found" show who is signed in and their menu.
"""
from functools import cache

from django.contrib import admin
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .context_processors import contact_context

# How long a visitor is asked to wait when the database is unreachable.
OUTAGE_RETRY_SECONDS = 120

MSG_BAD_REQUEST = _(
    "Uw browser stuurde iets wat deze pagina niet kan verwerken. Ga terug, laad de pagina "
    "opnieuw en probeer het nog eens."
)


STAFF_TEMPLATE = "admin/portaal_fout.html"
STAFF_PAGES = {
    400: (_("Verzoek niet verwerkt"), MSG_BAD_REQUEST),
    403: (_("Geen toegang"), _(
        "Uw rol geeft geen toegang tot deze pagina of handeling. Hebt u ze nodig, vraag het "
        "dan aan een coördinator.")),
    404: (_("Pagina niet gevonden"), _(
        "Deze pagina bestaat niet (meer): misschien werd wat erop stond verwijderd, of is de "
        "link onvolledig.")),
    500: (_("Er liep iets mis"), _(
        "Er ging bij ons iets fout; wat u net deed, is misschien niet bewaard. Ga terug, kijk "
        "na wat er bewaard is en probeer het over enkele minuten opnieuw. Blijft het probleem "
        "bestaan, meld het dan aan de beheerder van het portaal.")),
    "csrf": (_("Formulier verlopen"), _(
        "Wij konden niet nagaan dat dit formulier van het beheer kwam: de pagina stond lang "
        "open, of u meldde intussen af of aan op een ander tabblad. Er is niets bewaard. Ga "
        "terug, laad de pagina opnieuw en verstuur het nog eens; kopieer eerst wat u typte als "
        "u het niet kwijt wilt.")),
}


@cache
def staff_prefix() -> str:
    return reverse("admin:index")


def is_staff_path(path: str) -> bool:
    return path.startswith(staff_prefix())


def error_page(template: str, *, status: int, context: dict | None = None,
               retry_after: int | None = None) -> HttpResponse:
    response = HttpResponse(loader.render_to_string(template, {**contact_context(), **(context or {})}),
                            status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    # An error page is about this one request: never serve it again from a cache.
    response["Cache-Control"] = "no-store"
    return response


def staff_error_page(kind, *, status: int, request=None, message=None) -> HttpResponse:
    """The staff layout: with ``request``, the signed-in user's menu (it reads the database)."""
    title, text = STAFF_PAGES[kind]
    site = admin.site
    context = {"title": title, "uitleg": message or text, "status": status,
               "site_header": site.site_header, "site_title": site.site_title,
               "site_url": site.site_url}
    if request is not None:
        context.update(site.each_context(request))
    response = HttpResponse(loader.render_to_string(STAFF_TEMPLATE, context, request),
                            status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request_page(message=MSG_BAD_REQUEST, *, status: int = 400,
                     path: str = "") -> HttpResponse:
    if is_staff_path(path):
        return staff_error_page(400, status=status, message=message)
    return error_page("400.html", status=status, context={"message": message})


def service_unavailable_page() -> HttpResponse:
    return error_page("503.html", status=503, retry_after=OUTAGE_RETRY_SECONDS,
                      context={"minuten": OUTAGE_RETRY_SECONDS // 60})


def too_many_requests_page(*, retry_after: int, template: str) -> HttpResponse:
    minutes = max(1, -(-retry_after // 60))
    return error_page(template, status=429, retry_after=retry_after,
                      context={"minuten": minutes})


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    """CSRF_FAILURE_VIEW: a form sent from an old page or without the session cookie."""
    if is_staff_path(request.path):
        return staff_error_page("csrf", status=403)
    return error_page(template_name, status=403)


# The handlers of portaal/urls.py (handler400, handler403, handler404, handler500).

def bad_request(request, exception=None):
    return bad_request_page(path=request.path)


def permission_denied(request, exception=None):
    if is_staff_path(request.path):
        return staff_error_page(403, status=403, request=request)
    return error_page("403.html", status=403)


def page_not_found(request, exception=None):
    if is_staff_path(request.path):
        return staff_error_page(404, status=404, request=request)
    return error_page("404.html", status=404)


def server_error(request):
    # Whatever failed may be the database: no request, no user, no query.
    if is_staff_path(request.path):
        return staff_error_page(500, status=500)
    return error_page("500.html", status=500)
