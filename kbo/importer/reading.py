"""Reading a dump into staging: meta.csv and code.csv in Python; each data file as it is
into the raw staging table (COPY on PostgreSQL), or row by row in Python on SQLite and when
COPY cannot take a row."""
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from .. import layout
from .report import KEEP_ERRORS, ImportReport, KboImportError
from .staging import BATCH, CHUNK, RAW, copy_in, insert_rows, postgres


class Source:
    """The files of a dump, in a folder or a ZIP (also in a folder inside the ZIP)."""

    def __init__(self, path: Path):
        self.path = path
        self.zip = None
        if path.is_dir():
            self.names = {child.name: child for child in path.iterdir() if child.is_file()}
        elif path.is_file() and zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
            self.names = {Path(info.filename).name: info for info in self.zip.infolist()
                          if not info.is_dir()}
        else:
            raise KboImportError(_(
                "%(pad)s is geen map en geen ZIP-bestand. Geef de map of het ZIP-bestand van "
                "KBO Open Data op, zoals u het downloadde.") % {"pad": path})

    def has(self, name: str) -> bool:
        return name in self.names

    def open_bytes(self, name: str):
        return (self.zip.open(self.names[name]) if self.zip is not None
                else open(self.names[name], "rb"))  # noqa: SIM115 - the caller closes it

    def open(self, name: str) -> io.TextIOBase:
        # utf-8-sig drops a byte order mark; a broken byte becomes U+FFFD, not an abort.
        return io.TextIOWrapper(self.open_bytes(name), encoding="utf-8-sig", errors="replace",
                                newline="")

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def read_meta(source: Source, report: ImportReport) -> dict[str, str]:
    if not source.has(layout.META):
        raise KboImportError(_(
            "%(pad)s bevat geen meta.csv: dit lijkt geen bestand van KBO Open Data. Geef het "
            "ZIP-bestand (of de uitgepakte map) op zoals u het downloadde.") % {"pad": source.path})
    rows = _read(source, layout.META, ("Variable", "Value"), report, False)
    pos = next(rows, None) or {}
    meta = {row[pos["Variable"]].strip(): row[pos["Value"]].strip() for _line, row in rows}
    try:
        meta["_datum"] = layout.parse_date(meta.get("SnapshotDate", ""))
    except ValueError:
        meta["_datum"] = None
    if meta["_datum"] is None:
        raise KboImportError(_("meta.csv heeft geen geldige SnapshotDate (dd-mm-jjjj). Download het "
                               "bestand opnieuw."))
    return meta


# -- reading in Python: small files, SQLite, and PostgreSQL's second try -----------------------

def _read(source: Source, name: str, required: tuple[str, ...], report: ImportReport,
          progress: bool, errors: list[tuple[int, str]] | None = None) -> Iterator:
    """First the column positions (a dict), then (line number, row) of every row with the
    header's number of columns. The other rows are skipped: reported at once, or, with
    ``errors``, collected there as (line, reason) for the caller to report in line order."""
    report.gelezen[name] = 0
    report.overgeslagen.setdefault(name, 0)

    def skip(line, reason):
        if errors is None:
            report.skip(name, line, reason)
        else:
            report.overgeslagen[name] += 1
            if len(errors) < KEEP_ERRORS:
                errors.append((line, reason))

    with source.open(name) as handle, tqdm(desc=name, unit=" rijen", unit_scale=True,
                                          disable=not progress, mininterval=0.5) as bar:
        reader = csv.reader(handle)
        header = _header_row(reader, name, required)
        if header is None:
            return
        yield {column: header.index(column) for column in header}
        width = len(header)
        count = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                count += 1
                skip(reader.line_num, _("onleesbare CSV-regel (%s)") % exc)
                continue
            if len(row) != width:
                if row:
                    count += 1
                    skip(reader.line_num, _("%(n)d kolommen in plaats van %(m)d") % {
                        "n": len(row), "m": width})
                continue
            count += 1
            if not count % BATCH:
                bar.update(BATCH)
            yield reader.line_num, row
        bar.update(count % BATCH)
        report.gelezen[name] = count


def _header_row(reader, name: str, required: tuple[str, ...]) -> list[str] | None:
    """The header's column names; None for an empty file."""
    try:
        header = next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        raise KboImportError(_("%(bestand)s: de kopregel is onleesbaar (%(fout)s). Download het "
                               "bestand opnieuw.") % {"bestand": name, "fout": exc}) from exc
    header = [column.strip() for column in header]
    missing = [column for column in required if column not in header]
    if missing:
        raise KboImportError(_(
            "%(bestand)s mist de kolom(men) %(kolommen)s: dit is niet de indeling van KBO Open "
            "Data. Controleer of u het juiste bestand opgaf.") % {
            "bestand": name, "kolommen": ", ".join(missing)})
    return header


def read_codes(source: Source, name: str, report: ImportReport, progress: bool) -> Iterator[tuple]:
    """The Dutch descriptions of the legal forms (code.csv is small: a dict is fine)."""
    rows = _read(source, name, layout.COLUMNS[layout.CODE], report, progress)
    pos = next(rows, None)
    descriptions = {}
    for _line, row in rows:
        if row[pos["Category"]] == layout.CODE_JURIDICAL_FORM and row[pos["Language"]] == "NL":
            descriptions[row[pos["Code"]].strip()] = row[pos["Description"]].strip()
    return iter(descriptions.items())


