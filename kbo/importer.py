"""The import of a KBO Open Data dump (full or update file, ZIP or folder).

Every file is streamed row by row into staging tables (``COPY`` on PostgreSQL, batched
inserts on SQLite); the portal's own table changes only at the end, in one transaction.
Until then, and when the import stops halfway, the previous data stays as it was.
Malformed rows are reported with their file and line number and skipped.
"""
import csv
import io
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from . import layout
from .models import Onderneming, Snapshot

BATCH = 5_000
KEEP_ERRORS = 1_000
BRUSSELS = ZoneInfo("Europe/Brussels")
FINAL = Onderneming._meta.db_table

# Staging tables: name → columns (name, PostgreSQL type, SQLite type).
STAGING = {
    "kbo_stg_code": (("code", "text", "text"), ("omschrijving", "text", "text")),
    "kbo_stg_enterprise": (("nummer", "text", "text"), ("actief", "boolean", "integer"),
                           ("rechtspersoon", "boolean", "integer"), ("rechtsvorm_code", "text", "text"),
                           ("startdatum", "date", "text")),
    "kbo_stg_denomination": (("nummer", "text", "text"), ("rang", "smallint", "integer"),
                             ("taal", "text", "text"), ("naam", "text", "text")),
    "kbo_stg_address": (("nummer", "text", "text"), ("postcode", "text", "text"),
                        ("gemeente", "text", "text"), ("straat", "text", "text"), ("land", "text", "text")),
    "kbo_stg_enterprise_del": (("nummer", "text", "text"),),
    "kbo_stg_denomination_del": (("nummer", "text", "text"),),
    "kbo_stg_address_del": (("nummer", "text", "text"),),
}


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

    def open(self, name: str) -> io.TextIOBase:
        raw = (self.zip.open(self.names[name]) if self.zip is not None
               else open(self.names[name], "rb"))  # noqa: SIM115 - closed through the wrapper
        # utf-8-sig drops a byte order mark; a broken byte becomes U+FFFD, not an abort.
        return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _read(source: _Source, name: str, required: tuple[str, ...], report: ImportReport,
          progress: bool) -> Iterator:
    """First the column positions (a dict), then (line number, row) of every row with the
    header's number of columns; the other rows are reported and skipped."""
    report.gelezen[name] = 0
    report.overgeslagen.setdefault(name, 0)
    with source.open(name) as handle, tqdm(desc=name, unit=" rijen", unit_scale=True,
                                          disable=not progress, mininterval=0.5) as bar:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            return
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
        yield {column: header.index(column) for column in required}
        width = len(header)
        count = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                count += 1
                report.skip(name, reader.line_num, _("onleesbare CSV-regel (%s)") % exc)
                continue
            if len(row) != width:
                if row:
                    count += 1
                    report.skip(name, reader.line_num, _("%(n)d kolommen in plaats van %(m)d") % {
                        "n": len(row), "m": width})
                continue
            count += 1
            if not count % BATCH:
                bar.update(BATCH)
            yield reader.line_num, row
        bar.update(count % BATCH)
        report.gelezen[name] = count


def _number(value: str) -> str | None:
    """The register's ``0201.310.929`` quickly; any other notation the slow way."""
    if len(value) == 12 and value[4] == "." and value[8] == ".":
        number = value[:4] + value[5:8] + value[9:]
        if number.isdigit() and number.isascii():
            return number
        return None
    return layout.parse_number(value)


def _bad_number(report, name, line, value) -> None:
    report.skip(name, line, _("ongeldig ondernemingsnummer %r") % value)


class _Dates(dict):
    """dd-mm-yyyy → yyyy-mm-dd, remembered (a dump has a few ten thousand distinct dates).
    An impossible date raises ValueError."""

    def __missing__(self, value: str) -> str | None:
        if not value:
            return None
        if len(value) != 10 or value[2] != "-" or value[5] != "-":
            raise ValueError(value)
        iso = date(int(value[6:]), int(value[3:5]), int(value[:2])).isoformat()
        if len(self) < 100_000:
            self[value] = iso
        return iso


