"""A coordinator takes a suggested partnership to the table, a member answers from its mail.

Real Chromium, real queue: the mails wait as Bericht rows (database backend, no worker), the
member's link is read from its queued mail and the calendar entry parsed back with icalendar.
"""
import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from berichten import rendering
from berichten.models import Bericht
from medewerkers.roles import COORDINATOR, REVIEWER, staff_user_save
from partnerschappen.models import Gesprek, Partnerschap, Uitnodiging
from partnerschappen.suggestions import suggest_partnerships
from registraties.models import Registratie
from tests.berichten.helpers import DATABASE_TASKS
from tests.factories import make_registraties
from verkenning.models import Ronde

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Proef-wachtwoord-2021!"
LINK = re.compile(r"https?://[^/\s]+(/gesprek/[A-Za-z0-9_-]+/)")

expect.set_options(timeout=10_000)


@pytest.fixture
def ronde(live_server):
    now = timezone.now()
    ronde = Ronde.objects.create(titel="Verkenningsronde (gesprekken)", slug="e2e-gesprekken",
                                 opent_op=now - timedelta(days=10),
                                 sluit_op=now + timedelta(days=20), referentie_prefix="GES")
    make_registraties(ronde, 24, seed=11)
    Registratie.objects.filter(ronde=ronde).update(status="ontvankelijk")
    return ronde


@pytest.fixture(autouse=True)
def _database_queue():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def login(recording, live_server, user):
    page = recording().page
    page.goto(live_server.url + "/beheer/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator('#login-form input[type="submit"]').click()
    expect(page).to_have_url(live_server.url + "/beheer/")
    return page


def test_coordinator_plans_and_invites_and_a_member_answers_through_its_mail(
        recording, live_server, ronde):
    coordinator, _created, _pw = staff_user_save(username="cora", role=COORDINATOR,
                                                 password=PASSWORD, first_name="Cora")
    page = login(recording, live_server, coordinator)
    errors = []
    page.on("response", lambda r: errors.append(r.url) if r.status >= 500 else None)

    # A suggested partnership, one click.
    suggestion = suggest_partnerships(ronde=ronde)[0]
    page.goto(live_server.url + f"/beheer/partnerschappen/partnerschap/suggesties/?ronde={ronde.pk}")
    page.locator("section.suggestie").first.get_by_role(
        "button", name="Maak hiervan een partnerschap").click()
    expect(page).to_have_url(re.compile(r"/partnerschappen/partnerschap/\d+/change/"))
    partnerschap = Partnerschap.objects.get()
    expect(page.locator("#gesprekken")).to_contain_text("Nog geen gesprek gepland.")

    # Plan the conversation: a typo first (a past date), then right.
    page.get_by_role("link", name="Gesprek plannen").click()
    expect(page.locator("#id_agenda")).to_contain_text("vier acties")
    day = timezone.localtime(timezone.now() + timedelta(days=14)).date()
    page.fill("#id_datum", "2020-03-01")
    page.fill("#id_tijd", "14:30")
    page.fill("#id_duur_minuten", "90")
    page.fill("#id_plaats", "Koning Albert II-laan 35, 1030 Brussel")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#id_datum_fout")).to_have_text(
        "Kies een moment in de toekomst: een gesprek plant u vooraf.")
    expect(page.locator("#id_plaats")).to_have_value("Koning Albert II-laan 35, 1030 Brussel")
    page.fill("#id_datum", day.isoformat())
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Gesprek gepland op")
    gesprek = Gesprek.objects.get()
    local = timezone.localtime(gesprek.begint_op)
    assert (local.date(), local.hour, local.minute) == (day, 14, 30)

    # One click invites everyone.
    page.get_by_role("button", name="Uitnodigen").click()
    expect(page.locator("ul.messagelist")).to_contain_text(f"{suggestion.size} leden uitgenodigd")
    rows = page.locator("#gesprekken tr.portaal-uitnodiging")
    expect(rows).to_have_count(suggestion.size)
    expect(page.locator("#gesprekken")).to_contain_text(f"{suggestion.size} nog niet geantwoord")
    partnerschap.refresh_from_db()
    assert partnerschap.status == "in_gesprek"

    # The member's mail waits in the queue as data; what the worker will write from it holds
    # the link and the calendar entry.
    member = Registratie.objects.get(pk=suggestion.members[0])
    bericht = Bericht.objects.get(aan=member.contact_email, soort="gesprek_uitnodiging")
    assert (bericht.status, bericht.tekst) == ("wachtend", "")
    mail = rendering.render(bericht.soort, bericht.gegevens)
    path = LINK.search(mail.tekst).group(1)
    [event] = Calendar.from_ical(mail.bijlage.inhoud).events
    assert event.start == gesprek.begint_op and str(event.start.tzinfo) == "Europe/Brussels"
    assert str(event["UID"]) == gesprek.agenda_uid

    # The member answers in its own browser, without JavaScript.
    member_page = recording(java_script_enabled=False).page
    member_page.goto(live_server.url + path)
    expect(member_page.locator("h1")).to_have_text("Komt u naar het gesprek?")
    expect(member_page.locator("main")).to_contain_text(partnerschap.naam)
    member_page.get_by_role("button", name="Ik stel een ander moment voor").click()
    expect(member_page.locator("#id_opmerking_fout")).to_contain_text("welk ander moment")
    member_page.fill("#id_opmerking", "Liever <b>donderdag</b> in de voormiddag.")
    member_page.get_by_role("button", name="Ik stel een ander moment voor").click()
    expect(member_page.locator("main")).to_contain_text("Bedankt, uw antwoord is bewaard.")
    expect(member_page.locator("#huidig-antwoord")).to_contain_text("stelt een ander moment voor")
    # ... and changes its mind.
    member_page.get_by_role("button", name="Ik kom", exact=True).click()
    expect(member_page.locator("#huidig-antwoord")).to_contain_text("Uw antwoord: komt")

    # The coordinator sees who comes, and reminds the others once.
    page.reload()
    member_row = rows.filter(has_text=member.naam)
    expect(member_row.locator(".portaal-antwoord")).to_have_text("komt")
    other = Registratie.objects.get(pk=suggestion.members[1])
    page.get_by_role("button", name=f"Herinnering sturen aan {other.naam}").click()
    expect(page.locator("ul.messagelist")).to_contain_text("1 herinnering verstuurd.")
    expect(page.get_by_role("button", name=f"Herinnering sturen aan {other.naam}")).to_have_count(0)
    assert Bericht.objects.filter(aan=other.contact_email, soort="gesprek_herinnering").count() == 1

    # A new time: everyone already invited gets the update, same calendar entry, next version.
    page.get_by_role("link", name="Datum of gegevens wijzigen").click()
    page.fill("#id_tijd", "10:00")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Het gesprek is gewijzigd.")
    update = Bericht.objects.get(aan=member.contact_email, soort="gesprek_update")
    [event] = Calendar.from_ical(rendering.render(update.soort, update.gegevens).bijlage.inhoud).events
    assert (str(event["UID"]), event["SEQUENCE"], event.start.hour) == (gesprek.agenda_uid, 1, 10)
    assert Uitnodiging.objects.get(gesprek=gesprek, registratie=member).antwoord == ""
    assert errors == []


