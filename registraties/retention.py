"""Retention: personal data of rounds closed longer ago than the privacy statement allows."""
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from verkenning.models import Ronde

from .models import CONTACT_FIELDS, Registratie
from .personal_data import ANONYMISED_EMAIL, berichten_anonymise, person_patterns, wipe

# The privacy statement (templates/verkenning/privacy.html) promises at most five years.
RETENTION_YEARS = 5

__all__ = ["ANONYMISED_EMAIL", "RETENTION_YEARS", "contact_person_blank",
           "personal_data_anonymise", "rondes_past_retention"]


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
    """Wipe the contact persons of every registration (and its history) in old rounds, and
    every text about them that personal_data.py declares: their own words, their names and
    address in notes, reasons, partnership texts and mails.

    The organisations' own answers stay: they are no personal data and the rounds' figures
    remain useful. Idempotent; with ``dry_run`` it only counts.
    """
    now = now or timezone.now()
    rondes = list(rondes_past_retention(years=years, now=now))
    in_rounds = Registratie.objects.filter(ronde__in=rondes)
    registraties = in_rounds.exclude(contact_email=ANONYMISED_EMAIL)
    history = Registratie.history.filter(ronde__in=rondes).exclude(
        contact_email=ANONYMISED_EMAIL)
    result = RetentionResult(rondes=[r.titel for r in rondes],
                             registraties=registraties.count(), history_rows=history.count())
    if dry_run:
        return result
    with transaction.atomic():
        people = [*registraties.values_list("contact_email", "contact_naam"),
                  *history.values_list("contact_email", "contact_naam")]
        emails = {email.lower() for email, _name in people if email}
        patterns = person_patterns(emails=emails, names=[name for _email, name in people])
        ids = list(in_rounds.values_list("pk", flat=True))
        wipe(registratie_ids=ids, patterns=patterns)
        Bericht = apps.get_model("berichten", "Bericht") if apps.is_installed("berichten") \
            else None
        if Bericht is not None:
            # Mails about these registrations, and older mails to these people.
            cutoff = now - timedelta(days=365 * years)
            berichten = (Bericht.objects.annotate(aan_klein=Lower("aan"))
                         .filter(Q(gegevens__registratie__in=ids)
                                 | Q(aan_klein__in=emails, aangemaakt_op__lt=cutoff)))
            berichten_anonymise(berichten, emails=emails, patterns=patterns)
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
