"""Writes of the review workflow: status changes (detail page and batch action) and notes."""
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .constants import Status
from .models import Notitie, Registratie, StatusWijziging

logger = logging.getLogger(__name__)

MSG_REASON_REQUIRED = _(
    "Geef een reden op waarom de registratie niet ontvankelijk is. "
    "De organisatie en uw collega's moeten die kunnen nalezen."
)
MSG_UNKNOWN_STATUS = _("Kies een geldige status.")
MSG_NOT_BACK_TO_SUBMITTED = _(
    "Een registratie kan niet terug naar ‘ingediend’. Kies ‘in behandeling’ om ze opnieuw "
    "te bekijken."
)
MSG_EMPTY_NOTE = _("Schrijf eerst de tekst van de notitie.")
STATUS_CHANGE_REASON = "Status gewijzigd van ‘{van}’ naar ‘{naar}’"


def _check_status_change(*, registratie: Registratie, status: str, reden: str) -> None:
    if status not in Status.values:
        raise ValidationError(MSG_UNKNOWN_STATUS, code="onbekende_status")
    if status == Status.INGEDIEND and registratie.status != Status.INGEDIEND:
        raise ValidationError(MSG_NOT_BACK_TO_SUBMITTED, code="niet_terug_naar_ingediend")
    if status == Status.NIET_ONTVANKELIJK and not reden.strip():
        raise ValidationError({"reden": MSG_REASON_REQUIRED}, code="reden_vereist")


def registratie_change_status(
    *,
    registratie: Registratie,
    status: str,
    door,
    reden: str = "",
    notify: bool = False,
) -> StatusWijziging | None:
    """Move a registration to ``status`` and record who did it, when, from what and why.

    The one entrance for status changes: the detail page and the batch action both call it.
    Returns None when the registration already has that status (nothing is recorded).
    Raises ValidationError, with nothing saved, when the change is not allowed.
    """
    reden = (reden or "").strip()
    _check_status_change(registratie=registratie, status=status, reden=reden)
    with transaction.atomic():
        locked = Registratie.objects.select_for_update().get(pk=registratie.pk)
        if locked.status == status and locked.status_reden == reden:
            return None
        now = timezone.now()
        wijziging = StatusWijziging(registratie=locked, van=locked.status, naar=status,
                                    reden=reden, door=door, op=now)
        locked.status = status
        locked.status_reden = reden
        locked.status_gewijzigd_op = now
        locked.status_gewijzigd_door = door
        locked._change_reason = STATUS_CHANGE_REASON.format(
            van=Status(wijziging.van).label, naar=Status(status).label)
        locked._history_user = door
        locked.save(update_fields=["status", "status_reden", "status_gewijzigd_op",
                                   "status_gewijzigd_door", "gewijzigd_op"])
        wijziging.save()
    for name in ("status", "status_reden", "status_gewijzigd_op", "status_gewijzigd_door",
                 "gewijzigd_op"):
        setattr(registratie, name, getattr(locked, name))
    if notify:
        _notify(wijziging)
    return wijziging


def registraties_change_status(*, registraties, status: str, door, reden: str = "",
                               notify: bool = False) -> tuple[list[StatusWijziging], int]:
    """The batch form of ``registratie_change_status``: every row changes, or none does.

    Returns the recorded changes and how many rows already had the status. E-mails go out
    only after the whole batch is stored.
    """
    with transaction.atomic():
        results = [registratie_change_status(registratie=registratie, status=status,
                                             door=door, reden=reden)
                   for registratie in registraties]
    changed = [wijziging for wijziging in results if wijziging is not None]
    if notify:
        for wijziging in changed:
            _notify(wijziging)
    return changed, len(results) - len(changed)


def _notify(wijziging: StatusWijziging) -> None:
    if registratie_notify_status(registratie=wijziging.registratie, wijziging=wijziging):
        StatusWijziging.objects.filter(pk=wijziging.pk).update(organisatie_verwittigd=True)
        wijziging.organisatie_verwittigd = True


def registratie_notify_status(*, registratie: Registratie, wijziging: StatusWijziging) -> bool:
    """Tell the organisation its new status by e-mail; a failing mail server is logged."""
    label = Status(wijziging.naar).label
    return services.send_templated_mail(
        template="status_gewijzigd", to=[registratie.contact_email],
        subject=f"Uw registratie {registratie.referentie}: {label}",
        context={"registratie": registratie, "ronde": registratie.ronde,
                 "wijziging": wijziging, "status": label})


def notitie_add(*, registratie: Registratie, auteur, tekst: str) -> Notitie:
    """Append an internal note; notes are never edited through the workflow."""
    tekst = (tekst or "").strip()
    if not tekst:
        raise ValidationError({"tekst": MSG_EMPTY_NOTE}, code="lege_notitie")
    return Notitie.objects.create(registratie=registratie, auteur=auteur, tekst=tekst)
