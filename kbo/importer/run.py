"""The import of a dump, in order: read each file into staging and check it, then build and
swap (full file) or update in place, and record the snapshot; one import at a time."""
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import layout
from ..models import Onderneming, Snapshot
from .build import replace_in_place, swap_full
from .checks import KINDS, Kind, check_rows, delete_kind
from .reading import Source, read_codes, read_meta, stage_raw
from .report import ImportReport, KboImportError
from .staging import RAW, create_staging, drop_staging, insert_rows, postgres
from .update import update_in_place

BRUSSELS = ZoneInfo("Europe/Brussels")


def _tune(cursor) -> None:
    """Settings of this import's own transaction (never the server's). No parallel workers:
    they would shuffle the rows, which come sorted by number in a real dump, so that the
    sorts by number (best name, primary key) would no longer find them in order."""
    if postgres():
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def _stage_file(cursor, source: Source, name: str, kind: Kind, report: ImportReport,
                progress: bool) -> None:
    _tune(cursor)
    began = time.perf_counter()
    raw = stage_raw(cursor, source, name, kind.required, report, progress)
    copied = time.perf_counter()
    report.fasen[f"{name}: inlezen"] = copied - began
    if raw is not None:
        check_rows(cursor, kind, raw, name, report)
        cursor.execute(f"DROP TABLE {RAW}")
    report.fasen[f"{name}: controle"] = time.perf_counter() - copied


def _plan(source: Source, extract_type: str) -> list[tuple[str, Kind]]:
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
            plan.append((layout.delete_file(name), delete_kind(name)))
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
    source = Source(Path(path))
    try:
        meta = read_meta(source, report)
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
                create_staging(cursor)
                if source.has(layout.CODE):
                    with transaction.atomic():
                        insert_rows(cursor, "kbo_stg_code", ["code", "omschrijving"],
                                    read_codes(source, layout.CODE, report, progress))
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
                    if postgres():
                        # The commit does not wait for the WAL on disk (0.8–1.5 s less at two
                        # million). A server crash in the second after it loses the import as
                        # a whole: the previous register stays, and the import can be rerun.
                        cursor.execute("SET LOCAL synchronous_commit = off")
                    if extract_type == layout.EXTRACT_UPDATE:
                        began = time.perf_counter()
                        update_in_place(cursor, report)
                        report.fasen["wissel"] = time.perf_counter() - began
                    elif postgres():
                        swap_full(cursor, report, during_swap)
                    else:
                        began = time.perf_counter()
                        replace_in_place(cursor, report)
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
    if postgres():
        cursor.execute("SELECT pg_try_advisory_lock(hashtext('kbo_import'))")
        if not cursor.fetchone()[0]:
            raise KboImportError(_("Er loopt al een KBO-import. Wacht tot die klaar is en probeer "
                                   "het dan opnieuw."))


def _cleanup(cursor) -> None:
    try:
        drop_staging(cursor)
        if postgres():
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
