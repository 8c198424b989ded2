"""The overview: its numbers equal the database's counts, its bars open the filtered list."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registraties.admin.overview import registratie_overview
from registraties.constants import Actie, Gewest, Provincie, RegistratieStatus, Thema, TypeOrganisatie, Vaardigheid
from registraties.models import Registratie
from tests.staff.helpers import bulk_registraties
from verkenning.models import Ronde

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(open_ronde, closed_ronde):
    bulk_registraties(open_ronde, 120)
    bulk_registraties(closed_ronde, 7)  # another round must not count
    rows = list(Registratie.objects.filter(ronde=open_ronde).order_by("pk"))
    statuses = [RegistratieStatus.INGEDIEND, RegistratieStatus.IN_BEHANDELING, RegistratieStatus.ONTVANKELIJK,
                RegistratieStatus.NIET_ONTVANKELIJK]
    for index, registratie in enumerate(rows):
        registratie.status = statuses[index % 7 % 4]
    Registratie.objects.bulk_update(rows, ["status"])
    return open_ronde


def _chart(overview, key):
    return {bar.params.get(_param(key)): bar.count for chart in overview.charts
            if chart.key == key for bar in chart.bars}


def _param(key):
    return {"status": "status", "type": "type_organisatie__exact", "gewest": "gewest__exact",
            "provincie": "provincie__exact", "thema": "thema", "rol": "rol",
            "vaardigheid": "vaardigheid"}[key]


def test_overview_numbers_equal_the_database_counts(generated):
    overview = registratie_overview(ronde=generated)
    rows = list(Registratie.objects.filter(ronde=generated))
    assert overview.total == len(rows) == 120
    assert overview.to_review == sum(r.status in ("ingediend", "in_behandeling") for r in rows)
    for key, choices, attribute in [("status", RegistratieStatus, "status"),
                                    ("type", TypeOrganisatie, "type_organisatie"),
                                    ("gewest", Gewest, "gewest"),
                                    ("provincie", Provincie, "provincie")]:
        shown = _chart(overview, key)
        for code in choices.values:
            expected = sum(getattr(r, attribute) == code for r in rows)
            assert shown.get(code, 0) == expected, (key, code)
    for key, choices, attribute in [("thema", Thema, "themas"), ("rol", Actie, "rollen"),
                                    ("vaardigheid", Vaardigheid, "vaardigheden")]:
        shown = _chart(overview, key)
        for code in choices.values:
            assert shown[code] == sum(code in getattr(r, attribute) for r in rows), (key, code)


def test_registrations_per_day_cover_the_window_and_add_up(generated):
    overview = registratie_overview(ronde=generated)
    [per_day] = [chart for chart in overview.charts if chart.key == "per_dag"]
    assert per_day.total == 120
    today = timezone.localdate()
    assert per_day.bars[0].label == timezone.localtime(generated.opent_op).strftime("%d/%m/%Y")
    assert per_day.bars[-1].label == today.strftime("%d/%m/%Y")
    assert overview.days_left == 20


def test_a_bar_opens_the_list_with_exactly_its_rows(generated, reviewer_client):
    overview = registratie_overview(ronde=generated)
    list_url = reverse("admin:registraties_registratie_changelist")
    for key in ("status", "type", "thema", "rol", "vaardigheid", "per_dag"):
        [chart] = [c for c in overview.charts if c.key == key]
        bar = next(b for b in chart.bars if b.count)
        response = reviewer_client.get(list_url, bar.params)
        assert response.context["cl"].result_count == bar.count, (key, bar.label)


def test_the_overview_page_draws_charts_with_tables_and_links(generated, reviewer_client):
    response = reviewer_client.get(reverse("admin:overzicht"))
    assert response.status_code == 200
    html = response.content.decode()
    # Nine of the registrations, two contributed by partnerschappen (status, invitations).
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="portaal-chart"') == 11
    assert html.count('<table class="portaal-chart-table">') == 11
    assert "<caption>Per thema</caption>" in html
    # One table drawer (portaal/charts.py); each app names what its numbers count.
    assert html.count('<th scope="col">Aantal registraties</th>') == 9
    assert html.count('<th scope="col">Aantal partnerschappen</th>') == 1
    assert html.count('<th scope="col">Aantal uitnodigingen</th>') == 1
    assert f"ronde__id__exact={generated.pk}&amp;status=ontvankelijk" in html
    assert "cdn" not in html.lower() and "<script src=\"http" not in html
    assert "20</span>" in html and "dagen tot de ronde sluit" in html


def test_the_overview_can_show_another_round(generated, closed_ronde, reviewer_client):
    response = reviewer_client.get(reverse("admin:overzicht"), {"ronde": closed_ronde.pk})
    assert response.context["overview"].total == 7
    assert "de ronde is gesloten" in response.content.decode()


def test_the_overview_without_any_round_says_so(reviewer_client):
    Ronde.objects.all().delete()  # the migrations seed the 2021 round
    response = reviewer_client.get(reverse("admin:overzicht"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Er is nog geen ronde. Maak eerst een ronde aan." in html
    assert 'class="portaal-kpis"' not in html  # no numbers of a round that does not exist


def test_registrations_outside_the_window_are_still_counted_per_day(open_ronde):
    bulk_registraties(open_ronde, 3, spread_days=0)
    Registratie.objects.filter(ronde=open_ronde).update(
        ingediend_op=open_ronde.opent_op - timedelta(days=3))
    [per_day] = [c for c in registratie_overview(ronde=open_ronde).charts if c.key == "per_dag"]
    assert per_day.total == 3


def test_the_overview_shows_a_status_change_at_once(generated, reviewer, reviewer_client):
    from registraties import review

    url = reverse("admin:overzicht")
    before = reviewer_client.get(url).context["overview"].to_review
    registratie = Registratie.objects.filter(ronde=generated, status=RegistratieStatus.INGEDIEND).first()
    review.registratie_change_status(registratie=registratie, status=RegistratieStatus.ONTVANKELIJK,
                                     door=reviewer)
    assert reviewer_client.get(url).context["overview"].to_review == before - 1


def test_cached_and_fresh_numbers_are_the_same(generated):
    cached = registratie_overview(ronde=generated)
    again = registratie_overview(ronde=generated)
    fresh = registratie_overview(ronde=generated, use_cache=False)
    assert [b.count for c in cached.charts for b in c.bars] == \
        [b.count for c in fresh.charts for b in c.bars] == \
        [b.count for c in again.charts for b in c.bars]
