"""The staff overview: totals per answer and per day (in a fixed number of queries) and its page."""
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Max
from django.db.models.functions import Substr, TruncDate
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portaal import extensions
from portaal.charts import Bar, Chart, list_url, render
from verkenning.models import Ronde

from .. import review
from ..constants import (
    Actie,
    Gewest,
    Provincie,
    RegistratieStatus,
    Thema,
    TypeOrganisatie,
    Vaardigheid,
    Vlag,
)
from ..models import Registratie, StatusWijziging
from .filters import ALL

# Provinces always shown (the ones registrations may come from); others only when present.
_ELIGIBLE_PROVINCES = {Provincie.ANTWERPEN, Provincie.BRUSSEL, Provincie.OOST_VLAANDEREN,
                       Provincie.VLAAMS_BRABANT, Provincie.LIMBURG, Provincie.WEST_VLAANDEREN}


@dataclass
class Overview:
    ronde: Ronde | None
    total: int
    to_review: int
    days_left: int
    charts: list[Chart]


# (chart key, title, list filter parameter, choices, model field, field holds a list)
def _groups():
    return [
        ("status", _("Per status"), "status", RegistratieStatus, "status", False),
        ("type", _("Per type organisatie"), "type_organisatie__exact", TypeOrganisatie,
         "type_organisatie", False),
        ("gewest", _("Per gewest"), "gewest__exact", Gewest, "gewest", False),
        ("provincie", _("Per provincie"), "provincie__exact", Provincie, "provincie", False),
        ("thema", _("Per thema"), "thema", Thema, "themas", True),
        ("rol", _("Per actie binnen een partnerschap"), "rol", Actie, "rollen", True),
        ("vaardigheid", _("Per generieke vaardigheid"), "vaardigheid", Vaardigheid,
         "vaardigheden", True),
        ("vlag", _("Per aandachtspunt"), "vlag", Vlag, "vlaggen", True),
    ]


STATUS_COLOURS = {
    RegistratieStatus.INGEDIEND: "#4a6fa5",
    RegistratieStatus.IN_BEHANDELING: "#b7791f",
    RegistratieStatus.ONTVANKELIJK: "#2f7d32",
    RegistratieStatus.NIET_ONTVANKELIJK: "#b3261e",
}
MAX_DAYS = 366
CACHE_SECONDS = 300


def _cached_counts(*, ronde: Ronde, rows, zone: ZoneInfo, use_cache: bool):
    """The counts, reused while the round's registrations are unchanged.

    The key holds how many registrations the round has, the last history row and the last
    status change, so a new, edited, deleted or reviewed registration shows at once; the
    time limit covers writes that bypass ``save()`` (bulk loads).
    """
    if not use_cache:
        return (*_count(rows), _count_per_day(rows, zone))
    # Every save() of a registration writes a history row and every review a log row:
    # their last ids (read from the primary-key index) change with any edit.
    count = rows.count()
    last_saved = Registratie.history.aggregate(last=Max("history_id"))["last"]
    last_review = StatusWijziging.objects.aggregate(last=Max("pk"))["last"]
    key = f"overzicht:{ronde.pk}:{count}:{last_saved}:{last_review}"
    cached = cache.get(key)
    if cached is None:
        cached = (*_count(rows), _count_per_day(rows, zone))
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def _count(rows) -> tuple[int, Counter]:
    """Counts per (field, code), grouped in the database: a few dozen groups, not rows.

    Single-choice fields are grouped together in one query; a choice list is grouped by
    its whole (sorted) value, which has few distinct combinations, and split here.
    """
    counts: Counter = Counter()
    groups = _groups()
    singles = [field for *_rest, field, is_list in groups if not is_list]
    total = 0
    for row in rows.values(*singles).annotate(n=Count("pk")).order_by():
        total += row["n"]
        for field in singles:
            counts[(field, row[field])] += row["n"]
    for *_rest, field, is_list in groups:
        if is_list:
            for value, n in rows.values_list(field).annotate(n=Count("pk")).order_by():
                for code in set(value or []):
                    counts[(field, code)] += n
    return total, counts


