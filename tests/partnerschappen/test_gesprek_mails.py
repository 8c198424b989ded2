"""Invitation, update, cancellation and reminder mails: content, .ics read back, consent rule."""
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings

from berichten.models import Bericht
from berichten.tasks import bericht_send
from partnerschappen import gesprekken
from partnerschappen.constants import Antwoord, PartnerschapStatus
from partnerschappen.models import Uitnodiging
from tests.berichten.helpers import DATABASE_TASKS

from .gesprekken import calendar_of, calendar_part, in_days, mails_to, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(trio):
    gesprek = plan(trio, begint_op=in_days(10, hour=14), online_link="https://meet.example.test/bouw")
    mail.outbox.clear()
    gesprekken.gesprek_invite(gesprek=gesprek, base="https://portaal.example.test")
    return gesprek


def test_inviting_mails_every_member_once_in_text_and_html_and_moves_the_partnership(invited, trio):
    assert sorted(m.to[0] for m in mail.outbox) == ["an@bouw.test", "bert@install.test",
                                                    "carla@geheim.test"]
    message = mails_to("bert@install.test")[0]
    assert message.subject.startswith("Uitnodiging: gesprek over het partnerschap Bouw en "
                                      "installatie op ")
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "Bouw en installatie" in text
        assert "https://meet.example.test/bouw" in text
        assert "(Belgische tijd, 90 minuten)" in text
        assert "https://portaal.example.test/gesprek/" in text
        # The default agenda names the basis and the call's four actions.
        assert "gelijkaardige competentie-uitdagingen" in text
    trio.refresh_from_db()
    assert trio.status == PartnerschapStatus.IN_GESPREK
    assert Uitnodiging.objects.filter(gesprek=invited).count() == 3
    # Nothing was sent or rendered in the request: every mail is a queued Bericht, written
    # (with its calendar entry) by the worker and forgotten once sent.
    assert set(Bericht.objects.filter(soort="gesprek_uitnodiging").values_list(
        "status", "tekst", "bijlage", "gegevens")) == {("verzonden", "", "", None)}
    assert all(calendar_part(message).get_filename() == "gesprek.ics" for message in mail.outbox)


@override_settings(TASKS=DATABASE_TASKS)
def test_the_staff_request_only_queues_the_data_and_the_worker_renders_mail_and_calendar(trio):
    gesprek = plan(trio, begint_op=in_days(10, hour=14), plaats="Gent, zaal 2")
    gesprekken.gesprek_invite(gesprek=gesprek, base="https://portaal.example.test")
    queued = Bericht.objects.get(aan="carla@geheim.test")
    assert (queued.tekst, queued.html, queued.bijlage) == ("", "", "")
    assert queued.gegevens["stand"]["plaats"] == "Gent, zaal 2"
    assert queued.gegevens["antwoord_url"].startswith("https://portaal.example.test/gesprek/")
    assert mail.outbox == []
    # Staff move the conversation before the worker got to the invitation: the invitation
    # still says what it said when it was queued; the update that follows says the rest.
    gesprekken.gesprek_update(gesprek=gesprek, begint_op=in_days(11, hour=9), duur_minuten=60,
                            plaats="Leuven", online_link="", agenda=gesprek.agenda)

    assert bericht_send(queued.pk) == "verzonden"

    (message,) = mail.outbox
    assert "Gent, zaal 2" in message.body and "Leuven" not in message.body
    assert "Bouwfonds Oost vzw" in message.body and "An Aerts" in message.body
    [event] = calendar_of(message).events
    assert (event["SEQUENCE"], event.start.hour) == (0, 14)
    assert str(event["ATTENDEE"]) == "mailto:carla@geheim.test"
    queued.refresh_from_db()
    assert (queued.gegevens, queued.bijlage) == (None, "")


def test_other_members_contact_details_appear_only_with_their_consent(invited):
    to_carla = mails_to("carla@geheim.test")[0]
    to_an = mails_to("an@bouw.test")[0]
    for text in (to_carla.body, to_carla.alternatives[0][0]):
        assert "Bouwfonds Oost vzw" in text and "An Aerts" in text and "an@bouw.test" in text
        assert "09 111 11 11" in text
        assert "Carla Claes" not in text.split("andere leden")[1]  # not listed among the others
    for text in (to_an.body, to_an.alternatives[0][0]):
        assert "Geheim Netwerk vzw" in text  # its name, as a member
        assert "Carla Claes" not in text and "carla@geheim.test" not in text
        assert "03 333 33 33" not in text
        assert "Bert Bos" in text and "bert@install.test" in text


