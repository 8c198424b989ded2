"""Import benchmark: 20,000 valid rows, preview plus confirm, next to the export of those rows.

The export of the same 20,000 registrations is timed in the same run; the target (issue 8)
is an import (upload check + preview + confirm, as the worker runs them) in at most 5× the
export's time. Figures only: nothing here fails a build.
"""
import io
import resource
import time
from datetime import timedelta

SIZE = 20_000
TARGET = 5.0


def run() -> None:
    from django.utils import timezone

    from registraties.excel.export import registraties_export
    from registraties.excel.tasks import importbestand_confirm, importbestand_upload
    from registraties.models import Importbestand, ImportStatus, Registratie
    from tests.bench.export import _make_round
    from verkenning.models import Ronde

    source = _make_round(SIZE)
    buffer = io.BytesIO()
    start = time.perf_counter()
    registraties_export(queryset=Registratie.objects.filter(ronde=source), target=buffer)
    export_time = time.perf_counter() - start
    content = buffer.getvalue()

    now = timezone.now()
    target = Ronde.objects.create(titel="Bench import", slug="bench-import",
                                  referentie_prefix="BI", opent_op=now - timedelta(days=5),
                                  sluit_op=now + timedelta(days=5))
    # The tasks run at once here (the benchmark uses the test settings' ImmediateBackend),
    # so each step below is what the request or the worker spends.
    start = time.perf_counter()
    bestand = importbestand_upload(ronde=target, user=None, name="bench.xlsx", content=content)
    preview_time = time.perf_counter() - start
    bestand.refresh_from_db()
    assert bestand.status == ImportStatus.VOORVERTOOND, bestand.resultaat.get("file_errors")
    start = time.perf_counter()
    assert importbestand_confirm(bestand=bestand)
    confirm_time = time.perf_counter() - start
    bestand = Importbestand.objects.get(pk=bestand.pk)
    assert bestand.status == ImportStatus.GEIMPORTEERD, bestand.resultaat.get("file_errors")
    assert Registratie.objects.filter(ronde=target).count() == SIZE

    total = preview_time + confirm_time
    ratio = total / export_time
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{SIZE:,} rijen ({len(content) / 1024 / 1024:.1f} MB): export {export_time:6.2f} s | "
          f"import: opladen + voorvertoning {preview_time:6.2f} s, bevestigen {confirm_time:6.2f} s, "
          f"samen {total:6.2f} s", flush=True)
    print(f"import {ratio:.2f}× de export (doel ≤ {TARGET:.0f}×) "
          f"{'OK' if ratio <= TARGET else 'NIET GEHAALD'}; piekgeheugen van het proces "
          f"{peak:.0f} MB (met de aanmaak van de rijen, en op SQLite de databank zelf)")
