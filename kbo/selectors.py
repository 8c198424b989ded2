"""Reads of the register for the rest of the portal: one enterprise, the loaded snapshot."""
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connections, router

from .constants import gewest_for_postcode
from .models import Onderneming, Snapshot
from .ondernemingsnummer import compact


@dataclass(frozen=True)
class KboEntry:
    """What the register says about one enterprise (registered office = maatschappelijke zetel)."""

    ondernemingsnummer: str  # 10 digits
    naam: str
    actief: bool
    rechtspersoon: bool
    rechtsvorm_code: str
    rechtsvorm: str  # the Dutch description of the legal form (code.csv)
    postcode: str
    gemeente: str
    straat: str  # street, house number and box
    land: str  # "" for Belgium
    gewest: str  # "vlaanderen", "brussel", "wallonie"; "" abroad or unknown
    snapshot_datum: date | None
    # Every name the register knows for it, the shown one first (official names in each
    # language, abbreviation, trade name).
    namen: tuple[str, ...] = ()


@dataclass(frozen=True)
class KboSnapshotInfo:
    snapshot_datum: date
    extract_type: str
    extract_nummer: int | None
    geimporteerd_op: datetime
    aantal_ondernemingen: int


def _entry(row: Onderneming, snapshot_datum: date | None) -> KboEntry:
    return KboEntry(
        ondernemingsnummer=row.ondernemingsnummer, naam=row.naam, actief=row.actief,
        rechtspersoon=row.rechtspersoon, rechtsvorm_code=row.rechtsvorm_code,
        rechtsvorm=row.rechtsvorm, postcode=row.postcode, gemeente=row.gemeente,
        straat=row.straat, land=row.land,
        gewest="" if row.land else gewest_for_postcode(row.postcode),
        snapshot_datum=snapshot_datum,
        namen=tuple(name for name in dict.fromkeys([row.naam, *row.namen.splitlines()]) if name),
    )


def _latest_snapshot():
    return Snapshot.objects.order_by("-geimporteerd_op", "-id")


def kbo_lookup(ondernemingsnummer: str) -> KboEntry | None:
    """The register's entry for a number, in one indexed query; None when unknown or invalid."""
    if compact(ondernemingsnummer or "") is None:
        return None  # no query for what cannot be a number
    return kbo_check(ondernemingsnummer).entry


@dataclass(frozen=True)
class KboCheck:
    """What the register can say about one number: whether any register is loaded at all,
    and the number's entry in it (None: not in the register)."""

    loaded: bool
    entry: KboEntry | None
    snapshot_datum: date | None


NOT_LOADED = KboCheck(loaded=False, entry=None, snapshot_datum=None)


def kbo_check(ondernemingsnummer: str) -> KboCheck:
    """The register's answer for one number, in one query (on every submission of the form):
    the latest snapshot, with the number's entry joined to it when there is one."""
    number = compact(ondernemingsnummer or "")
    connection = connections[router.db_for_read(Onderneming)]
    quote = connection.ops.quote_name
    fields = [f for f in Onderneming._meta.concrete_fields]
    columns = ", ".join(f"o.{quote(f.column)}" for f in fields)
    sql = (f"SELECT s.snapshot_datum, {columns} FROM (SELECT snapshot_datum FROM "  # noqa: S608
           f"{quote(Snapshot._meta.db_table)} ORDER BY geimporteerd_op DESC, id DESC LIMIT 1) s "
           f"LEFT JOIN {quote(Onderneming._meta.db_table)} o ON o.ondernemingsnummer = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [number or ""])
        row = cursor.fetchone()
    if row is None:
        return NOT_LOADED
    snapshot = Snapshot._meta.get_field("snapshot_datum").to_python(row[0])
    if row[1] is None:
        return KboCheck(loaded=True, entry=None, snapshot_datum=snapshot)
    values = {f.attname: f.to_python(value) for f, value in zip(fields, row[1:], strict=True)}
    return KboCheck(loaded=True, entry=_entry(Onderneming(**values), snapshot),
                    snapshot_datum=snapshot)


class KboLookup:
    """The register's answers for many numbers (an import, a re-check): ``preload`` them in
    a few queries, then ``check`` each without one. A number not preloaded is looked up on
    its own."""

    BATCH = 1000  # numbers per query: well within every database's parameter limit

    def __init__(self):
        self.snapshot_datum = _latest_snapshot().values_list("snapshot_datum", flat=True).first()
        self._entries: dict[str, KboEntry | None] = {}

    @property
    def loaded(self) -> bool:
        return self.snapshot_datum is not None

    def preload(self, numbers) -> None:
        if not self.loaded:
            return
        wanted = sorted({n for n in map(compact, numbers) if n} - self._entries.keys())
        for start in range(0, len(wanted), self.BATCH):
            batch = wanted[start:start + self.BATCH]
            self._entries.update(dict.fromkeys(batch))
            for row in Onderneming.objects.filter(pk__in=batch):
                self._entries[row.ondernemingsnummer] = _entry(row, self.snapshot_datum)

    def check(self, ondernemingsnummer: str) -> KboCheck:
        if not self.loaded:
            return NOT_LOADED
        number = compact(ondernemingsnummer or "")
        if number is not None and number not in self._entries:
            self.preload([number])
        return KboCheck(loaded=True, entry=self._entries.get(number),
                        snapshot_datum=self.snapshot_datum)


def kbo_snapshot() -> KboSnapshotInfo | None:
    """The snapshot the register's data comes from; None when no register data is loaded."""
    snapshot = Snapshot.objects.order_by("-geimporteerd_op", "-id").first()
    if snapshot is None:
        return None
    return KboSnapshotInfo(snapshot_datum=snapshot.snapshot_datum,
                           extract_type=snapshot.extract_type,
                           extract_nummer=snapshot.extract_nummer,
                           geimporteerd_op=snapshot.geimporteerd_op,
                           aantal_ondernemingen=snapshot.aantal_ondernemingen)