@dataclass
class Raw:
    """A file in the raw staging table: c1 … cN as in the header, and ``regel``."""

    columns: dict[str, str]  # header column → raw column (c1, c2, …)
    rows: int = 0
    # PostgreSQL's COPY numbers the records from 1 (``regel`` is that number): the line is
    # then header_lines + regel, plus the line ends inside quoted fields before it.
    numbered_by_copy: bool = False
    header_lines: int = 1
    breaks_inside_fields: bool = False
    errors: list[tuple[int, str]] = field(default_factory=list)  # found in Python (line, reason)


class _Chunks(io.RawIOBase):
    """The bytes of a file as they are, for COPY, a megabyte at a time: counts the lines for
    the progress bar and the line numbers; blank lines at the very end are left out (COPY
    refuses an empty line)."""

    def __init__(self, raw, bar):
        self.raw = raw
        self.bar = bar
        self.newlines = 0
        self.ends_with_newline = True
        self.pending = b""
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, _size: int = -1) -> bytes:  # COPY asks for its buffer size; a megabyte comes
        try:
            while True:
                chunk = self.raw.read(CHUNK)
                if not chunk:
                    # One line end after the last line, none of the blank lines after it.
                    tail = self.pending[:2] if self.pending.startswith(b"\r\n") else self.pending[:1]
                    self.pending = b""
                    return self._out(tail)
                body = chunk.rstrip(b"\r\n")
                if not body:
                    self.pending += chunk
                    continue
                out, self.pending = self.pending + body, chunk[len(body):]
                return self._out(out)
        except BaseException as exc:
            self.error = exc
            raise

    def _out(self, data: bytes) -> bytes:
        if data:
            lines = data.count(b"\n")
            self.newlines += lines
            self.ends_with_newline = data.endswith(b"\n")
            self.bar.update(lines)
        return data

    @property
    def lines(self) -> int:
        return self.newlines + (0 if self.ends_with_newline else 1)


def _create_raw(cursor, width: int) -> None:
    columns = ", ".join(f"c{i} text" for i in range(1, width + 1))
    if postgres():
        # The identity numbers the rows in the order COPY reads them; from a cache, so that
        # numbering two million rows does not go to the sequence two million times.
        cursor.execute(f"CREATE UNLOGGED TABLE {RAW} (regel bigint GENERATED BY DEFAULT AS IDENTITY "
                       f"(CACHE 100000), {columns})")
    else:
        cursor.execute(f"CREATE TABLE {RAW} (regel integer, {columns})")


def stage_raw(cursor, source: Source, name: str, required: tuple[str, ...], report: ImportReport,
              progress: bool) -> Raw | None:
    """The file in the raw staging table; None when it is empty (not even a header)."""
    with source.open(name) as handle:
        reader = csv.reader(handle)
        header = _header_row(reader, name, required)
        header_lines = reader.line_num
    if header is None:
        report.gelezen[name] = 0
        report.overgeslagen.setdefault(name, 0)
        return None
    raw = Raw({column: f"c{i}" for i, column in reversed(list(enumerate(header, 1)))},
              header_lines=header_lines)
    names = [f"c{i}" for i in range(1, len(header) + 1)]
    if postgres():
        try:
            with transaction.atomic():
                _create_raw(cursor, len(header))
                _copy_as_is(cursor, source, name, names, raw, report, progress)
            return raw
        except _data_errors():
            # A row COPY cannot take (another number of columns, a broken byte, an open
            # quote): read this file again in Python, which skips and reports such rows.
            pass
    with transaction.atomic():
        _create_raw(cursor, len(header))
        raw.numbered_by_copy = False
        rows = _read(source, name, required, report, progress, errors=raw.errors)
        next(rows, None)
        insert_rows(cursor, RAW, ["regel", *names], _without_nul(rows, raw.errors, report, name))
        raw.rows = report.gelezen[name] - report.overgeslagen[name]
    return raw


def _data_errors() -> tuple[type[Exception], ...]:
    import psycopg2

    return (psycopg2.DataError,)


def _copy_as_is(cursor, source, name, names, raw: Raw, report, progress) -> None:
    one_column = len(names) == 1
    # Empty fields are '' as in Python's csv; in a file of one column an empty line stays
    # NULL, so that it can be left out as csv leaves it out.
    options = "FORMAT csv, HEADER true" + ("" if one_column else f", FORCE_NOT_NULL ({', '.join(names)})")
    with source.open_bytes(name) as handle, tqdm(desc=name, unit=" rijen", unit_scale=True,
                                                disable=not progress, mininterval=0.5) as bar:
        stream = _Chunks(handle, bar)
        records = copy_in(cursor, f"COPY {RAW} ({', '.join(names)}) FROM STDIN WITH ({options})", stream)
    rows = records
    if one_column:
        cursor.execute(f"DELETE FROM {RAW} WHERE c1 IS NULL")
        rows -= cursor.rowcount
    raw.rows = rows
    raw.numbered_by_copy = True
    # More lines than records: some quoted field holds a line end (counted when needed).
    raw.breaks_inside_fields = stream.lines - raw.header_lines > records
    report.gelezen[name] = rows
    report.overgeslagen[name] = 0


def _without_nul(rows, errors, report, name) -> Iterator[tuple]:
    """(line, *row) of the rows without a NUL character, which a database cannot store."""
    for line, row in rows:
        if any("\x00" in value for value in row):
            report.overgeslagen[name] += 1
            if len(errors) < KEEP_ERRORS:
                errors.append((line, _("de rij bevat een NUL-teken")))
            continue
        yield (line, *row)
