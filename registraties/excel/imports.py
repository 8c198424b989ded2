"""Import of registrations from an .xlsx file: every row through the form's rules, all or nothing.

The file is read by ``reader.py`` (limits first, streaming); one RegistratieForm in import
mode validates every row (``RegistratieForm.rebind``) and ``services.registraties_bulk_submit``
saves them all in one transaction. The admin runs this in the worker (``tasks.py``); the
command ``import_registraties`` runs it in its own process.
"""
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.forms import ValidationError
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kbo.selectors import KboLookup
from portaal.excel import restore
from verkenning.models import Ronde

from .. import ondernemingsnummer
from ..forms import RegistratieForm
from ..models import REGISTER_FIELDS, Registratie
from ..questions import ANSWER_FIELDS
from ..services import DuplicateRegistration, registraties_bulk_submit
from .columns import RegistratieResource
from .reader import MAX_ROWS, ImportFileError, QuotedText, iter_rows

__all__ = ["IMPORT_REASON", "MAX_ROWS", "NEW", "UNCHANGED", "UPDATE", "ImportFileError",
           "ImportResult", "RowResult", "read_rows", "registraties_import"]

IMPORT_REASON = "Geïmporteerd uit Excel"

NEW, UPDATE, UNCHANGED = "nieuw", "wijziging", "ongewijzigd"
ACTION_LABELS = {NEW: gettext_lazy("nieuw"), UPDATE: gettext_lazy("wijziging"),
                 UNCHANGED: gettext_lazy("ongewijzigd")}


@dataclass
class RowResult:
    number: int  # the row number in Excel (the header is row 1)
    naam: str
    ondernemingsnummer: str
    action: str = NEW
    errors: list[str] = field(default_factory=list)
    data: str = field(default="", repr=False)  # the cleaned answers as JSON (saving only)
    registratie: Registratie | None = field(default=None, repr=False)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    def as_json(self) -> list:
        return [self.number, self.naam, self.ondernemingsnummer, self.action, self.errors]

    @classmethod
    def from_json(cls, item: list) -> "RowResult":
        number, naam, nummer, action, errors = item
        return cls(number=number, naam=naam, ondernemingsnummer=nummer, action=action,
                   errors=list(errors))


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
        return {action: self.count(action) for action in (NEW, UPDATE, UNCHANGED)}

    def as_json(self) -> dict:
        """What the worker stores for the page (Importbestand.resultaat); no answers."""
        return {"file_errors": [str(error) for error in self.file_errors],
                "rows": [row.as_json() for row in self.rows], "saved": self.saved}

    @classmethod
    def from_json(cls, data: dict) -> "ImportResult":
        return cls(rows=[RowResult.from_json(item) for item in data.get("rows", [])],
                   file_errors=list(data.get("file_errors", [])), saved=bool(data.get("saved")))


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


def _current_answers(registratie: Registratie) -> dict:
    """The stored answers as form data, so columns missing from the file keep their value."""
    data = {}
    for name in ANSWER_FIELDS:
        value = getattr(registratie, name)
        data[name] = "" if value is None else value
    return data


def _unchanged(stored: dict, cleaned: dict) -> bool:
    for name in ANSWER_FIELDS:
        new, old = cleaned.get(name), stored[name]
        if isinstance(old, list):
            if sorted(new or []) != sorted(old):
                return False
        elif (new if new is not None else "") != (old if old is not None else ""):
            return False
    return True


# Progress is reported (and stored by the worker) every this many rows.
PROGRESS_EVERY = 500


