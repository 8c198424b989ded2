"""An import file over the limits is refused before it is parsed, in Dutch, and nothing is stored."""
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from registraties.excel.reader import ImportFileError, check_file, iter_rows
from registraties.models import Importbestand, Registratie
from tests.excel import crafted
from tests.excel.test_admin import XLSX

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:registraties_registratie_excel_import"
TOO_MANY_COLUMNS = ("Het bestand heeft meer dan 100 kolommen. Gebruik de kolommen van de export "
                    "en verwijder de andere.")
TOO_MANY_ROWS = ("Het bestand heeft meer dan 20.000 rijen. Splits het op in bestanden van "
                 "hoogstens 20.000 registraties en importeer ze na elkaar.")
TOO_BIG_UNPACKED = ("Het bestand is uitgepakt groter dan 100 MB. Een bestand met 20.000 "
                    "registraties is veel kleiner: bewaar het opnieuw vanuit Excel zonder "
                    "afbeeldingen of extra bladen, of splits het op.")
CELL_TOO_LONG = ("Rij 2 heeft een cel met meer dan 4.000 tekens. Kort die tekst in: geen "
                 "antwoord mag langer zijn.")
NOT_EXCEL = "Dit is geen leesbaar Excel-bestand (.xlsx)."
EMPTY = "Het bestand is leeg. Kies het Excel-bestand (.xlsx) met de registraties."


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The crafted files of the issue, made once: {name: (bytes, expected message)}."""
    folder = tmp_path_factory.mktemp("crafted")
    made = {
        "wide_row": (crafted.wide_row(folder / "wide.xlsx"), TOO_MANY_COLUMNS),
        "empty_rows": (crafted.empty_rows(folder / "rows.xlsx"), TOO_MANY_ROWS),
        "cell_300_mb": (crafted.long_cell(folder / "cell300.xlsx"), TOO_BIG_UNPACKED),
        "cell_60_mb": (crafted.long_cell(folder / "cell60.xlsx", megabytes=60), CELL_TOO_LONG),
        "zip_bomb": (crafted.zip_bomb(folder / "bomb.xlsx"), TOO_BIG_UNPACKED),
    }
    return {name: (path.read_bytes(), message) for name, (path, message) in made.items()}


@pytest.mark.parametrize("name", ["wide_row", "empty_rows", "cell_300_mb", "cell_60_mb",
                                  "zip_bomb"])
def test_crafted_files_are_small_on_disk_and_refused_by_the_limits(files, name):
    content, message = files[name]
    assert len(content) < 1_100_000
    with pytest.raises(ImportFileError) as refused:
        check_file(content)
    assert str(refused.value) == message
    with pytest.raises(ImportFileError) as refused_while_reading:
        list(iter_rows(content))  # the worker's reader holds the same line
    assert str(refused_while_reading.value) == message


@pytest.mark.parametrize(("make", "message"), [(crafted.prefixed_wide_row, TOO_MANY_COLUMNS),
                                               (crafted.split_long_cell, CELL_TOO_LONG)])
def test_the_workers_reader_refuses_a_file_whose_bytes_hide_the_broken_limit(tmp_path, make,
                                                                              message):
    # The upload's byte scan looks for "<c" and long runs of text; the reader parses the XML,
    # so a cell under another prefix or a text cut by comments is still counted in full.
    content = make(tmp_path / "hidden.xlsx").read_bytes()
    with pytest.raises(ImportFileError) as refused:
        list(iter_rows(content))
    assert str(refused.value) == message


def test_shared_texts_are_read_back_exactly_emoji_and_escapes_included(tmp_path):
    texts = ["Bakkerij 😀 Gent", "Zeeuws-Vlaanderen", "é" * 4000, "tab_x0009_hier",
             "half _xD83D_ paar"]

    def strings():
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
               'schemas.openxmlformats.org/spreadsheetml/2006/main">')
        for text in texts:
            yield f"<si><t>{text}</t></si>"
        yield "</sst>"

    def sheet():
        yield crafted.SHEET_START + crafted.HEADER_ROW + '<row r="2">'
        for column, letter in enumerate("ABCDE"):
            yield f'<c r="{letter}2" t="s"><v>{column}</v></c>'
        yield "</row>" + crafted.SHEET_END
    content = crafted.write_xlsx(tmp_path / "texts.xlsx", sheet, strings).read_bytes()
    assert list(iter_rows(content))[1] == (2, ["Bakkerij 😀 Gent", "Zeeuws-Vlaanderen", "é" * 4000,
                                               "tab\thier", "half \ud83d paar"])


def test_a_cell_that_points_past_the_shared_texts_makes_the_file_unreadable(tmp_path):
    def strings():
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
               'schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>een</t></si></sst>')

    for index in ("1", "-1"):
        def sheet(index=index):
            yield (crafted.SHEET_START + crafted.HEADER_ROW
                   + f'<row r="2"><c r="A2" t="s"><v>{index}</v></c></row>' + crafted.SHEET_END)
        content = crafted.write_xlsx(tmp_path / "past.xlsx", sheet, strings).read_bytes()
        with pytest.raises(ImportFileError, match="geen leesbaar Excel-bestand"):
            list(iter_rows(content))


def test_a_zip_of_more_entries_than_a_workbook_has_is_refused_before_it_is_opened(tmp_path,
                                                                                   monkeypatch):
    content = crafted.many_entries(tmp_path / "entries.xlsx").read_bytes()
    assert len(content) <= 10 * 1024 * 1024

    def never(*args, **kwargs):
        raise AssertionError("zipfile read the 223,000 entries")

    monkeypatch.setattr("registraties.excel.reader.zipfile.ZipFile", never)
    for read in (check_file, lambda content: list(iter_rows(content))):
        with pytest.raises(ImportFileError) as refused:
            read(content)
        assert str(refused.value) == NOT_EXCEL


def test_a_dimension_that_announces_too_many_rows_is_refused_before_the_first_row(tmp_path):
    def parts():
        yield crafted.SHEET_START.replace("<sheetData>", '<dimension ref="A1:B1048576"/><sheetData>')
        yield crafted.HEADER_ROW + crafted.SHEET_END
    content = crafted.write_xlsx(tmp_path / "dim.xlsx", parts).read_bytes()
    with pytest.raises(ImportFileError, match="meer dan 20.000 rijen"):
        check_file(content)


def test_a_row_number_far_beyond_the_limit_is_refused(tmp_path):
    def parts():
        yield crafted.SHEET_START + crafted.HEADER_ROW
        yield '<row r="1048576"><c r="A1048576"><v>1</v></c></row>' + crafted.SHEET_END
    content = crafted.write_xlsx(tmp_path / "far.xlsx", parts).read_bytes()
    with pytest.raises(ImportFileError, match="meer dan 20.000 rijen"):
        check_file(content)
    with pytest.raises(ImportFileError, match="meer dan 20.000 rijen"):
        list(iter_rows(content))


def test_a_cell_in_a_column_beyond_the_limit_is_refused_by_the_reader(tmp_path):
    def parts():
        yield crafted.SHEET_START + crafted.HEADER_ROW
        yield '<row r="2"><c r="XFD2"><v>1</v></c></row>' + crafted.SHEET_END
    content = crafted.write_xlsx(tmp_path / "col.xlsx", parts).read_bytes()
    with pytest.raises(ImportFileError, match="meer dan 100 kolommen"):
        list(iter_rows(content))


def test_a_doctype_is_refused(tmp_path):
    def parts():
        yield ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
               + crafted.SHEET_START.split("\n", 1)[1] + crafted.HEADER_ROW + crafted.SHEET_END)
    content = crafted.write_xlsx(tmp_path / "dtd.xlsx", parts).read_bytes()
    with pytest.raises(ImportFileError, match="geen leesbaar Excel-bestand"):
        check_file(content)
    with pytest.raises(ImportFileError, match="geen leesbaar Excel-bestand"):
        list(iter_rows(content))


def test_an_answer_of_exactly_4000_characters_passes_and_one_more_does_not():
    workbook = Workbook()
    workbook.active.append(["Opmerkingen"])
    workbook.active.append(["x" * 4000])
    out = io.BytesIO()
    workbook.save(out)
    assert check_file(out.getvalue()) == 1
    assert list(iter_rows(out.getvalue()))[1][1] == ["x" * 4000]


@pytest.mark.parametrize("name", ["wide_row", "empty_rows", "cell_300_mb", "zip_bomb"])
def test_the_upload_of_a_crafted_file_gets_a_dutch_message_and_stores_nothing(
        client, coordinator, open_ronde, files, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content, message = files[name]
    client.force_login(coordinator)
    response = client.post(reverse(IMPORT_URL), {
        "ronde": open_ronde.pk, "bestand": SimpleUploadedFile("lijst.xlsx", content, XLSX)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Importbestand.objects.exists()
    assert not Registratie.objects.exists()


@pytest.mark.parametrize(("content", "message"), [(b"naam;ondernemingsnummer\n", NOT_EXCEL),
                                                  (b"", EMPTY)])
def test_the_upload_of_a_non_xlsx_or_empty_file_gets_a_dutch_message(client, coordinator,
                                                                      open_ronde, content,
                                                                      message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator)
    response = client.post(reverse(IMPORT_URL), {
        "ronde": open_ronde.pk, "bestand": SimpleUploadedFile("lijst.xlsx", content, XLSX)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Importbestand.objects.exists()


def test_a_file_over_the_upload_limit_is_refused_without_being_read(client, coordinator,
                                                                     open_ronde):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator)
    big = b"PK" + b"\0" * (10 * 1024 * 1024)
    response = client.post(reverse(IMPORT_URL), {
        "ronde": open_ronde.pk, "bestand": SimpleUploadedFile("lijst.xlsx", big, XLSX)})
    assert "Het bestand is groter dan 10 MB." in response.content.decode()
    assert not Importbestand.objects.exists()


def test_a_limit_broken_further_down_the_sheet_stops_the_import_with_its_message(open_ronde,
                                                                                 tmp_path):
    from registraties.excel.imports import registraties_import

    def parts():
        yield crafted.SHEET_START + crafted.HEADER_ROW
        yield '<row r="2"><c r="A2" t="inlineStr"><is><t>0417.497.106</t></is></c></row>'
        yield '<row r="3"><c r="XFD3"><v>1</v></c></row>' + crafted.SHEET_END
    content = crafted.write_xlsx(tmp_path / "late.xlsx", parts).read_bytes()
    result = registraties_import(ronde=open_ronde, source=content, dry_run=False)
    assert result.errors == [TOO_MANY_COLUMNS]
    assert not result.saved
    assert not Registratie.objects.exists()
