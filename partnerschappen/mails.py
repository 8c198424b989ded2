"""Every e-mail about a conversation (invitation, update, cancellation, reminder) and the
agreement put to the members for confirmation.

A staff request only queues the mail (berichten) with the data it is made from: the
invitation, the members the recipient may see, its answer link and the conversation as it
was when staff acted. The worker renders the text, the HTML and the calendar entry when it
sends it (``render``, registered in apps.py). Only what the members may read goes in: never
notes, reports or reasons.
"""
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from berichten.models import Bericht
from berichten.rendering import Bijlage, Rendered
from berichten.services import bericht_queue
from registraties.mails import absolute_url
from registraties.models import Registratie

from . import calendar
from .models import Afspraak, Gesprek, Uitnodiging

INVITATION = "gesprek_uitnodiging"
UPDATE = "gesprek_update"
CANCELLATION = "gesprek_annulering"
REMINDER = "gesprek_herinnering"
# Each kind with the name staff read in the Berichten list.
KINDS = {
    INVITATION: _("Uitnodiging voor een gesprek"),
    UPDATE: _("Wijziging van een gesprek"),
    CANCELLATION: _("Annulering van een gesprek"),
    REMINDER: _("Herinnering aan een gesprek"),
}
# What a mail says about the conversation is what it was when staff acted (a later change
# sends its own update): these fields travel with the queued mail.
SNAPSHOT_FIELDS = ("begint_op", "duur_minuten", "plaats", "online_link", "agenda", "volgnummer")

SUBJECTS = {
    INVITATION: "Uitnodiging: gesprek over het partnerschap {naam} op {moment}",
    UPDATE: "Gewijzigd: gesprek over het partnerschap {naam}, nu op {moment}",
    CANCELLATION: "Geannuleerd: gesprek over het partnerschap {naam} op {moment}",
    REMINDER: "Herinnering: laat ons weten of u komt naar het gesprek op {moment}",
}


@dataclass(frozen=True)
class OtherMember:
    """Another member as the recipient may see it: the name, and the contact only with consent."""

    naam: str
    contact: dict | None


def other_members(registraties: list[Registratie], *, recipient: Registratie) -> list[OtherMember]:
    return [OtherMember(naam=r.naam, contact=r.contact_for_partners())
            for r in registraties if r.pk != recipient.pk]


def answer_url(token: str, *, base: str = "") -> str:
    return absolute_url(reverse("partnerschappen:antwoord", args=[token]), base=base)


def moment_text(gesprek: Gesprek) -> str:
    """'dinsdag 14 april 2026 om 10:00' in Brussels time, the way the mails and pages say it."""
    local = timezone.localtime(gesprek.begint_op, calendar.BRUSSELS)
    return f"{date_format(local, 'l j F Y')} om {local:%H:%M}"


def conversation_mail(*, kind: str, uitnodiging: Uitnodiging, gesprek: Gesprek,
                      members: list[Registratie], token: str = "", base: str = "") -> Bericht:
    """Queue one conversation mail to one member; the worker renders it with its calendar entry.

    ``members`` are the partnership's members the recipient may see (the active ones);
    ``token`` is the fresh answer link's token (none for a cancellation).
    """
    registratie = uitnodiging.registratie
    subject = SUBJECTS[kind].format(naam=gesprek.partnerschap.naam, moment=moment_text(gesprek))
    snapshot = {name: getattr(gesprek, name) for name in SNAPSHOT_FIELDS}
    snapshot["begint_op"] = gesprek.begint_op.isoformat()
    return bericht_queue(
        aan=registratie.contact_email, onderwerp=subject, soort=kind,
        gegevens={"registratie": registratie.pk, "uitnodiging": uitnodiging.pk,
                  "gesprek": gesprek.pk, "leden": [member.pk for member in members],
                  "antwoord_url": answer_url(token, base=base) if token else "",
                  "stand": snapshot})


