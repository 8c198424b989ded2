"""Every e-mail about a registration: confirmation, staff notice, new edit link, status change.

A request only queues a mail (berichten) with the data it is made from; the worker renders it
from the templates when it sends it (``render``, registered in apps.py), and retries when the
mail server is down. So no request renders mail templates or waits on a mail server, and no
mail is lost.
"""
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from berichten.services import berichten_queue
from portaal.context_processors import contact_context

from .constants import RegistratieStatus
from .models import Registratie, StatusWijziging
from .selectors import registratie_answer_sections

BEVESTIGING, NOTIFICATIE, NIEUWE_LINK, STATUS_GEWIJZIGD = (
    "bevestiging", "notificatie", "nieuwe_link", "status_gewijzigd")
# Each kind with the name staff read in the Berichten list.
KINDS = {
    BEVESTIGING: _("Bevestiging van een registratie"),
    NOTIFICATIE: _("Melding van een nieuwe registratie aan ESF&DO"),
    NIEUWE_LINK: _("Nieuwe wijzigingslink"),
    STATUS_GEWIJZIGD: _("Nieuwe status van een registratie"),
}


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


def _mail(kind: str, *, to: str, subject: str, registratie: Registratie, **gegevens) -> dict:
    return {"aan": to, "onderwerp": subject, "soort": kind,
            "gegevens": {"registratie": registratie.pk, **gegevens}}


def registratie_mails_after_submit(*, registratie: Registratie, token: str, request=None) -> None:
    """Queue the confirmation with the private edit link, and ESF&DO's notice, in one go."""
    mails = [_mail(BEVESTIGING, to=registratie.contact_email, registratie=registratie,
                   wijzig_url=edit_url(token, request),
                   subject=f"Bevestiging van uw registratie {registratie.referentie} – "
                           f"{registratie.ronde.titel}")]
    if settings.ESFDO_MAILBOX:
        mails.append(_mail(
            NOTIFICATIE, to=settings.ESFDO_MAILBOX, registratie=registratie,
            beheer_url=absolute_url(reverse("admin:registraties_registratie_change",
                                            args=[registratie.pk]), request),
            subject=f"Nieuwe registratie {registratie.referentie}: {registratie.naam}"))
    berichten_queue(mails)


def registratie_send_new_link(*, registratie: Registratie, token: str, request=None,
                              base: str = "") -> None:
    berichten_queue([_mail(NIEUWE_LINK, to=registratie.contact_email, registratie=registratie,
                           wijzig_url=edit_url(token, request, base=base),
                           subject=f"Uw nieuwe wijzigingslink voor {registratie.referentie}")])


def registratie_notify_status(*, registratie: Registratie, wijziging: StatusWijziging) -> bool:
    """Queue the mail that tells the organisation its new status."""
    label = RegistratieStatus(wijziging.naar).label
    berichten_queue([_mail(STATUS_GEWIJZIGD, to=registratie.contact_email,
                           registratie=registratie, wijziging=wijziging.pk,
                           subject=f"Uw registratie {registratie.referentie}: {label}")])
    return True


def render(kind: str, gegevens: dict) -> tuple[str, str]:
    """Text and HTML of a queued mail, as the registration is when the worker sends it."""
    registratie = Registratie.objects.select_related("ronde").get(pk=gegevens["registratie"])
    context = {**gegevens, **contact_context(), "registratie": registratie, "ronde": registratie.ronde}
    if kind == BEVESTIGING:
        context["answer_sections"] = registratie_answer_sections(registratie)
    elif kind == STATUS_GEWIJZIGD:
        wijziging = StatusWijziging.objects.get(pk=gegevens["wijziging"],
                                                registratie=registratie)
        context.update(wijziging=wijziging, status=RegistratieStatus(wijziging.naar).label)
    return (render_to_string(f"registraties/email/{kind}.txt", context),
            render_to_string(f"registraties/email/{kind}.html", context))
