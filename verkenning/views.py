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

    def get_stand(self):
        """The current round's id and times only (a RondeStand): enough to find a cached page;
        the whole round is read only when the page must be rendered."""
        if not hasattr(self, "_stand"):
            self._stand = Ronde.objects.current_stand()
        return self._stand

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ronde"] = self.get_ronde()
        return context


class LandingView(RondeContextMixin, TemplateView):
    template_name = "verkenning/landing.html"

    def get(self, request, *args, **kwargs):
        stand = self.get_stand()
        volgende = None if stand is not None and stand.is_open() else Ronde.objects.next_upcoming()

        def context() -> dict:
            ronde = self.get_ronde()
            return {"ronde": ronde, "volgende_ronde": volgende,
                    "contactpersonen": list(ronde.contactpersonen.all()) if ronde else []}

        key = (stand.render_key() if stand else None, volgende.render_key() if volgende else None)
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
