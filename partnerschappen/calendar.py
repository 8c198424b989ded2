"""The conversation as an iCalendar entry (.ics): one event, Brussels time, replaced by updates."""
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Gesprek

BRUSSELS = ZoneInfo("Europe/Brussels")
REQUEST = "REQUEST"  # an invitation, or an update of it (a higher SEQUENCE replaces it)
CANCEL = "CANCEL"
FILE_NAME = "gesprek.ics"
PRODUCT = "-//ESF&DO//Competentiechecks portaal//NL"


def content_type(method: str) -> str:
    return f"text/calendar; method={method}; charset=utf-8"


def organizer_address() -> str:
    """ESF&DO's mailbox, which organises every conversation."""
    return settings.ESFDO_MAILBOX or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def summary(gesprek: Gesprek) -> str:
    return f"Gesprek partnerschap {gesprek.partnerschap.naam} (ESF&DO competentiechecks)"


def gesprek_ics(*, gesprek: Gesprek, method: str, attendee_email: str, attendee_name: str = "",
                now=None) -> str:
    """One VEVENT for one member, with its VTIMEZONE; UID and SEQUENCE come from the conversation.

    The private answer link stays out: calendars are often shared with colleagues.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", gesprek.agenda_uid)
    event.add("sequence", gesprek.volgnummer)
    event.add("dtstamp", now or timezone.now())
    event.add("dtstart", timezone.localtime(gesprek.begint_op, BRUSSELS))
    event.add("dtend", timezone.localtime(gesprek.eindigt_op, BRUSSELS))
    event.add("summary", summary(gesprek))
    location = ", ".join(part for part in (gesprek.plaats, gesprek.online_link) if part)
    event.add("location", location)
    if gesprek.online_link:
        event.add("url", gesprek.online_link)
    event.add("description", gesprek.agenda)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{organizer_address()}")
    organizer.params["cn"] = vText("ESF&DO competentiechecks")
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    if attendee_name:
        attendee.params["cn"] = vText(attendee_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    # Members answer through their personal link, not by a calendar reply.
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
