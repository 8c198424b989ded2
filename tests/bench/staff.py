"""Staff pages at 100 and 10,000 registrations: list, detail and overview times and queries."""
import gc
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registraties.admin.overview import registratie_overview
from registraties.models import Registratie
from tests.staff.helpers import bulk_registraties
from verkenning.models import Ronde

SIZES = (100, 10_000)
REPEAT = 10  # the best of these runs is reported: it is the least disturbed by other work
TARGET_RATIO = 2.0
# Pages that show the same rows at both sizes; with a narrow filter or a search the small
# data set fills less than a page, so those rows compare unequal work and are shown only.
TARGETED = ("lijst (te beoordelen)", "lijst (alle statussen)", "detail", "overzicht")


def _time(client: Client, url: str) -> tuple[float, int]:
    gc.collect()  # not the garbage of the bulk insert
    client.get(url)  # warm-up: templates, caches
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return min(timings) * 1000, len(queries)


def _time_call(function) -> tuple[float, int]:
    gc.collect()
    function()
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            function()
        timings.append(time.perf_counter() - start)
    return min(timings) * 1000, len(queries)


def run() -> None:
    now = timezone.now()
    ronde = Ronde.objects.create(titel="Benchmarkronde", slug="bench-staff",
                                 opent_op=now - timedelta(days=30),
                                 sluit_op=now + timedelta(days=30))
    user = get_user_model().objects.create_superuser("bench-staff", "bench@example.test",
                                                     "x" * 16)
    client = Client()
    client.force_login(user)
    changelist = reverse("admin:registraties_registratie_changelist")
    results: dict[str, dict[int, tuple[float, int]]] = {}
    created = 0
    for size in SIZES:
        bulk_registraties(ronde, size - created, spread_days=30)
        created = size
        first = Registratie.objects.filter(ronde=ronde).order_by("pk").first()
        pages = {
            "lijst (te beoordelen)": changelist,
            "lijst (alle statussen)": f"{changelist}?status=alle",
            "lijst (thema + vlag)": f"{changelist}?status=alle&thema=doorgroei&vlag=enig",
            "lijst (zoeken)": f"{changelist}?q=0417.497.106",
            "detail": reverse("admin:registraties_registratie_change", args=[first.pk]),
            "overzicht": reverse("admin:overzicht"),
        }
        for name, url in pages.items():
            results.setdefault(name, {})[size] = _time(client, url)
        results.setdefault("overzicht-cijfers zonder cache", {})[size] = _time_call(
            lambda: registratie_overview(ronde=ronde, use_cache=False))
    small, large = SIZES
    print(f"{'pagina (beste van 10)':<34}{small:>10} reg.{large:>12} reg.{'verhouding':>12}{'queries':>10}")
    worst = 0.0
    for name, by_size in results.items():
        (t_small, q_small), (t_large, q_large) = by_size[small], by_size[large]
        ratio = t_large / t_small
        if name in TARGETED:
            worst = max(worst, ratio)
        print(f"{name:<34}{t_small:>11.1f} ms{t_large:>13.1f} ms{ratio:>11.2f}×"
              f"{q_small:>6} / {q_large}")
    verdict = "OK" if worst <= TARGET_RATIO else "TE TRAAG"
    print("(het doel geldt voor lijst te beoordelen / alle statussen, detail en overzicht; "
          "de andere rijen staan er ter informatie bij)")
    print(f"slechtste verhouding {worst:.2f}× (doel ≤ {TARGET_RATIO:.0f}×): {verdict}")
