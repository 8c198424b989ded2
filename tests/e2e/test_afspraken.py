"""A coordinator records a partnership's agreement and puts it to the members; a member
confirms through the link in its mail, on its read-only dossier after the round closed.

Real Chromium, real queue: the mails wait as Bericht rows (database backend, no worker); the
member's link is read from what the worker would write. axe on every new page.
"""
import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from berichten import rendering
from berichten.models import Bericht
from medewerkers.roles import COORDINATOR, REVIEWER, staff_user_save
from partnerschappen import afspraken, services
from partnerschappen.constants import PartnerschapStatus
from partnerschappen.models import Afspraak, Bevestiging
from registraties.models import Registratie
from tests.berichten.helpers import DATABASE_TASKS
from tests.factories import make_registraties
from verkenning.models import Ronde

from .checks import assert_page_clean, visit_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^/\s]+(/interesse/wijzigen/[A-Za-z0-9_-]+/)")

expect.set_options(timeout=10_000)


@pytest.fixture(autouse=True)
def _database_queue():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


@pytest.fixture
def partnerschap(live_server):
    now = timezone.now()
    ronde = Ronde.objects.create(titel="Verkenningsronde (afspraken)", slug="e2e-afspraken",
                                 opent_op=now - timedelta(days=10),
                                 sluit_op=now + timedelta(days=20), referentie_prefix="AFS")
    make_registraties(ronde, 6, seed=5)
    Registratie.objects.filter(ronde=ronde).update(status="ontvankelijk", toestemming_delen=True)
    members = list(Registratie.objects.filter(ronde=ronde).order_by("pk")[:3])
    return services.partnerschap_create(ronde=ronde, naam="Bouw en installatie",
                                        registraties=members, regisseur=members[0])


