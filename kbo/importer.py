"""The import of a KBO Open Data dump (full or update file, ZIP or folder).

Each file goes into a raw staging table with one text column per CSV column and the row's
line number; on PostgreSQL that is ``COPY`` of the file as it is. One SQL statement per file
then checks every row (number, codes, date) and keeps what the portal needs in a staging
table of its own; the malformed rows are reported with their file and line number and
skipped. A full file builds the new register table beside the old one, without index,
creates the primary key afterwards and swaps the two by renaming; an update file changes the
table in place. Either way the register changes in one transaction: until it commits, and
when the import stops halfway, readers see the previous data. SQLite reads the files in
Python into the same staging tables (there only correctness counts).
"""
import csv
import io
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from . import layout
from .models import Onderneming, Snapshot

BATCH = 5_000
CHUNK = 1 << 20
KEEP_ERRORS = 1_000
BRUSSELS = ZoneInfo("Europe/Brussels")
FINAL = Onderneming._meta.db_table
NEW = f"{FINAL}_nieuw"

# Memory of the server for this import's own transaction (never a server setting): the
# hash tables of the build and the sort of the primary key stay in memory this way.
BUILD_WORK_MEM = "256MB"
INDEX_MEM = "512MB"
# The swap waits for readers of the old table in short turns, so that lookups queued behind
# it wait at most one turn; after all turns the import gives up and the old data stays.
SWAP_LOCK_TIMEOUT_MS = 500
SWAP_ATTEMPTS = 20
SWAP_PAUSE = 0.5

# Staging tables of the checked rows: name → columns (name, PostgreSQL type, SQLite type).
# ``regel`` is the row's line number, ``fout`` the code of what is wrong with it (NULL: nothing).
_CHECKED = (("regel", "bigint", "integer"), ("fout", "smallint", "integer"))
# Byte order for the number: the sorts by number (best name, first row) are much cheaper
# than in the database's linguistic collation, and for digits the order is the same.
_NUMBER = 'text COLLATE "C"'

STAGING = {
    "kbo_stg_code": (("code", "text", "text"), ("omschrijving", "text", "text")),
    "kbo_stg_datum": (("tekst", "text", "text"), ("datum", "date", "text")),
    "kbo_stg_enterprise": (*_CHECKED, ("nummer", _NUMBER, "text"), ("actief", "boolean", "integer"),
                           ("rechtspersoon", "boolean", "integer"), ("rechtsvorm_code", "text", "text"),
                           ("startdatum", "date", "text")),
    "kbo_stg_denomination": (*_CHECKED, ("nummer", _NUMBER, "text"), ("rang", "smallint", "integer"),
                             ("taal", "text", "text"), ("naam", "text", "text"), ("soort", "text", "text")),
    "kbo_stg_address": (*_CHECKED, ("nummer", _NUMBER, "text"), ("postcode", "text", "text"),
                        ("gemeente", "text", "text"), ("straat", "text", "text"), ("land", "text", "text")),
    "kbo_stg_enterprise_del": (*_CHECKED, ("nummer", "text", "text")),
    "kbo_stg_denomination_del": (*_CHECKED, ("nummer", "text", "text")),
    "kbo_stg_address_del": (*_CHECKED, ("nummer", "text", "text")),
}
RAW = "kbo_stg_ruw"


class KboImportError(Exception):
    """The dump cannot be imported as a whole; the message says what to do (Dutch)."""


@dataclass(frozen=True)
class RowError:
    bestand: str
    regel: int
    reden: str

    def __str__(self) -> str:
        return _("%(bestand)s regel %(regel)d: %(reden)s") % {
            "bestand": self.bestand, "regel": self.regel, "reden": self.reden}


@dataclass
class ImportReport:
    """What an import read, skipped and changed; the errors kept are the first ones."""

    extract_type: str = ""
    snapshot_datum: date | None = None
    gelezen: dict[str, int] = field(default_factory=dict)
    overgeslagen: dict[str, int] = field(default_factory=dict)
    fouten: list[RowError] = field(default_factory=list)
    toegevoegd: int = 0
    verwijderd: int = 0
    aantal_ondernemingen: int = 0
    duur_seconden: float = 0.0
    fasen: dict[str, float] = field(default_factory=dict)
    snapshot: Snapshot | None = None

    @property
    def gelezen_rijen(self) -> int:
        return sum(self.gelezen.values())

    @property
    def overgeslagen_rijen(self) -> int:
        return sum(self.overgeslagen.values())

    def skip(self, bestand: str, regel: int, reden: str) -> None:
        self.overgeslagen[bestand] = self.overgeslagen.get(bestand, 0) + 1
        self.note(bestand, regel, reden)

    def note(self, bestand: str, regel: int, reden: str) -> None:
        """Keep the error of a row that was counted as skipped already."""
        if len(self.fouten) < KEEP_ERRORS:
            self.fouten.append(RowError(bestand, regel, reden))


class _Source:
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


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# -- reading in Python: small files, SQLite, and PostgreSQL's second try -----------------------