def test_the_calendar_entry_is_one_event_in_brussels_time_for_this_member(invited):
    message = mails_to("an@bouw.test")[0]
    part = calendar_part(message)
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "gesprek.ics"
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.events
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Brussels"]
    assert event.start == invited.begint_op
    assert str(event.start.tzinfo) == "Europe/Brussels"
    assert event.start.hour == 14
    assert event.end - event.start == timedelta(minutes=90)
    assert str(event["UID"]) == invited.agenda_uid
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ATTENDEE"]) == "mailto:an@bouw.test"
    assert str(event["ORGANIZER"]) == "mailto:esfdo@example.test"
    assert "https://meet.example.test/bouw" in str(event["LOCATION"])
    # The private answer link never lands in a calendar, which colleagues may read.
    assert "/gesprek/" not in calendar.to_ical().decode()


def test_a_new_date_updates_everyone_with_the_same_uid_and_a_higher_sequence(invited):
    an = Uitnodiging.objects.get(gesprek=invited, registratie__contact_email="an@bouw.test")
    gesprekken.uitnodiging_answer(uitnodiging=an, antwoord=Antwoord.KOMT)
    mail.outbox.clear()
    new_start = in_days(12, hour=9)

    changed, sent = gesprekken.gesprek_update(
        gesprek=invited, begint_op=new_start, duur_minuten=60, plaats="", agenda=invited.agenda,
        online_link=invited.online_link)

    assert (changed, sent) == (True, 3)
    message = mails_to("an@bouw.test")[0]
    assert message.subject.startswith("Gewijzigd: gesprek over het partnerschap")
    assert "vervangt de vorige in uw agenda" in message.body
    [event] = calendar_of(message).events
    assert str(event["UID"]) == invited.agenda_uid
    assert event["SEQUENCE"] == 1
    assert event.start == new_start and event.end - event.start == timedelta(minutes=60)
    # The member said it would come at the old time: it is asked again.
    an.refresh_from_db()
    assert (an.antwoord, an.beantwoord_op) == ("", None)
    assert an.history.filter(antwoord=Antwoord.KOMT).exists()


def test_saving_without_a_change_sends_nothing(invited):
    mail.outbox.clear()
    assert gesprekken.gesprek_update(gesprek=invited, begint_op=invited.begint_op,
                                   duur_minuten=invited.duur_minuten, plaats=invited.plaats,
                                   online_link=invited.online_link,
                                   agenda=invited.agenda) == (False, 0)
    assert mail.outbox == []


def test_a_cancellation_removes_the_entry_from_every_calendar(invited):
    mail.outbox.clear()

    assert gesprekken.gesprek_cancel(gesprek=invited) == 3

    assert len(mail.outbox) == 3
    message = mails_to("bert@install.test")[0]
    assert message.subject.startswith("Geannuleerd: gesprek over het partnerschap")
    assert "gaat niet door" in message.body
    assert "/gesprek/" not in message.body  # no answer link for a cancelled conversation
    assert calendar_part(message).get_param("method") == "CANCEL"
    calendar = calendar_of(message)
    [event] = calendar.events
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == invited.agenda_uid
    assert event["SEQUENCE"] == 1


def test_mails_never_carry_internal_notes_report_or_reasons(invited, trio):
    trio.notities = "INTERN-NOTITIE"
    trio.save()
    gesprekken.gesprek_save_report(gesprek=invited, verslag="INTERN-VERSLAG")
    bert = trio.lidmaatschappen.get(registratie__contact_email="bert@install.test")
    mail.outbox.clear()
    gesprekken.lidmaatschap_drop(lidmaatschap=bert, reden="INTERN-REDEN")
    gesprekken.gesprek_update(gesprek=invited, begint_op=in_days(11), duur_minuten=90, plaats="Gent",
                            online_link="", agenda=invited.agenda)
    gesprekken.gesprek_cancel(gesprek=invited)
    assert mail.outbox
    for message in mail.outbox:
        whole = message.message().as_string()
        for secret in ("INTERN-NOTITIE", "INTERN-VERSLAG", "INTERN-REDEN"):
            assert secret not in whole and secret not in message.body


def test_a_member_that_drops_gets_a_cancellation_and_leaves_the_others_mails(invited, trio):
    bert = trio.lidmaatschappen.get(registratie__contact_email="bert@install.test")
    mail.outbox.clear()

    gesprekken.lidmaatschap_drop(lidmaatschap=bert, reden="Geen tijd dit najaar.")

    [cancel] = mail.outbox
    assert cancel.to == ["bert@install.test"]
    assert calendar_of(cancel)["METHOD"] == "CANCEL"
    assert not Uitnodiging.objects.filter(gesprek=invited, ingetrokken=False,
                                          registratie=bert.registratie).exists()
    mail.outbox.clear()
    gesprekken.gesprek_update(gesprek=invited, begint_op=in_days(11), duur_minuten=90,
                            plaats="Gent", online_link="", agenda=invited.agenda)
    assert sorted(m.to[0] for m in mail.outbox) == ["an@bouw.test", "carla@geheim.test"]
    assert "Installatiefederatie" not in mails_to("an@bouw.test")[0].body
