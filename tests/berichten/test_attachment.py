"""A mail's text attachment (a calendar entry): kept while waiting, delivered over real SMTP, then wiped."""
import email
import email.policy

import pytest
from django.core import mail
from django.test import override_settings
from icalendar import Calendar

from berichten.models import Bericht
from berichten.services import Bijlage, bericht_queue
from berichten.tasks import attachment_part, bericht_send

from .helpers import DATABASE_TASKS, run_worker, smtp_settings

ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//NL\r\nMETHOD:REQUEST\r\n"
       "BEGIN:VEVENT\r\nUID:een-gesprek@test\r\nSEQUENCE:3\r\nDTSTAMP:20260101T090000Z\r\n"
       "DTSTART:20260102T090000Z\r\nSUMMARY:Overleg – één tafel\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
CALENDAR = Bijlage(naam="gesprek.ics", type="text/calendar; method=REQUEST; charset=utf-8",
                   inhoud=ICS)


def queue() -> Bericht:
    return bericht_queue(aan="an@example.test", onderwerp="Uitnodiging", tekst="Zie bijlage",
                         html="<p>Zie bijlage</p>", soort="gesprek_uitnodiging", bijlage=CALENDAR)


def test_the_part_keeps_its_content_type_parameters_and_file_name():
    part = attachment_part(naam="gesprek.ics", content_type="text/calendar; method=CANCEL",
                           inhoud=ICS)
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "CANCEL"
    assert part.get_param("charset") == "utf-8"
    assert part.get_filename() == "gesprek.ics"
    assert part.get_payload(decode=True).decode() == ICS


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_a_waiting_mail_holds_its_attachment_and_a_sent_one_no_longer():
    bericht = queue()
    assert (bericht.bijlage_naam, bericht.bijlage_type, bericht.bijlage) == (
        "gesprek.ics", CALENDAR.type, ICS)

    assert bericht_send(bericht.pk) == "verzonden"

    (message,) = mail.outbox
    (part,) = message.attachments
    assert (part.get_filename(), part.get_content_type()) == ("gesprek.ics", "text/calendar")
    assert part.get_payload(decode=True).decode() == ICS
    bericht.refresh_from_db()
    assert (bericht.tekst, bericht.html, bericht.bijlage) == ("", "", "")
    assert bericht.bijlage_naam == "gesprek.ics"  # what was sent stays readable in the admin


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_a_mail_without_attachment_has_none():
    bericht = bericht_queue(aan="an@example.test", onderwerp="O", tekst="T", soort="x")
    bericht_send(bericht.pk)
    assert mail.outbox[0].attachments == []


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_the_calendar_entry_over_smtp(smtp_server):
    smtp_server.start()
    with override_settings(TASKS=DATABASE_TASKS, **smtp_settings(smtp_server.port)):
        bericht = queue()
        run_worker()

    (envelope,) = smtp_server.mailbox.envelopes
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == "Zie bijlage"
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "gesprek.ics"
    [event] = Calendar.from_ical(part.get_payload(decode=True)).events
    assert (str(event["UID"]), event["SEQUENCE"], str(event["SUMMARY"])) == (
        "een-gesprek@test", 3, "Overleg – één tafel")
    bericht.refresh_from_db()
    assert (bericht.status, bericht.bijlage) == ("verzonden", "")
