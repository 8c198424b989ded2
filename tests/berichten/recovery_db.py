"""What the recovery test does inside its throwaway database, in a process of its own with the
workers' settings: ``python -m tests.berichten.recovery_db <name> [args]`` prints one JSON line.

The test process keeps its own settings and test database; the workers and this helper share
the throwaway one (tests/berichten/test_recovery.py).
"""
import io
import json
import sys


def queue_mails(first: str, count: str) -> dict:
    """``count`` mails with their body, in one task (as one submission queues its mails)."""
    from berichten.services import berichten_queue

    start = int(first)
    berichten = berichten_queue([
        {"aan": f"ontvanger-{n}@example.test", "onderwerp": f"Bericht {n}",
         "tekst": f"Tekst van bericht {n}", "html": "", "soort": "bevestiging"}
        for n in range(start, start + int(count))])
    return {"berichten": [b.pk for b in berichten]}


def excel_job(rows: str) -> dict:
    """An uploaded Excel file of ``rows`` new registrations for an open round, waiting for
    its preview (its task is queued, as the upload request leaves it)."""
    from datetime import timedelta

    from django.utils import timezone

    from registraties.excel.export import registraties_export
    from registraties.excel.tasks import importbestand_upload
    from registraties.models import Registratie
    from tests.bench.export import _make_round
    from verkenning.models import Ronde

    source = _make_round(int(rows))
    content = io.BytesIO()
    registraties_export(queryset=Registratie.objects.filter(ronde=source), target=content)
    now = timezone.now()
    target = Ronde.objects.create(titel="Herstel", slug="herstel", referentie_prefix="HS",
                                  opent_op=now - timedelta(days=1),
                                  sluit_op=now + timedelta(days=10))
    bestand = importbestand_upload(ronde=target, user=None, name="herstel.xlsx",
                                   content=content.getvalue())
    return {"bestand": bestand.pk, "ronde": target.pk}


def confirm_and_lose_task(pk: str) -> dict:
    """Staff confirm the preview; its task is lost before any worker saw it (as by a crash or
    a wrong prune): one transaction, so that no worker takes the task in between."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from registraties.excel.tasks import importbestand_confirm
    from registraties.models import Importbestand

    with transaction.atomic():
        confirmed = importbestand_confirm(bestand=Importbestand.objects.get(pk=int(pk)))
        lost, _ = DBTaskResult.objects.filter(status="READY").delete()
    return {"confirmed": confirmed, "lost_tasks": lost}


def state() -> dict:
    from django_tasks_db.models import DBTaskResult

    from berichten.models import Bericht
    from registraties.excel.imports import ImportResult
    from registraties.models import Importbestand, Registratie

    bestanden = [{"pk": b.pk, "status": b.status, "bevestigd": b.bevestigd,
                  "counts": ImportResult.from_json(b.resultaat).counts if b.resultaat else {},
                  "errors": (b.resultaat or {}).get("file_errors", [])}
                 for b in Importbestand.objects.order_by("pk")]
    return {
        "berichten": [{"aan": b.aan, "status": b.status, "pogingen": b.pogingen,
                       "bezig_door": b.bezig_door}
                      for b in Bericht.objects.order_by("pk")],
        "tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)),
        "bestanden": bestanden,
        "registraties_herstel": Registratie.objects.filter(ronde__slug="herstel").count(),
    }


if __name__ == "__main__":
    import django

    django.setup()
    result = globals()[sys.argv[1]](*sys.argv[2:])
    print(json.dumps(result), flush=True)