def render(kind: str, gegevens: dict) -> Rendered:
    """Text, HTML and calendar entry of a queued conversation mail (in the worker).

    The conversation as it was queued; the recipient and the other members (their names, and
    their contact details only with their consent) as they are now.
    """
    uitnodiging = (Uitnodiging.objects.select_related("registratie", "gesprek__partnerschap")
                   .get(pk=gegevens["uitnodiging"], gesprek_id=gegevens["gesprek"]))
    gesprek = uitnodiging.gesprek
    stand = dict(gegevens["stand"])
    stand["begint_op"] = datetime.fromisoformat(stand["begint_op"])
    for name, value in stand.items():
        setattr(gesprek, name, value)
    by_pk = Registratie.objects.in_bulk(gegevens["leden"])
    members = [by_pk[pk] for pk in gegevens["leden"] if pk in by_pk]
    registratie = uitnodiging.registratie
    local_start = timezone.localtime(gesprek.begint_op, calendar.BRUSSELS)
    local_end = timezone.localtime(gesprek.eindigt_op, calendar.BRUSSELS)
    context = {
        "kind": kind, "gesprek": gesprek, "partnerschap": gesprek.partnerschap,
        "registratie": registratie, "moment": moment_text(gesprek),
        "start": local_start, "einde": local_end,
        "others": other_members(members, recipient=registratie),
        "antwoord_url": gegevens["antwoord_url"],
        "uitnodiging": uitnodiging,
    }
    method = calendar.CANCEL if kind == CANCELLATION else calendar.REQUEST
    ics = calendar.gesprek_ics(gesprek=gesprek, method=method,
                               attendee_email=registratie.contact_email,
                               attendee_name=registratie.contact_naam)
    return Rendered(
        tekst=render_to_string("partnerschappen/email/gesprek.txt", context),
        html=render_to_string("partnerschappen/email/gesprek.html", context),
        bijlage=Bijlage(naam=calendar.FILE_NAME, type=calendar.content_type(method), inhoud=ics))


# ----- the agreement put to the members (afspraken.afspraak_submit) ---------------------------

AGREEMENT = "afspraak_ter_bevestiging"
AGREEMENT_KINDS = {AGREEMENT: _("Afspraak ter bevestiging")}
AGREEMENT_SUBJECT = "Ter bevestiging: de afspraken van het partnerschap {naam} (versie {nummer})"


def agreement_url(token: str, *, base: str = "") -> str:
    return absolute_url(reverse("partnerschappen:afspraak_bevestigen", args=[token]), base=base)


def agreement_mail(*, afspraak: Afspraak, registratie: Registratie, token: str,
                   base: str = "") -> Bericht:
    """Queue the mail asking one member to confirm ``afspraak`` on its dossier.

    ``token`` is the mail's own link (``afspraken.afspraak_link_issue``): it opens the
    dossier and leaves the edit link alone.
    """
    return bericht_queue(
        aan=registratie.contact_email, soort=AGREEMENT,
        onderwerp=AGREEMENT_SUBJECT.format(naam=afspraak.partnerschap.naam,
                                           nummer=afspraak.nummer),
        gegevens={"registratie": registratie.pk, "afspraak": afspraak.pk,
                  "dossier_url": agreement_url(token, base=base) + "#afspraken"})


def render_agreement(kind: str, gegevens: dict) -> Rendered:
    """Text and HTML of the agreement mail (in the worker): the version as it was queued
    (versions never change), the member's own part and the link."""
    afspraak = Afspraak.objects.select_related("partnerschap").get(pk=gegevens["afspraak"])
    registratie = Registratie.objects.get(pk=gegevens["registratie"])
    leden = list(afspraak.leden.select_related("registratie").order_by("registratie__naam", "pk"))
    context = {"afspraak": afspraak, "partnerschap": afspraak.partnerschap,
               "registratie": registratie, "leden": leden,
               "eigen": next((lid for lid in leden if lid.registratie_id == registratie.pk), None),
               "dossier_url": gegevens["dossier_url"]}
    return Rendered(tekst=render_to_string("partnerschappen/email/afspraak.txt", context),
                    html=render_to_string("partnerschappen/email/afspraak.html", context))