def _read(source: _Source, name: str, required: tuple[str, ...], report: ImportReport,
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


def _codes(source: _Source, name: str, report: ImportReport, progress: bool) -> Iterator[tuple]:
    """The Dutch descriptions of the legal forms (code.csv is small: a dict is fine)."""
    rows = _read(source, name, layout.COLUMNS[layout.CODE], report, progress)
    pos = next(rows, None)
    descriptions = {}
    for _line, row in rows:
        if row[pos["Category"]] == layout.CODE_JURIDICAL_FORM and row[pos["Language"]] == "NL":
            descriptions[row[pos["Code"]].strip()] = row[pos["Description"]].strip()
    return iter(descriptions.items())


def start_date(value: str) -> str | None:
    """StartDate ``dd-mm-yyyy`` → ``yyyy-mm-dd``; None when empty. Raises ValueError when it
    is not a real date written that way."""
    if not value:
        return None
    if len(value) != 10 or value[2] != "-" or value[5] != "-" or not (
            value[:2] + value[3:5] + value[6:]).isdigit() or not value.isascii():
        raise ValueError(value)
    return date(int(value[6:]), int(value[3:5]), int(value[:2])).isoformat()


# -- writing rows into a staging table ----------------------------------------------------------

class _CopyStream(io.RawIOBase):
    """A file that COPY reads: CSV text made from rows as they come, a batch at a time."""

    def __init__(self, rows: Iterable[tuple]):
        self.rows = iter(rows)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.buffer.seek(0)
        self.buffer.truncate()
        try:
            for _i, row in zip(range(BATCH), self.rows, strict=False):
                self.writer.writerow(row)
        except BaseException as exc:
            # psycopg2 turns it into "COPY cancelled"; the caller raises the real one.
            self.error = exc
            raise
        return self.buffer.getvalue().encode()


def _copy(cursor, sql: str, stream) -> int:
    """COPY … FROM STDIN from a file-like ``stream``; the rows copied. An error of the stream
    itself (a broken ZIP, an interrupt) comes out as it is, not as "COPY cancelled"."""
    try:
        cursor.cursor.copy_expert(sql, stream, size=CHUNK)
    except Exception:  # psycopg2's own errors: the raw cursor does not wrap them
        if stream.error is not None:
            raise stream.error from None
        raise
    return cursor.cursor.rowcount


def _insert_rows(cursor, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    """Rows into a staging table: COPY on PostgreSQL, batched inserts on SQLite. Empty
    strings stay empty strings."""
    if _postgres():
        _copy(cursor, f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, "
                      f"FORCE_NOT_NULL ({', '.join(columns)}))", _CopyStream(rows))
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)


def _create_staging(cursor) -> None:
    pg = _postgres()
    for table, columns in STAGING.items():
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        spec = ", ".join(f"{name} {pg_type if pg else lite_type}" for name, pg_type, lite_type in columns)
        # Unlogged: a staging table is rebuilt from the file after a crash anyway.
        cursor.execute(f"CREATE {'UNLOGGED ' if pg else ''}TABLE {table} ({spec})")
    cursor.execute(f"DROP TABLE IF EXISTS {RAW}")


def _drop_staging(cursor) -> None:
    for table in (*STAGING, RAW):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


# -- the raw file in a staging table ------------------------------------------------------------

@dataclass
class _Raw:
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

    def read(self, size: int = -1) -> bytes:
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
    if _postgres():
        # The identity numbers the rows in the order COPY reads them; from a cache, so that
        # numbering two million rows does not go to the sequence two million times.
        cursor.execute(f"CREATE UNLOGGED TABLE {RAW} (regel bigint GENERATED BY DEFAULT AS IDENTITY "
                       f"(CACHE 100000), {columns})")
    else:
        cursor.execute(f"CREATE TABLE {RAW} (regel integer, {columns})")


def _stage_raw(cursor, source: _Source, name: str, required: tuple[str, ...], report: ImportReport,
               progress: bool) -> _Raw | None:
    """The file in the raw staging table; None when it is empty (not even a header)."""
    with source.open(name) as handle:
        reader = csv.reader(handle)
        header = _header_row(reader, name, required)
        header_lines = reader.line_num
    if header is None:
        report.gelezen[name] = 0
        report.overgeslagen.setdefault(name, 0)
        return None
    raw = _Raw({column: f"c{i}" for i, column in reversed(list(enumerate(header, 1)))},
               header_lines=header_lines)
    names = [f"c{i}" for i in range(1, len(header) + 1)]
    if _postgres():
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
        _insert_rows(cursor, RAW, ["regel", *names], _without_nul(rows, raw.errors, report, name))
        raw.rows = report.gelezen[name] - report.overgeslagen[name]
    return raw


def _data_errors() -> tuple[type[Exception], ...]:
    import psycopg2

    return (psycopg2.DataError,)


def _copy_as_is(cursor, source, name, names, raw: _Raw, report, progress) -> None:
    one_column = len(names) == 1
    # Empty fields are '' as in Python's csv; in a file of one column an empty line stays
    # NULL, so that it can be left out as csv leaves it out.
    options = "FORMAT csv, HEADER true" + ("" if one_column else f", FORCE_NOT_NULL ({', '.join(names)})")
    with source.open_bytes(name) as handle, tqdm(desc=name, unit=" rijen", unit_scale=True,
                                                disable=not progress, mininterval=0.5) as bar:
        stream = _Chunks(handle, bar)
        records = _copy(cursor, f"COPY {RAW} ({', '.join(names)}) FROM STDIN WITH ({options})", stream)
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


# -- the rules per file: one SQL statement from the raw staging table ---------------------------

def _digits_only(expr: str) -> str:
    return f"{expr} !~ '[^0-9]'" if _postgres() else f"{expr} NOT GLOB '*[^0-9]*'"


def _number_sql(column: str) -> str:
    """The ten digits of an enterprise number written ``0201.310.929`` (or with spaces,
    without dots, or nine digits without the leading zero); NULL when it cannot be one."""
    digits = f"replace(replace({column}, '.', ''), ' ', '')"
    other = (f"CASE WHEN length({digits}) IN (9, 10) AND {_digits_only(digits)} THEN "
             f"CASE WHEN length({digits}) = 9 THEN '0' || {digits} ELSE {digits} END END")
    if _postgres():
        # The register's own notation first: LIKE is cheap, a regular expression is not.
        usual = (f"{column} LIKE '____.___.___' AND {column} NOT LIKE '%.%.%.%' "
                 f"AND {column} !~ '[^0-9.]'")
    else:
        usual = f"{column} GLOB '[0-9][0-9][0-9][0-9].[0-9][0-9][0-9].[0-9][0-9][0-9]'"
    return f"CASE WHEN {usual} THEN replace({column}, '.', '') ELSE {other} END"


_SPACES = (32, 9, 10, 11, 12, 13, 160)


def _strip(expr: str) -> str:
    """Spaces, tabs, line ends and no-break spaces off both ends, as Python's strip()."""
    if _postgres():
        return f"btrim({expr}, {' || '.join(f'chr({c})' for c in _SPACES)})"
    return f"trim({expr}, char({', '.join(map(str, _SPACES))}))"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _either(first: str, second: str) -> str:
    return f"CASE WHEN {first} <> '' THEN {first} ELSE {second} END"


class _Rule(NamedTuple):
    """The SQL of a kind of file, over the raw columns (``col``)."""

    once: dict[str, str]  # name → expression, computed once per row; used as r.<name>
    columns: list[str]  # the staging table's columns after regel: fout (error code) first
    joins: str = ""
    where: str = ""  # the rows that count at all


@dataclass(frozen=True)
class _Kind:
    """A kind of file: where its checked rows go, the columns it needs, its rule and for
    each error code the message and the column whose value it shows."""

    table: str
    required: tuple[str, ...]  # the first one is the enterprise number
    messages: dict[int, tuple[str, str]]
    rule: Callable[[Callable[[str], str]], _Rule]


def _enterprise_rule(col) -> _Rule:
    kind, start, form = col("TypeOfEnterprise"), col("StartDate"), col("JuridicalForm")
    fout = (f"CASE WHEN r.nummer IS NULL THEN 1 WHEN {kind} NOT IN ('0', '1', '2') THEN 2 "
            f"WHEN {start} <> '' AND d.tekst IS NULL THEN 3 WHEN length({form}) > 3 THEN 4 END")
    return _Rule({}, [fout, "r.nummer", f"{col('Status')} = '{layout.STATUS_ACTIVE}'",
                      f"{kind} = '{layout.TYPE_LEGAL_PERSON}'", form, "d.datum"],
                 joins=f"LEFT JOIN kbo_stg_datum d ON d.tekst = {start}")


def _denomination_rule(col) -> _Rule:
    language = col("Language")
    rank = f"CASE {language} " + " ".join(
        f"WHEN '{code}' THEN {value}" for code, value in layout.LANGUAGE_RANK.items()) + " END"
    kinds = ", ".join(f"'{kind}'" for kind in layout.DENOMINATIONS_KEPT)
    return _Rule({"rang": rank},
                 # The language only ranks official names: an abbreviation's is not checked.
                 ["CASE WHEN r.nummer IS NULL THEN 1 WHEN r.rang IS NULL AND "
                  f"{col('TypeOfDenomination')} = '{layout.DENOMINATION_OFFICIAL}' THEN 5 END", "r.nummer", "r.rang",
                  language, _strip(col("Denomination")), col("TypeOfDenomination")],
                 # The official name in each language, the abbreviation and the trade name: the
                 # first is shown, all of them are what the organisation may call itself.
                 where=f"{col('TypeOfDenomination')} IN ({kinds})")


def _address_rule(col) -> _Rule:
    street, house, box = "r.straat_naam", col("HouseNumber"), col("Box")
    with_house = (f"CASE WHEN {house} = '' THEN {street} WHEN {street} = '' THEN {house} "
                  f"ELSE {street} || ' ' || {house} END")
    before, _s, rest = _("%(straat)s bus %(bus)s").partition("%(straat)s")
    between, _b, after = rest.partition("%(bus)s")
    with_box = (f"CASE WHEN {box} = '' THEN {with_house} ELSE {_literal(before)} || {with_house} || "
                f"{_literal(between)} || {box} || {_literal(after)} END")
    return _Rule({"straat_naam": _either(col("StreetNL"), col("StreetFR")), "postcode": _strip(col("Zipcode"))},
                 ["CASE WHEN r.nummer IS NULL THEN 1 WHEN length(r.postcode) > 20 THEN 6 END", "r.nummer",
                  "r.postcode", _either(col("MunicipalityNL"), col("MunicipalityFR")), _strip(with_box),
                  _either(col("CountryNL"), col("CountryFR"))],
                 # Only the registered office, and not one that was struck off.
                 where=f"{col('TypeOfAddress')} = '{layout.ADDRESS_REGISTERED_OFFICE}' "
                       f"AND {col('DateStrikingOff')} = ''")


def _delete_rule(col) -> _Rule:
    return _Rule({}, ["CASE WHEN r.nummer IS NULL THEN 1 END", "r.nummer"])


_BAD_NUMBER = (gettext_lazy("ongeldig ondernemingsnummer %r"), "")
KINDS = {
    layout.ENTERPRISE: _Kind(
        "kbo_stg_enterprise", ("EnterpriseNumber", "Status", "TypeOfEnterprise", "JuridicalForm", "StartDate"),
        {1: _BAD_NUMBER, 2: (gettext_lazy("onbekend TypeOfEnterprise %r"), "TypeOfEnterprise"),
         3: (gettext_lazy("ongeldige StartDate %r (verwacht dd-mm-jjjj)"), "StartDate"),
         4: (gettext_lazy("ongeldige JuridicalForm %r"), "JuridicalForm")},
        _enterprise_rule),
    layout.DENOMINATION: _Kind(
        "kbo_stg_denomination", layout.COLUMNS[layout.DENOMINATION],
        {1: _BAD_NUMBER, 5: (gettext_lazy("onbekende taal %r"), "Language")}, _denomination_rule),
    layout.ADDRESS: _Kind(
        "kbo_stg_address", layout.COLUMNS[layout.ADDRESS],
        {1: _BAD_NUMBER, 6: (gettext_lazy("ongeldige postcode %r (meer dan 20 tekens)"), "Zipcode")}, _address_rule),
}


def _delete_kind(table: str) -> _Kind:
    return _Kind(f"{KINDS[table].table}_del", (layout.DELETE_COLUMN[table],), {1: _BAD_NUMBER},
                 _delete_rule)


def _check(cursor, kind: _Kind, raw: _Raw, name: str, report: ImportReport) -> None:
    """The raw rows, checked, into the kind's staging table; the malformed ones reported."""
    pg = _postgres()

    def col(column):
        return f"r.{raw.columns[column]}"

    if kind is KINDS[layout.ENTERPRISE]:
        _stage_start_dates(cursor, raw.columns["StartDate"])
    rule = kind.rule(col)
    select = ", ".join(f"{_cast(expr, pg_type if pg else lite_type)} AS {column}" for expr, (
        column, pg_type, lite_type) in zip(["r.regel", *rule.columns], STAGING[kind.table], strict=True))
    once = {"nummer": _number_sql(col(kind.required[0])), **rule.once}
    # What several columns use is computed once per row in a subquery; "OFFSET 0" keeps
    # PostgreSQL from folding it into the outer query (and computing it again per use).
    inner = (f"SELECT r.*, {', '.join(f'{expr} AS {name}' for name, expr in once.items())} FROM {RAW} r"
             + (f" WHERE {rule.where}" if rule.where else "") + (" OFFSET 0" if pg else ""))
    cursor.execute(f"DROP TABLE IF EXISTS {kind.table}")
    cursor.execute(f"CREATE {'UNLOGGED ' if pg else ''}TABLE {kind.table} AS "
                   f"SELECT {select} FROM ({inner}) r {rule.joins}")
    _report_errors(cursor, kind, raw, name, report)
    if pg:
        # A small sample: the planner needs the sizes, not fine distributions.
        cursor.execute("SET LOCAL default_statistics_target = 10")
        cursor.execute(f"ANALYZE {kind.table}")


def _cast(expr: str, type_: str) -> str:
    type_, _c, collation = type_.partition(" COLLATE ")
    return f"CAST({expr} AS {type_})" + (f" COLLATE {collation}" if collation else "")


def _stage_start_dates(cursor, column: str) -> None:
    """The distinct StartDates of the file, each checked once in Python (a dump has a few
    ten thousand), as a table the rows join: a date that is not in it is wrong."""
    cursor.execute(f"SELECT DISTINCT {column} FROM {RAW}")
    valid = []
    for (text,) in cursor.fetchall():
        try:
            iso = start_date(text)
        except ValueError:
            continue
        if iso is not None:
            valid.append((text, iso))
    cursor.execute("DELETE FROM kbo_stg_datum")
    _insert_rows(cursor, "kbo_stg_datum", ["tekst", "datum"], valid)
    if _postgres():
        cursor.execute("ANALYZE kbo_stg_datum")


def _report_errors(cursor, kind: _Kind, raw: _Raw, name: str, report: ImportReport) -> None:
    """Report the rows the rule refused (and those Python refused before), in line order,
    and take the refused ones out of the staging table."""
    cursor.execute(f"SELECT count(*) FROM {kind.table} WHERE fout IS NOT NULL")
    count = cursor.fetchone()[0]
    found = []
    if count:
        room = max(KEEP_ERRORS - len(report.fouten), 0)
        shown = sorted({column or kind.required[0] for _message_id, column in kind.messages.values()})
        cursor.execute(
            f"SELECT s.regel, s.fout, {', '.join('r.' + raw.columns[c] for c in shown)} FROM "
            f"(SELECT regel, fout FROM {kind.table} WHERE fout IS NOT NULL ORDER BY regel LIMIT {room}) s "
            f"JOIN {RAW} r ON r.regel = s.regel ORDER BY s.regel")
        rows = cursor.fetchall()
        lines = _lines(cursor, raw, [row[0] for row in rows])
        for regel, code, *values in rows:
            message, column = kind.messages[code]
            found.append((lines[regel], str(message) % values[shown.index(column or kind.required[0])]))
        cursor.execute(f"DELETE FROM {kind.table} WHERE fout IS NOT NULL")
    report.overgeslagen[name] += count
    for line, reason in sorted(raw.errors + found):
        report.note(name, line, reason)


def _lines(cursor, raw: _Raw, regels: list[int]) -> dict[int, int]:
    """The line number in the file of each staged row."""
    if not raw.numbered_by_copy:
        return {regel: regel for regel in regels}
    breaks = []
    if raw.breaks_inside_fields and regels:
        # Rare: quoted fields with line ends in them. Each such row pushes the lines from
        # there on down by its number of line ends.
        text = " || ".join(dict.fromkeys(raw.columns.values()))
        cursor.execute(f"SELECT regel, length({text}) - length(replace({text}, chr(10), '')) FROM {RAW} "
                       f"WHERE regel <= {max(regels)} AND strpos({text}, chr(10)) > 0 ORDER BY regel")
        breaks = cursor.fetchall()
    lines, i, pushed = {}, 0, 0
    for regel in sorted(regels):
        while i < len(breaks) and breaks[i][0] <= regel:
            pushed += breaks[i][1]
            i += 1
        lines[regel] = raw.header_lines + regel + pushed
    return lines


def _tune(cursor) -> None:
    """Settings of this import's own transaction (never the server's). No parallel workers:
    they would shuffle the rows, which come sorted by number in a real dump, so that the
    sorts by number (best name, primary key) would no longer find them in order."""
    if _postgres():
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def _stage_file(cursor, source: _Source, name: str, kind: _Kind, report: ImportReport,
                progress: bool) -> None:
    _tune(cursor)
    began = time.perf_counter()
    raw = _stage_raw(cursor, source, name, kind.required, report, progress)
    copied = time.perf_counter()
    report.fasen[f"{name}: inlezen"] = copied - began
    if raw is not None:
        _check(cursor, kind, raw, name, report)
        cursor.execute(f"DROP TABLE {RAW}")
    report.fasen[f"{name}: controle"] = time.perf_counter() - copied


# -- the new register ----------------------------------------------------------------------------

COLUMNS_FINAL = ("ondernemingsnummer, actief, rechtspersoon, rechtsvorm_code, rechtsvorm, naam, "
                 "naam_taal, namen, postcode, gemeente, straat, land, startdatum")
_OFFICIAL = f"soort = '{layout.DENOMINATION_OFFICIAL}'"


def _best_names() -> str:
    """One row per number: the official name in the best language (Dutch first), then the first."""
    if _postgres():
        return (f"(SELECT DISTINCT ON (nummer) nummer, naam, taal, rang FROM kbo_stg_denomination "
                f"WHERE {_OFFICIAL} ORDER BY nummer, rang, regel)")
    return ("(SELECT nummer, naam, taal, rang FROM (SELECT nummer, naam, taal, rang, ROW_NUMBER() "
            f"OVER (PARTITION BY nummer ORDER BY rang, regel) AS rn FROM kbo_stg_denomination WHERE {_OFFICIAL}) "
            "WHERE rn = 1)")


def _newline() -> str:
    return "chr(10)" if _postgres() else "char(10)"


def _joined_names(where: str = "") -> str:
    """One row per number: its names, one a line (``where``: which rows count)."""
    joined = f"string_agg(naam, {_newline()})" if _postgres() else f"group_concat(naam, {_newline()})"
    return f"(SELECT nummer, {joined} AS namen FROM kbo_stg_denomination {where} GROUP BY nummer)"


def _other_names() -> str:
    """The names besides a Dutch official one (which is then the shown name): official names
    in other languages, abbreviations, trade names. Only those rows are grouped (a hash
    aggregate over a filter), not every name: that keeps the build's cost small."""
    dutch = layout.LANGUAGE_RANK[layout.LANGUAGE_DUTCH]
    return _joined_names(f"WHERE NOT ({_OFFICIAL} AND rang = {dutch})")


def _first(table: str, columns: str) -> str:
    """One row per number of a staging table: the first in the file."""
    if _postgres():
        return f"(SELECT DISTINCT ON (nummer) {columns} FROM {table} ORDER BY nummer, regel)"
    return (f"(SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY nummer "
            f"ORDER BY regel) AS rn FROM {table}) WHERE rn = 1)")


_ENTERPRISE_COLUMNS = "nummer, actief, rechtspersoon, rechtsvorm_code, startdatum"
_ADDRESS_COLUMNS = "nummer, postcode, gemeente, straat, land"


def _full_select(*, once: bool) -> str:
    """The register's rows from the staging tables. ``once``: take the first row of a number
    that comes twice (not in a real dump; costs two sorts); else every row as it comes."""
    enterprises = _first("kbo_stg_enterprise", _ENTERPRISE_COLUMNS) if once else "kbo_stg_enterprise"
    addresses = _first("kbo_stg_address", _ADDRESS_COLUMNS) if once else "kbo_stg_address"
    return ("SELECT e.nummer, e.actief, e.rechtspersoon, e.rechtsvorm_code, COALESCE(c.omschrijving, ''), "
            "COALESCE(n.naam, ''), COALESCE(n.taal, ''), COALESCE(m.namen, ''), COALESCE(a.postcode, ''), "
            "COALESCE(a.gemeente, ''), COALESCE(a.straat, ''), COALESCE(a.land, ''), e.startdatum "
            f"FROM {enterprises} e LEFT JOIN {_best_names()} n ON n.nummer = e.nummer "
            f"LEFT JOIN {_other_names()} m ON m.nummer = e.nummer "
            f"LEFT JOIN {addresses} a ON a.nummer = e.nummer "
            "LEFT JOIN kbo_stg_code c ON c.code = e.rechtsvorm_code")


@dataclass
class _Table:
    """What the register table carries besides its rows, to give the new one the same."""

    indexes: list[tuple[str, str | None, str]]  # (index, constraint or None, definition)
    grants: list[tuple[str, str, bool]]  # (grantee, privilege, with grant option)
    options: list[str]
    comment: str | None
    blockers: list[str]  # what would break when the table is dropped and replaced


def _table_info(cursor) -> _Table:
    cursor.execute(
        "SELECT ci.relname, con.conname, CASE WHEN con.oid IS NULL THEN pg_get_indexdef(i.indexrelid) "
        "ELSE pg_get_constraintdef(con.oid) END FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid "
        "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid "
        "AND con.contype IN ('p', 'u', 'x') WHERE i.indrelid = %s::regclass ORDER BY ci.relname", [FINAL])
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, a.privilege_type, "
        "a.is_grantable FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a "
        "LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE c.oid = %s::regclass AND a.grantee <> c.relowner",
        [FINAL])
    grants = cursor.fetchall()
    cursor.execute("SELECT reloptions, obj_description(oid, 'pg_class'), relrowsecurity FROM pg_class "
                   "WHERE oid = %s::regclass", [FINAL])
    options, comment, row_security = cursor.fetchone()
    cursor.execute(
        "SELECT 'verwijzende sleutel ' || conname || ' van ' || conrelid::regclass FROM pg_constraint "
        "WHERE confrelid = %(t)s::regclass AND contype = 'f' "
        "UNION ALL SELECT DISTINCT 'view ' || r.ev_class::regclass FROM pg_depend d "
        "JOIN pg_rewrite r ON r.oid = d.objid WHERE d.classid = 'pg_rewrite'::regclass "
        "AND d.refobjid = %(t)s::regclass AND r.ev_class <> %(t)s::regclass "
        "UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = %(t)s::regclass "
        "AND NOT tgisinternal "
        "UNION ALL SELECT 'publicatie ' || p.pubname FROM pg_publication_rel pr "
        "JOIN pg_publication p ON p.oid = pr.prpubid WHERE pr.prrelid = %(t)s::regclass", {"t": FINAL})
    blockers = [row[0] for row in cursor.fetchall()] + (["row level security"] if row_security else [])
    return _Table(indexes, grants, options or [], comment, blockers)


