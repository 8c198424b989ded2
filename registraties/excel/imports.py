"""Import of registrations from an .xlsx file: every row through the form's rules, all or nothing.

The file is read by ``reader.py`` (limits first, streaming). A row whose cells read exactly
as our own export writes the stored registration is unchanged: not judged, nothing written.
Every other row goes through one RegistratieForm (``RegistratieForm.rebind``), as a new
registration or as a change of the stored one (eligibility.TABLE: a change is refused only
for what it introduces), and ``bulk.registraties_bulk_submit`` saves them all in one
transaction. The admin runs this in the worker (``tasks.py``); the command
``import_registraties`` runs it in its own process.
"""
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder
from django.forms import ValidationError
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kbo import ondernemingsnummer
from kbo.selectors import KboLookup
from portaal.excel import ChoiceWidget, JaNeeWidget, restore
from verkenning.models import Ronde

from ..eligibility import Outcome, Path, outcome
from ..forms import RegistratieForm
from ..models import Registratie
from ..questions import ANSWER_FIELDS
from ..services import DuplicateRegistration
from .bulk import registraties_bulk_submit
from .columns import RegistratieResource
from .reader import MAX_ROWS, ImportFileError, QuotedText, iter_rows

__all__ = ["ERROR", "IMPORT_REASON", "MAX_ROWS", "NEW", "UNCHANGED", "UPDATE", "ImportFileError",
           "ImportResult", "RowResult", "read_rows", "registraties_import", "strip_values"]

IMPORT_REASON = "Geïmporteerd uit Excel"

NEW, UPDATE, UNCHANGED, ERROR = "nieuw", "wijziging", "ongewijzigd", "fout"
ACTION_LABELS = {NEW: gettext_lazy("nieuw"), UPDATE: gettext_lazy("wijziging"),
                 UNCHANGED: gettext_lazy("ongewijzigd"),
                 ERROR: gettext_lazy("niet te importeren")}
# A changed answer's old and new value as the preview shows them (cut off beyond this).
SHOWN_CHARS = 120


@dataclass(slots=True)
class RowResult:
    number: int  # the row number in Excel (the header is row 1)
    naam: str
    ondernemingsnummer: str
    action: str = NEW
    errors: list[str] = field(default_factory=list)
    # Per changed answer of an existing registration: [column, old, new] (the values are
    # wiped with the file, ``strip_values``).
    changes: list[list[str]] = field(default_factory=list)
    # What the rules kept rather than refused on a change: flags for staff to look at.
    notes: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    def as_json(self) -> list:
        return [self.number, self.naam, self.ondernemingsnummer, self.action, self.errors,
                self.changes, self.notes]

    @classmethod
    def from_json(cls, item: list) -> "RowResult":
        number, naam, nummer, action, errors, *rest = item
        changes, notes = (list(rest) + [[], []])[:2]
        return cls(number=number, naam=naam, ondernemingsnummer=nummer, action=action,
                   errors=list(errors), changes=[list(change) for change in changes],
                   notes=list(notes))


@dataclass
class ImportResult:
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)
    saved: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def errors(self) -> list[str]:
        """Every problem as one Dutch sentence naming the row, e.g. 'Rij 3 – Postcode: …'."""
        messages = list(self.file_errors)
        for row in self.rows:
            messages.extend(_("Rij %(rij)s – %(fout)s") % {"rij": row.number, "fout": error}
                            for error in row.errors)
        return messages

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def actions(self) -> list[str]:
        return [row.action for row in self.rows]

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in (NEW, UPDATE, UNCHANGED, ERROR)}

    def as_json(self) -> dict:
        """What the worker stores for the page (Importbestand.resultaat); no answers."""
        return {"file_errors": [str(error) for error in self.file_errors],
                "rows": [row.as_json() for row in self.rows], "saved": self.saved}

    @classmethod
    def from_json(cls, data: dict) -> "ImportResult":
        return cls(rows=[RowResult.from_json(item) for item in data.get("rows", [])],
                   file_errors=list(data.get("file_errors", [])), saved=bool(data.get("saved")))


