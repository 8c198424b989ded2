"""Every e-mail about a registration: confirmation, staff notice, new edit link, status change.

A mail is rendered here and queued (berichten); a worker sends it and retries when the mail
server is down, so no request waits on a mail server and no mail is lost.
"""
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from berichten.services import bericht_queue

from .constants import RegistratieStatus
from .models import Registratie, StatusWijziging
from .selectors import registratie_answer_sections


def base_url(request=None) -> str:
    """The portal's public address (PORTAAL_URL), else the request's scheme and host.

    A worker has no request: what it mails gets this address from the request that asked.
    """
    if settings.PORTAAL_URL:
        return settings.PORTAAL_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def absolute_url(path: str, request=None, *, base: str = "") -> str:
    """``path`` on the portal's public address (PORTAAL_URL), else on the request's host."""
    return (base or base_url(request)) + path


def edit_url(token: str, request=None, *, base: str = "") -> str:
    return absolute_url(reverse("registraties:wijzigen", args=[token]), request, base=base)


def send_templated_mail(*, template: str, subject: str, to: list[str], context: dict) -> bool:
    """Render one text+HTML mail per recipient and queue it, on the caller's transaction.

    Nothing is sent here: a failing mail server can neither slow down nor break the caller.
    Returns True once the mail is queued.
    """
    text = render_to_string(f"registraties/email/{template}.txt", context)
    html = render_to_string(f"registraties/email/{template}.html", context)
    for recipient in to:
        bericht_queue(aan=recipient, onderwerp=subject, tekst=text, html=html, soort=template)
    return bool(to)


def registratie_send_confirmation(*, registratie: Registratie, token: str, request=None) -> bool:
    context = {"registratie": registratie, "ronde": registratie.ronde,
               "answer_sections": registratie_answer_sections(registratie),
               "wijzig_url": edit_url(token, request)}
    return send_templated_mail(
        template="bevestiging", to=[registratie.contact_email], context=context,
        subject=f"Bevestiging van uw registratie {registratie.referentie} – "
                f"{registratie.ronde.titel}")


def registratie_notify_staff(*, registratie: Registratie, request=None) -> bool:
    if not settings.ESFDO_MAILBOX:
        return False
    context = {"registratie": registratie, "ronde": registratie.ronde,
               "beheer_url": absolute_url(reverse("admin:registraties_registratie_change",
                                                  args=[registratie.pk]), request)}
    return send_templated_mail(
        template="notificatie", to=[settings.ESFDO_MAILBOX], context=context,
        subject=f"Nieuwe registratie {registratie.referentie}: {registratie.naam}")


def registratie_send_new_link(*, registratie: Registratie, token: str, request=None,
                              base: str = "") -> bool:
    return send_templated_mail(
        template="nieuwe_link", to=[registratie.contact_email],
        subject=f"Uw nieuwe wijzigingslink voor {registratie.referentie}",
        context={"registratie": registratie, "ronde": registratie.ronde,
                 "wijzig_url": edit_url(token, request, base=base)})


def registratie_notify_status(*, registratie: Registratie, wijziging: StatusWijziging) -> bool:
    """Queue the mail that tells the organisation its new status."""
    label = RegistratieStatus(wijziging.naar).label
    return send_templated_mail(
        template="status_gewijzigd", to=[registratie.contact_email],
        subject=f"Uw registratie {registratie.referentie}: {label}",
        context={"registratie": registratie, "ronde": registratie.ronde,
                 "wijziging": wijziging, "status": label})
