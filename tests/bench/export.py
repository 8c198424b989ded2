"""Export benchmark: time and peak memory of the registrations export next to openpyxl's floor.

The floor writes the very same rows (same queryset, same Resource row values) through
openpyxl's write-only mode, in the same run. Targets (issue 4): 10,000 registrations in
≤ 1.0× the floor's time, and peak memory growing by < 15 MB from 1,000 to 10,000.
"""
import gc
import os
import tempfile
import time
import tracemalloc

SIZES = (1_000, 10_000)
TIME_TARGET = 1.0
MEMORY_GROWTH_TARGET_MB = 15


def _make_round(count: int):
    """A round with ``count`` registrations, inserted with bulk_create (fast, no e-mails)."""
    from datetime import timedelta

    from django.utils import timezone

    from registraties.demo import demo_answers
    from registraties.models import Registratie
    from tests.factories import registratie_build
    from verkenning.models import Ronde

    now = timezone.now()
    ronde = Ronde.objects.create(titel=f"Bench {count}", slug=f"bench-export-{count}",
                                 referentie_prefix=f"BX{count}", opent_op=now - timedelta(days=5),
                                 sluit_op=now + timedelta(days=5))
    objects = []
    for number, answers in enumerate(demo_answers(count, seed=count), start=1):
        answers["ondernemingsnummer"] = f"{number:08d}{97 - (number % 97):02d}"
        objects.append(registratie_build(ronde=ronde, volgnummer=number, data=answers))
    Registratie.objects.bulk_create(objects, batch_size=1000)
    return ronde


def _ours(queryset, path) -> None:
    from registraties.excel.export import registraties_export

    registraties_export(queryset=queryset, target=path)


def _floor(queryset, path) -> None:
    """openpyxl write-only, appending the same rows the Resource produces."""
    from openpyxl import Workbook

    from registraties.excel.columns import RegistratieResource

    resource = RegistratieResource()
    export_row = resource.row_exporter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Registraties")
    sheet.append(resource.get_export_headers())
    for obj in resource.export_rows(queryset):
        sheet.append(export_row(obj))
    workbook.save(path)


def _measure(function, queryset, *, memory: bool) -> float:
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    gc.collect()
    try:
        if memory:
            tracemalloc.start()
            function(queryset, path)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            return peak / 1024 / 1024
        start = time.perf_counter()
        function(queryset, path)
        return time.perf_counter() - start
    finally:
        os.unlink(path)


def run() -> None:
    from registraties.models import Registratie

    results = {}
    for size in SIZES:
        ronde = _make_round(size)
        queryset = Registratie.objects.filter(ronde=ronde)
        _measure(_ours, queryset, memory=False)  # warm-up (imports, caches)
        ours_time = min(_measure(_ours, queryset, memory=False) for _ in range(2))
        floor_time = min(_measure(_floor, queryset, memory=False) for _ in range(2))
        ours_mb = _measure(_ours, queryset, memory=True)
        floor_mb = _measure(_floor, queryset, memory=True)
        results[size] = (ours_time, floor_time, ours_mb, floor_mb)
        print(f"{size:>6} registraties: export {ours_time:6.2f} s, {ours_mb:6.1f} MB piek | "
              f"openpyxl write-only floor {floor_time:6.2f} s, {floor_mb:6.1f} MB piek | "
              f"tijd {ours_time / floor_time:.2f}× de floor", flush=True)

    small, large = results[SIZES[0]], results[SIZES[-1]]
    ratio = large[0] / large[1]
    growth = large[2] - small[2]
    print(f"tijd bij {SIZES[-1]:,}: {ratio:.2f}× de floor (doel ≤ {TIME_TARGET:.1f}×) "
          f"{'OK' if ratio <= TIME_TARGET else 'NIET GEHAALD'}")
    print(f"groei piekgeheugen {SIZES[0]:,} → {SIZES[-1]:,}: {growth:.1f} MB "
          f"(doel < {MEMORY_GROWTH_TARGET_MB} MB) "
          f"{'OK' if growth < MEMORY_GROWTH_TARGET_MB else 'NIET GEHAALD'}")