def strip_values(resultaat: dict) -> dict:
    """A stored result without the answers it showed (old → new): kept no longer than the
    file itself; which columns changed stays."""
    rows = []
    for item in resultaat.get("rows", []):
        row = RowResult.from_json(item)
        row.changes = [[change[0], "", ""] for change in row.changes]
        rows.append(row.as_json())
    return {**resultaat, "rows": rows}


def read_rows(source: bytes) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """The header and the non-empty rows (with their Excel row number) of the first sheet.

    The rows are streamed: memory holds one chunk of the sheet, never all its cells.
    """
    rows = iter_rows(source)
    first = next(rows, None)
    if first is None or first[0] != 1:
        raise ImportFileError(_("Het bestand is leeg: de eerste rij moet de kolomnamen bevatten."))
    headers = [str(cell).strip() if cell is not None else "" for cell in first[1]]
    return headers, rows


def _form_value(value):
    if isinstance(value, str):
        # The reader already undid OOXML's _xHHHH_ escapes; a quote-prefixed cell is exact.
        return restore(value, quote_prefixed=isinstance(value, QuotedText))
    return value


def _as_exported(widget, clean):
    """A stored answer as our export writes it and the reader gives it back: the cell an
    unchanged row holds (a text as it is; "" is an empty cell). Choices and yes/no answers
    take few values: each is worked out once."""
    def cell(value):
        written = widget.render(value)
        return clean(None if written in (None, "") else written)
    if not isinstance(widget, (ChoiceWidget, JaNeeWidget)):
        return cell
    known: dict = {}

    def remembered(value):
        key = tuple(value) if isinstance(value, list) else value
        if key not in known:
            known[key] = cell(value)
        return known[key]
    return remembered


