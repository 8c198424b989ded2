"""Error pages in the portal's layout: bad request, CSRF failure, too many requests, outage.

They render without the request (no context processors, no session, no user), so they
work when the database does not and never add a query of their own.
"""
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _

CONTACT_EMAIL = "competentiechecks@esf-agentschap.be"
# How long a visitor is asked to wait when the database is unreachable.
OUTAGE_RETRY_SECONDS = 120

MSG_BAD_REQUEST = _(
    "Uw browser stuurde iets wat deze pagina niet kan verwerken. Ga terug, laad de pagina "
    "opnieuw en probeer het nog eens."
)


def error_page(template: str, *, status: int, context: dict | None = None,
               retry_after: int | None = None) -> HttpResponse:
    response = HttpResponse(loader.render_to_string(template, {"contact": CONTACT_EMAIL,
                                                               **(context or {})}),
                            status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    # An error page is about this one request: never serve it again from a cache.
    response["Cache-Control"] = "no-store"
    return response


def bad_request_page(message=MSG_BAD_REQUEST, *, status: int = 400) -> HttpResponse:
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
    return error_page(template_name, status=403)
