"""The generator of synthetic dumps: deterministic, valid numbers, the mix the tests need."""
import filecmp
import zipfile

from django.core.management import call_command
from stdnum.be import vat

from kbo import layout
from kbo.synthetic import synthetic_dump, synthetic_enterprises


def test_same_seed_gives_the_same_files_and_another_seed_does_not(tmp_path):
    first = synthetic_dump(tmp_path / "a", aantal=120, seed=4)
    second = synthetic_dump(tmp_path / "b", aantal=120, seed=4)
    other = synthetic_dump(tmp_path / "c", aantal=120, seed=5)
    names = [layout.ENTERPRISE, layout.DENOMINATION, layout.ADDRESS, layout.META, layout.CODE]
    assert filecmp.cmpfiles(first, second, names, shallow=False)[0] == names
    assert not filecmp.cmp(first / layout.DENOMINATION, other / layout.DENOMINATION, shallow=False)


def test_an_entity_is_the_same_whatever_the_size_of_the_dump():
    assert list(synthetic_enterprises(50, seed=2)) == list(synthetic_enterprises(80, seed=2))[:50]


def test_numbers_are_valid_and_unique():
    numbers = [e.nummer for e in synthetic_enterprises(2_000, seed=1)]
    assert len(set(numbers)) == len(numbers)
    assert all(vat.is_valid(number) for number in numbers)


def test_the_mix_has_every_kind_the_portal_must_handle():
    entities = list(synthetic_enterprises(2_000, seed=1))
    legal_share = sum(e.rechtspersoon for e in entities) / len(entities)
    assert legal_share > 0.5
    assert legal_share < 0.7
    assert any(not e.actief for e in entities)
    postcodes = {int(e.postcode) for e in entities if e.heeft_adres and not e.land_nl}
    assert any(1000 <= p < 1300 for p in postcodes)
    assert any(1300 <= p < 1500 or 4000 <= p < 8000 for p in postcodes)
    assert any(1500 <= p < 4000 or p >= 8000 for p in postcodes)
    assert any(e.naam_nl and not e.naam_fr for e in entities)
    assert any(e.naam_fr and not e.naam_nl for e in entities)
    assert any(e.naam_fr and e.naam_nl for e in entities)


def test_command_writes_a_zip_in_the_official_layout(tmp_path):
    call_command("kbo_synthetisch", str(tmp_path / "dump.zip"), "--aantal", "30", "--zip")
    with zipfile.ZipFile(tmp_path / "dump.zip") as archive:
        assert set(archive.namelist()) == {"meta.csv", "code.csv", "enterprise.csv", "denomination.csv",
                                           "address.csv"}
        header = archive.read("enterprise.csv").decode().splitlines()[0]
        first = archive.read("enterprise.csv").decode().splitlines()[1]
    assert header == ",".join(f'"{column}"' for column in layout.COLUMNS[layout.ENTERPRISE])
    assert first.startswith('"0200.000.')


def test_update_command_writes_delete_and_insert_files(tmp_path):
    call_command("kbo_synthetisch", str(tmp_path / "update"), "--aantal", "100", "--update")
    names = {path.name for path in (tmp_path / "update").iterdir()}
    assert {"enterprise_delete.csv", "enterprise_insert.csv", "denomination_delete.csv",
            "address_insert.csv", "meta.csv"} <= names
    assert '"ExtractType","update"' in (tmp_path / "update" / "meta.csv").read_text()
