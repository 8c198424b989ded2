"""Excel reader benchmark: our own guarded reader against openpyxl's read-only mode (issue 18).

Each reader reads each file in a child process of its own, three times; the figures are the
child's own peak memory (VmHWM, Django included) and the time from the file's bytes in memory
to the last row or the refusal, medians of the three. The files: our own export of 20,000
registrations, the worst file the limits let through (a shared-string table of 100 MB
unpacked, all strings distinct; once in ASCII, once with an emoji in every string) and the
crafted files of ``tests/excel/crafted.py``. The readers:

- ``eigen``: ``reader.iter_rows``, what the worker reads with (zip checks, then expat).
- ``openpyxl``: the same zip checks, then ``load_workbook(read_only=True, data_only=True)``;
  rows, columns and cell lengths checked on every row openpyxl hands over.
- ``scan+openpyxl``: as ``openpyxl``, after the upload request's check (``reader.check_file``).

A limit holds when a legal file is read, an illegal one refused for the limit it breaks, in
at most a second, and the process stays under 300 MB. A child that passes 1,500 MB or two
minutes is stopped (the table then says "afgebroken"). Figures only: nothing here fails a
build. ``make bench BENCH_ARGS=reader``.
"""
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = ("eigen", "openpyxl", "scan+openpyxl")
REPEAT = 3
MEMORY_LIMIT_MB = 300
TIME_LIMIT_S = 1.0
KILL_MB = 1500
KILL_S = 120
EXPORT_SIZE = 20_000


def _peak_mb() -> float:
    """This process's own resident high-water mark (VmHWM), in MB."""
    return _status_mb(os.getpid(), "VmHWM")


def _status_mb(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status
                    if line.startswith(field + ":")) / 1024


# -- the readers, each in its child process ------------------------------------------------


def _read_own(content: bytes) -> int:
    from registraties.excel.reader import iter_rows

    return sum(1 for _ in iter_rows(content))


def _read_openpyxl(content: bytes) -> int:
    """openpyxl behind the zip checks, with the row, column and cell limits as rows arrive."""
    import zipfile

    from openpyxl import load_workbook

    from registraties.excel import reader

    reader._open_zip(content).close()  # entry sizes, declared total: as for our own reader
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (KeyError, ValueError, TypeError, IndexError, zipfile.BadZipFile, OSError,
            SyntaxError) as exc:  # ElementTree's ParseError is a SyntaxError
        raise reader.not_readable() from exc
    sheet = workbook.worksheets[0]
    # What the sheet says about itself (openpyxl reads it first), as our reader does; then
    # ignored, since openpyxl would stop at a dimension that is too small.
    if (sheet.max_row or 0) > reader.MAX_ROWS + 1:
        raise reader.too_many_rows()
    if (sheet.max_column or 0) > reader.MAX_COLUMNS:
        raise reader.too_many_columns()
    sheet.reset_dimensions()
    rows = 0
    limit = reader.MAX_CELL_CHARS + 1  # the exported apostrophe
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > reader.MAX_ROWS + 1:
                raise reader.too_many_rows()
            if len(values) > reader.MAX_COLUMNS:
                raise reader.too_many_columns()
            if any(isinstance(value, str) and len(value) > limit for value in values):
                raise reader.cell_too_long(number)
            rows += any(value is not None for value in values)
    except (KeyError, ValueError, TypeError, IndexError, zipfile.BadZipFile, OSError,
            SyntaxError) as exc:
        raise reader.not_readable() from exc
    finally:
        workbook.close()
    return rows


def _read_scan_openpyxl(content: bytes) -> int:
    from registraties.excel.reader import check_file

    check_file(content)
    return _read_openpyxl(content)


_READ = {"eigen": _read_own, "openpyxl": _read_openpyxl, "scan+openpyxl": _read_scan_openpyxl}


