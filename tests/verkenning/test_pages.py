"""Public pages of the round: landing, privacy, health check, and which round is current."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from tests.factories import RondeFactory
from verkenning.models import Contactpersoon, Ronde

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def assert_shows_conditions_and_target_group(html: str) -> None:
    """The call's three conditions and its priority target group are on the page."""
    assert "Heeft rechtspersoonlijkheid." in html
    assert "Heeft zijn zetel en werking in het Vlaams Gewest" in html
    assert "Is bereid om in partnerschap samen te werken" in html
    assert "ondernemingen tot en met 50 werknemers" in html


def landing(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


# --- the 2021 round as data -----------------------------------------------------------------

def test_the_2021_round_ships_with_its_exact_brussels_dates():
    ronde = Ronde.objects.get(slug="competentiechecks-2021")
    assert ronde.titel == "Wie maakt werk van competentiechecks in Vlaamse ondernemingen?"
    assert ronde.opent_op == datetime(2021, 6, 28, 0, 0, 0, tzinfo=BRUSSELS)
    assert ronde.sluit_op == datetime(2021, 8, 31, 23, 59, 59, tzinfo=BRUSSELS)
    assert timezone.localtime(ronde.opent_op).strftime("%d/%m/%Y %H:%M") == "28/06/2021 00:00"
    assert timezone.localtime(ronde.sluit_op).strftime("%d/%m/%Y %H:%M:%S") == "31/08/2021 23:59:59"
    assert ronde.infosessie_op == date(2021, 7, 8)
    assert ronde.format_referentie(7) == "CC2021-0007"


def test_the_2021_round_has_its_four_contacts():
    ronde = Ronde.objects.get(slug="competentiechecks-2021")
    assert [(c.naam, c.telefoon) for c in ronde.contactpersonen.all()] == [
        ("Catherine Bonnarens", "0492 15 82 55"),
        ("Sofie Bogaerts", "0486 91 15 51"),
        ("Stefaan Windels", "0468 15 93 18"),
        ("Stephanie Beavis", "02/552 83 02"),
    ]


def test_the_2021_round_is_closed_and_accepts_no_registrations():
    ronde = Ronde.objects.get(slug="competentiechecks-2021")
    assert not ronde.is_open()
    assert ronde.is_open(datetime(2021, 8, 31, 23, 59, 59, tzinfo=BRUSSELS))
    assert not ronde.is_open(datetime(2021, 9, 1, 0, 0, 0, tzinfo=BRUSSELS))
    assert not ronde.is_open(datetime(2021, 6, 27, 23, 59, 59, tzinfo=BRUSSELS))
    assert ronde.is_open(datetime(2021, 6, 28, 0, 0, 0, tzinfo=BRUSSELS))


def test_round_can_be_created_with_only_the_contract_fields():
    opens = datetime(2030, 1, 6, 9, 0, tzinfo=BRUSSELS)
    ronde = Ronde.objects.create(titel="Ronde 2030", slug="ronde-2030", opent_op=opens,
                                 sluit_op=opens + timedelta(days=60))
    ronde.refresh_from_db()
    assert ronde.prefix == "CC2030"
    assert ronde.laatste_volgnummer == 0
    assert ronde.voorbehoud == "Deze verkenningsronde garandeert geen effectieve toekenning van middelen."


# --- current round --------------------------------------------------------------------------

def test_current_round_is_the_open_one_that_opened_last():
    now = timezone.now()
    older = RondeFactory(opent_op=now - timedelta(days=30), sluit_op=now + timedelta(days=30))
    newer = RondeFactory(opent_op=now - timedelta(days=2), sluit_op=now + timedelta(days=3))
    RondeFactory(opent_op=now + timedelta(days=1), sluit_op=now + timedelta(days=40))
    assert Ronde.objects.current() == newer
    assert Ronde.objects.current(now - timedelta(days=10)) == older


def test_with_no_round_open_the_last_closed_one_is_current():
    now = timezone.now()
    RondeFactory(opent_op=now - timedelta(days=100), sluit_op=now - timedelta(days=50))
    last = RondeFactory(opent_op=now - timedelta(days=40), sluit_op=now - timedelta(days=10))
    RondeFactory(opent_op=now + timedelta(days=1), sluit_op=now + timedelta(days=40))
    assert Ronde.objects.current() == last


def test_with_only_the_2021_round_it_is_current():
    assert Ronde.objects.current().slug == "competentiechecks-2021"


def test_with_no_round_at_all_there_is_no_current_round(client):
    Ronde.objects.all().delete()
    assert Ronde.objects.current() is None
    assert "Er is op dit moment geen verkenningsronde gepland." in landing(client)
    assert client.get("/interesse/").status_code == 200


@pytest.mark.parametrize("remaining, days", [(timedelta(hours=1), 1), (timedelta(days=1), 1),
                                             (timedelta(days=1, seconds=1), 2),
                                             (timedelta(days=20), 20)])
def test_days_left_counts_a_started_day_as_one(remaining, days):
    now = timezone.now()
    ronde = RondeFactory(opent_op=now - timedelta(days=1), sluit_op=now + remaining)
    assert ronde.days_left(now) == days


# --- landing page ---------------------------------------------------------------------------

def test_landing_shows_the_open_round_with_its_conditions_and_deadline(client):
    now = timezone.now()
    ronde = Ronde.objects.get(slug="competentiechecks-2021")
    ronde.pk = None
    ronde.slug = "open-kopie"
    ronde.referentie_prefix = ""
    ronde.titel = "Competentiechecks: open ronde"
    ronde.opent_op = now - timedelta(days=2)
    ronde.sluit_op = now + timedelta(days=9, hours=1)
    ronde.save()
    Contactpersoon.objects.create(ronde=ronde, naam="Catherine Bonnarens", telefoon="0492 15 82 55",
                                  email="catherine@example.test")
    html = landing(client)
    assert "Competentiechecks: open ronde" in html
    assert_shows_conditions_and_target_group(html)
    assert "Deze verkenningsronde garandeert geen effectieve toekenning van middelen." in html
    deadline = timezone.localtime(ronde.sluit_op)
    assert f"{deadline.day} " in html and f"{deadline:%H:%M}" in html
    assert "Nog 10 dagen om uw interesse in te dienen." in html
    assert 'href="/interesse/">Interesse indienen</a>' in html.replace("\n", "")
    assert "Deze verkenningsronde is afgesloten" not in html
    assert "Catherine Bonnarens" in html
    assert 'href="tel:+32492158255"' in html
    assert 'href="mailto:catherine@example.test"' in html


def test_landing_says_one_day_left_in_singular(client):
    now = timezone.now()
    RondeFactory(opent_op=now - timedelta(days=2), sluit_op=now + timedelta(hours=5))
    assert "Nog 1 dag om uw interesse in te dienen." in landing(client)


def test_landing_of_the_closed_2021_round_says_it_is_closed(client):
    html = landing(client)
    assert "Wie maakt werk van competentiechecks in Vlaamse ondernemingen?" in html
    assert "Deze verkenningsronde is afgesloten." in html
    assert "Nog " not in html
    assert 'class="btn btn-primary btn-lg w-100" href="/interesse/"' not in html
    assert "Heeft rechtspersoonlijkheid." in html
    assert "ondernemingen tot en met 50 werknemers" in html
    assert "garandeert geen effectieve toekenning van middelen" in html
    assert "31 augustus 2021" in html
    for naam in ["Catherine Bonnarens", "Sofie Bogaerts", "Stefaan Windels", "Stephanie Beavis"]:
        assert naam in html
    assert "8 juli 2021" in html


def test_landing_announces_a_round_that_has_yet_to_open(client):
    opens = timezone.now() + timedelta(days=3)
    RondeFactory(titel="Ronde 2027", opent_op=opens, sluit_op=opens + timedelta(days=30))
    html = landing(client)
    assert "Deze verkenningsronde is afgesloten." in html
    assert "Een nieuwe verkenningsronde, ‘Ronde 2027’, opent op" in html


def test_landing_escapes_round_text_typed_by_staff(client):
    now = timezone.now()
    RondeFactory(titel="<script>alert(1)</script>", wat="<b>vet</b>", voorwaarden="<i>x</i>",
                 opent_op=now - timedelta(days=1), sluit_op=now + timedelta(days=1))
    html = landing(client)
    assert "<script>alert(1)</script>" not in html
    assert "<b>vet</b>" not in html
    assert "&lt;b&gt;vet&lt;/b&gt;" in html


def test_landing_is_dutch_and_uses_local_bootstrap(client):
    html = landing(client)
    assert '<html lang="nl">' in html
    assert 'href="/static/bootstrap/css/bootstrap.min.css"' in html
    assert "cdn" not in html.lower()


def test_landing_query_count_is_flat(client, django_assert_max_num_queries):
    ronde = Ronde.objects.get(slug="competentiechecks-2021")
    for i in range(20):
        Contactpersoon.objects.create(ronde=ronde, naam=f"Persoon {i}")
    # The current round's times and the next round; the round and its contacts to render.
    with django_assert_max_num_queries(4):
        landing(client)
    with django_assert_max_num_queries(2):  # rendered once: from the cache
        landing(client)


def test_an_edit_of_the_round_or_its_contacts_shows_on_the_landing_page_at_once(client):
    ronde = Ronde.objects.get(slug="competentiechecks-2021")
    assert "Nieuwe contactpersoon" not in landing(client)
    persoon = Contactpersoon.objects.create(ronde=ronde, naam="Nieuwe contactpersoon")
    assert "Nieuwe contactpersoon" in landing(client)
    persoon.delete()
    assert "Nieuwe contactpersoon" not in landing(client)
    ronde.ondertitel = "Een nieuwe ondertitel"
    ronde.save()
    assert "Een nieuwe ondertitel" in landing(client)


def test_the_landing_page_counts_down_the_days_left_on_a_cached_page(client, monkeypatch):
    now = timezone.now()
    RondeFactory(slug="telt-af", opent_op=now - timedelta(days=1), sluit_op=now + timedelta(days=10))
    assert "Nog 10 dagen" in landing(client)
    later = now + timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Nog 7 dagen" in landing(client)


# --- privacy and health ---------------------------------------------------------------------

def test_privacy_statement_is_served(client):
    response = client.get("/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ["Wie verwerkt uw gegevens?", "Welke gegevens?", "Waarom?", "Hoe lang?",
                    "Uw rechten", "Contact"]:
        assert heading in html


def test_health_check_is_200_when_the_database_answers(client):
    response = client.get("/gezondheid/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_health_check_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/gezondheid/")
    assert response.status_code == 503
    assert b"database is down" not in response.content


def test_unknown_page_is_a_dutch_404(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "<title>Pagina niet gevonden – ESF&amp;DO</title>" in html
    assert "<h1>Pagina niet gevonden</h1>" in html
    assert "Deze pagina of link bestaat niet (meer)." in html
    assert 'href="/interesse/link-kwijt/"' in html
    # Not Django's own English pages (the plain one, nor the debug one).
    assert "Not Found" not in html
    assert "The requested resource was not found" not in html
    assert "Page not found" not in html


def test_round_created_with_only_the_contract_fields_still_shows_who_may_take_part(client):
    now = timezone.now()
    Ronde.objects.create(titel="Minimale ronde", slug="minimaal", opent_op=now - timedelta(days=1),
                         sluit_op=now + timedelta(days=5))
    html = landing(client)
    assert "Minimale ronde" in html
    assert_shows_conditions_and_target_group(html)
    assert "garandeert geen effectieve toekenning van middelen" in html
    assert "Interesse indienen" in html
    assert 'id="acties"' not in html  # no empty sections


def test_landing_of_the_2021_round_shows_every_section_of_the_call(client):
    html = landing(client)
    for heading in ["Wat?", "Hoe?", "Wie?", "Acties?", "Wanneer?", "Infosessie"]:
        assert f">{heading}</h2>" in html
    assert "Verkenningsronde: open van 28/06/21 tot 31/08/21" in html


@pytest.mark.parametrize("url", ["/", "/interesse/", "/privacy/"])
def test_public_pages_allow_scripts_and_styles_only_from_the_portal(client, open_ronde, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "http" not in policy


def test_round_prefix_cannot_change_once_references_exist(open_ronde):
    from django.core.exceptions import ValidationError

    from tests.factories import make_registratie

    make_registratie(open_ronde)
    open_ronde.referentie_prefix = "ANDERS"
    with pytest.raises(ValidationError) as refused:
        open_ronde.full_clean()
    assert "de prefix kan niet meer veranderen" in str(refused.value)


def test_new_round_never_reuses_a_prefix_its_references_still_carry(open_ronde, client):
    from registraties.models import Registratie
    from tests.factories import form_data, make_registratie

    old = make_registratie(open_ronde)
    # Changed behind the admin's back (shell, SQL): the old references keep the old prefix.
    Ronde.objects.filter(pk=open_ronde.pk).update(referentie_prefix="OUD", sluit_op=timezone.now()
                                                  - timedelta(seconds=1))
    nieuw = Ronde.objects.create(titel="Nieuw", slug="nieuw", opent_op=open_ronde.opent_op,
                                 sluit_op=timezone.now() + timedelta(days=3))
    assert not old.referentie.startswith(f"{nieuw.referentie_prefix}-")
    response = client.post("/interesse/", form_data())
    assert response.status_code == 303
    assert Registratie.objects.filter(ronde=nieuw).get().referentie == f"{nieuw.referentie_prefix}-0001"


def test_the_current_rounds_times_are_read_as_aware_datetimes_like_the_round_itself():
    now = timezone.now()
    ronde = RondeFactory(slug="stand", opent_op=now - timedelta(days=2),
                         sluit_op=now + timedelta(days=3))
    stand = Ronde.objects.current_stand()
    assert (stand.pk, stand.opent_op, stand.sluit_op, stand.gewijzigd_op) == (
        ronde.pk, ronde.opent_op, ronde.sluit_op, ronde.gewijzigd_op)
    assert stand.render_key(now) == ronde.render_key(now)
    assert Ronde.objects.current_stand(now - timedelta(days=5)).pk != ronde.pk
