"""A visitor in a real browser: read the call, fill in the form, see the confirmation."""
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from registraties.models import Registratie
from verkenning.models import Contactpersoon, Ronde

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Screenshots for a human to look at; outside the repository.
SCREENSHOTS = Path(tempfile.gettempdir())


@pytest.fixture
def ronde(live_server):
    now = timezone.now()
    ronde = Ronde.objects.create(
        titel="Wie maakt werk van competentiechecks in Vlaamse ondernemingen?", slug="e2e",
        opent_op=now - timedelta(days=3), sluit_op=now + timedelta(days=14),
        referentie_prefix="E2E",
        wat="De afdeling ESF&DO zoekt netwerkorganisaties.",
        voorwaarden="Heeft rechtspersoonlijkheid.\nHeeft zijn zetel en werking in het Vlaams "
                    "Gewest.\nIs bereid om in partnerschap samen te werken.",
        doelgroep="De prioritaire doelgroep zijn Vlaamse ondernemingen tot en met 50 werknemers.",
        wanneer="Verkenningsronde: open\nGesprekken: najaar",
    )
    Contactpersoon.objects.create(ronde=ronde, naam="Sofie Bogaerts", telefoon="0486 91 15 51")
    return ronde


def fill_form(page, *, postcode="9000", gemeente="Gent", toelichting=None):
    page.fill('[name="naam"]', "Bouwfonds Browser vzw")
    page.fill('[name="ondernemingsnummer"]', "BE 0417 497 106")
    page.fill('[name="straat"]', "Kerkstraat 1")
    page.fill('[name="postcode"]', postcode)
    page.fill('[name="gemeente"]', gemeente)
    if toelichting is not None:
        page.fill('[name="toelichting_werking"]', toelichting)
    fill_answers(page, email="an@bouwfonds-browser.be")


def fill_answers(page, *, email: str, telefoon: str = ""):
    """The answers no register fills in: organisation, contact, themes, consent."""
    page.check('[name="bereid_tot_partnerschap"]')
    page.select_option('[name="rechtsvorm"]', "vzw")
    page.select_option('[name="type_organisatie"]', "sectorfonds")
    page.check('[name="werking_vlaanderen"]')
    page.fill('[name="contact_naam"]', "An Peeters")
    page.fill('[name="contact_email"]', email)
    if telefoon:
        page.fill('[name="contact_telefoon"]', telefoon)
    page.check('input[name="themas"][value="behoeftedetectie"]')
    page.check('input[name="rollen"][value="regie"]')
    page.fill('[name="sectoren"]', "bouw")
    page.fill('[name="aandeel_kleine_ondernemingen"]', "80")
    page.fill('[name="competentie_uitdagingen"]', "Digitale bouwplannen lezen.")
    page.check('[name="privacy_akkoord"]')


def submit(page):
    page.get_by_role("button", name="Interesse indienen").click()
    page.wait_for_load_state()


def test_new_user_registers_from_the_landing_page_and_sees_the_reference(recording, live_server,
                                                                        ronde):
    visit = recording()
    page = visit.page
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == ronde.titel
    assert page.get_by_text("garandeert geen effectieve toekenning van middelen").is_visible()
    page.screenshot(path=SCREENSHOTS / "e2e_landing.png", full_page=True)
    page.get_by_role("link", name="Interesse indienen").last.click()
    assert page.url == live_server.url + "/interesse/"
    fill_form(page)
    submit(page)
    assert page.url == live_server.url + "/interesse/bevestiging/"
    assert page.locator(".referentie").inner_text() == "E2E-0001"
    assert "Bouwfonds Browser vzw" in page.content()
    assert Registratie.objects.get().ondernemingsnummer == "0417497106"
    assert visit.hosts <= LOCAL_HOSTS, visit.hosts


def test_brussels_explanation_appears_only_for_a_brussels_postcode(page, live_server, ronde):
    page.goto(live_server.url + "/interesse/")
    block = page.locator("#blok_toelichting_werking")
    page.fill('[name="postcode"]', "9000")
    assert block.is_hidden()
    page.fill('[name="postcode"]', "1000")
    assert block.is_visible()
    page.fill('[name="postcode"]', "1300")
    assert block.is_hidden()
    page.fill('[name="postcode"]', "1299")
    assert block.is_visible()


def test_follow_up_questions_appear_when_andere_is_chosen(page, live_server, ronde):
    page.goto(live_server.url + "/interesse/")
    assert page.locator("#blok_rechtsvorm_andere").is_hidden()
    page.select_option('[name="rechtsvorm"]', "andere")
    assert page.locator("#blok_rechtsvorm_andere").is_visible()
    assert page.locator("#blok_thema_andere").is_hidden()
    page.check('input[name="themas"][value="andere"]')
    assert page.locator("#blok_thema_andere").is_visible()


def test_without_javascript_the_explanation_is_visible_and_the_form_works(recording, live_server,
                                                                         ronde):
    page = recording(java_script_enabled=False).page
    page.goto(live_server.url + "/interesse/")
    assert page.locator("#blok_toelichting_werking").is_visible()
    fill_form(page, postcode="1000", gemeente="Brussel", toelichting="Vooral Vlaamse leden.")
    submit(page)
    assert page.url == live_server.url + "/interesse/bevestiging/"
    assert page.locator(".referentie").inner_text() == "E2E-0001"
    registratie = Registratie.objects.get()
    assert (registratie.gewest, registratie.toelichting_werking) == ("brussel",
                                                                     "Vooral Vlaamse leden.")


def test_refused_submission_shows_the_summary_and_keeps_what_was_typed(recording, live_server,
                                                                      ronde):
    visit = recording()
    page = visit.page
    page.goto(live_server.url + "/interesse/")
    fill_form(page, postcode="1000", gemeente="Brussel")
    page.fill('[name="ondernemingsnummer"]', "0417.497.107")
    submit(page)
    summary = page.locator("#foutoverzicht")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "foutoverzicht"
    links = summary.locator("a")
    assert links.count() == 2
    assert page.input_value('[name="naam"]') == "Bouwfonds Browser vzw"
    assert page.input_value('[name="ondernemingsnummer"]') == "0417.497.107"
    assert page.input_value('[name="postcode"]') == "1000"
    assert page.is_checked('input[name="themas"][value="behoeftedetectie"]')
    assert page.is_checked('[name="privacy_akkoord"]')
    assert page.locator("#blok_toelichting_werking").is_visible()
    page.screenshot(path=SCREENSHOTS / "e2e_form_errors.png", full_page=True)
    links.first.click()
    assert page.evaluate("document.activeElement.name") == "ondernemingsnummer"
    assert Registratie.objects.count() == 0
    assert visit.hosts <= LOCAL_HOSTS, visit.hosts


def test_bootstrap_css_is_served_locally_and_nothing_leaves_the_machine(recording, live_server,
                                                                       ronde):
    visit = recording()
    page = visit.page
    styles = []
    page.on("response", lambda r: styles.append((r.url, r.status)) if r.url.endswith(".css") else None)
    for path in ["/", "/interesse/", "/privacy/", "/interesse/link-kwijt/"]:
        page.goto(live_server.url + path)
    assert any("bootstrap" in url and status == 200 for url, status in styles), styles
    # Bootstrap's styles are really applied (a .btn-primary gets its blue background).
    page.goto(live_server.url + "/")
    colour = page.eval_on_selector(".btn-primary", "el => getComputedStyle(el).backgroundColor")
    assert colour != "rgba(0, 0, 0, 0)"
    assert visit.hosts <= LOCAL_HOSTS, visit.hosts