def _temporary(name: str) -> str:
    # The old table keeps its names until the swap: the new one's have to differ meanwhile.
    return f"{name[:48]}_kbo_nieuw"


def _create_indexes(cursor, table: _Table) -> None:
    """The old table's primary key, constraints and indexes, on the new table, built once
    the rows are in (far cheaper than keeping an index up to date row by row)."""
    for index, constraint, definition in table.indexes:
        if constraint is not None:
            cursor.execute(f"ALTER TABLE {NEW} ADD CONSTRAINT {_temporary(constraint)} {definition}")
        else:
            unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
            cursor.execute(f"CREATE {unique}INDEX {_temporary(index)} ON {NEW} "
                           f"{definition[definition.index(' USING '):]}")


def _rename_indexes(cursor, table: _Table) -> None:
    for index, constraint, _definition in table.indexes:
        if constraint is not None:
            cursor.execute(f"ALTER TABLE {FINAL} RENAME CONSTRAINT {_temporary(constraint)} TO {constraint}")
            if index != constraint:
                cursor.execute(f"ALTER INDEX {constraint} RENAME TO {index}")
        else:
            cursor.execute(f"ALTER INDEX {_temporary(index)} RENAME TO {index}")


def _lock_register(cursor) -> None:
    """The old table to ourselves, for the swap: in short turns, so that readers queued
    behind this lock never wait long; it is held until the swap commits."""
    for _attempt in range(SWAP_ATTEMPTS):
        try:
            with transaction.atomic():
                cursor.execute(f"SET LOCAL lock_timeout = {int(SWAP_LOCK_TIMEOUT_MS)}")
                cursor.execute(f"LOCK TABLE {FINAL} IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")
            return
        except OperationalError as exc:
            if getattr(exc.__cause__, "pgcode", None) != "55P03":  # lock_not_available
                raise
            time.sleep(SWAP_PAUSE)
    raise KboImportError(_(
        "De tabel van het register bleef in gebruik door een andere verbinding (een open "
        "transactie?); de nieuwe gegevens zijn niet gewisseld en de vorige blijven staan. "
        "Probeer het opnieuw wanneer die verbinding klaar is."))