def registratie_overview(*, ronde: Ronde | None, now=None, use_cache: bool = True) -> Overview:
    """Every number of the overview of ``ronde``, in six grouped queries whatever the size."""
    now = now or timezone.now()
    if ronde is None:
        return Overview(ronde=None, total=0, to_review=0, days_left=0, charts=[])
    rows = Registratie.objects.filter(ronde=ronde)
    zone = ZoneInfo(settings.TIME_ZONE)
    total, counts, per_day = _cached_counts(ronde=ronde, rows=rows, zone=zone, use_cache=use_cache)
    base = {"ronde__id__exact": ronde.pk}
    charts = []
    for key, title, param, choices, field, _is_list in _groups():
        chart = Chart(key=key, title=str(title))
        for code, label in choices.choices:
            count = counts[(field, code)]
            if key == "provincie" and not count and code not in _ELIGIBLE_PROVINCES:
                continue
            if key == "gewest" and not count and code == Gewest.WALLONIE:
                continue
            params = {**base, param: code} if key == "status" else {**base, "status": ALL,
                                                                     param: code}
            chart.bars.append(Bar(label=str(label), count=count, params=params,
                                  colour=STATUS_COLOURS.get(code, "") if key == "status" else ""))
        charts.append(chart)
    charts.insert(1, _per_day_chart(ronde=ronde, per_day=per_day, now=now, base=base))
    to_review = sum(counts[("status", status)] for status in review.TO_REVIEW)
    return Overview(ronde=ronde, total=total, to_review=to_review,
                    days_left=ronde.days_left(now), charts=charts)


def _per_day_chart(*, ronde: Ronde, per_day: Counter, now, base: dict) -> Chart:
    zone = ZoneInfo(settings.TIME_ZONE)
    first = timezone.localtime(ronde.opent_op, zone).date()
    last = timezone.localtime(min(ronde.sluit_op, now), zone).date()
    # Registrations imported or made outside the window still count somewhere visible.
    known = [day for day in per_day if isinstance(day, date)]
    if known:
        first, last = min(first, *known), max(last, *known)
    first = max(first, last - timedelta(days=MAX_DAYS))
    chart = Chart(key="per_dag", title=str(_("Registraties per dag")), columns=True)
    day = first
    while day <= last:
        chart.bars.append(Bar(
            label=day.strftime("%d/%m/%Y"), count=per_day.get(day, 0),
            params={**base, "status": ALL, "ingediend_op__day": day.day,
                    "ingediend_op__month": day.month, "ingediend_op__year": day.year},
        ))
        day += timedelta(days=1)
    return chart


def _count_per_day(rows, zone: ZoneInfo) -> Counter:
    """Registrations per local calendar day, grouped in the database."""
    if connection.vendor != "sqlite":
        return Counter(dict(rows.annotate(dag=TruncDate("ingediend_op", tzinfo=zone))
                            .values_list("dag").annotate(n=Count("pk")).order_by()))
    # SQLite runs Django's date functions in Python for every row; its stored text
    # 'YYYY-MM-DD HH:…' (UTC) cut to the hour groups natively, and the few hundred hours
    # are turned into local days here.
    per_day: Counter = Counter()
    hours = (rows.annotate(uur=Substr("ingediend_op", 1, 13)).values_list("uur")
             .annotate(n=Count("pk")).order_by())
    for hour, n in hours:
        moment = datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=UTC)
        per_day[moment.astimezone(zone).date()] += n
    return per_day


def overview_view(request):
    """/beheer/overzicht/: totals and charts of one round (the current one by default)."""
    if not request.user.has_perm("registraties.view_registratie"):
        raise PermissionDenied
    rondes = list(Ronde.objects.order_by("-opent_op"))
    chosen = request.GET.get("ronde", "")
    ronde = next((r for r in rondes if str(r.pk) == chosen), None) or Ronde.objects.current()
    overview = registratie_overview(ronde=ronde)
    base_url = reverse("admin:registraties_registratie_changelist")
    context = {
        **admin.site.each_context(request),
        "title": _("Overzicht van de registraties"),
        "overview": overview,
        "rondes": rondes,
        "ronde": ronde,
        "charts": [*(render(chart, base_url=base_url, count_label=_("Aantal registraties"),
                            empty=_("Nog geen registraties.")) for chart in overview.charts),
                   # What other apps add (portaal/extensions.py: OVERVIEW_CHARTS).
                   *(item for charts in extensions.items(extensions.OVERVIEW_CHARTS) if ronde
                     for item in charts(request, ronde))],
        # Other staff pages about this round (portaal/extensions.py: OVERVIEW_LINKS).
        "links": [link for links in extensions.items(extensions.OVERVIEW_LINKS) if ronde
                  for link in links(request, ronde)],
        "list_url": base_url,
        "to_review_url": list_url(base_url, {"ronde__id__exact": ronde.pk})
        if ronde else base_url,
    }
    return TemplateResponse(request, "admin/overzicht.html", context)
