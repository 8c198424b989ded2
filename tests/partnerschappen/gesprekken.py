"""A partnership of three with a planned conversation, and readers of the mails it queues."""
from datetime import timedelta
from email import message_from_bytes

from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from partnerschappen import gesprekken
from partnerschappen.models import Gesprek, Partnerschap


def in_days(days: int, hour: int = 10):
    """A moment ``days`` from now at ``hour`` o'clock Brussels time."""
    local = timezone.localtime(timezone.now() + timedelta(days=days))
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def plan(partnerschap: Partnerschap, **overrides) -> Gesprek:
    values = {"begint_op": in_days(7), "duur_minuten": 90, "plaats": "Koning Albert II-laan 35, "
              "Brussel", "online_link": "", "agenda": "", **overrides}
    return gesprekken.gesprek_plan(partnerschap=partnerschap, **values)


def answer_token(message) -> str:
    """The answer link's token from a mail's text (the only place it exists in clear)."""
    marker = "/gesprek/"
    start = message.body.index(marker) + len(marker)
    return message.body[start:message.body.index("/", start)]


def calendar_of(message) -> Calendar:
    """The .ics attachment as the member's mail program receives it, parsed by icalendar."""
    parsed = message_from_bytes(message.message().as_bytes())
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


def calendar_part(message):
    parsed = message_from_bytes(message.message().as_bytes())
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    return part


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]