def _enterprises(source, name, report, progress) -> Iterator[tuple]:
    rows = _read(source, name, ("EnterpriseNumber", "Status", "TypeOfEnterprise", "JuridicalForm",
                                "StartDate"), report, progress)
    pos = next(rows, None)
    if pos is None:
        return
    i_number, i_status, i_type, i_form, i_start = (
        pos["EnterpriseNumber"], pos["Status"], pos["TypeOfEnterprise"], pos["JuridicalForm"], pos["StartDate"])
    dates = _Dates()
    active, legal = layout.STATUS_ACTIVE, layout.TYPE_LEGAL_PERSON
    for line, row in rows:
        number = _number(row[i_number])
        if number is None:
            _bad_number(report, name, line, row[i_number])
            continue
        kind = row[i_type]
        if kind not in ("0", "1", "2"):
            report.skip(name, line, _("onbekend TypeOfEnterprise %r") % kind)
            continue
        try:
            start = dates[row[i_start]]
        except ValueError:
            report.skip(name, line, _("ongeldige StartDate %r (verwacht dd-mm-jjjj)") % row[i_start])
            continue
        form = row[i_form]
        if len(form) > 3 or "\x00" in form:
            report.skip(name, line, _("ongeldige JuridicalForm %r") % form)
            continue
        yield number, row[i_status] == active, kind == legal, form, start


def _denominations(source, name, report, progress) -> Iterator[tuple]:
    rows = _read(source, name, ("EntityNumber", "Language", "TypeOfDenomination", "Denomination"),
                 report, progress)
    pos = next(rows, None)
    if pos is None:
        return
    i_number, i_language, i_type, i_name = (
        pos["EntityNumber"], pos["Language"], pos["TypeOfDenomination"], pos["Denomination"])
    rank = layout.LANGUAGE_RANK
    official = layout.DENOMINATION_OFFICIAL
    for line, row in rows:
        if row[i_type] != official:
            continue  # abbreviations and trade names are not the enterprise's name
        number = _number(row[i_number])
        if number is None:
            _bad_number(report, name, line, row[i_number])
            continue
        language = row[i_language]
        text = row[i_name]
        if language not in rank or "\x00" in text:
            report.skip(name, line, _("onbekende taal %r of ongeldige naam") % language)
            continue
        yield number, rank[language], language, text.strip()


def _addresses(source, name, report, progress) -> Iterator[tuple]:
    rows = _read(source, name, layout.COLUMNS[layout.ADDRESS], report, progress)
    pos = next(rows, None)
    if pos is None:
        return
    (i_number, i_type, i_country_nl, i_country_fr, i_zip, i_mun_nl, i_mun_fr, i_street_nl,
     i_street_fr, i_house, i_box, _extra, i_struck) = (pos[column] for column in layout.COLUMNS[layout.ADDRESS])
    office = layout.ADDRESS_REGISTERED_OFFICE
    box_format = _("%(straat)s bus %(bus)s")
    for line, row in rows:
        if row[i_type] != office or row[i_struck]:
            continue  # only the registered office, and not one that was struck off
        number = _number(row[i_number])
        if number is None:
            _bad_number(report, name, line, row[i_number])
            continue
        street, house = row[i_street_nl] or row[i_street_fr], row[i_house]
        if house:
            street = f"{street} {house}" if street else house
        if row[i_box]:
            street = box_format % {"straat": street, "bus": row[i_box]}
        postcode = row[i_zip].strip()
        municipality = row[i_mun_nl] or row[i_mun_fr]
        country = row[i_country_nl] or row[i_country_fr]
        if len(postcode) > 20 or "\x00" in street or "\x00" in municipality or "\x00" in country \
                or "\x00" in postcode:
            report.skip(name, line, _("ongeldig adres"))
            continue
        yield number, postcode, municipality, street.strip(), country


def _deleted(source, name, column, report, progress) -> Iterator[tuple]:
    rows = _read(source, name, (column,), report, progress)
    pos = next(rows, None)
    if pos is None:
        return
    for line, row in rows:
        number = _number(row[pos[column]])
        if number is None:
            _bad_number(report, name, line, row[pos[column]])
        else:
            yield (number,)


def _codes(source, name, report, progress) -> Iterator[tuple]:
    """The Dutch descriptions of the legal forms (code.csv is small: a dict is fine)."""
    rows = _read(source, name, layout.COLUMNS[layout.CODE], report, progress)
    pos = next(rows, None)
    descriptions = {}
    for _line, row in rows:
        if row[pos["Category"]] == layout.CODE_JURIDICAL_FORM and row[pos["Language"]] == "NL":
            descriptions[row[pos["Code"]].strip()] = row[pos["Description"]].strip()
    return iter(descriptions.items())


# -- writing into the staging tables ---------------------------------------------------------

def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _create_staging(cursor) -> None:
    pg = _postgres()
    for table, columns in STAGING.items():
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        spec = ", ".join(f"{name} {pg_type if pg else lite_type}" for name, pg_type, lite_type in columns)
        # Unlogged: a staging table is rebuilt from the file after a crash anyway.
        cursor.execute(f"CREATE {'UNLOGGED ' if pg else ''}TABLE {table} ({spec})")


def _drop_staging(cursor) -> None:
    for table in STAGING:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


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
            batch = list(islice(self.rows, BATCH))
        except BaseException as exc:
            # psycopg2 turns it into "COPY cancelled"; the caller raises the real one.
            self.error = exc
            raise
        self.writer.writerows(batch)
        return self.buffer.getvalue().encode()