def _swap_full(cursor, report: ImportReport, during_swap: Callable[[str], None] | None) -> None:
    """PostgreSQL: the new table beside the old one, without index; then its primary key
    (and whatever other index the old one has); then the swap by renaming. All of it in
    the caller's transaction: readers see the old table until it commits."""
    began = time.perf_counter()
    table = _table_info(cursor)
    if table.blockers:
        # A view, a trigger or a foreign key on the table would be lost or block the drop:
        # then the rows are replaced in place (slower; the same for readers).
        _replace_in_place(cursor, report)
        report.fasen["opbouw (ter plaatse)"] = time.perf_counter() - began
        return
    cursor.execute(f"SET LOCAL work_mem = '{BUILD_WORK_MEM}'")
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_MEM}'")
    options = f" WITH ({', '.join(table.options)})" if table.options else ""
    cursor.execute(f"CREATE TABLE {NEW} (LIKE {FINAL} INCLUDING ALL EXCLUDING INDEXES){options}")
    cursor.execute(f"INSERT INTO {NEW} ({COLUMNS_FINAL}) {_full_select(once=False)}")
    report.toegevoegd = cursor.rowcount
    built = time.perf_counter()
    report.fasen["opbouw"] = built - began
    try:
        with transaction.atomic():
            _create_indexes(cursor, table)
    except IntegrityError:
        # A number twice in enterprise.csv, or two registered offices: the primary key
        # refused it. Again, with the first row of each number.
        cursor.execute(f"TRUNCATE {NEW}")
        cursor.execute(f"INSERT INTO {NEW} ({COLUMNS_FINAL}) {_full_select(once=True)}")
        report.toegevoegd = cursor.rowcount
        _create_indexes(cursor, table)
    cursor.execute("SET LOCAL default_statistics_target = DEFAULT")
    cursor.execute(f"ANALYZE {NEW}")
    if table.comment is not None:
        cursor.execute(f"COMMENT ON TABLE {NEW} IS %s", [table.comment])
    indexed = time.perf_counter()
    report.fasen["index"] = indexed - built
    if during_swap is not None:
        during_swap("opgebouwd")
    _lock_register(cursor)
    cursor.execute(f"DROP TABLE {FINAL}")
    cursor.execute(f"ALTER TABLE {NEW} RENAME TO {FINAL}")
    _rename_indexes(cursor, table)
    for grantee, privilege, grantable in table.grants:
        cursor.execute(f"GRANT {privilege} ON {FINAL} TO {grantee}{' WITH GRANT OPTION' if grantable else ''}")
    if during_swap is not None:
        during_swap("gewisseld")
    report.fasen["wissel"] = time.perf_counter() - indexed


