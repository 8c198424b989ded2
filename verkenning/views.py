"""Public pages of the current round, the privacy statement and the health check."""
from django.db import connection
from django.http import HttpResponse
from django.views.generic import TemplateView

from .models import Ronde


class RondeContextMixin:
    """Puts the current round (or None) in the context as ``ronde``."""

    def get_ronde(self) -> Ronde | None:
        if not hasattr(self, "_ronde"):
            self._ronde = Ronde.objects.current()
        return self._ronde

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ronde"] = self.get_ronde()
        return context


class LandingView(RondeContextMixin, TemplateView):
    template_name = "verkenning/landing.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ronde = context["ronde"]
        if ronde is not None:
            context["contactpersonen"] = list(ronde.contactpersonen.all())
        if ronde is None or not ronde.is_open():
            context["volgende_ronde"] = Ronde.objects.next_upcoming()
        return context


class PrivacyView(RondeContextMixin, TemplateView):
    template_name = "verkenning/privacy.html"


def gezondheid(request):
    """200 when the database answers, 503 otherwise; no details for the outside world."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return HttpResponse("database onbereikbaar", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
