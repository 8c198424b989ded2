"""The review workflow: which statuses wait for a reviewer, which changes are allowed, and its writes."""
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import mails
from .constants import RegistratieStatus
from .models import Notitie, Registratie, StatusWijziging

logger = logging.getLogger(__name__)

# Waiting for a reviewer ("Te beoordelen"), and judged.
TO_REVIEW = (RegistratieStatus.INGEDIEND, RegistratieStatus.IN_BEHANDELING)
DECIDED = (RegistratieStatus.ONTVANKELIJK, RegistratieStatus.NIET_ONTVANKELIJK)
REFUSED = RegistratieStatus.NIET_ONTVANKELIJK

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
REOPENED_AFTER_EDIT = "De organisatie wijzigde haar antwoorden na de beoordeling."


def to_review(queryset: QuerySet) -> QuerySet:
    return queryset.filter(status__in=TO_REVIEW)


def eligible(queryset: QuerySet) -> QuerySet:
    """Registrations not refused: candidates for partnerships."""
    return queryset.exclude(status=REFUSED)


def status_choices() -> list[tuple[str, str]]:
    """The statuses staff can set: every status but ‘ingediend’, which only a submission sets."""
    return [(code, label) for code, label in RegistratieStatus.choices
            if code != RegistratieStatus.INGEDIEND]


def status_choices_for(current: str) -> list[tuple[str, str]]:
    """The statuses offered for one registration: those staff can set, and its own current
    status (preselected, so sending the page unchanged changes nothing)."""
    choices = status_choices()
    if current not in dict(choices):
        choices = [(current, RegistratieStatus(current).label), *choices]
    return choices


def reason_required(status: str) -> bool:
    return status == REFUSED


def check_status_change(*, registratie: Registratie, status: str, reden: str) -> None:
    """Raises the ValidationError ``registratie_change_status`` would raise; saves nothing."""
    if status not in RegistratieStatus.values:
        raise ValidationError(MSG_UNKNOWN_STATUS, code="onbekende_status")
    if status not in dict(status_choices()) and registratie.status != status:
        raise ValidationError(MSG_NOT_BACK_TO_SUBMITTED, code="niet_terug_naar_ingediend")
    if reason_required(status) and not reden.strip():
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

    The one entrance for status changes: the detail page, the batch action and an
    organisation's edit after a decision all call it. Returns None when the registration
    already has that status (nothing is recorded). Raises ValidationError, with nothing
    saved, when the change is not allowed.
    """
    reden = (reden or "").strip()
    check_status_change(registratie=registratie, status=status, reden=reden)
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
            van=RegistratieStatus(wijziging.van).label, naar=RegistratieStatus(status).label)
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


def registratie_reopen_after_edit(*, registratie: Registratie) -> StatusWijziging | None:
    """A judgement on answers that changed since no longer holds: back to the reviewers."""
    if registratie.status not in DECIDED:
        return None
    return registratie_change_status(registratie=registratie,
                                     status=RegistratieStatus.IN_BEHANDELING, door=None,
                                     reden=REOPENED_AFTER_EDIT)


def _notify(wijziging: StatusWijziging) -> None:
    # "Verwittigd" means the mail is queued; the worker delivers it and retries when the
    # mail server is down. Mail and mark are saved together.
    with transaction.atomic():
        if mails.registratie_notify_status(registratie=wijziging.registratie,
                                           wijziging=wijziging):
            StatusWijziging.objects.filter(pk=wijziging.pk).update(organisatie_verwittigd=True)
            wijziging.organisatie_verwittigd = True


def notitie_add(*, registratie: Registratie, auteur, tekst: str) -> Notitie:
    """Append an internal note; notes are never edited through the workflow."""
    tekst = (tekst or "").strip()
    if not tekst:
        raise ValidationError({"tekst": MSG_EMPTY_NOTE}, code="lege_notitie")
    return Notitie.objects.create(registratie=registratie, auteur=auteur, tekst=tekst)
