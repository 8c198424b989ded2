"""Public pages of the current round, the privacy statement and the health check."""
from django.db import connection
from django.http import HttpResponse
from django.views.generic import TemplateView

from portaal import pagecache

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

    def get(self, request, *args, **kwargs):
        ronde = self.get_ronde()
        volgende = None if ronde is not None and ronde.is_open() else Ronde.objects.next_upcoming()

        def context() -> dict:
            return {"ronde": ronde, "volgende_ronde": volgende,
                    "contactpersonen": list(ronde.contactpersonen.all()) if ronde else []}

        key = (ronde.render_key() if ronde else None, volgende.render_key() if volgende else None)
        return pagecache.render_page(request, self.template_name, key=key, context=context)


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
