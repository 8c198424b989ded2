"""Fast volume data for the staff tests and benchmark: bulk_create with consistent fields."""
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from registraties.demo import demo_answers
from registraties.models import DERIVED_FIELDS, Registratie
from registraties.questions import ANSWER_FIELDS
from tests.factories import registratie_build
from verkenning.models import Ronde

_TEMPLATES = demo_answers(60, seed=11)


def enterprise_number(index: int) -> str:
    base = 2_000_000 + index
    return f"0{base:07d}{97 - base % 97:02d}"


def bulk_registraties(ronde: Ronde, count: int, *, start: int | None = None,
                      spread_days: int = 5, batch_size: int = 1000, **overrides) -> int:
    """Insert ``count`` valid registrations in ``ronde`` (no history rows); returns count."""
    ronde.refresh_from_db(fields=["laatste_volgnummer"])
    first = ronde.laatste_volgnummer + 1 if start is None else start
    now = timezone.now()
    rows = []
    for offset in range(count):
        number = first + offset
        data = {**_TEMPLATES[number % len(_TEMPLATES)], **overrides}
        data["naam"] = overrides.get("naam", f"{data['naam']} {number}")
        data["ondernemingsnummer"] = overrides.get("ondernemingsnummer",
                                                   enterprise_number(number))
        extra = {k: v for k, v in data.items()
                 if k not in ANSWER_FIELDS and k not in DERIVED_FIELDS}
        rows.append(registratie_build(ronde=ronde, volgnummer=number, data=data, **extra))
    created = Registratie.objects.bulk_create(rows, batch_size=batch_size)
    # auto_now_add ignores a given value on insert: spread submissions over the last days.
    if spread_days:
        for index, registratie in enumerate(created):
            registratie.ingediend_op = now - timedelta(days=index % spread_days, hours=1)
        Registratie.objects.bulk_update(created, ["ingediend_op"], batch_size=batch_size)
    Ronde.objects.filter(pk=ronde.pk).update(
        laatste_volgnummer=F("laatste_volgnummer") + count)
    return count