def _shown(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"


# Progress is reported (and stored by the worker) every this many rows.
PROGRESS_EVERY = 500


def registraties_import(*, ronde: Ronde, source: bytes, dry_run: bool = True,
                        expected_actions: list[str] | None = None, user=None,
                        progress: Callable[[int], None] | None = None) -> ImportResult:
    """Validate every row with RegistratieForm; without dry_run and errors, save them all.

    The enterprise number is the key: a row whose number the round already holds updates
    that registration; any invalid row means nothing is saved. With ``expected_actions``
    (what the preview showed: new, update, unchanged per row) nothing is saved either when
    the database changed in between so that a row would now do something else.
    ``progress(rows_done)`` is called now and then; ``user`` signs the history rows.
    """
    resource = RegistratieResource()
    columns = resource.importable_columns()
    try:
        headers, body = read_rows(source)
    except ImportFileError as exc:
        return ImportResult(rows=[], file_errors=[str(exc)])

    key_header = force_str(resource.fields["ondernemingsnummer"].column_name)
    if key_header not in headers:
        return ImportResult(rows=[], file_errors=[
            _("De kolom '%(kolom)s' ontbreekt: die is nodig om registraties te herkennen.")
            % {"kolom": key_header}])
    allowed = set(columns) | set(resource.get_export_headers())
    unknown = [h for h in headers if h and h not in allowed]
    file_errors = []
    if unknown:
        file_errors.append(_("Onbekende kolommen: %(kolommen)s. Gebruik de kolomnamen van de "
                             "export.") % {"kolommen": ", ".join(unknown)})

    label_of_field = {f.attribute: name for name, f in columns.items()}
    # Which column feeds which answer, and how its cell is read: decided once, not per row.
    readers = [(i, columns[h].attribute, columns[h].widget.clean)
               for i, h in enumerate(headers) if h in columns]
    # How a stored answer reads back from our own export, and how the preview shows a value.
    exported = {attribute: _as_exported(columns[label_of_field[attribute]].widget, clean)
                for _i, attribute, clean in readers}
    in_file = [attribute for _i, attribute, _clean in readers]
    shown = {f.attribute: f.widget.render for f in columns.values()}
    # The round's numbers as plain pairs (a few MB for 20,000); the stored answers are read
    # only for the rows at hand, a chunk at a time, as tuples: memory stays flat.
    known = dict(Registratie.objects.filter(ronde=ronde).values_list("ondernemingsnummer", "pk"))
    register = KboLookup()
    form = RegistratieForm(ronde=ronde, path=Path.IMPORT_NEW, known_numbers=known,
                           register=register)
    blank = Registratie(ronde=ronde)  # copied for each row: cheaper than Model.__init__
    seen: dict[str, int] = {}
    results = []
    new, updates = _Pending(), _Pending()
    broken: list[str] = []
    done = 0
    for chunk in _chunks(_guarded(body, broken)):
        parsed_rows = []
        for number, values in chunk:
            parsed = {attribute: clean(_form_value(values[i]) if i < len(values) else None)
                      for i, attribute, clean in readers}
            try:
                pk = known.get(ondernemingsnummer.normalise(
                    str(parsed.get("ondernemingsnummer", ""))))
            except ValidationError:
                pk = None  # the form below names the invalid number
            parsed_rows.append((number, parsed, pk))
        stored_of = _stored_answers([pk for _, _, pk in parsed_rows if pk is not None])
        # The register's entries for the chunk's numbers, in one query (none without register).
        register.preload(str(parsed.get("ondernemingsnummer", "")) for _, parsed, _ in parsed_rows)
        for number, parsed, pk in parsed_rows:
            result = RowResult(number=number, naam=str(parsed.get("naam", "")),
                               ondernemingsnummer=str(parsed.get("ondernemingsnummer", "")))
            stored = stored_of.get(pk)
            answers, changed = None, []
            if stored is not None and all(exported[attribute](stored[attribute]) == value
                                          for attribute, value in parsed.items()):
                # Exactly as exported: not judged at all (eligibility.TABLE), nothing written.
                path = Path.IMPORT_UNCHANGED
                key, result.action = stored["ondernemingsnummer"], UNCHANGED
            else:
                data = dict(stored or {})  # columns missing from the file keep their stored value
                data.update(parsed)
                path = Path.IMPORT_NEW if stored is None else Path.IMPORT_CHANGED
                # A fresh copy: the form writes the row's answers onto its instance.
                valid = form.rebind(data, _copy(blank, pk=pk), path=path, stored=stored).is_valid()
                key = form.cleaned_data.get("ondernemingsnummer")
                if stored is not None:
                    # What the row changes, in the file's order: answers whose cleaned value
                    # is not the stored one (another way of writing the same is no change).
                    changed = [attribute for attribute in in_file
                               if attribute in form.changed_answers]
                    result.changes = [
                        [label_of_field[attribute], _shown(shown[attribute](stored[attribute])),
                         _shown(shown[attribute](form.cleaned_data.get(attribute, data[attribute])))]
                        for attribute in changed]
                    result.notes = list(dict.fromkeys(notice.label for notice in form.notices))
                if valid:
                    result.action = NEW if stored is None else UPDATE if changed else UNCHANGED
                    answers = form.answers()
                else:
                    for name, messages in form.errors.items():
                        label = label_of_field.get(name) or name
                        result.errors.extend(f"{label}: {message}" for message in messages)
            if key:
                # The same number twice in one file: the table's "dubbel" for this row's path.
                if key in seen and outcome("dubbel", path) is Outcome.REFUSE:
                    result.errors.append(
                        _("%(kolom)s: dit ondernemingsnummer staat ook al in rij %(rij)s; elke "
                          "organisatie mag maar één keer in het bestand staan.")
                        % {"kolom": key_header, "rij": seen[key]})
                seen[key] = number
            if result.errors:
                result.action = ERROR
            elif not dry_run and result.action in (NEW, UPDATE):
                if result.action == NEW:
                    new.append(answers)
                else:
                    updates.append([pk, answers])
            results.append(result)
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)

    if broken:
        return ImportResult(rows=[], file_errors=broken)
    result = ImportResult(rows=results, file_errors=file_errors)
    if not results and not file_errors:
        result.file_errors.append(_("Het bestand bevat geen registraties."))
    if dry_run or result.has_errors:
        return result
    if expected_actions is not None and expected_actions != result.actions:
        result.file_errors.append(_(
            "Sinds de voorvertoning zijn registraties van deze ronde gewijzigd of bijgekomen, "
            "zodat de import nu iets anders zou doen. Er werd niets geïmporteerd: laad het "
            "bestand opnieuw voor een nieuwe voorvertoning."))
        return result

    try:
        registraties_bulk_submit(ronde=ronde, new=new, updates=updates, reason=IMPORT_REASON,
                                 user=user)
    except DuplicateRegistration:
        result.file_errors.append(
            _("%(kolom)s: een ondernemingsnummer uit het bestand werd intussen door iemand "
              "anders geregistreerd. Er werd niets geïmporteerd: laad het bestand opnieuw voor "
              "een nieuwe voorvertoning.") % {"kolom": key_header})
        return result
    result.saved = True
    return result


