"""Fuzzing one row of the Excel import: hostile cells never crash it, never slip past the rules."""
import datetime
import functools
import io
import re

import pytest
from django.utils.encoding import force_str
from hypothesis import event, given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from portaal.excel import is_formula_like
from registraties.excel.columns import RegistratieResource
from registraties.excel.export import registraties_export
from registraties.excel.imports import ImportResult, registraties_import
from registraties.models import Registratie
from tests.fuzz.checks import (
    assert_all_registraties_valid,
    assert_no_control_characters,
    examples,
    rolled_back,
)
from tests.fuzz.strategies import enterprise_numbers, hostile_text

pytestmark = pytest.mark.django_db

HEADERS = [force_str(h) for h in RegistratieResource().get_export_headers()]
IMPORTABLE = [force_str(h) for h in RegistratieResource().importable_columns()]
# Characters XML 1.0 cannot hold: a spreadsheet program writes them as OOXML's _xHHHH_.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

VALID_ROW = {
    "Naam organisatie": "Voedingsfonds Test vzw",
    "Rechtsvorm": "vzw (vereniging zonder winstoogmerk)",
    "Type organisatie": "sectorfonds",
    "Straat en nummer": "Markt 1",
    "Postcode": 9000,
    "Gemeente": "Gent",
    "Werking in Vlaanderen": "ja",
    "Bereid tot partnerschap": "ja",
    "Naam contactpersoon": "Els Maes",
    "E-mailadres contactpersoon": "els.maes@voeding-test.be",
    "Thema's": "doorgroei van werknemers naar andere functies",
    "Acties binnen een partnerschap": "leren; communicatie",
    "Sectoren": "voeding",
    "Competentie-uitdagingen": "Voedselveiligheid en automatisering.",
    "Akkoord met de privacyverklaring": "ja",
}


def ooxml_text(value: str) -> str:
    """Text as a spreadsheet program stores it: characters XML cannot hold as _xHHHH_."""
    return _NOT_IN_XML.sub(lambda m: f"_x{ord(m.group()):04x}_", value)


cell_values = st.one_of(
    hostile_text.map(ooxml_text),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(9999, 1, 1)),
    st.none(),
    st.sampled_from(("ja", "nee", "x", "1000", "1299", "1300", "Brussel", "andere",
                     "feitelijke vereniging (zonder rechtspersoonlijkheid)",
                     "feitelijke_vereniging", "regie; regie; onbekend", ";;;", "_x0000_",
                     "_x001b_", "'=1+1", "=1+1", "＝1+1", "@A1", "-1", "+1")),
)


@st.composite
def sheets(draw) -> tuple[list[str], list]:
    """The export's header row and one row: valid answers, some cells replaced, maybe a column
    sent twice, an unknown column, or the key column missing."""
    row = dict(VALID_ROW, Ondernemingsnummer=draw(enterprise_numbers()))
    for header in draw(st.lists(st.sampled_from(IMPORTABLE), unique=True, max_size=5)):
        row[header] = draw(cell_values)
    headers = list(HEADERS)
    values = [row.get(header) for header in headers]
    change = draw(st.sampled_from(("none", "none", "none", "twice", "unknown", "no_key")))
    if change == "twice":
        header = draw(st.sampled_from(IMPORTABLE))
        headers.append(header)
        values.append(draw(cell_values))
    elif change == "unknown":
        headers.append(ooxml_text(draw(hostile_text)) or "fz")
        values.append(draw(cell_values))
    elif change == "no_key":
        index = headers.index("Ondernemingsnummer")
        del headers[index], values[index]
    return headers, values


def workbook_bytes(headers: list[str], values: list) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def assert_export_is_formula_safe() -> None:
    """What was imported goes out again as text: no cell is a formula."""
    out = io.BytesIO()
    registraties_export(target=out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str) and is_formula_like(cell.value):
                assert cell.quotePrefix or cell.value.startswith("'"), (cell.coordinate, cell.value)


@examples(60)
@given(sheet=sheets())
def test_one_fuzzed_row_never_crashes_the_import_nor_saves_invalid_answers(open_ronde, sheet):
    headers, values = sheet
    content = workbook_bytes(headers, values)
    with rolled_back():
        preview = registraties_import(ronde=open_ronde, source=content, dry_run=True)
        assert isinstance(preview, ImportResult)
        assert not preview.saved and not Registratie.objects.exists()
        assert all(isinstance(message, str) for message in preview.errors)
        event("geweigerd" if preview.has_errors else "aanvaard")
        if preview.has_errors:
            return
        result = registraties_import(ronde=open_ronde, source=content, dry_run=False)
        assert result.saved, result.errors
        assert Registratie.objects.count() == 1
        assert_all_registraties_valid()
        assert_no_control_characters(Registratie.objects.get())
        assert_export_is_formula_safe()


@functools.cache
def valid_file() -> bytes:
    """Built once: openpyxl writes the time into the file, and the draws below use its length."""
    return workbook_bytes(HEADERS, [dict(VALID_ROW, Ondernemingsnummer="0417.497.106").get(h)
                                    for h in HEADERS])


@examples(40)
@given(data=st.data())
def test_damaged_files_are_refused_without_crashing(open_ronde, data):
    """A valid file with bytes flipped, cut off or appended: a Dutch file error, never a crash."""
    content = bytearray(valid_file())
    for _step in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(content) - 1))
        how = data.draw(st.sampled_from(("flip", "cut", "append")))
        if how == "flip":
            content[position] = data.draw(st.integers(0, 255))
        elif how == "cut":
            del content[position:]
            if not content:
                break
        else:
            content[position:position] = data.draw(st.binary(min_size=1, max_size=64))
    with rolled_back():
        result = registraties_import(ronde=open_ronde, source=bytes(content), dry_run=True)
        assert isinstance(result, ImportResult)
        assert not Registratie.objects.exists()