def _stage(cursor, table: str, rows: Iterable[tuple]) -> None:
    columns = [name for name, _pg, _lite in STAGING[table]]
    if _postgres():
        # Empty fields are '' in text columns, NULL only in the date.
        texts = [name for name, pg_type, _lite in STAGING[table] if pg_type == "text"]
        sql = (f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, "
               f"FORCE_NOT_NULL ({', '.join(texts)}))")
        stream = _CopyStream(rows)
        try:
            cursor.cursor.copy_expert(sql, stream, size=1 << 16)
        except Exception:  # psycopg2's own errors: the raw cursor does not wrap them
            if stream.error is not None:
                raise stream.error from None
            raise
        cursor.execute(f"ANALYZE {table}")
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


# -- swapping the staged data in ---------------------------------------------------------------

_RANK_OF_CURRENT = "CASE o.naam_taal " + " ".join(
    f"WHEN '{language}' THEN {rank}" for language, rank in layout.LANGUAGE_RANK.items()) + " ELSE 99 END"


def _best_names() -> str:
    """One row per number: the name in the best language (Dutch first)."""
    if _postgres():
        return ("(SELECT DISTINCT ON (nummer) nummer, naam, taal, rang FROM kbo_stg_denomination "
                "ORDER BY nummer, rang)")
    return ("(SELECT nummer, naam, taal, rang FROM (SELECT nummer, naam, taal, rang, ROW_NUMBER() "
            "OVER (PARTITION BY nummer ORDER BY rang) AS rn FROM kbo_stg_denomination) WHERE rn = 1)")


def _one_address() -> str:
    if _postgres():
        return ("(SELECT DISTINCT ON (nummer) nummer, postcode, gemeente, straat, land "
                "FROM kbo_stg_address ORDER BY nummer)")
    return ("(SELECT nummer, postcode, gemeente, straat, land FROM (SELECT *, ROW_NUMBER() OVER "
            "(PARTITION BY nummer) AS rn FROM kbo_stg_address) WHERE rn = 1)")


def _one_enterprise() -> str:
    if _postgres():
        return "(SELECT DISTINCT ON (nummer) * FROM kbo_stg_enterprise ORDER BY nummer)"
    return ("(SELECT nummer, actief, rechtspersoon, rechtsvorm_code, startdatum FROM (SELECT *, "
            "ROW_NUMBER() OVER (PARTITION BY nummer) AS rn FROM kbo_stg_enterprise) WHERE rn = 1)")


COLUMNS_FINAL = ("ondernemingsnummer, actief, rechtspersoon, rechtsvorm_code, rechtsvorm, naam, "
                 "naam_taal, postcode, gemeente, straat, land, startdatum")


