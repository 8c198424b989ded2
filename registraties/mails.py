"""Every e-mail about a registration: confirmation, staff notice, new edit link, status change."""
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .constants import RegistratieStatus
from .models import Registratie, StatusWijziging
from .selectors import registratie_answer_sections

logger = logging.getLogger(__name__)


def absolute_url(path: str, request=None) -> str:
    """``path`` on the portal's public address (PORTAAL_URL), else on the request's host."""
    if settings.PORTAAL_URL:
        return settings.PORTAAL_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def edit_url(token: str, request=None) -> str:
    return absolute_url(reverse("registraties:wijzigen", args=[token]), request)


def send_templated_mail(*, template: str, subject: str, to: list[str], context: dict) -> bool:
    """Send one text+HTML mail; a failing mail server is logged, never raised."""
    text = render_to_string(f"registraties/email/{template}.txt", context)
    html = render_to_string(f"registraties/email/{template}.html", context)
    # A header may not hold a line break; visitor text in the subject must not break the mail.
    subject = " ".join(subject.split())
    try:
        message = EmailMultiAlternatives(subject=subject, body=text, to=to)
        message.attach_alternative(html, "text/html")
        message.send()
    except (smtplib.SMTPException, OSError, ValueError):
        # The registration is already saved; a mail problem must not turn into an error page.
        logger.exception("E-mail '%s' kon niet verstuurd worden naar %s", template, to)
        return False
    return True


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


def registratie_send_new_link(*, registratie: Registratie, token: str, request=None) -> bool:
    return send_templated_mail(
        template="nieuwe_link", to=[registratie.contact_email],
        subject=f"Uw nieuwe wijzigingslink voor {registratie.referentie}",
        context={"registratie": registratie, "ronde": registratie.ronde,
                 "wijzig_url": edit_url(token, request)})


def registratie_notify_status(*, registratie: Registratie, wijziging: StatusWijziging) -> bool:
    """Tell the organisation its new status by e-mail; a failing mail server is logged."""
    label = RegistratieStatus(wijziging.naar).label
    return send_templated_mail(
        template="status_gewijzigd", to=[registratie.contact_email],
        subject=f"Uw registratie {registratie.referentie}: {label}",
        context={"registratie": registratie, "ronde": registratie.ronde,
                 "wijziging": wijziging, "status": label})
