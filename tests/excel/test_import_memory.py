"""Whatever the file, reading it stays far below 300 MB: measured in a fresh process.

The peak resident memory (VmHWM) of a separate Python process that checks and reads
every crafted file, the way the web request and the worker do, includes Django itself.
"""
import subprocess
import sys
from pathlib import Path

from tests.excel import crafted

LIMIT_MB = 300
PROBE = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "portaal.settings_test"
import django
django.setup()
from registraties.excel.reader import ImportFileError, check_file, iter_rows
for path in sys.argv[1:]:
    content = open(path, "rb").read()
    for step in (check_file, lambda c: sum(1 for _ in iter_rows(c))):
        try:
            step(content)
            print(path, "gelezen")
        except ImportFileError as exc:
            print(path, "geweigerd:", exc)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent (a big pytest
# process) across fork and exec, while VmHWM belongs to this process's own memory.
with open("/proc/self/status") as status:
    hwm_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print("PIEK_MB", hwm_kb / 1024)
"""


def test_no_crafted_file_makes_a_process_grow_beyond_300_mb(tmp_path):
    paths = [
        crafted.wide_row(tmp_path / "wide.xlsx"),
        crafted.empty_rows(tmp_path / "rows.xlsx"),
        crafted.long_cell(tmp_path / "cell300.xlsx"),
        crafted.long_cell(tmp_path / "cell60.xlsx", megabytes=60),
        crafted.long_shared_string(tmp_path / "string60.xlsx"),
        crafted.many_shared_strings(tmp_path / "strings.xlsx"),
        crafted.zip_bomb(tmp_path / "bomb.xlsx"),
        # The worst file the limits let through: 100 MB of distinct shared texts, each with
        # an emoji (4 bytes a character in a Python str).
        crafted.distinct_shared_strings(tmp_path / "emoji.xlsx", mark="\U0001f600"),
        crafted.prefixed_wide_row(tmp_path / "prefixed.xlsx"),
        crafted.split_long_cell(tmp_path / "split.xlsx"),
        crafted.many_entries(tmp_path / "entries.xlsx"),
    ]
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", PROBE, *map(str, paths)], cwd=root,  # noqa: S603
                          capture_output=True, text=True, timeout=300, check=True)
    lines = done.stdout.splitlines()
    peak = float(lines[-1].split()[1])
    assert peak < LIMIT_MB, done.stdout
    # Every file was handled (refused, or read within the limits), none crashed the probe.
    assert sum("geweigerd" in line or "gelezen" in line for line in lines) == 2 * len(paths)
