"""WCAG 2.1 AA: axe-core finds no serious or critical violation on any page, at phone and desk
width, and no page scrolls sideways on a phone (390 px; tests/e2e/checks.py).

Each page is also photographed at 390 and 1280 px wide into SCREENSHOT_DIR (``make test``
names the folder at the end), so a person can look at what axe cannot judge.
"""
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kbo.models import Onderneming, Snapshot
from medewerkers.roles import COORDINATOR, REVIEWER, staff_user_save
from partnerschappen import gesprekken
from partnerschappen import services as partnerschap_services
from tests.factories import form_data, make_registraties
from verkenning.models import Contactpersoon, Ronde

from .checks import axe_findings, sideways_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR",
                                     Path(__file__).resolve().parents[2] / "schermafdrukken"))
WIDTHS = (390, 1280)


def serious_violations(page) -> list[str]:
    return axe_findings(page)


def check_page(page, url: str, name: str, *, status: int | None = None) -> list[str]:
    """Open ``url`` at both widths, photograph it, and return axe's findings and, at phone
    width, what makes the page scroll sideways."""
    found = []
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response.status < 500, (url, response.status)
        if status is not None:
            assert response.status == status, (url, response.status)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
        found += [f"{name} @{width}px: {line}" for line in serious_violations(page)]
        overflow = sideways_overflow(page)
        if overflow:
            found.append(f"{name} @{width}px scrolls sideways: {overflow}")
    return found


@pytest.fixture
def ronde(live_server):
    now = timezone.now()
    ronde = Ronde.objects.create(
        titel="Wie maakt werk van competentiechecks in Vlaamse ondernemingen?", slug="a11y",
        opent_op=now - timedelta(days=10), sluit_op=now + timedelta(days=20),
        referentie_prefix="A11Y", wat="De afdeling ESF&DO zoekt netwerkorganisaties.",
        hoe="Interesse tonen\nGesprekken\nSubsidieoproep", wanneer="Open\nNajaar",
        themas="Behoeftedetectie\nDoorgroei",
        partnerschap_acties="Samenwerking: coördinatie\nLeren: lessen trekken")
    Contactpersoon.objects.create(ronde=ronde, naam="Sofie Bogaerts", telefoon="0486 91 15 51")
    registraties = make_registraties(ronde, 24, seed=11)
    partnerschap_services.partnerschap_create(ronde=ronde, naam="Bouw en installatie",
                                              registraties=registraties[:3],
                                              regisseur=registraties[0])
    return ronde


def test_public_pages_have_no_serious_accessibility_violations(recording, live_server, ronde):
    page = recording().page
    base = live_server.url
    found = []
    found += check_page(page, base + "/", "oproep")
    found += check_page(page, base + "/interesse/", "formulier")
    found += check_page(page, base + "/interesse/link-kwijt/", "link-kwijt")
    found += check_page(page, base + "/privacy/", "privacy")

    # The form with errors: sent empty.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "/interesse/")
    page.get_by_role("button", name="Interesse indienen").click()
    page.wait_for_load_state()
    assert page.locator("#foutoverzicht").is_visible()
    found += [f"formulier-fouten: {line}" for line in serious_violations(page)]
    page.screenshot(path=str(SCREENSHOT_DIR / "formulier-fouten-1280.png"), full_page=True)

    assert found == [], "\n".join(found)


def test_confirmation_edit_and_closed_pages_have_no_serious_violations(recording, live_server, ronde):
    from registraties import services

    page = recording().page
    base = live_server.url
    page.goto(base + "/interesse/")
    # The confirmation of a registration made in this browser's session.
    data = form_data(naam="Toegankelijk vzw", ondernemingsnummer="0403.170.701")
    page.evaluate("""async (data) => {
        const body = new URLSearchParams();
        for (const [key, value] of Object.entries(data)) {
            for (const item of [].concat(value)) body.append(key, item);
        }
        body.append('csrfmiddlewaretoken', document.querySelector('[name=csrfmiddlewaretoken]').value);
        await fetch('/interesse/', {method: 'POST', body, credentials: 'same-origin'});
    }""", data)
    found = check_page(page, base + "/interesse/bevestiging/", "bevestiging")
    assert "Toegankelijk vzw" in page.content()

    submission = services.registratie_submit(ronde=ronde, data={
        **form_data(naam="Wijzigbaar vzw", ondernemingsnummer="0202239951"),
        "werking_vlaanderen": True, "bereid_tot_partnerschap": True, "privacy_akkoord": True,
        "toestemming_delen": True, "aantal_ondernemingen": 120, "aandeel_kleine_ondernemingen": 80})
    found += check_page(page, base + f"/interesse/wijzigen/{submission.token}/", "wijzigen")

    Ronde.objects.filter(pk=ronde.pk).update(sluit_op=timezone.now() - timedelta(minutes=1),
                                              opent_op=timezone.now() - timedelta(days=30))
    found += check_page(page, base + "/interesse/", "gesloten")
    assert found == [], "\n".join(found)


