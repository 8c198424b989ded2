"""Import of registrations from an .xlsx file: every row through the form's rules, all or nothing."""
import io
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from django.forms import ValidationError
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from portaal.excel import restore
from verkenning.models import Ronde

from .. import ondernemingsnummer, services
from ..forms import RegistratieForm
from ..models import Registratie
from ..questions import ANSWER_FIELDS
from .columns import RegistratieResource

IMPORT_REASON = "Geïmporteerd uit Excel"
MAX_ROWS = 20_000

NEW, UPDATE, UNCHANGED = "nieuw", "wijziging", "ongewijzigd"
ACTION_LABELS = {NEW: gettext_lazy("nieuw"), UPDATE: gettext_lazy("wijziging"),
                 UNCHANGED: gettext_lazy("ongewijzigd")}


class ImportFileError(Exception):
    """The file as a whole cannot be read (not an .xlsx, no header, key column missing)."""


@dataclass
class RowResult:
    number: int  # the row number in Excel (the header is row 1)
    naam: str
    ondernemingsnummer: str
    action: str = NEW
    errors: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict, repr=False)
    registratie: Registratie | None = field(default=None, repr=False)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


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


def read_rows(source: BinaryIO | bytes) -> tuple[list[str], list[tuple[int, list]]]:
    """The header and the non-empty rows (with their Excel row number) of the first sheet."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file; say so, never a 500
        raise ImportFileError(_("Dit is geen leesbaar Excel-bestand (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise ImportFileError(_("Het bestand is leeg: de eerste rij moet de kolomnamen bevatten."))
        headers = [str(cell).strip() if cell is not None else "" for cell in header]
        body = []
        for number, values in enumerate(rows, start=2):
            if all(value in (None, "") for value in values):
                continue
            if len(body) >= MAX_ROWS:
                raise ImportFileError(_("Het bestand heeft meer dan %(max)s rijen; splits het op.")
                                      % {"max": MAX_ROWS})
            body.append((number, list(values)))
    finally:
        workbook.close()
    return headers, body


def _form_value(value):
    if isinstance(value, str):
        # openpyxl does not undo OOXML's _xHHHH_ escapes (e.g. a carriage return) in inline text.
        return restore(unescape(value))
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


def registraties_import(*, ronde: Ronde, source: BinaryIO | bytes, dry_run: bool = True,
                        expected_actions: list[str] | None = None) -> ImportResult:
    """Validate every row with RegistratieForm; without dry_run and errors, save them all.

    The enterprise number is the key: a row whose number the round already holds updates
    that registration; any invalid row means nothing is saved. With ``expected_actions``
    (what the preview showed: new, update, unchanged per row) nothing is saved either when
    the database changed in between so that a row would now do something else.
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
    existing = {r.ondernemingsnummer: r for r in Registratie.objects.filter(ronde=ronde)}
    seen: dict[str, int] = {}
    results = []
    for number, values in body:
        cells = {header: _form_value(values[i]) if i < len(values) else None
                 for i, header in enumerate(headers) if header in columns}
        parsed = {columns[h].attribute: columns[h].widget.clean(v) for h, v in cells.items()}
        result = RowResult(number=number, naam=str(parsed.get("naam", "")),
                           ondernemingsnummer=str(parsed.get("ondernemingsnummer", "")))
        try:
            instance = existing.get(ondernemingsnummer.normalise(result.ondernemingsnummer))
        except ValidationError:
            instance = None  # the form below names the invalid number
        # Taken before validation: the form writes the new answers onto the instance.
        stored = _current_answers(instance) if instance else {}
        data = dict(stored)
        data.update(parsed)
        form = RegistratieForm(data=data, ronde=ronde, instance=instance)
        if form.is_valid():
            key = form.cleaned_data["ondernemingsnummer"]
            if key in seen:
                result.errors.append(
                    _("%(kolom)s: dit ondernemingsnummer staat ook al in rij %(rij)s; elke "
                      "organisatie mag maar één keer in het bestand staan.")
                    % {"kolom": key_header, "rij": seen[key]})
            seen[key] = number
            result.registratie = instance
            result.data = {name: form.cleaned_data[name] for name in ANSWER_FIELDS
                           if name in form.cleaned_data}
            if instance is None:
                result.action = NEW
            else:
                result.action = UNCHANGED if _unchanged(stored, form.cleaned_data) else UPDATE
        else:
            result.action = UPDATE if instance else NEW
            for name, messages in form.errors.items():
                label = label_of_field.get(name) or name
                result.errors.extend(f"{label}: {message}" for message in messages)
        results.append(result)

    result = ImportResult(rows=results, file_errors=file_errors)
    if not body and not file_errors:
        result.file_errors.append(_("Het bestand bevat geen registraties."))
    if dry_run or result.has_errors:
        return result
    if expected_actions is not None and expected_actions != result.actions:
        result.file_errors.append(_(
            "Sinds de voorvertoning zijn registraties van deze ronde gewijzigd of bijgekomen, "
            "zodat de import nu iets anders zou doen. Er werd niets geïmporteerd: laad het "
            "bestand opnieuw voor een nieuwe voorvertoning."))
        return result

    with transaction.atomic():
        for row in results:
            try:
                if row.action == NEW:
                    row.registratie = services.registratie_submit(
                        ronde=ronde, data=row.data, check_open=False).registratie
                elif row.action == UPDATE:
                    services.registratie_update(registratie=row.registratie, data=row.data,
                                                reason=IMPORT_REASON)
            except services.DuplicateRegistration:
                row.errors.append(_("%(kolom)s: dit ondernemingsnummer werd intussen door iemand "
                                    "anders geregistreerd. Probeer de import opnieuw.")
                                  % {"kolom": key_header})
                transaction.set_rollback(True)
                return result
    result.saved = True
    return result