def child() -> None:
    """Runs in a child process (see _measure); prints its figures as one JSON line."""
    import django

    django.setup()
    from registraties.excel.reader import ImportFileError

    which, path = sys.argv[1:3]
    content = Path(path).read_bytes()
    base = _peak_mb()
    start = time.perf_counter()
    try:
        outcome, message = "gelezen", f"{_READ[which](content)} rijen"
    except ImportFileError as exc:
        outcome, message = "geweigerd", str(exc)
    print(json.dumps({"outcome": outcome, "message": message, "base": base,
                      "seconds": time.perf_counter() - start, "peak": _peak_mb()}), flush=True)


def _measure(which: str, path: Path) -> dict:
    """One child reads one file; stopped past KILL_MB or KILL_S (its peak then a lower bound)."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="portaal.settings_test", PYTHONPATH=str(ROOT))
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", "from tests.bench.reader import child; child()", which, str(path)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started, peak = time.perf_counter(), 0.0
    while process.poll() is None:
        with contextlib.suppress(OSError, StopIteration):  # the child just ended
            peak = max(peak, _status_mb(process.pid, "VmHWM"))
        elapsed = time.perf_counter() - started
        if peak > KILL_MB or elapsed > KILL_S:
            process.kill()
            process.communicate()
            reason = f"> {KILL_MB} MB" if peak > KILL_MB else f"> {KILL_S} s"
            return {"outcome": "afgebroken", "message": reason, "peak": peak,
                    "seconds": elapsed, "base": 0.0}
        time.sleep(0.01)
    out, err = process.communicate()
    if process.returncode:
        return {"outcome": "fout", "message": err.strip().splitlines()[-1][:200], "peak": peak,
                "seconds": time.perf_counter() - started, "base": 0.0}
    return json.loads(out.strip().splitlines()[-1])


# -- the files ---------------------------------------------------------------------------------


def _files(folder: Path) -> list[tuple[str, Path, str | None]]:
    """(name, path, the limit named in the expected refusal; None: the limits let it through).

    The limit, not the whole message: openpyxl hands over a shared text with the row that
    uses it, so it names the row where our reader, refusing the table, cannot."""
    from registraties.excel import reader
    from registraties.excel.export import registraties_export
    from registraties.models import Registratie
    from tests.bench.export import _make_round
    from tests.excel import crafted

    ronde = _make_round(EXPORT_SIZE)
    export = folder / "export.xlsx"
    registraties_export(queryset=Registratie.objects.filter(ronde=ronde), target=str(export))
    unpacked = f"uitgepakt groter dan {reader.MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB"
    columns = f"meer dan {reader.MAX_COLUMNS} kolommen"
    rows = f"meer dan {_nl(reader.MAX_ROWS)} rijen"
    cell = f"meer dan {_nl(reader.MAX_CELL_CHARS)} tekens"
    return [
        (f"export van {_nl(EXPORT_SIZE)} registraties", export, None),
        ("1 miljoen verschillende gedeelde teksten, ASCII (100 MB uitgepakt)",
         crafted.distinct_shared_strings(folder / "ascii.xlsx"), None),
        ("idem, met een emoji in elke tekst",
         crafted.distinct_shared_strings(folder / "emoji.xlsx", mark="\U0001f600"), None),
        ("many_shared_strings (1 miljoen korte)", crafted.many_shared_strings(
            folder / "many.xlsx"), None),
        ("wide_row (2 miljoen cellen in één rij)", crafted.wide_row(folder / "wide.xlsx"),
         columns),
        ("prefixed_wide_row (idem, cellen met een tweede prefix)",
         crafted.prefixed_wide_row(folder / "prefixed.xlsx"), columns),
        ("empty_rows (5 miljoen lege rijen)", crafted.empty_rows(folder / "rows.xlsx"), rows),
        ("long_cell 300 MB", crafted.long_cell(folder / "cell300.xlsx"), unpacked),
        ("long_cell 60 MB", crafted.long_cell(folder / "cell60.xlsx", megabytes=60), cell),
        ("long_cell 99 MB", crafted.long_cell(folder / "cell99.xlsx", megabytes=99), cell),
        ("split_long_cell 60 MB (tekst om de kB door een commentaar onderbroken)",
         crafted.split_long_cell(folder / "split.xlsx"), cell),
        ("long_shared_string 60 MB", crafted.long_shared_string(folder / "string60.xlsx"),
         cell),
        ("long_shared_string 99 MB",
         crafted.long_shared_string(folder / "string99.xlsx", megabytes=99), cell),
        ("zip_bomb 200 MB", crafted.zip_bomb(folder / "bomb.xlsx"), unpacked),
        ("many_entries (223.000 lege zip-items)", crafted.many_entries(folder / "entries.xlsx"),
         "geen leesbaar Excel-bestand"),
    ]


def _nl(number: float, decimals: int = 0) -> str:
    """A number as the Dutch tables write it: 1.500 and 0,52."""
    return f"{number:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _faults(result: dict, expected: str | None) -> list[str]:
    """Why a limit did not hold (empty when it did)."""
    if result["outcome"] in ("afgebroken", "fout"):
        return [f"{result['outcome']}: {result['message']}"]
    faults = []
    if expected is None and result["outcome"] != "gelezen":
        faults.append(f"geweigerd: {result['message'][:60]}")
    if expected is not None:
        if result["outcome"] != "geweigerd":
            faults.append("niet geweigerd")
        elif expected not in result["message"]:
            faults.append(f"andere grens: {result['message'][:40]}…")
        if result["seconds"] > TIME_LIMIT_S:
            faults.append(f"na meer dan {_nl(TIME_LIMIT_S)} s")
    if result["peak"] >= MEMORY_LIMIT_MB:
        faults.append(f"≥ {MEMORY_LIMIT_MB} MB")
    return faults


def _median(results: list[dict]) -> dict:
    median = dict(results[len(results) // 2])
    median["peak"] = statistics.median(r["peak"] for r in results)
    median["seconds"] = statistics.median(r["seconds"] for r in results)
    return median


def _cell(result: dict, expected: str | None) -> str:
    stopped = result["outcome"] == "afgebroken"
    peak = ("≥ " if stopped else "") + _nl(result["peak"])
    faults = _faults(result, expected)
    held = f"**nee** ({'; '.join(faults)})" if faults else f"ja ({result['outcome']})"
    return f"{peak} | {_nl(result['seconds'], 2)} | {held}"


def run() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-reader-"))
    try:
        files = _files(folder)
        print(f"bestanden gemaakt in {folder}; {REPEAT}× per lezer, elk in een eigen proces",
              flush=True)
        table, base = [], []
        for name, path, expected in files:
            size = path.stat().st_size / 1024 / 1024
            row = [f"{name} ({_nl(size, 1)} MB gezipt)"]
            for which in READERS:
                results = []
                for _ in range(REPEAT):
                    result = _measure(which, path)
                    results.append(result)
                    if result["outcome"] == "afgebroken":
                        break  # no need to blow up the machine three times
                    base.append(result["base"])
                median = _median(results)
                times = ", ".join(_nl(r["seconds"], 2) for r in results)
                print(f"{name} · {which}: {median['outcome']} ({median['message'][:70]}), "
                      f"piek {_nl(median['peak'])} MB, {_nl(median['seconds'], 2)} s "
                      f"({times}); grens gehouden: "
                      f"{'; '.join(_faults(median, expected)) or 'ja'}",
                      flush=True)
                row.append(_cell(median, expected))
            table.append(row)
        print(f"\nvertrekpunt van elk kindproces na django.setup(): "
              f"{statistics.median(base):.0f} MB (mediaan)\n")
        print("| bestand | " + " | ".join(f"{r}: piek MB | s | grens gehouden" for r in READERS)
              + " |")
        print("|---|" + "---|---|---|" * len(READERS))
        for row in table:
            print("| " + " | ".join(row) + " |")
    finally:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