def test_staff_pages_have_no_serious_accessibility_violations(signed_in, recording, live_server,
                                                               ronde):
    user, _created, _password = staff_user_save(username="toegankelijk", role=COORDINATOR,
                                                password="Proef-wachtwoord-2021!",
                                                first_name="Toe", last_name="Gankelijk")
    login_page = recording().page
    found = check_page(login_page, live_server.url + "/beheer/login/", "beheer-login")

    page = signed_in(user)
    base = live_server.url + "/beheer/"
    registratie = ronde.registraties.order_by("pk").first()
    partnerschap = ronde.partnerschappen.get()
    # The register is loaded: the detail page shows its table beside the declaration, with
    # a difference marked.
    Snapshot.objects.create(snapshot_datum=date(2026, 4, 30), extract_type="full")
    Onderneming.objects.create(ondernemingsnummer=registratie.ondernemingsnummer, actief=True,
                               rechtspersoon=True, rechtsvorm="Vereniging zonder winstoogmerk",
                               naam=registratie.naam, postcode="3500", gemeente="Hasselt",
                               straat="Kempische Steenweg 1")
    # Long values wrap rather than widen a phone's page.
    type(registratie).objects.filter(pk=registratie.pk).update(
        website="https://www." + "langeorganisatienaam" * 6 + ".be",
        contact_email="contactpersoon.met.een.heel.lange.naam@" + "organisatie" * 5 + ".be")
    for name, path in staff_pages(registratie, partnerschap):
        found += check_page(page, base + path, name)
    assert found == [], "\n".join(found)


def staff_pages(registratie, partnerschap) -> list[tuple[str, str]]:  # noqa: N802 - a table
    """Every kind of staff page a coordinator opens, as (screenshot name, path under /beheer/)."""
    return [
        ("beheer-start", ""),
        ("beheer-registraties", "registraties/registratie/"),
        ("beheer-registraties-zoeken", "registraties/registratie/?status=alle&q=a"),
        ("beheer-registratie", f"registraties/registratie/{registratie.pk}/change/"),
        ("beheer-registratie-geschiedenis", f"registraties/registratie/{registratie.pk}/history/"),
        ("beheer-overzicht", "overzicht/"),
        ("beheer-partnerschappen", "partnerschappen/partnerschap/"),
        ("beheer-partnerschap", f"partnerschappen/partnerschap/{partnerschap.pk}/change/"),
        ("beheer-partnerschap-toevoegen", "partnerschappen/partnerschap/add/"),
        ("beheer-suggesties", "partnerschappen/partnerschap/suggesties/"),
        ("beheer-import", "registraties/registratie/excel/import/"),
        ("beheer-export", "registraties/registratie/excel/export/"),
        ("beheer-persoonsgegevens",
         f"persoonsgegevens/?ondernemingsnummer={registratie.ondernemingsnummer}"
         f"&email={registratie.contact_email}"),
        ("beheer-medewerkers", "medewerkers/"),
        ("beheer-berichten", "berichten/bericht/"),
        ("beheer-statuswijzigingen", "registraties/statuswijziging/"),
        ("beheer-rondes", "verkenning/ronde/"),
        ("beheer-ronde", f"verkenning/ronde/{registratie.ronde_id}/change/"),
        ("beheer-kbo", "kbo/onderneming/"),
    ]


def test_a_reviewer_s_pages_and_refusals_are_clean_and_fit_a_phone(signed_in, live_server, ronde):
    """Issue 16: the reviewer's read-only pages, and the Dutch 403 of every page it may not
    use, in the staff layout, without axe findings or sideways scrolling."""
    user, _created, _password = staff_user_save(username="bea", role=REVIEWER,
                                                password="Proef-wachtwoord-2021!")
    page = signed_in(user)
    base = live_server.url + "/beheer/"
    registratie = ronde.registraties.order_by("pk").first()
    partnerschap = ronde.partnerschappen.get()
    found = []
    for name, path in [
        ("beoordelaar-registraties", "registraties/registratie/"),
        ("beoordelaar-registratie", f"registraties/registratie/{registratie.pk}/change/"),
        ("beoordelaar-partnerschap", f"partnerschappen/partnerschap/{partnerschap.pk}/change/"),
    ]:
        found += check_page(page, base + path, name, status=200)
    for name, path in [
        ("beoordelaar-403-export", "registraties/registratie/excel/export/"),
        ("beoordelaar-403-import", "registraties/registratie/excel/import/"),
        ("beoordelaar-403-gesprek", f"partnerschappen/partnerschap/{partnerschap.pk}/gesprek/plannen/"),
        ("beoordelaar-403-persoonsgegevens", "persoonsgegevens/"),
    ]:
        found += check_page(page, base + path, name, status=403)
        assert page.locator("h1").inner_text() == "Geen toegang"
        assert page.get_by_role("link", name="Terug naar het beheer").get_attribute("href") \
            == "/beheer/"
    found += check_page(page, base + "bestaat-niet/", "beoordelaar-404", status=404)
    assert found == [], "\n".join(found)