def _replace_in_place(cursor, report: ImportReport) -> None:
    """All rows of the register replaced in its own table (SQLite, or a table PostgreSQL
    cannot swap). A repeated number keeps its first row."""
    if _postgres():
        cursor.execute(f"SET LOCAL work_mem = '{BUILD_WORK_MEM}'")
    cursor.execute(f"DELETE FROM {FINAL}")
    cursor.execute(f"INSERT INTO {FINAL} ({COLUMNS_FINAL}) {_full_select(once=True)} "
                   "WHERE TRUE ON CONFLICT (ondernemingsnummer) DO NOTHING")
    report.toegevoegd = cursor.rowcount


_RANK_OF_CURRENT = "CASE o.naam_taal " + " ".join(
    f"WHEN '{language}' THEN {rank}" for language, rank in layout.LANGUAGE_RANK.items()) + " ELSE 99 END"


def _swap_update(cursor, report: ImportReport) -> None:
    # Enterprises that go and do not come back.
    cursor.execute(f"DELETE FROM {FINAL} WHERE ondernemingsnummer IN (SELECT nummer FROM kbo_stg_enterprise_del) "
                   "AND ondernemingsnummer NOT IN (SELECT nummer FROM kbo_stg_enterprise)")
    report.verwijderd = cursor.rowcount
    # Enterprises that come (new) or come back changed: their name and address stay unless
    # the update also replaces those.
    cursor.execute(
        f"INSERT INTO {FINAL} ({COLUMNS_FINAL}) "
        "SELECT e.nummer, e.actief, e.rechtspersoon, e.rechtsvorm_code, COALESCE(c.omschrijving, ''), "
        f"'', '', '', '', '', '', '', e.startdatum FROM {_first('kbo_stg_enterprise', _ENTERPRISE_COLUMNS)} e "
        "LEFT JOIN kbo_stg_code c ON c.code = e.rechtsvorm_code "
        "WHERE TRUE ON CONFLICT (ondernemingsnummer) DO UPDATE SET actief = excluded.actief, "
        "rechtspersoon = excluded.rechtspersoon, rechtsvorm_code = excluded.rechtsvorm_code, "
        "rechtsvorm = excluded.rechtsvorm, startdatum = excluded.startdatum")
    report.toegevoegd = cursor.rowcount
    # Names: the deleted ones go, new ones join those that stay, and a new official name
    # replaces the shown one when it is in a better language (or there is none left).
    cursor.execute(f"UPDATE {FINAL} SET naam = '', naam_taal = '', namen = '' "
                   "WHERE ondernemingsnummer IN (SELECT nummer FROM kbo_stg_denomination_del)")
    kept = (f"CASE WHEN o.naam = '' THEN o.namen WHEN o.namen = '' THEN o.naam "
            f"ELSE o.naam || {_newline()} || o.namen END")
    cursor.execute(f"UPDATE {FINAL} AS o SET namen = CASE WHEN {kept} = '' THEN m.namen "
                   f"ELSE {kept} || {_newline()} || m.namen END FROM {_joined_names()} m "
                   "WHERE o.ondernemingsnummer = m.nummer")
    cursor.execute(f"UPDATE {FINAL} AS o SET naam = n.naam, naam_taal = n.taal FROM {_best_names()} n "
                   f"WHERE o.ondernemingsnummer = n.nummer AND n.rang < {_RANK_OF_CURRENT}")
    cursor.execute(f"UPDATE {FINAL} SET postcode = '', gemeente = '', straat = '', land = '' "
                   "WHERE ondernemingsnummer IN (SELECT nummer FROM kbo_stg_address_del)")
    cursor.execute(f"UPDATE {FINAL} AS o SET postcode = a.postcode, gemeente = a.gemeente, "
                   f"straat = a.straat, land = a.land FROM {_first('kbo_stg_address', _ADDRESS_COLUMNS)} a "
                   "WHERE o.ondernemingsnummer = a.nummer")


