"""The import of a full dump: counts, what it keeps of each enterprise, ZIP and folder."""
import shutil

import pytest
from django.core.management import call_command
from django.db import connection

from kbo import layout
from kbo.importer import KboImportError, kbo_import
from kbo.models import Onderneming, Snapshot
from kbo.synthetic import synthetic_dump

from .conftest import AANTAL, SEED

pytestmark = pytest.mark.django_db


def _row(number):
    return Onderneming.objects.get(pk=number)


def test_full_dump_imports_every_enterprise_and_records_the_snapshot(imported, entities):
    assert Onderneming.objects.count() == AANTAL
    assert imported.toegevoegd == AANTAL
    assert imported.overgeslagen_rijen == 0
    assert imported.gelezen[layout.ENTERPRISE] == AANTAL
    snapshot = Snapshot.objects.get()
    assert snapshot.snapshot_datum.isoformat() == "2026-04-30"
    assert snapshot.extract_type == "full"
    assert snapshot.extract_nummer == 150
    assert snapshot.aantal_ondernemingen == AANTAL
    assert Onderneming.objects.filter(rechtspersoon=True).count() == sum(e.rechtspersoon for e in entities)
    assert Onderneming.objects.filter(actief=False).count() == sum(not e.actief for e in entities)


def test_legal_person_keeps_name_legal_form_and_registered_office(imported, entities):
    e = next(e for e in entities if e.rechtspersoon and e.actief and e.heeft_adres and not e.land_nl
             and e.rechtsvorm_code == "017")
    row = _row(e.nummer)
    assert row.rechtspersoon and row.actief
    assert (row.rechtsvorm_code, row.rechtsvorm) == ("017", "Vereniging zonder winstoogmerk")
    assert row.naam == e.naam
    assert (row.postcode, row.gemeente, row.straat) == (e.postcode, e.gemeente, e.straat)
    assert row.startdatum.strftime("%d-%m-%Y") == e.startdatum


def test_natural_person_is_not_a_legal_person(imported, entities):
    e = next(e for e in entities if not e.rechtspersoon)
    row = _row(e.nummer)
    assert not row.rechtspersoon
    assert row.rechtsvorm_code == ""


def test_stopped_enterprise_is_not_active(imported, entities):
    e = next(e for e in entities if not e.actief)
    assert e.status == layout.STATUS_STOPPED
    assert _row(e.nummer).actief is False


def test_brussels_and_walloon_registered_offices(imported, entities):
    brussels = next(e for e in entities if e.postcode == "1000")
    walloon = next(e for e in entities if e.postcode in {"4000", "7000", "5000"})
    assert (_row(brussels.nummer).postcode, _row(brussels.nummer).gemeente) == ("1000", "Brussel")
    assert _row(walloon.nummer).postcode == walloon.postcode
    assert _row(walloon.nummer).gemeente == walloon.gemeente_nl


def test_municipality_without_dutch_name_is_the_french_one(imported, entities):
    e = next(e for e in entities if e.heeft_adres and e.postcode == "6700")
    assert _row(e.nummer).gemeente == "Arlon"
    assert _row(e.nummer).straat.startswith(e.straat_fr)


def test_names_dutch_only_french_only_and_both(imported, entities):
    dutch = next(e for e in entities if e.rechtspersoon and e.naam_nl and not e.naam_fr)
    french = next(e for e in entities if e.naam_fr and not e.naam_nl)
    both = next(e for e in entities if e.naam_fr and e.naam_nl)
    assert (_row(dutch.nummer).naam, _row(dutch.nummer).naam_taal) == (dutch.naam_nl, "2")
    assert (_row(french.nummer).naam, _row(french.nummer).naam_taal) == (french.naam_fr, "1")
    assert (_row(both.nummer).naam, _row(both.nummer).naam_taal) == (both.naam_nl, "2")


def test_abbreviation_is_never_the_name_and_quotes_survive(imported, entities):
    abbreviated = next(e for e in entities if e.afkorting and not e.naam_nl)
    assert _row(abbreviated.nummer).naam == abbreviated.naam
    quoted = next(e for e in entities if '"' in e.naam_andere)
    assert _row(quoted.nummer).naam == quoted.naam_andere
    assert _row(quoted.nummer).naam_taal == "0"


def test_zip_and_folder_give_the_same_register(tmp_path, full_dump):
    kbo_import(full_dump)
    from_folder = list(Onderneming.objects.values_list())
    archive = synthetic_dump(tmp_path / "dump.zip", aantal=AANTAL, seed=SEED, as_zip=True)
    report = kbo_import(archive)
    assert report.toegevoegd == AANTAL
    assert list(Onderneming.objects.values_list()) == from_folder
    assert Snapshot.objects.count() == 2


def test_a_second_full_import_replaces_the_first(full_dump, tmp_path):
    kbo_import(synthetic_dump(tmp_path / "other", aantal=50, seed=99))
    kbo_import(full_dump)
    assert Onderneming.objects.count() == AANTAL


def test_staging_tables_are_gone_after_an_import(imported):
    tables = set(connection.introspection.table_names())
    assert not {name for name in tables if name.startswith("kbo_stg_")}


def test_command_prints_a_summary(full_dump, capsys):
    call_command("import_kbo", str(full_dump), "--stil")
    out = capsys.readouterr().out
    assert "KBO-import klaar: volledig bestand van 30-04-2026." in out
    assert f"enterprise.csv: {AANTAL} rijen gelezen, 0 overgeslagen" in out
    assert f"ondernemingen in het register: {AANTAL}" in out


def test_not_a_dump_is_refused_in_dutch(tmp_path):
    (tmp_path / "leeg").mkdir()
    with pytest.raises(KboImportError, match="bevat geen meta.csv"):
        kbo_import(tmp_path / "leeg")
    with pytest.raises(KboImportError, match="geen map en geen ZIP-bestand"):
        kbo_import(tmp_path / "bestaat-niet.zip")


def test_full_dump_without_address_file_is_refused_and_changes_nothing(imported, full_dump, tmp_path):
    broken = tmp_path / "zonder-adressen"
    shutil.copytree(full_dump, broken)
    (broken / layout.ADDRESS).unlink()
    with pytest.raises(KboImportError, match="mist address.csv"):
        kbo_import(broken)
    assert Onderneming.objects.count() == AANTAL
    assert Snapshot.objects.count() == 1


def test_progress_shows_rows_and_rate(full_dump, capsys):
    kbo_import(full_dump, progress=True)
    err = capsys.readouterr().err
    assert "enterprise.csv" in err
    assert "rijen/s" in err