def test_the_registration_list_shows_every_column_and_the_title_at_desk_width(
        signed_in, live_server, ronde):
    user, _created, _password = staff_user_save(username="breed", role=COORDINATOR,
                                                password="Proef-wachtwoord-2021!")
    page = signed_in(user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/beheer/registraties/registratie/?status=alle")

    # No column is cut off or hidden behind a scroll bar: every header and every status badge
    # lies inside the window, and the list needs no sideways scrolling.
    assert page.locator("#changelist .results").evaluate(
        "el => el.scrollWidth <= el.clientWidth + 1")
    for cell in [*page.locator("#result_list th").all(), *page.locator(".portaal-status").all()]:
        assert cell.evaluate("el => el.getBoundingClientRect().right <= window.innerWidth"), \
            cell.inner_text()
        assert cell.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), cell.inner_text()
    # The action buttons do not cover the page title.
    title = page.locator("#content h1").bounding_box()
    for tool in page.locator(".object-tools a").all():
        box = tool.bounding_box()
        overlap = not (box["x"] >= title["x"] + title["width"] or box["x"] + box["width"] <= title["x"]
                       or box["y"] >= title["y"] + title["height"]
                       or box["y"] + box["height"] <= title["y"])
        assert not overlap, tool.inner_text()


def test_conversation_pages_have_no_serious_accessibility_violations(signed_in, recording,
                                                                     live_server, ronde):
    """Issue 11: the partnership page with a conversation, its staff pages and the answer page."""
    from django.core import mail

    from partnerschappen.models import Uitnodiging

    partnerschap = ronde.partnerschappen.get()
    gesprek = gesprekken.gesprek_plan(
        partnerschap=partnerschap, begint_op=timezone.now() + timedelta(days=9), duur_minuten=90,
        plaats="Koning Albert II-laan 35, Brussel", online_link="https://meet.example.test/a11y")
    mail.outbox.clear()
    gesprekken.gesprek_invite(gesprek=gesprek)
    first = Uitnodiging.objects.filter(gesprek=gesprek).order_by("pk").first()
    gesprekken.uitnodiging_answer(uitnodiging=first, antwoord="ander_moment",
                                             opmerking="Liever op donderdag.")
    body = next(m.body for m in mail.outbox if m.to != [first.registratie.contact_email])
    answer_path = body[body.index("/gesprek/"):].split()[0]

    user, _created, _password = staff_user_save(username="gesprekken", role=COORDINATOR,
                                                password="Proef-wachtwoord-2021!")
    page = signed_in(user)
    base = live_server.url + f"/beheer/partnerschappen/partnerschap/{partnerschap.pk}/"
    found = []
    for name, path in [
        ("beheer-partnerschap-gesprek", "change/"),
        ("beheer-gesprek-plannen", "gesprek/plannen/"),
        ("beheer-gesprek-wijzigen", f"gesprek/{gesprek.pk}/wijzigen/"),
        ("beheer-gesprek-annuleren", f"gesprek/{gesprek.pk}/annuleren/"),
        ("beheer-gesprek-verslag", f"gesprek/{gesprek.pk}/verslag/"),
        ("beheer-partnerschap-afronden", "afronden/"),
    ]:
        found += check_page(page, base + path, name)
    # The planning form with errors next to its fields.
    page.goto(base + "gesprek/plannen/")
    page.fill("#id_plaats", "")
    page.fill("#id_datum", "2020-01-01")
    page.fill("#id_tijd", "10:00")
    page.locator("input[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("#id_datum_fout").is_visible()
    found += [f"beheer-gesprek-fouten: {line}" for line in serious_violations(page)]

    public = recording().page
    found += check_page(public, live_server.url + answer_path, "gesprek-antwoord")
    public.get_by_role("button", name="Ik stel een ander moment voor").click()
    public.wait_for_load_state()
    assert public.locator("#id_opmerking_fout").is_visible()
    found += [f"gesprek-antwoord-fout: {line}" for line in serious_violations(public)]
    public.screenshot(path=str(SCREENSHOT_DIR / "gesprek-antwoord-fout-1280.png"), full_page=True)
    assert found == [], "\n".join(found)


def test_the_personal_data_found_for_a_long_address_fits_a_phone(signed_in, live_server, ronde):
    """Issue 16 (found by the coordinator's journey): the heading "Gevonden voor <address>"
    of a long e-mail address made the page 415 px wide at 390."""
    from .checks import assert_page_clean, at_phone_width

    registratie = ronde.registraties.order_by("pk").first()
    email = "charlotte.willems@cultuurnetwerkvlaanderen-en-brussel.be"
    type(registratie).objects.filter(pk=registratie.pk).update(contact_email=email)
    user, _created, _password = staff_user_save(username="privacy", role=COORDINATOR,
                                                password="Proef-wachtwoord-2021!")
    page = signed_in(user)
    at_phone_width(page)
    page.goto(live_server.url + "/beheer/persoonsgegevens/")
    page.get_by_label("E-mailadres van de contactpersoon").fill(email)
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("heading", name=f"Gevonden voor {email}").wait_for()
    assert_page_clean(page)
