"""What an import read, skipped and changed, and the error that stops it as a whole."""
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from ..models import Snapshot

KEEP_ERRORS = 1_000


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