def test_a_member_confirms_the_agreement_through_the_mailed_link(recording, signed_in,
                                                                 live_server, partnerschap):
    coordinator, _created, _pw = staff_user_save(username="cora", role=COORDINATOR,
                                                 first_name="Cora")
    page = signed_in(coordinator)
    errors = []
    page.on("response", lambda r: errors.append(r.url) if r.status >= 500 else None)
    base = live_server.url + f"/beheer/partnerschappen/partnerschap/{partnerschap.pk}/"

    # No agreement yet: the partnership page says so and leads to the agreement page.
    visit_clean(page, base + "change/")
    expect(page.locator("#afspraak")).to_contain_text("nog geen afspraak")
    page.get_by_role("link", name="Afspraak bekijken").click()
    assert_page_clean(page)
    page.get_by_role("link", name="Afspraak vastleggen…").click()
    assert_page_clean(page)

    # The form starts from the registrations; a mistake first (two regierollen, no next step).
    blocks = page.locator("fieldset.portaal-afspraaklid")
    expect(blocks).to_have_count(3)
    page.fill("#id_doelgroep", "Kleine bouwbedrijven en hun arbeiders")
    second = blocks.nth(1)
    for index in range(3):
        block = blocks.nth(index)
        # The registrations' own roles are filled in: the first two take the regierol here.
        block.get_by_label("samenwerking (regierol)").set_checked(index < 2)
        block.get_by_label("Oost-Vlaanderen").check()
        block.get_by_label("Bijdrage (kort)").fill(f"Bijdrage {index}")
    page.get_by_role("button", name="Nieuwe versie bewaren").click()
    expect(page.locator(".errornote[role=alert]")).to_contain_text(
        "Precies één organisatie neemt de regierol op; nu zijn het er 2")
    expect(page.locator("#id_volgende_stap_fout")).to_have_text(
        "Beschrijf de volgende stap: wat gebeurt er na dit gesprek, en door wie.")
    expect(page.locator("#id_doelgroep")).to_have_value("Kleine bouwbedrijven en hun arbeiders")
    assert_page_clean(page)
    expect(page.locator("#id_themas_fout")).to_have_text(
        "Kies minstens één thema van het partnerschap.")
    second.get_by_label("samenwerking (regierol)").uncheck()
    page.get_by_label("behoeftedetectie, op weg naar een opleidingsplan").check()
    page.fill("#id_volgende_stap", "De regisseur schrijft een eerste plan.")
    page.get_by_role("button", name="Nieuwe versie bewaren").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Versie 1 van de afspraak is vastgelegd")
    expect(page.locator("#afspraak-stand")).to_contain_text("bevestigd door 0 van 3")
    assert_page_clean(page)

    # Put to the members: one mail each, waiting in the queue.
    page.get_by_role("button", name="Ter bevestiging voorleggen").click()
    expect(page.locator("ul.messagelist")).to_contain_text(
        "Versie 1 ligt ter bevestiging voor: 3 e-mails staan in de wachtrij.")
    member = Registratie.objects.get(pk=partnerschap.lidmaatschappen.order_by("pk")[1]
                                     .registratie_id)
    bericht = Bericht.objects.get(aan=member.contact_email, soort="afspraak_ter_bevestiging")
    assert (bericht.status, bericht.tekst) == ("wachtend", "")
    mail = rendering.render(bericht.soort, bericht.gegevens)
    assert "Versie 1 van de afspraken" in mail.tekst
    path = LINK.search(mail.tekst).group(1)

    # The round closes; the link now opens the read-only dossier.
    Ronde.objects.filter(pk=partnerschap.ronde_id).update(
        sluit_op=timezone.now() - timedelta(minutes=1))
    member_page = recording().page
    visit_clean(member_page, live_server.url + path)
    expect(member_page.locator("h1")).to_have_text("Uw dossier")
    expect(member_page.locator("#afspraken")).to_contain_text("Bouw en installatie")
    expect(member_page.locator("#afspraken")).to_contain_text(
        "Kleine bouwbedrijven en hun arbeiders")
    # Not confirming needs a comment: refused, in Dutch, on its own page.
    member_page.get_by_role("button", name="Ik bevestig niet: zie mijn opmerking").click()
    expect(member_page.locator("#foutoverzicht")).to_contain_text(
        "Schrijf in het vak ‘Opmerking’ wat er volgens u niet klopt of ontbreekt.")
    assert_page_clean(member_page)
    assert not Bevestiging.objects.exists()
    member_page.get_by_role("button", name="Ik bevestig deze afspraken").click()
    expect(member_page.locator("main")).to_contain_text("Bedankt, u bevestigde de afspraken.")
    expect(member_page.locator("#afspraken")).to_contain_text(
        f"Bevestigd door {member.contact_naam} op")
    expect(member_page.get_by_role("button", name="Ik bevestig deze afspraken")).to_have_count(0)
    assert_page_clean(member_page)

    # Staff see it on the partnership and in the list; forming still waits for the others.
    page.goto(base + "change/")
    expect(page.locator("#afspraak")).to_contain_text("bevestigd door 1 van 3")
    page.goto(live_server.url + "/beheer/partnerschappen/partnerschap/")
    expect(page.locator("#result_list")).to_contain_text("bevestigd door 1 van 3")
    assert_page_clean(page)
    page.goto(base + "afronden/")
    expect(page.locator("#content-main")).to_contain_text("Afspraak: bevestigd door 1 van 3.")
    assert_page_clean(page)
    page.get_by_label("gevormd: de leden bevestigden").check()
    page.fill("#id_reden", "Goed gesprek")
    page.get_by_role("button", name="Status opslaan").click()
    expect(page.locator(".errornote")).to_contain_text("pas gevormd als elk lid")
    partnerschap.refresh_from_db()
    assert partnerschap.status != PartnerschapStatus.GEVORMD
    assert errors == []


def test_a_reviewer_reads_the_agreement_without_a_button(signed_in, live_server, partnerschap):
    from tests.partnerschappen.afspraken import record

    afspraak = record(partnerschap)
    afspraken.afspraak_submit(afspraak=afspraak)
    reviewer, _created, _pw = staff_user_save(username="bert", role=REVIEWER, first_name="Bert")
    page = signed_in(reviewer)
    url = live_server.url + f"/beheer/partnerschappen/partnerschap/{partnerschap.pk}/afspraak/"
    visit_clean(page, url)
    expect(page.locator("tr.portaal-afspraaklid")).to_have_count(3)
    expect(page.get_by_role("link", name="Nieuwe versie vastleggen…")).to_have_count(0)
    expect(page.get_by_role("button", name="Ter bevestiging voorleggen")).to_have_count(0)
    assert page.goto(url + "vastleggen/").status == 403
    assert Afspraak.objects.count() == 1
