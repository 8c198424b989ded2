"""The checks of every row (in SQL) and the line numbers they report, whichever way a file
was read: as it is by PostgreSQL's COPY, or in Python after a row COPY could not take."""
import shutil

import pytest
from django.db import connection

from kbo import layout
from kbo.importer import kbo_import, reading, start_date
from kbo.models import Onderneming
from kbo.ondernemingsnummer import display

from .conftest import AANTAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def read_in_python(monkeypatch):
    """The files the import read row by row in Python (meta.csv and code.csv always do)."""
    names = []
    original = reading._read

    def spy(source, name, *args, **kwargs):
        names.append(name)
        return original(source, name, *args, **kwargs)

    monkeypatch.setattr(reading, "_read", spy)
    return names


def _copy(full_dump, tmp_path):
    folder = tmp_path / "dump"
    shutil.copytree(full_dump, folder)
    return folder


def _lines(folder, name):
    return (folder / name).read_bytes().decode("utf-8").splitlines(keepends=True)


def _write(folder, name, lines):
    (folder / name).write_bytes("".join(lines).encode("utf-8"))


def _formatted(entity):
    return display(entity.nummer)


def test_rows_refused_by_the_sql_checks_are_reported_with_file_and_line(full_dump, tmp_path,
                                                                         read_in_python):
    folder = _copy(full_dump, tmp_path)
    lines = _lines(folder, layout.ENTERPRISE)
    lines.insert(2, '"12AB.000.001","AC","000","2","017",,01-01-2000\n')  # line 3
    lines.insert(4, '"0999.999.980","AC","000","7","017",,01-01-2000\n')  # line 5
    lines.insert(6, '"0999.999.981","AC","000","2","017",,31-02-2000\n')  # line 7
    lines.insert(8, '"0999.999.982","AC","000","2","0170",,01-01-2000\n')  # line 9
    lines.insert(10, '"0999.999.983","AC","000","2","017",,2000-01-01\n')  # line 11
    _write(folder, layout.ENTERPRISE, lines)
    names = _lines(folder, layout.DENOMINATION)
    names.insert(3, '"0200.000.043","9","001","Onbekende taal"\n')  # line 4
    names.insert(5, '"0200.000.043","9","002","Geen naam: niet gecontroleerd"\n')
    _write(folder, layout.DENOMINATION, names)
    addresses = _lines(folder, layout.ADDRESS)
    addresses.append(f'"0200.000.043","REGO",,,"{"9" * 21}","Gent","Gand","Kerkstraat",'
                     '"Kerkstraat","1","","",\n')
    _write(folder, layout.ADDRESS, addresses)

    report = kbo_import(folder)

    assert [(e.bestand, e.regel, e.reden) for e in report.fouten] == [
        ("enterprise.csv", 3, "ongeldig ondernemingsnummer '12AB.000.001'"),
        ("enterprise.csv", 5, "onbekend TypeOfEnterprise '7'"),
        ("enterprise.csv", 7, "ongeldige StartDate '31-02-2000' (verwacht dd-mm-jjjj)"),
        ("enterprise.csv", 9, "ongeldige JuridicalForm '0170'"),
        ("enterprise.csv", 11, "ongeldige StartDate '2000-01-01' (verwacht dd-mm-jjjj)"),
        ("denomination.csv", 4, "onbekende taal '9'"),
        ("address.csv", len(addresses), f"ongeldige postcode '{'9' * 21}' (meer dan 20 tekens)"),
    ]
    assert report.overgeslagen == {"meta.csv": 0, "code.csv": 0, "enterprise.csv": 5,
                                   "denomination.csv": 1, "address.csv": 1}
    assert report.gelezen[layout.ENTERPRISE] == AANTAL + 5
    assert Onderneming.objects.count() == AANTAL
    assert not Onderneming.objects.filter(pk__in=["0999999980", "0999999981", "0999999982"]).exists()
    if connection.vendor == "postgresql":
        # Every row had its columns: PostgreSQL read the data files as they are.
        assert read_in_python == [layout.META, layout.CODE]


