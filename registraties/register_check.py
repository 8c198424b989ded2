"""The re-check of stored registrations against the enterprise register as it is loaded now
(after a new import): the admin action, the kbo_hercontrole command and the demo data call it.
The rules themselves are eligibility.py's (Path.RECHECK)."""
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from kbo.selectors import KboLookup

from . import eligibility
from .models import DERIVED_FIELDS, Registratie

# Rows per UPDATE of the judged registrations (and of their history rows).
BATCH_SIZE = 500

# The history row's reason when a re-check against a newly imported register changed a verdict.
KBO_RECHECK_REASON = "Opnieuw getoetst aan de KBO"


@dataclass(frozen=True)
class RegisterRecheck:
    checked: int
    changed: int
    snapshot_datum: date | None


def registraties_recheck_register(*, registraties: QuerySet, user=None) -> RegisterRecheck:
    """Hold the registrations against the register as it is loaded now (after a new import).

    A registration whose verdict changed (KBO-controle, findings, and so its flags) is saved
    with a history row saying so; one whose verdict stayed only gets the new snapshot date.
    Nothing is refused here (eligibility.TABLE, the re-check): what the form would refuse now
    becomes a flag for staff. Rows are locked while they are judged, so a concurrent edit is
    never overwritten. Queries: a few for the whole set, however many registrations it holds.
    """
    lookup = KboLookup()
    now = timezone.now()
    with transaction.atomic():
        rows = list(registraties.select_related(None).select_for_update().order_by("pk"))
        lookup.preload(row.ondernemingsnummer for row in rows)
        judged, dated = [], []
        for row in rows:
            before = (row.kbo_controle, list(row.kbo_bevindingen), list(row.vlaggen))
            judgement = eligibility.judge_stored(row, path=eligibility.Path.RECHECK,
                                                 check=lookup.check(row.ondernemingsnummer))
            snapshot = row.kbo_snapshot_datum
            row.apply_judgement(judgement)
            row.refresh_derived()
            if (row.kbo_controle, list(row.kbo_bevindingen), list(row.vlaggen)) != before:
                row.gewijzigd_op = now
                judged.append(row)
            elif row.kbo_snapshot_datum != snapshot:
                dated.append(row)
        bulk_update_with_history(judged, Registratie, [*DERIVED_FIELDS, "gewijzigd_op"],
                                 batch_size=BATCH_SIZE, default_user=user,
                                 default_change_reason=KBO_RECHECK_REASON, default_date=now)
        Registratie.objects.bulk_update(dated, ["kbo_snapshot_datum"], batch_size=BATCH_SIZE)
    return RegisterRecheck(checked=len(rows), changed=len(judged),
                           snapshot_datum=lookup.snapshot_datum)
