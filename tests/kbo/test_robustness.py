"""Malformed rows are reported and skipped; an import that stops halfway changes nothing."""
import shutil
import zipfile

import pytest
from django.db import connection

from kbo import layout
from kbo.importer import KboImportError, kbo_import
from kbo.models import Onderneming, Snapshot
from kbo.synthetic import synthetic_dump

from .conftest import AANTAL

pytestmark = pytest.mark.django_db


def _register():
    return list(Onderneming.objects.order_by("pk").values_list()), Snapshot.objects.count()


def _staging_tables():
    return {name for name in connection.introspection.table_names() if name.startswith("kbo_stg_")}


def test_malformed_rows_are_reported_with_their_line_numbers_and_skipped(tmp_path, full_dump):
    folder = tmp_path / "fouten"
    shutil.copytree(full_dump, folder)
    lines = (folder / layout.ENTERPRISE).read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, '"0200.000.999","AC","000","2"\n')  # line 3: too few columns
    lines.insert(4, '"12AB.000.001","AC","000","2","017",,01-01-2000\n')  # line 5: bad number
    lines.insert(6, '"0999.999.999","AC","000","2","017",,31-02-2000\n')  # line 7: no such date
    (folder / layout.ENTERPRISE).write_text("".join(lines), encoding="utf-8")
    with open(folder / layout.DENOMINATION, "a", encoding="utf-8") as names:
        names.write('"0200.000.043","9","001","Onbekende taal"\n')

    report = kbo_import(folder)

    errors = [(e.bestand, e.regel) for e in report.fouten]
    assert errors == [("enterprise.csv", 3), ("enterprise.csv", 5), ("enterprise.csv", 7),
                      ("denomination.csv", len((folder / layout.DENOMINATION).read_text().splitlines()))]
    assert "4 kolommen in plaats van 7" in report.fouten[0].reden
    assert "ongeldig ondernemingsnummer" in report.fouten[1].reden
    assert "ongeldige StartDate" in report.fouten[2].reden
    assert str(report.fouten[0]).startswith("enterprise.csv regel 3: ")
    assert report.overgeslagen == {"meta.csv": 0, "code.csv": 0, "enterprise.csv": 3,
                                   "denomination.csv": 1, "address.csv": 0}
    assert Onderneming.objects.count() == AANTAL
    assert Snapshot.objects.get().overgeslagen_rijen == 4


def test_command_lists_malformed_rows_on_stderr(tmp_path, full_dump, capsys):
    from django.core.management import call_command

    folder = tmp_path / "fouten"
    shutil.copytree(full_dump, folder)
    with open(folder / layout.ADDRESS, "a", encoding="utf-8") as addresses:
        addresses.write('"0200.000.043","REGO"\n')
    call_command("import_kbo", str(folder), "--stil")
    line = len((folder / layout.ADDRESS).read_text().splitlines())
    assert f"address.csv regel {line}: 2 kolommen in plaats van 13" in capsys.readouterr().err


def test_import_interrupted_halfway_leaves_the_old_data(imported, update_dump):
    before = _register()

    def interrupt(name):
        if name == "denomination_insert.csv":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        kbo_import(update_dump, after_file=interrupt)
    assert _register() == before
    assert not _staging_tables()


def test_full_import_interrupted_after_the_last_file_leaves_the_old_data(imported, tmp_path):
    before = _register()
    other = synthetic_dump(tmp_path / "other", aantal=40, seed=3)

    def interrupt(name):
        if name == layout.ADDRESS:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        kbo_import(other, after_file=interrupt)
    assert _register() == before


def test_corrupt_file_late_in_the_zip_stops_the_import_and_leaves_the_old_data(imported, tmp_path):
    before = _register()
    archive = synthetic_dump(tmp_path / "kapot.zip", aantal=400, seed=5, as_zip=True)
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(layout.ADDRESS)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(archive.read_bytes())
    middle = start + info.compress_size // 2
    data[middle:middle + 64] = bytes(64)
    archive.write_bytes(bytes(data))

    with pytest.raises(KboImportError, match="address.csv is beschadigd of onvolledig"):
        kbo_import(archive)
    assert _register() == before
    assert not _staging_tables()


def test_dump_with_no_valid_enterprise_is_refused(imported, tmp_path, full_dump):
    folder = tmp_path / "leeg"
    shutil.copytree(full_dump, folder)
    (folder / layout.ENTERPRISE).write_text(",".join(f'"{c}"' for c in layout.COLUMNS[layout.ENTERPRISE]) + "\n")
    with pytest.raises(KboImportError, match="geen enkele geldige onderneming"):
        kbo_import(folder)
    assert Onderneming.objects.count() == AANTAL


def test_file_not_in_the_official_layout_is_refused(imported, tmp_path, full_dump):
    folder = tmp_path / "anders"
    shutil.copytree(full_dump, folder)
    (folder / layout.DENOMINATION).write_text('"Nummer","Naam"\n"0200.000.043","X"\n')
    with pytest.raises(KboImportError, match="mist de kolom"):
        kbo_import(folder)
    assert Onderneming.objects.count() == AANTAL