# -- the import --------------------------------------------------------------------------------

def _meta(source: _Source, report: ImportReport) -> dict[str, str]:
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


def _plan(source: _Source, extract_type: str) -> list[tuple[str, _Kind]]:
    """(file, kind) for every data file the import reads, in order."""
    tables = (layout.ENTERPRISE, layout.DENOMINATION, layout.ADDRESS)
    if extract_type == layout.EXTRACT_FULL:
        missing = [name for name in tables if not source.has(name)]
        if missing:
            raise KboImportError(_("Het volledige bestand mist %(bestanden)s. Download het ZIP-bestand "
                                   "opnieuw.") % {"bestanden": ", ".join(missing)})
        return [(name, KINDS[name]) for name in tables]
    plan = []
    for name in tables:
        if source.has(layout.delete_file(name)):
            plan.append((layout.delete_file(name), _delete_kind(name)))
        if source.has(layout.insert_file(name)):
            plan.append((layout.insert_file(name), KINDS[name]))
    if not plan:
        raise KboImportError(_("Dit updatebestand bevat geen enterprise-, denomination- of "
                               "address-bestanden (…_delete.csv, …_insert.csv)."))
    return plan


def kbo_import(path: str | Path, *, progress: bool = False,
               after_file: Callable[[str], None] | None = None,
               during_swap: Callable[[str], None] | None = None) -> ImportReport:
    """Import a full or update dump; returns what it did. Raises KboImportError (Dutch) when
    the dump as a whole is unusable; the register then keeps its previous data.

    ``after_file`` is called with each file's name once it is staged (progress reports, and
    the tests interrupt an import there). ``during_swap`` (PostgreSQL, full file) is called
    inside the swap's transaction with "opgebouwd" once the new table is complete and with
    "gewisseld" after the renaming, before the commit (the tests look from another
    connection there).
    """
    started = time.perf_counter()
    report = ImportReport()
    source = _Source(Path(path))
    try:
        meta = _meta(source, report)
        extract_type = meta.get("ExtractType", "").lower()
        if extract_type not in (layout.EXTRACT_FULL, layout.EXTRACT_UPDATE):
            raise KboImportError(_("meta.csv noemt ExtractType %r; verwacht is 'full' of 'update'.")
                                 % extract_type)
        report.extract_type = extract_type
        report.snapshot_datum = meta["_datum"]
        plan = _plan(source, extract_type)
        with connection.cursor() as cursor:
            _lock(cursor)
            try:
                _create_staging(cursor)
                if source.has(layout.CODE):
                    with transaction.atomic():
                        _insert_rows(cursor, "kbo_stg_code", ["code", "omschrijving"],
                                     _codes(source, layout.CODE, report, progress))
                    if after_file is not None:
                        after_file(layout.CODE)
                for name, kind in plan:
                    # A transaction (or savepoint) per file: a file that breaks off leaves
                    # the connection usable for the clean-up, also inside a caller's transaction.
                    try:
                        with transaction.atomic():
                            _stage_file(cursor, source, name, kind, report, progress)
                    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                        raise KboImportError(_(
                            "%(bestand)s is beschadigd of onvolledig (%(fout)s). Download het "
                            "bestand opnieuw.") % {"bestand": name, "fout": exc}) from exc
                    if after_file is not None:
                        after_file(name)
                if extract_type == layout.EXTRACT_FULL and report.gelezen.get(layout.ENTERPRISE, 0) \
                        - report.overgeslagen.get(layout.ENTERPRISE, 0) <= 0:
                    raise KboImportError(_("enterprise.csv bevat geen enkele geldige onderneming; de "
                                           "huidige gegevens blijven staan. Download het bestand opnieuw."))
                with transaction.atomic():
                    _tune(cursor)
                    if _postgres():
                        # The commit does not wait for the WAL on disk (0.8–1.5 s less at two
                        # million). A server crash in the second after it loses the import as
                        # a whole: the previous register stays, and the import can be rerun.
                        cursor.execute("SET LOCAL synchronous_commit = off")
                    if extract_type == layout.EXTRACT_UPDATE:
                        began = time.perf_counter()
                        _swap_update(cursor, report)
                        report.fasen["wissel"] = time.perf_counter() - began
                    elif _postgres():
                        _swap_full(cursor, report, during_swap)
                    else:
                        began = time.perf_counter()
                        _replace_in_place(cursor, report)
                        report.fasen["wissel"] = time.perf_counter() - began
                    report.aantal_ondernemingen = Onderneming.objects.count()
                    report.duur_seconden = time.perf_counter() - started
                    report.snapshot = _save_snapshot(meta, report)
            finally:
                _cleanup(cursor)
    finally:
        source.close()
    return report


