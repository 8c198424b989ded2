"""What the harness does inside the throwaway database, in a process of its own with the
server's settings: ``python -m tests.load.database <name> [args]`` prints one JSON line.

A separate process keeps the caller (pytest, the benchmark) on its own settings and database.
"""
import json
import sys
from datetime import timedelta

# The floor view of the benchmark writes here: one INSERT of a 3-field form, no model.
BENCH_TABLE = "bench_insert"


def open_round(prefix: str) -> dict:
    from django.utils import timezone

    from verkenning.models import Ronde

    now = timezone.now()
    ronde = Ronde.objects.create(titel="Verkenningsronde (belasting)", slug="belasting",
                                 opent_op=now - timedelta(days=1),
                                 sluit_op=now + timedelta(days=30), referentie_prefix=prefix)
    return {"ronde": ronde.pk}


def bench_table() -> dict:
    from django.db import connection

    key = "serial primary key" if connection.vendor == "postgresql" \
        else "integer primary key autoincrement"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {BENCH_TABLE} (id {key}, naam varchar(100) not null, "
                       "email varchar(254) not null, aantal integer not null)")
    return {"table": BENCH_TABLE}


def bench_rows() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {BENCH_TABLE}")  # noqa: S608 - our constant
        return {"rows": cursor.fetchone()[0]}


def summary(prefix: str) -> dict:
    """What the load left behind: registrations, their references and their mails."""
    from django.apps import apps

    from registraties.models import Registratie

    rows = list(Registratie.objects.filter(ronde__referentie_prefix=prefix)
                .values("referentie", "volgnummer", "ondernemingsnummer", "contact_email",
                        "naam", "ingediend_op"))
    result = {
        "rows": len(rows),
        "references": sorted(row["referentie"] for row in rows),
        "volgnummers": sorted(row["volgnummer"] for row in rows),
        "ondernemingsnummers": sorted(row["ondernemingsnummer"] for row in rows),
        # A row without its answers or stamp would be half a registration.
        "incomplete": [row["referentie"] for row in rows
                       if not (row["naam"] and row["contact_email"] and row["ingediend_op"]
                               and row["ondernemingsnummer"])],
        "contact_emails": sorted(row["contact_email"] for row in rows),
    }
    if apps.is_installed("berichten"):
        from berichten.models import Bericht

        confirmations = Bericht.objects.filter(soort="bevestiging")
        result["queue"] = "berichten"
        result["confirmations"] = sorted(confirmations.values_list("aan", flat=True))
        result["confirmation_status"] = sorted(set(confirmations.values_list("status", flat=True)))
    else:
        result["queue"] = None
    return result


def mail_status() -> dict:
    from django.apps import apps

    if not apps.is_installed("berichten"):
        return {}
    from django.db.models import Count

    from berichten.models import Bericht

    return {row["status"]: row["n"] for row in
            Bericht.objects.values("status").annotate(n=Count("pk")).order_by()}


FUNCTIONS = {f.__name__: f for f in (open_round, bench_table, bench_rows, summary, mail_status)}


def main(argv: list[str]) -> None:
    import django

    django.setup()
    print(json.dumps(FUNCTIONS[argv[0]](*argv[1:]), default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
