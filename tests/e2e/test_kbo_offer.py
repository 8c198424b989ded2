"""A visitor types a known enterprise number and is offered the register's name and address."""
from datetime import timedelta

import pytest
from django.utils import timezone

from kbo.importer import kbo_import
from kbo.synthetic import synthetic_dump, synthetic_enterprises
from registraties.constants import KboControle
from registraties.models import Registratie
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_browser import fill_form, submit
from tests.factories import make_registratie
from verkenning.models import Ronde

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AANTAL, SEED = 200, 11


@pytest.fixture
def ronde(live_server):
    now = timezone.now()
    return Ronde.objects.create(titel="Ronde met KBO", slug="kbo-e2e",
                                opent_op=now - timedelta(days=1), sluit_op=now + timedelta(days=9),
                                referentie_prefix="KBO")


@pytest.fixture
def register(tmp_path):
    """A generated register dump imported; its enterprises."""
    kbo_import(synthetic_dump(tmp_path / "dump", aantal=AANTAL, seed=SEED))
    return list(synthetic_enterprises(AANTAL, seed=SEED))


@pytest.fixture
def known(ronde, register):
    """A Flemish vzw from the register."""
    return next(e for e in register if e.rechtspersoon and e.actief and e.heeft_adres
                and not e.land_nl and e.rechtsvorm_code == "017" and e.postcode[0] in "2389")


def _type_number(page, nummer):
    page.fill('[name="ondernemingsnummer"]', f"{nummer[:4]}.{nummer[4:7]}.{nummer[7:]}")


def test_a_known_number_offers_name_and_address_and_a_click_fills_them_in(page, live_server,
                                                                         known):
    page.goto(f"{live_server.url}/interesse/")
    fill_form(page, postcode="", gemeente="")
    page.fill('[name="naam"]', "")
    page.fill('[name="straat"]', "")
    number = f"{known.nummer[:4]}.{known.nummer[4:7]}.{known.nummer[7:]}"
    page.fill('[name="ondernemingsnummer"]', number)
    offer = page.locator("#kbo-aanbod")
    offer.wait_for(state="visible")
    assert "Is dit uw organisatie" in offer.inner_text()
    assert known.naam in offer.inner_text()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Ja, vul naam en adres in").click()
    assert page.input_value('[name="naam"]') == known.naam
    assert page.input_value('[name="straat"]') == known.straat
    assert page.input_value('[name="postcode"]') == known.postcode
    assert page.input_value('[name="gemeente"]') == known.gemeente
    assert "ingevuld uit de KBO" in offer.inner_text()
    # Focus is on the name, for the visitor to check what was filled in.
    assert page.evaluate("document.activeElement.name") == "naam"
    submit(page)
    assert page.url.endswith("/interesse/bevestiging/")
    registratie = Registratie.objects.get()
    assert (registratie.naam, registratie.kbo_controle) == (known.naam, KboControle.GEVERIFIEERD)


def test_a_number_the_register_does_not_know_offers_nothing_and_is_refused_on_submit(
        page, live_server, known):
    page.goto(f"{live_server.url}/interesse/")
    fill_form(page)
    page.fill('[name="ondernemingsnummer"]', "0403.170.701")
    page.wait_for_timeout(1200)  # the lookup's pause plus its answer
    assert page.locator("#kbo-aanbod").is_hidden()
    submit(page)
    assert "staat niet in de Kruispuntbank van Ondernemingen" in page.content()
    assert not Registratie.objects.exists()


def test_a_stopped_company_is_not_offered_and_the_page_says_why(page, live_server, ronde,
                                                               register):
    stopped = next(e for e in register if e.rechtspersoon and not e.actief and e.heeft_adres)
    page.goto(f"{live_server.url}/interesse/")
    page.fill('[name="naam"]', "")
    _type_number(page, stopped.nummer)
    offer = page.locator("#kbo-aanbod")
    offer.wait_for(state="visible")
    assert "stopgezet" in offer.inner_text()
    assert "kijk het nummer na" in offer.inner_text()
    # Nothing to fill in: no offer of the name, and nothing was filled in.
    assert page.get_by_role("button", name="Ja, vul naam en adres in").is_hidden()
    assert stopped.naam not in offer.inner_text()
    assert page.input_value('[name="naam"]') == ""
    assert serious_violations(page) == []
    # Another, active number replaces the warning with the usual offer.
    active = next(e for e in register if e.rechtspersoon and e.actief and e.heeft_adres)
    _type_number(page, active.nummer)
    page.get_by_role("button", name="Ja, vul naam en adres in").wait_for(state="visible")
    assert "stopgezet" not in offer.inner_text()


def test_a_number_already_registered_in_this_round_points_to_link_kwijt(page, live_server, ronde,
                                                                       known):
    make_registratie(ronde, ondernemingsnummer=known.nummer, naam=known.naam)
    page.goto(f"{live_server.url}/interesse/")
    _type_number(page, known.nummer)
    offer = page.locator("#kbo-aanbod")
    offer.wait_for(state="visible")
    assert "al een registratie" in offer.inner_text()
    assert page.get_by_role("button", name="Ja, vul naam en adres in").is_hidden()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Link kwijt? Vraag een nieuwe wijzigingslink aan.").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/interesse/link-kwijt/"