def _lock(cursor) -> None:
    """One import at a time (they share the staging tables)."""
    if _postgres():
        cursor.execute("SELECT pg_try_advisory_lock(hashtext('kbo_import'))")
        if not cursor.fetchone()[0]:
            raise KboImportError(_("Er loopt al een KBO-import. Wacht tot die klaar is en probeer "
                                   "het dan opnieuw."))


def _cleanup(cursor) -> None:
    try:
        _drop_staging(cursor)
        if _postgres():
            cursor.execute("SELECT pg_advisory_unlock(hashtext('kbo_import'))")
    except DatabaseError:
        # The transaction around us failed already; its rollback drops what it created.
        pass


def _save_snapshot(meta: dict, report: ImportReport) -> Snapshot:
    try:
        extracted = layout.parse_timestamp(meta.get("ExtractTimestamp", ""))
    except ValueError:
        extracted = None
    number = meta.get("ExtractNumber", "")
    return Snapshot.objects.create(
        snapshot_datum=report.snapshot_datum,
        extract_tijdstip=timezone.make_aware(extracted, BRUSSELS) if extracted else None,
        extract_type=report.extract_type,
        extract_nummer=int(number) if number.isdigit() else None,
        versie=meta.get("Version", "")[:20],
        duur_seconden=report.duur_seconden,
        gelezen_rijen=report.gelezen_rijen,
        overgeslagen_rijen=report.overgeslagen_rijen,
        toegevoegd=report.toegevoegd,
        verwijderd=report.verwijderd,
        aantal_ondernemingen=report.aantal_ondernemingen,
        details={"gelezen": report.gelezen, "overgeslagen": report.overgeslagen,
                 "fouten": [[e.bestand, e.regel, e.reden] for e in report.fouten[:100]],
                 "fasen": {name: round(seconds, 2) for name, seconds in report.fasen.items()}},
    )