def test_a_reviewer_reads_the_conversation_but_finds_no_button(recording, live_server, ronde):
    from partnerschappen import gesprekken, services

    registraties = list(Registratie.objects.filter(ronde=ronde).order_by("pk")[:3])
    partnerschap = services.partnerschap_create(ronde=ronde, naam="Leesbaar", registraties=registraties)
    gesprek = gesprekken.gesprek_plan(partnerschap=partnerschap,
                                    begint_op=timezone.now() + timedelta(days=5),
                                    duur_minuten=60, plaats="Gent")
    gesprekken.gesprek_invite(gesprek=gesprek)
    reviewer, _created, _pw = staff_user_save(username="bert", role=REVIEWER, password=PASSWORD,
                                              first_name="Bert")
    page = login(recording, live_server, reviewer)

    page.locator(".portaal-tile", has_text="Partnerschappen").click()
    page.locator("#result_list").get_by_role("link", name="Leesbaar").click()
    expect(page.locator("#gesprekken tr.portaal-uitnodiging")).to_have_count(3)
    expect(page.get_by_role("button", name="Uitnodigen")).to_have_count(0)
    expect(page.get_by_role("link", name="Gesprek plannen")).to_have_count(0)
    expect(page.get_by_role("link", name="Gesprek annuleren")).to_have_count(0)
    response = page.goto(live_server.url + f"/beheer/partnerschappen/partnerschap/"
                         f"{partnerschap.pk}/gesprek/plannen/")
    assert response.status == 403