# Rows read, and their stored answers looked up, together: one query per chunk.
CHUNK_ROWS = 500


def _chunks(rows: Iterator[tuple[int, list]]) -> Iterator[list[tuple[int, list]]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def _stored_answers(pks: list[int]) -> dict[int, dict]:
    """{pk: stored answers as form data} for these registrations, in one query of tuples."""
    if not pks:
        return {}
    answers = {}
    for pk, *values in Registratie.objects.filter(pk__in=pks).values_list("pk", *ANSWER_FIELDS):
        answers[pk] = {name: "" if value is None else value
                       for name, value in zip(ANSWER_FIELDS, values, strict=True)}
    return answers


class _Pending(Iterable):
    """The answers of the rows to save, kept as compressed JSON a chunk at a time.

    All rows are validated before anything is saved (all or nothing), so their answers wait
    in memory: 20,000 rows as dicts of separate objects took about 100 MB, as compressed JSON
    a tenth. Iterating decodes one chunk at a time, as the save reads them.
    """

    def __init__(self):
        self.packed: list[bytes] = []
        self.current: list = []

    def append(self, item) -> None:
        self.current.append(item)
        if len(self.current) >= CHUNK_ROWS:
            self.packed.append(zlib.compress(json.dumps(self.current, cls=DjangoJSONEncoder)
                                             .encode(), 1))
            self.current = []

    def __iter__(self) -> Iterator:
        for packed in self.packed:
            yield from json.loads(zlib.decompress(packed))
        yield from self.current


def _guarded(rows: Iterator[tuple[int, list]], broken: list[str]) -> Iterator[tuple[int, list]]:
    """The rows until the reader refuses the file further down; its message goes to ``broken``."""
    try:
        yield from rows
    except ImportFileError as exc:
        broken.append(str(exc))


def _copy(registratie: Registratie, *, pk: int | None) -> Registratie:
    """A twin of a blank registration for the form to write on; with ``pk``, it stands for
    that stored registration (the form's duplicate check knows it by its pk)."""
    twin = Registratie.__new__(Registratie)
    twin.__dict__.update(registratie.__dict__)
    for name, value in twin.__dict__.items():
        if isinstance(value, list):  # the choice lists: never shared between rows
            twin.__dict__[name] = list(value)
    twin._state = type(registratie._state)()
    twin._state.db = registratie._state.db
    if pk is not None:
        twin.pk = pk
        twin._state.adding = False
    return twin
