"""An update dump changes and removes enterprises of the full dump; nothing else moves."""
import pytest

from kbo.importer import kbo_import
from kbo.models import Onderneming, Snapshot
from kbo.selectors import kbo_lookup
from kbo.synthetic import synthetic_changes

from .conftest import AANTAL, SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes():
    grouped = {}
    for change in synthetic_changes(AANTAL, seed=SEED):
        grouped.setdefault(change.soort, []).append(change)
    return grouped


def test_update_removes_changes_and_adds(imported, update_dump, changes):
    before = {row.pk: row for row in Onderneming.objects.all()}
    report = kbo_import(update_dump)

    removed = {c.oud.nummer for c in changes["verwijderd"]}
    added = {c.nieuw.nummer for c in changes["nieuw"]}
    assert removed and added
    assert not Onderneming.objects.filter(pk__in=removed).exists()
    assert report.verwijderd == len(removed)
    assert Onderneming.objects.count() == AANTAL - len(removed) + len(added)
    for change in changes["nieuw"]:
        row = Onderneming.objects.get(pk=change.nieuw.nummer)
        assert (row.naam, row.rechtspersoon) == (change.nieuw.naam, change.nieuw.rechtspersoon)
        assert row.postcode == (change.nieuw.postcode if change.nieuw.heeft_adres else "")

    for change in changes["status"]:
        row = Onderneming.objects.get(pk=change.oud.nummer)
        assert row.actief == change.nieuw.actief != change.oud.actief
        # The name and the address did not come with the enterprise row: they stay.
        assert (row.naam, row.postcode) == (before[row.pk].naam, before[row.pk].postcode)
    for change in changes["naam"]:
        row = Onderneming.objects.get(pk=change.oud.nummer)
        assert row.naam == f"Nieuwe naam {change.oud.index}"
        assert row.postcode == before[row.pk].postcode
    for change in changes["adres"]:
        row = Onderneming.objects.get(pk=change.oud.nummer)
        assert (row.postcode, row.gemeente) == (change.nieuw.postcode, change.nieuw.gemeente)
        assert row.straat.startswith("Verhuisstraat")
        assert row.naam == before[row.pk].naam

    touched = removed | added | {c.oud.nummer for kind in ("status", "naam", "adres") for c in changes[kind]}
    untouched = [pk for pk in before if pk not in touched]
    after = Onderneming.objects.in_bulk(untouched)
    assert all(_fields(after[pk]) == _fields(before[pk]) for pk in untouched)

    snapshot = Snapshot.objects.latest()
    assert (snapshot.extract_type, snapshot.snapshot_datum.isoformat()) == ("update", "2026-05-31")


def test_name_removed_without_a_new_one_leaves_no_name(imported, tmp_path, entities):
    e = next(e for e in entities if e.naam_nl)
    folder = tmp_path / "update"
    folder.mkdir()
    (folder / "meta.csv").write_text('"Variable","Value"\n"SnapshotDate","31-05-2026"\n"ExtractType","update"\n')
    number = f"{e.nummer[:4]}.{e.nummer[4:7]}.{e.nummer[7:]}"
    (folder / "denomination_delete.csv").write_text(f'"EntityNumber"\n"{number}"\n')
    kbo_import(folder)
    assert Onderneming.objects.get(pk=e.nummer).naam == ""


def test_french_name_added_does_not_replace_a_dutch_one(imported, tmp_path, entities):
    e = next(e for e in entities if e.naam_nl and not e.naam_fr)
    folder = tmp_path / "update"
    folder.mkdir()
    number = f"{e.nummer[:4]}.{e.nummer[4:7]}.{e.nummer[7:]}"
    (folder / "meta.csv").write_text('"Variable","Value"\n"SnapshotDate","31-05-2026"\n"ExtractType","update"\n')
    (folder / "denomination_insert.csv").write_text(
        f'"EntityNumber","Language","TypeOfDenomination","Denomination"\n"{number}","1","001","Nom français"\n')
    kbo_import(folder)
    assert Onderneming.objects.get(pk=e.nummer).naam == e.naam_nl
    # Both names are the enterprise's: the French one joins the names it is known by.
    namen = kbo_lookup(e.nummer).namen
    assert (namen[0], set(namen)) == (e.naam_nl, {*e.namen, "Nom français"})


def test_a_name_removed_and_added_again_leaves_only_the_new_names(imported, tmp_path, entities):
    e = next(e for e in entities if e.naam_nl and e.naam_fr)
    folder = tmp_path / "update"
    folder.mkdir()
    number = f"{e.nummer[:4]}.{e.nummer[4:7]}.{e.nummer[7:]}"
    (folder / "meta.csv").write_text('"Variable","Value"\n"SnapshotDate","31-05-2026"\n"ExtractType","update"\n')
    (folder / "denomination_delete.csv").write_text(f'"EntityNumber"\n"{number}"\n')
    (folder / "denomination_insert.csv").write_text(
        f'"EntityNumber","Language","TypeOfDenomination","Denomination"\n"{number}","2","001","Nieuwe naam"\n'
        f'"{number}","2","003","Handelsnaam"\n')
    kbo_import(folder)
    assert kbo_lookup(e.nummer).namen == ("Nieuwe naam", "Handelsnaam")


def _fields(row):
    return tuple(getattr(row, field.attname) for field in Onderneming._meta.fields)
