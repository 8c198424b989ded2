"""Retention: personal data of rounds closed longer ago than the privacy statement allows."""
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from verkenning.models import Ronde

from .models import CONTACT_FIELDS, Registratie

# The privacy statement (templates/verkenning/privacy.html) promises at most five years.
RETENTION_YEARS = 5
ANONYMISED_EMAIL = "geanonimiseerd@invalid"


@dataclass(frozen=True)
class RetentionResult:
    rondes: list[str]
    registraties: int
    history_rows: int


def rondes_past_retention(*, years: int = RETENTION_YEARS, now=None):
    now = now or timezone.now()
    return Ronde.objects.filter(sluit_op__lt=now - timedelta(days=365 * years))


def personal_data_anonymise(*, years: int = RETENTION_YEARS, dry_run: bool = True,
                            now=None) -> RetentionResult:
    """Blank the contact person of every registration (and its history) in old rounds.

    The organisations' own answers stay: they are no personal data and the rounds' figures
    remain useful. Idempotent; with ``dry_run`` it only counts.
    """
    rondes = list(rondes_past_retention(years=years, now=now))
    registraties = Registratie.objects.filter(ronde__in=rondes).exclude(
        contact_email=ANONYMISED_EMAIL)
    history = Registratie.history.filter(ronde__in=rondes).exclude(
        contact_email=ANONYMISED_EMAIL)
    result = RetentionResult(rondes=[r.titel for r in rondes],
                             registraties=registraties.count(), history_rows=history.count())
    if dry_run:
        return result
    contact_person_blank(registraties=registraties, history=history)
    return result


def contact_person_blank(*, registraties, history) -> tuple[int, int]:
    """Wipe the contact person from these registrations and history rows; the one place
    that says how (retention and an erasure request both use it).

    The contact fields are blanked (the e-mail becomes ``ANONYMISED_EMAIL``) and the edit
    links die. Returns the number of registrations and of history rows changed.
    """
    blank = {name: "" for name in CONTACT_FIELDS} | {"contact_email": ANONYMISED_EMAIL}
    with transaction.atomic():
        # update(): no new history rows that would copy the data once more.
        changed = registraties.update(wijzig_token_hash=None, **blank)
        changed_history = history.update(**blank)
    return changed, changed_history