def test_a_row_copy_cannot_take_sends_only_that_file_through_python(full_dump, tmp_path, read_in_python):
    folder = _copy(full_dump, tmp_path)
    names = _lines(folder, layout.DENOMINATION)
    names.insert(2, '"0200.000.043","2"\n')  # line 3: two columns
    names.insert(4, '"12AB.000.001","2","001","Slecht nummer"\n')  # line 5
    _write(folder, layout.DENOMINATION, names)

    report = kbo_import(folder)

    assert [(e.bestand, e.regel) for e in report.fouten] == [("denomination.csv", 3), ("denomination.csv", 5)]
    assert report.fouten[0].reden == "2 kolommen in plaats van 4"
    assert Onderneming.objects.count() == AANTAL
    if connection.vendor == "postgresql":
        assert read_in_python == [layout.META, layout.CODE, layout.DENOMINATION]


def test_line_numbers_count_the_line_ends_inside_quoted_fields(full_dump, tmp_path, entities, read_in_python):
    folder = _copy(full_dump, tmp_path)
    named = next(e for e in entities if e.naam_nl and not e.naam_fr)
    names = [line for line in _lines(folder, layout.DENOMINATION) if not line.startswith(f'"{_formatted(named)}"')]
    names.insert(2, f'"{_formatted(named)}","2","001","Eerste regel\nTweede regel\r\nDerde regel"\n')
    names.insert(5, '"0200.000.043","8","001","Onbekende taal"\n')
    _write(folder, layout.DENOMINATION, names)
    # The line an editor shows: the row starts after the four line ends inside the name.
    expected = "".join(names).splitlines().index('"0200.000.043","8","001","Onbekende taal"') + 1

    report = kbo_import(folder)

    assert [(e.bestand, e.regel) for e in report.fouten] == [("denomination.csv", expected)]
    assert expected == 8
    assert Onderneming.objects.get(pk=named.nummer).naam == "Eerste regel\nTweede regel\r\nDerde regel"
    if connection.vendor == "postgresql":
        assert read_in_python == [layout.META, layout.CODE]


def test_a_broken_byte_becomes_a_replacement_character_not_an_abort(full_dump, tmp_path, entities):
    folder = _copy(full_dump, tmp_path)
    named = next(e for e in entities if e.naam_nl and not e.naam_fr)
    data = (folder / layout.DENOMINATION).read_bytes()
    line = f'"{_formatted(named)}","2","001","{named.naam_nl}"'.encode()
    assert line in data
    (folder / layout.DENOMINATION).write_bytes(data.replace(line, line[:-1] + b"\xff\""))

    report = kbo_import(folder)

    assert report.overgeslagen_rijen == 0
    assert Onderneming.objects.get(pk=named.nummer).naam == named.naam_nl + "\ufffd"


def test_a_row_with_a_nul_character_is_reported_and_skipped(full_dump, tmp_path, entities):
    folder = _copy(full_dump, tmp_path)
    addressed = next(e for e in entities if e.heeft_adres)
    lines = _lines(folder, layout.ADDRESS)
    at = next(i for i, line in enumerate(lines) if line.startswith(f'"{_formatted(addressed)}"'))
    lines[at] = lines[at].replace('"REGO"', '"RE\x00GO"')
    _write(folder, layout.ADDRESS, lines)

    report = kbo_import(folder)

    assert [(e.bestand, e.regel, e.reden) for e in report.fouten] == [
        ("address.csv", at + 1, "de rij bevat een NUL-teken")]
    assert Onderneming.objects.get(pk=addressed.nummer).postcode == ""
    assert Onderneming.objects.count() == AANTAL


def test_blank_lines_at_the_end_change_nothing(full_dump, tmp_path, read_in_python):
    folder = _copy(full_dump, tmp_path)
    with open(folder / layout.ENTERPRISE, "a", encoding="utf-8") as handle:
        handle.write("\n\n\n")

    report = kbo_import(folder)

    assert report.overgeslagen_rijen == 0
    assert report.gelezen[layout.ENTERPRISE] == AANTAL
    if connection.vendor == "postgresql":
        assert read_in_python == [layout.META, layout.CODE]


