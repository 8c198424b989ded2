"""The import streams: a process importing a dump stays far below 300 MB, measured in a
process of its own (the benchmark does the same with two million enterprises)."""
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from kbo.synthetic import synthetic_dump

LIMIT_MB = 300
AANTAL = 20_000
PROBE = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "portaal.settings_test"
import django
django.setup()
from django.core.management import call_command
if os.environ.get("KBO_PROBE_MIGRATE"):
    call_command("migrate", verbosity=0)
from kbo.importer import kbo_import
report = kbo_import(sys.argv[1])
print("ONDERNEMINGEN", report.aantal_ondernemingen)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent (a big pytest
# process) across fork and exec, while VmHWM belongs to this process's own memory.
with open("/proc/self/status") as status:
    hwm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print("PIEK_MB", hwm_kb / 1024)
"""


def _database_url(tmp_path) -> tuple[str, bool]:
    """The database the probe imports into, and whether it has to create the tables."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'probe.sqlite3'}", True
    settings = connection.settings_dict
    credentials = quote(settings["USER"]) + (f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else "")
    return (f"postgres://{credentials}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}",
            False)


@pytest.mark.django_db(transaction=True)
def test_a_process_importing_a_dump_stays_below_300_mb(tmp_path):
    dump = synthetic_dump(tmp_path / "dump", aantal=AANTAL, seed=11)
    url, migrate = _database_url(tmp_path)
    env = dict(os.environ, DATABASE_URL=url, KBO_PROBE_MIGRATE="1" if migrate else "")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", PROBE, str(dump)], cwd=root, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=300, check=True)
    values = dict(line.split() for line in done.stdout.splitlines() if line.split()[0] in {"ONDERNEMINGEN", "PIEK_MB"})
    assert int(values["ONDERNEMINGEN"]) == AANTAL
    assert float(values["PIEK_MB"]) < LIMIT_MB, done.stdout
