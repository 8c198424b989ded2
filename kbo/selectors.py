"""Reads of the register for the rest of the portal: one enterprise, the loaded snapshot."""
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Subquery
from stdnum.be import vat
from stdnum.exceptions import ValidationError

from .constants import gewest_for_postcode
from .models import Onderneming, Snapshot


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


@dataclass(frozen=True)
class KboSnapshotInfo:
    snapshot_datum: date
    extract_type: str
    extract_nummer: int | None
    geimporteerd_op: datetime
    aantal_ondernemingen: int


def _compact(ondernemingsnummer: str) -> str | None:
    """The number as 10 digits from any usual notation; None when it cannot be one."""
    try:
        return vat.validate(ondernemingsnummer)
    except ValidationError:
        return None


def kbo_lookup(ondernemingsnummer: str) -> KboEntry | None:
    """The register's entry for a number, in one indexed query; None when unknown or invalid."""
    number = _compact(ondernemingsnummer or "")
    if number is None:
        return None
    latest = Snapshot.objects.order_by("-geimporteerd_op", "-id").values("snapshot_datum")[:1]
    row = (Onderneming.objects.filter(pk=number)
           .annotate(snapshot=Subquery(latest)).first())
    if row is None:
        return None
    return KboEntry(
        ondernemingsnummer=row.ondernemingsnummer, naam=row.naam, actief=row.actief,
        rechtspersoon=row.rechtspersoon, rechtsvorm_code=row.rechtsvorm_code,
        rechtsvorm=row.rechtsvorm, postcode=row.postcode, gemeente=row.gemeente,
        straat=row.straat, land=row.land,
        gewest="" if row.land else gewest_for_postcode(row.postcode),
        snapshot_datum=row.snapshot,
    )


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