def test_files_with_crlf_line_ends_give_the_same_register_and_lines(full_dump, tmp_path, read_in_python):
    kbo_import(full_dump)
    expected = list(Onderneming.objects.order_by("pk").values_list())
    folder = _copy(full_dump, tmp_path)
    enterprises = _lines(folder, layout.ENTERPRISE)
    enterprises.insert(3, '"12AB.000.001","AC","000","2","017",,01-01-2000\n')  # line 4
    _write(folder, layout.ENTERPRISE, enterprises)
    for name in (layout.META, layout.CODE, layout.ENTERPRISE, layout.DENOMINATION, layout.ADDRESS):
        text = (folder / name).read_bytes().decode("utf-8")
        (folder / name).write_bytes(text.replace("\n", "\r\n").encode("utf-8"))

    report = kbo_import(folder)

    assert [(e.bestand, e.regel) for e in report.fouten] == [("enterprise.csv", 4)]
    assert list(Onderneming.objects.order_by("pk").values_list()) == expected
    if connection.vendor == "postgresql":
        assert read_in_python == [layout.META, layout.CODE, layout.META, layout.CODE]


def test_a_number_without_dots_or_without_its_leading_zero_is_the_same_enterprise(full_dump, tmp_path,
                                                                                 entities):
    folder = _copy(full_dump, tmp_path)
    e = next(e for e in entities if e.naam_nl and e.heeft_adres and e.nummer.startswith("0"))
    for name, written in ((layout.ENTERPRISE, e.nummer), (layout.DENOMINATION, e.nummer[1:]),
                          (layout.ADDRESS, f"{e.nummer[:4]} {e.nummer[4:7]} {e.nummer[7:]}")):
        lines = [line.replace(f'"{_formatted(e)}"', f'"{written}"', 1) for line in _lines(folder, name)]
        _write(folder, name, lines)

    report = kbo_import(folder)

    assert report.overgeslagen_rijen == 0
    row = Onderneming.objects.get(pk=e.nummer)
    assert (row.naam, row.postcode, row.gemeente) == (e.naam_nl, e.postcode, e.gemeente)


def test_a_number_that_comes_twice_keeps_its_first_row(full_dump, tmp_path, entities):
    folder = _copy(full_dump, tmp_path)
    e = next(e for e in entities if e.actief and e.heeft_adres and not e.land_nl)
    enterprises = _lines(folder, layout.ENTERPRISE)
    enterprises.append(f'"{_formatted(e)}","ST","000","2","017",,01-01-2000\n')
    _write(folder, layout.ENTERPRISE, enterprises)
    addresses = _lines(folder, layout.ADDRESS)
    addresses.append(f'"{_formatted(e)}","REGO",,,"4000","Luik","Liège","","Rue Tweede Zetel","9","","",\n')
    _write(folder, layout.ADDRESS, addresses)

    report = kbo_import(folder)

    assert report.toegevoegd == AANTAL
    assert Onderneming.objects.count() == AANTAL
    row = Onderneming.objects.get(pk=e.nummer)
    assert row.actief is True
    assert (row.postcode, row.gemeente) == (e.postcode, e.gemeente)


def test_malformed_and_blank_rows_of_an_update_file(imported, tmp_path, entities):
    folder = tmp_path / "update"
    folder.mkdir()
    (folder / "meta.csv").write_text('"Variable","Value"\n"SnapshotDate","31-05-2026"\n"ExtractType","update"\n')
    gone = entities[10]
    (folder / "enterprise_delete.csv").write_text(
        f'"EnterpriseNumber"\n"{_formatted(gone)}"\n\n"12AB"\n""\n', encoding="utf-8")

    report = kbo_import(folder)

    assert [(e.regel, e.reden) for e in report.fouten] == [
        (4, "ongeldig ondernemingsnummer '12AB'"), (5, "ongeldig ondernemingsnummer ''")]
    assert report.gelezen["enterprise_delete.csv"] == 3
    assert report.verwijderd == 1
    assert not Onderneming.objects.filter(pk=gone.nummer).exists()


@pytest.mark.parametrize(("text", "iso"), [("29-02-2024", "2024-02-29"), ("01-01-1850", "1850-01-01"), ("", None)])
def test_start_date_accepts_real_dates_written_dd_mm_yyyy(text, iso):
    assert start_date(text) == iso


@pytest.mark.parametrize("text", ["29-02-2023", "31-04-2020", "1-01-2000x", "+1-01-2000", "01-13-2000",
                                  "00-01-2000", "01-01-0000", "2000-01-01", "01/01/2000", "٠١-٠١-٢٠٠٠"])
def test_start_date_refuses_anything_else(text):
    with pytest.raises(ValueError):
        start_date(text)
