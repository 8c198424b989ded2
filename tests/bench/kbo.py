"""KBO import benchmark: a generated full dump next to PostgreSQL's own COPY of the same files.

The floor copies enterprise.csv, denomination.csv and address.csv as they are into bare text
tables (no checks, no index), in the same run and database, once before and once after our
import: the machine is shared and its load changes, so the ratio is taken to their mean.
Our import runs in a child process, which reports its own peak resident memory (VmHWM in
/proc/self/status; not ru_maxrss, which Linux carries over from the parent across fork and
exec). Targets (issue 10): within 3× of the floor's wall time; peak memory under 300 MB
whatever the size; a lookup by number is one indexed query that takes the same time at
2,000 and at 2,000,000 enterprises.

On PostgreSQL: 2,000 and 2,000,000 enterprises (KBO_BENCH_AANTAL changes the large size).
On SQLite, only correctness counts: 2,000 and 50,000, and no floor. Generated dumps are
kept in /tmp per size and seed (kbo/synthetic.py: cached_synthetic_dump).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TIME_TARGET = 3.0
MEMORY_TARGET_MB = 300
SEED = 1
LOOKUPS = 2_000
FLOOR_FILES = ("enterprise.csv", "denomination.csv", "address.csv")

CHILD = r"""
import json, os, random, sys, time
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
if os.environ.get("KBO_BENCH_MIGRATE"):
    call_command("migrate", verbosity=0)
from kbo.importer import kbo_import
from kbo.models import Onderneming
from kbo.selectors import kbo_lookup
from kbo.synthetic import enterprise_number

path, aantal = sys.argv[1], int(sys.argv[2])
start = time.perf_counter()
report = kbo_import(path)
wall = time.perf_counter() - start
with open("/proc/self/status") as status:
    hwm_mb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
rng = random.Random(7)
numbers = [enterprise_number(rng.randrange(aantal)) for _ in range(int(sys.argv[3]))]
kbo_lookup(numbers[0])
with CaptureQueriesContext(connection) as queries:
    start = time.perf_counter()
    found = sum(kbo_lookup(number) is not None for number in numbers)
    lookup = (time.perf_counter() - start) / len(numbers)
plan = Onderneming.objects.filter(pk=numbers[0]).explain() if connection.vendor == "postgresql" else ""
print(json.dumps({
    "wall": wall, "rows": report.gelezen_rijen, "skipped": report.overgeslagen_rijen,
    "enterprises": report.aantal_ondernemingen, "hwm_mb": hwm_mb,
    "lookup_us": lookup * 1e6, "queries_per_lookup": len(queries) / len(numbers), "found": found,
    "plan": plan.splitlines()[0] if plan else "",
    "phases": {name: round(seconds, 1) for name, seconds in report.fasen.items()},
}))
"""


def _sizes(postgres: bool) -> tuple[int, int]:
    large = int(os.environ.get("KBO_BENCH_AANTAL", 2_000_000 if postgres else 50_000))
    return 2_000, large


def _child_env(postgres: bool, sqlite_file: str) -> dict[str, str]:
    from django.db import connection

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="portaal.settings_test")
    if postgres:
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    else:
        env["DATABASE_URL"] = f"sqlite:///{sqlite_file}"
        env["KBO_BENCH_MIGRATE"] = "1"
    return env


def _ours(folder: Path, aantal: int, env: dict[str, str]) -> dict:
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(aantal), str(LOOKUPS)],  # noqa: S603
                            cwd=root, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _floor(folder: Path) -> tuple[float, int]:
    """PostgreSQL's own COPY of the three CSV files into bare text tables: (seconds, rows)."""
    import csv

    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        tables = []
        for name in FLOOR_FILES:
            with open(folder / name, newline="", encoding="utf-8") as handle:
                header = next(csv.reader(handle))
            table = "bench_floor_" + name.removesuffix(".csv")
            tables.append(table)
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TABLE {table} ({', '.join(f'c{i} text' for i in range(len(header)))})")
        start = time.perf_counter()
        for name, table in zip(FLOOR_FILES, tables, strict=True):
            with open(folder / name, "rb") as handle:
                cursor.cursor.copy_expert(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)", handle,
                                          size=1 << 16)
            rows += cursor.cursor.rowcount
        seconds = time.perf_counter() - start
        for table in tables:
            cursor.execute(f"DROP TABLE {table}")
    return seconds, rows