def _with_register(rows, register: KboLookup, number_column: int, size: int = PROGRESS_EVERY):
    """The rows, in batches whose enterprise numbers are looked up in the register at once:
    one query per batch instead of one per row."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            register.preload(_number_cell(values, number_column) for _, values in batch)
            yield from batch
            batch = []
    register.preload(_number_cell(values, number_column) for _, values in batch)
    yield from batch


def _number_cell(values, index: int) -> str:
    return str(values[index]) if index < len(values) and values[index] is not None else ""


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
    known = set(columns) | set(resource.get_export_headers())
    unknown = [h for h in headers if h and h not in known]
    file_errors = []
    if unknown:
        file_errors.append(_("Onbekende kolommen: %(kolommen)s. Gebruik de kolomnamen van de "
                             "export.") % {"kolommen": ", ".join(unknown)})

    label_of_field = {f.attribute: name for name, f in columns.items()}
    # Which column feeds which answer, and how its cell is read: decided once, not per row.
    readers = [(i, columns[h].attribute, columns[h].widget.clean)
               for i, h in enumerate(headers) if h in columns]
    existing = {r.ondernemingsnummer: r for r in Registratie.objects.filter(ronde=ronde)}
    register = KboLookup()
    form = RegistratieForm(ronde=ronde, known_numbers={number: r.pk
                                                       for number, r in existing.items()},
                           register=register)
    blank = Registratie(ronde=ronde)  # copied for each new row: cheaper than Model.__init__
    seen: dict[str, int] = {}
    results = []
    broken: list[str] = []
    rows = _with_register(_guarded(body, broken), register, headers.index(key_header))
    for done, (number, values) in enumerate(rows, start=1):
        parsed = {attribute: clean(_form_value(values[i]) if i < len(values) else None)
                  for i, attribute, clean in readers}
        result = RowResult(number=number, naam=str(parsed.get("naam", "")),
                           ondernemingsnummer=str(parsed.get("ondernemingsnummer", "")))
        try:
            instance = existing.get(ondernemingsnummer.normalise(result.ondernemingsnummer))
        except ValidationError:
            instance = None  # the form below names the invalid number
        stored = _current_answers(instance) if instance else {}
        data = dict(stored)
        data.update(parsed)
        # A fresh copy: the form writes the row's answers onto its instance.
        target = _copy(blank if instance is None else instance)
        if form.rebind(data, target).is_valid():
            key = form.cleaned_data["ondernemingsnummer"]
            if key in seen:
                result.errors.append(
                    _("%(kolom)s: dit ondernemingsnummer staat ook al in rij %(rij)s; elke "
                      "organisatie mag maar één keer in het bestand staan.")
                    % {"kolom": key_header, "rij": seen[key]})
            seen[key] = number
            result.registratie = instance
            if instance is None:
                result.action = NEW
            else:
                result.action = UNCHANGED if _unchanged(stored, form.cleaned_data) else UPDATE
            if not dry_run and result.action != UNCHANGED:
                # Kept as one JSON text until the save: 20,000 rows of answers as dicts of
                # separate objects would take about twice the memory.
                result.data = json.dumps({name: form.cleaned_data[name]
                                          for name in (*ANSWER_FIELDS, *REGISTER_FIELDS)
                                          if name in form.cleaned_data}, cls=DjangoJSONEncoder)
        else:
            result.action = UPDATE if instance else NEW
            for name, messages in form.errors.items():
                label = label_of_field.get(name) or name
                result.errors.extend(f"{label}: {message}" for message in messages)
        results.append(result)
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
        registraties_bulk_submit(
            ronde=ronde, new=_Answers([row.data for row in results if row.action == NEW]),
            updates=_Answers([row.data for row in results if row.action == UPDATE],
                             registraties=[row.registratie for row in results
                                           if row.action == UPDATE]),
            reason=IMPORT_REASON, user=user)
    except DuplicateRegistration:
        result.file_errors.append(
            _("%(kolom)s: een ondernemingsnummer uit het bestand werd intussen door iemand "
              "anders geregistreerd. Er werd niets geïmporteerd: laad het bestand opnieuw voor "
              "een nieuwe voorvertoning.") % {"kolom": key_header})
        return result
    result.saved = True
    return result


class _Answers(Sequence):
    """Rows' answers, decoded from JSON one batch at a time as the save reads them; with
    ``registraties``, (registration, answers) pairs for the updates."""

    def __init__(self, texts: list[str], registraties: list[Registratie] | None = None):
        self.texts, self.registraties = texts, registraties

    def __len__(self) -> int:
        return len(self.texts)

    def _item(self, index: int):
        answers = json.loads(self.texts[index])
        return answers if self.registraties is None else (self.registraties[index], answers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(len(self)))]
        return self._item(index)


def _guarded(rows: Iterator[tuple[int, list]], broken: list[str]) -> Iterator[tuple[int, list]]:
    """The rows until the reader refuses the file further down; its message goes to ``broken``."""
    try:
        yield from rows
    except ImportFileError as exc:
        broken.append(str(exc))


def _copy(registratie: Registratie) -> Registratie:
    """A twin with the same field values, for the form to write on (the original stays)."""
    twin = Registratie.__new__(Registratie)
    twin.__dict__.update(registratie.__dict__)
    for name, value in twin.__dict__.items():
        if isinstance(value, list):  # the choice lists: never shared between rows
            twin.__dict__[name] = list(value)
    twin._state = type(registratie._state)()
    twin._state.adding, twin._state.db = registratie._state.adding, registratie._state.db
    return twin
