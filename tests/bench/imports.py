"""Import benchmark: 20,000 valid rows, preview plus confirm, next to the export of those rows.

Targets (issue 8): the import of 20,000 new rows (upload check + preview + confirm, as the
worker runs them) in at most 5× the time of the export of the same 20,000 registrations,
timed in the same run; and no process above 300 MB, also not a worker that re-imports the
same 20,000 rows (all updates) after it already ran the first import.

The work runs in child processes, as in production: one exports, one plays the worker and
imports the file twice (first all new rows, then all updates). Each child reports its own
peak memory (VmHWM from /proc/<pid>/status): ru_maxrss would carry over the parent's peak
across fork and exec. On SQLite the parent's database is copied to a file the children open;
on PostgreSQL they use the parent's throwaway database, and the SQLite run comes first, so
one `make bench BENCH_ARGS=imports` with DATABASE_URL prints both. Figures only: nothing here
fails a build.
"""
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZE = 20_000
TARGET = 5.0
MEMORY_LIMIT_MB = 300
ROOT = Path(__file__).resolve().parents[2]
# Set in the SQLite run that the PostgreSQL run starts first, so that it does not recurse.
_NESTED = "BENCH_IMPORTS_NESTED"


def _peak_mb() -> float:
    """This process's own resident high-water mark (VmHWM), in MB."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def _database_url() -> tuple[str, Path | None]:
    """A URL the children open onto the data this process made; on SQLite, a file copy."""
    import sqlite3

    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings["USER"] or "postgres"
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        port = f":{settings['PORT']}" if settings["PORT"] else ""
        return (f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}{port}/"
                f"{settings['NAME']}"), None
    handle, name = tempfile.mkstemp(prefix="bench-import-", suffix=".sqlite3")
    os.close(handle)
    connection.ensure_connection()
    target = sqlite3.connect(name)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{name}", Path(name)


def _child(step: str, url: str, *args: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    # DEBUG off, as in the production worker: with DEBUG on, Django keeps the text of every
    # query (9,000 at most), i.e. the rows' answers once more.
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="portaal.settings_test",
               PYTHONPATH=str(ROOT), DEBUG="false")
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", f"from tests.bench.imports import child; child({step!r})", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{step}: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(step: str) -> None:
    """Runs in a child process (see _child); prints its figures as one JSON line."""
    import django

    django.setup()
    figures = {"export": _export_step, "import": _import_step}[step](*sys.argv[1:])
    print(json.dumps(figures), flush=True)


def _export_step(source_slug: str, first: str, second: str) -> dict:
    """Export the source round (timed), then change one answer of every row and export the
    rows again: the second file updates every registration the first one created."""
    from registraties.excel.export import registraties_export
    from registraties.models import Registratie

    rows = Registratie.objects.filter(ronde__slug=source_slug)
    # Warm-up (imports, first queries), so that only the export itself is timed: the floor.
    registraties_export(queryset=rows[:10], target=io.BytesIO())
    start = time.perf_counter()
    registraties_export(queryset=rows, target=first)
    export_time = time.perf_counter() - start
    rows.update(opmerkingen="Bijgewerkt bij de tweede import.")
    registraties_export(queryset=rows, target=second)
    return {"export": export_time, "peak": _peak_mb(), "bytes": os.path.getsize(first)}


def _import_once(target, content: bytes) -> tuple[float, float, dict]:
    from registraties.excel.imports import ImportResult
    from registraties.excel.tasks import importbestand_confirm, importbestand_upload
    from registraties.models import Importbestand, ImportStatus

    # The tasks run at once here (the test settings' ImmediateBackend): each step is what the
    # request plus the worker spend.
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
    return preview_time, confirm_time, ImportResult.from_json(bestand.resultaat).counts


def _import_step(target_slug: str, first: str, second: str) -> dict:
    """A worker: the first import (all new rows), then the second file (all updates)."""
    from registraties.excel.imports import NEW, UPDATE
    from registraties.models import Registratie
    from verkenning.models import Ronde

    target = Ronde.objects.get(slug=target_slug)
    preview, confirm, counts = _import_once(target, Path(first).read_bytes())
    assert counts[NEW] == SIZE, counts
    first_peak = _peak_mb()
    re_preview, re_confirm, counts = _import_once(target, Path(second).read_bytes())
    assert counts[UPDATE] == SIZE, counts
    rows = Registratie.objects.filter(ronde=target)
    assert rows.count() == SIZE
    assert rows.filter(opmerkingen="Bijgewerkt bij de tweede import.").count() == SIZE
    assert Registratie.history.filter(ronde_id=target.pk).count() == 2 * SIZE
    return {"preview": preview, "confirm": confirm, "first_peak": first_peak,
            "re_preview": re_preview, "re_confirm": re_confirm, "re_peak": _peak_mb()}


def _sqlite_first() -> None:
    """From a PostgreSQL run: the same benchmark on SQLite, in its own process."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env[_NESTED] = "1"
    subprocess.run([sys.executable, "-m", "tests.bench", "imports"], cwd=ROOT,  # noqa: S603
                   env=env, check=True)


def run() -> None:
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from tests.bench.export import _make_round
    from verkenning.models import Ronde

    if connection.vendor == "postgresql" and not os.environ.get(_NESTED):
        _sqlite_first()
    database = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
    source = _make_round(SIZE)
    now = timezone.now()
    Ronde.objects.create(titel="Bench import", slug="bench-import", referentie_prefix="BI",
                         opent_op=now - timedelta(days=5), sluit_op=now + timedelta(days=5))
    url, copy = _database_url()
    folder = tempfile.mkdtemp(prefix="bench-import-")
    first, second = os.path.join(folder, "eerste.xlsx"), os.path.join(folder, "tweede.xlsx")
    try:
        exported = _child("export", url, source.slug, first, second)
        imported = _child("import", url, "bench-import", first, second)
    finally:
        for path in (first, second):
            if os.path.exists(path):
                os.unlink(path)
        os.rmdir(folder)
        if copy is not None:
            copy.unlink()

    export_time = exported["export"]
    total = imported["preview"] + imported["confirm"]
    re_total = imported["re_preview"] + imported["re_confirm"]
    ratio = total / export_time
    peaks = (imported["first_peak"], imported["re_peak"])
    print(f"[{database}] {SIZE:,} rijen ({exported['bytes'] / 1024 / 1024:.1f} MB): "
          f"export {export_time:6.2f} s", flush=True)
    print(f"[{database}] eerste import (nieuw): opladen + voorvertoning "
          f"{imported['preview']:6.2f} s, bevestigen {imported['confirm']:6.2f} s, "
          f"samen {total:6.2f} s = {ratio:.2f}× de export (doel ≤ {TARGET:.0f}×) "
          f"{'OK' if ratio <= TARGET else 'NIET GEHAALD'}")
    print(f"[{database}] tweede import (alle {SIZE:,} gewijzigd): opladen + voorvertoning "
          f"{imported['re_preview']:6.2f} s, bevestigen {imported['re_confirm']:6.2f} s, "
          f"samen {re_total:6.2f} s = {re_total / export_time:.2f}× de export")
    print(f"[{database}] piekgeheugen (VmHWM) van het workerproces: na de eerste import "
          f"{peaks[0]:.0f} MB, na de tweede {peaks[1]:.0f} MB; exportproces "
          f"{exported['peak']:.0f} MB (doel < {MEMORY_LIMIT_MB} MB) "
          f"{'OK' if max(*peaks, exported['peak']) < MEMORY_LIMIT_MB else 'NIET GEHAALD'}",
          flush=True)