def _swap_full(cursor, report: ImportReport) -> None:
    if _postgres():
        # Sorting two million names for the best language fits in memory this way (the
        # server's memory, for this transaction only).
        cursor.execute("SET LOCAL work_mem = '256MB'")
    # TRUNCATE, then the new rows: readers wait for this transaction instead of seeing half.
    cursor.execute(f"DELETE FROM {FINAL}" if not _postgres() else f"TRUNCATE {FINAL}")
    cursor.execute(
        f"INSERT INTO {FINAL} ({COLUMNS_FINAL}) "
        "SELECT e.nummer, e.actief, e.rechtspersoon, e.rechtsvorm_code, COALESCE(c.omschrijving, ''), "
        "COALESCE(n.naam, ''), COALESCE(n.taal, ''), COALESCE(a.postcode, ''), "
        "COALESCE(a.gemeente, ''), COALESCE(a.straat, ''), COALESCE(a.land, ''), e.startdatum "
        "FROM kbo_stg_enterprise e "
        f"LEFT JOIN {_best_names()} n ON n.nummer = e.nummer "
        # A second registered office or a repeated enterprise row (not in a real dump) would
        # repeat the enterprise: the conflict clause keeps the first instead of sorting.
        "LEFT JOIN kbo_stg_address a ON a.nummer = e.nummer "
        "LEFT JOIN kbo_stg_code c ON c.code = e.rechtsvorm_code "
        "WHERE TRUE ON CONFLICT (ondernemingsnummer) DO NOTHING")
    report.toegevoegd = cursor.rowcount


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
        f"'', '', '', '', '', '', e.startdatum FROM {_one_enterprise()} e "
        "LEFT JOIN kbo_stg_code c ON c.code = e.rechtsvorm_code "
        "WHERE TRUE ON CONFLICT (ondernemingsnummer) DO UPDATE SET actief = excluded.actief, "
        "rechtspersoon = excluded.rechtspersoon, rechtsvorm_code = excluded.rechtsvorm_code, "
        "rechtsvorm = excluded.rechtsvorm, startdatum = excluded.startdatum")
    report.toegevoegd = cursor.rowcount
    # Names: the deleted ones go, a new one replaces the current one when it is in a better
    # language (or there is none left).
    cursor.execute(f"UPDATE {FINAL} SET naam = '', naam_taal = '' "
                   "WHERE ondernemingsnummer IN (SELECT nummer FROM kbo_stg_denomination_del)")
    cursor.execute(f"UPDATE {FINAL} AS o SET naam = n.naam, naam_taal = n.taal FROM {_best_names()} n "
                   f"WHERE o.ondernemingsnummer = n.nummer AND n.rang < {_RANK_OF_CURRENT}")
    cursor.execute(f"UPDATE {FINAL} SET postcode = '', gemeente = '', straat = '', land = '' "
                   "WHERE ondernemingsnummer IN (SELECT nummer FROM kbo_stg_address_del)")
    cursor.execute(f"UPDATE {FINAL} AS o SET postcode = a.postcode, gemeente = a.gemeente, "
                   f"straat = a.straat, land = a.land FROM {_one_address()} a "
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


def _plan(source: _Source, extract_type: str) -> list[tuple[str, str, Callable]]:
    """(staging table, file, reader) for every file the import reads, in order."""
    if extract_type == layout.EXTRACT_FULL:
        tables = ((layout.ENTERPRISE, "kbo_stg_enterprise", _enterprises),
                  (layout.DENOMINATION, "kbo_stg_denomination", _denominations),
                  (layout.ADDRESS, "kbo_stg_address", _addresses))
        missing = [name for name, _t, _r in tables if not source.has(name)]
        if missing:
            raise KboImportError(_("Het volledige bestand mist %(bestanden)s. Download het ZIP-bestand "
                                   "opnieuw.") % {"bestanden": ", ".join(missing)})
        plan = [(table, name, reader) for name, table, reader in tables]
    else:
        plan = []
        for name, table, reader in ((layout.ENTERPRISE, "kbo_stg_enterprise", _enterprises),
                                    (layout.DENOMINATION, "kbo_stg_denomination", _denominations),
                                    (layout.ADDRESS, "kbo_stg_address", _addresses)):
            deletes = layout.delete_file(name)
            if source.has(deletes):
                column = layout.DELETE_COLUMN[name]
                plan.append((f"{table}_del", deletes,
                             lambda s, n, r, p, column=column: _deleted(s, n, column, r, p)))
            if source.has(layout.insert_file(name)):
                plan.append((table, layout.insert_file(name), reader))
        if not plan:
            raise KboImportError(_("Dit updatebestand bevat geen enterprise-, denomination- of "
                                   "address-bestanden (…_delete.csv, …_insert.csv)."))
    if source.has(layout.CODE):
        plan.insert(0, ("kbo_stg_code", layout.CODE, _codes))
    return plan


def kbo_import(path: str | Path, *, progress: bool = False,
               after_file: Callable[[str], None] | None = None) -> ImportReport:
    """Import a full or update dump; returns what it did. Raises KboImportError (Dutch) when
    the dump as a whole is unusable; the register then keeps its previous data.

    ``after_file`` is called with each file's name once it is staged (progress reports, and
    the tests interrupt an import there).
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
                for table, name, reader in plan:
                    # A savepoint per file: a file that breaks off leaves the connection
                    # usable for the clean-up, also inside a caller's transaction.
                    began = time.perf_counter()
                    try:
                        with transaction.atomic():
                            _stage(cursor, table, reader(source, name, report, progress))
                    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                        raise KboImportError(_(
                            "%(bestand)s is beschadigd of onvolledig (%(fout)s). Download het "
                            "bestand opnieuw.") % {"bestand": name, "fout": exc}) from exc
                    report.fasen[name] = time.perf_counter() - began
                    if after_file is not None:
                        after_file(name)
                if extract_type == layout.EXTRACT_FULL and report.gelezen.get(layout.ENTERPRISE, 0) \
                        - report.overgeslagen.get(layout.ENTERPRISE, 0) <= 0:
                    raise KboImportError(_("enterprise.csv bevat geen enkele geldige onderneming; de "
                                           "huidige gegevens blijven staan. Download het bestand opnieuw."))
                began = time.perf_counter()
                with transaction.atomic():
                    if extract_type == layout.EXTRACT_FULL:
                        _swap_full(cursor, report)
                    else:
                        _swap_update(cursor, report)
                    report.aantal_ondernemingen = Onderneming.objects.count()
                    report.fasen["wissel"] = time.perf_counter() - began
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
