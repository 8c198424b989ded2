"""Formula-safe cells: full-width and hidden triggers are neutralised too, and the sheet shows
every neutralised text exactly as typed, marked as text by the cell's quote-prefix style."""
import io

import pytest
from openpyxl import load_workbook

from portaal.excel import neutralise, restore
from registraties.excel.export import registraties_export
from registraties.excel.imports import registraties_import
from registraties.models import Registratie
from tests.factories import make_registratie

pytestmark = pytest.mark.django_db

TRIGGERS = ["=1+1", "+32 9 123 45 67", "-2", "@SUM(1)", "\t=1", "\r=2",
            "\uff1d1+1", "\uff0bcmd", "\uff0d2", "\uff20SUM(1)",
            "\u200b=1+1", "\u200d\u200b+1", "\ufeff=HYPERLINK(\"x\")", "\u00a0=1", " =1", "\u2060@x",
            "\x01=1"]
PLAIN = ["Bouwfonds", "1+1=2", "e-mail", "A=B", "\u200bBouw", "'citaat", "''dubbel", ""]


@pytest.mark.parametrize("text", TRIGGERS)
def test_formula_triggers_are_neutralised_and_restored_exactly(text):
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_round_trips(text):
    assert restore(neutralise(text)) == text
    if not text.startswith("'"):
        assert neutralise(text) == text


def test_an_old_file_with_a_visible_apostrophe_is_still_read_back():
    assert restore("'=1+1") == "=1+1"
    assert restore("=1+1", quote_prefixed=True) == "=1+1"
    assert restore("'citaat", quote_prefixed=True) == "'citaat"


def cells(content: bytes) -> dict:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows())
    return dict(zip([cell.value for cell in rows[0]], rows[1], strict=True))


def export(queryset=None) -> bytes:
    buffer = io.BytesIO()
    registraties_export(queryset=queryset, target=buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil.example\",\"x\")", "\uff1dcmd",
                                  "\u200b=1+1", "+32 9 123 45 67"])
def test_the_sheet_shows_a_neutralised_text_as_typed_with_the_quote_prefix(open_ronde, text):
    make_registratie(open_ronde, opmerkingen=text)
    cell = cells(export())["Opmerkingen"]
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix is True


def test_plain_text_gets_no_quote_prefix(open_ronde):
    make_registratie(open_ronde, opmerkingen="Gewoon een opmerking.")
    cell = cells(export())["Opmerkingen"]
    assert (cell.value, cell.quotePrefix) == ("Gewoon een opmerking.", False)


def test_export_then_import_keeps_hidden_and_full_width_triggers_exactly(open_ronde):
    registratie = make_registratie(open_ronde, opmerkingen="\u200b=1+1", keten="\uff1dketen",
                                   contact_functie="'citaat")
    content = export()
    result = registraties_import(ronde=open_ronde, source=content, dry_run=False)
    assert result.errors == []
    registratie.refresh_from_db()
    assert (registratie.opmerkingen, registratie.keten, registratie.contact_functie) == (
        "\u200b=1+1", "\uff1dketen", "'citaat")
    assert Registratie.objects.count() == 1