def run() -> None:
    from django.db import connection

    from kbo.synthetic import cached_synthetic_dump

    postgres = connection.vendor == "postgresql"
    if not postgres:
        print("  SQLite: kleinere omvang en geen COPY-vloer; op SQLite telt alleen de juistheid. "
              "Met DATABASE_URL=postgres://… de echte meting (2.000.000 ondernemingen).")
    handle, sqlite_file = tempfile.mkstemp(suffix=".sqlite3")
    os.close(handle)
    env = _child_env(postgres, sqlite_file)
    lookups = {}
    try:
        for aantal in _sizes(postgres):
            start = time.perf_counter()
            folder = cached_synthetic_dump(aantal=aantal, seed=SEED)
            print(f"  dump {aantal:,} ondernemingen: {folder} ({time.perf_counter() - start:.1f} s om te maken "
                  "of uit de cache te halen)")
            # The floor before and after our import: the machine is shared, its load changes
            # within a minute, and the ratio is taken to the mean of the two.
            before = _floor(folder) if postgres else None
            load = os.getloadavg()[0]
            ours = _ours(folder, aantal, env)
            load = max(load, os.getloadavg()[0])
            lookups[aantal] = ours
            print(f"  import {aantal:>9,}: {ours['wall']:7.1f} s, {ours['rows'] / ours['wall']:>9,.0f} rijen/s "
                  f"({ours['rows']:,} rijen, {ours['skipped']} overgeslagen, {ours['enterprises']:,} ondernemingen), "
                  f"piekgeheugen {ours['hwm_mb']:.0f} MB (VmHWM) (doel < {MEMORY_TARGET_MB} MB); "
                  f"load average (1 min) tot {load:.1f}")
            print("    fasen (s): " + ", ".join(f"{name} {seconds}" for name, seconds in ours["phases"].items()))
            totals = {}
            for name, seconds in ours["phases"].items():
                step = name.rpartition(": ")[2]
                totals[step] = totals.get(step, 0) + seconds
            print("    samen (s): " + ", ".join(f"{step} {seconds:.1f}" for step, seconds in totals.items()))
            if postgres:
                after = _floor(folder)
                floor = (before[0] + after[0]) / 2
                print(f"  vloer  {aantal:>9,}: {before[0]:7.1f} s voor en {after[0]:.1f} s na de import, "
                      f"{after[1] / floor:>9,.0f} rijen/s (COPY van {after[1]:,} rijen in kale tabellen)")
                print(f"  verhouding import/vloer: {ours['wall'] / floor:.2f}× (doel ≤ {TIME_TARGET:.0f}×; "
                      f"{ours['wall'] / before[0]:.2f}× en {ours['wall'] / after[0]:.2f}× tegen elke vloer apart)")
        print("  opzoeken per nummer (gemiddelde over "
              f"{LOOKUPS} nummers, {LOOKUPS} willekeurige bestaande nummers):")
        for aantal, ours in lookups.items():
            print(f"    {aantal:>9,} ondernemingen: {ours['lookup_us']:7.0f} µs, "
                  f"{ours['queries_per_lookup']:.0f} query per opzoeking, {ours['found']} gevonden"
                  + (f"; plan: {ours['plan']}" if ours["plan"] else ""))
        small, large = (lookups[a]["lookup_us"] for a in _sizes(postgres))
        print(f"  verhouding opzoeken groot/klein: {large / small:.2f}×")
    finally:
        os.unlink(sqlite_file)
