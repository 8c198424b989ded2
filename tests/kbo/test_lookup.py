"""kbo_lookup and kbo_snapshot: what the form and staff ask of the register."""
import pytest

from kbo.selectors import KboEntry, kbo_lookup, kbo_snapshot

pytestmark = pytest.mark.django_db


def test_no_snapshot_without_register_data():
    assert kbo_snapshot() is None


def test_lookup_is_one_query_and_returns_the_entry(imported, entities, django_assert_num_queries):
    e = next(e for e in entities if e.rechtspersoon and e.postcode == "1000" and e.heeft_adres)
    with django_assert_num_queries(1):
        entry = kbo_lookup(e.nummer)
    assert entry == KboEntry(
        ondernemingsnummer=e.nummer, naam=e.naam, actief=e.actief, rechtspersoon=True,
        rechtsvorm_code=e.rechtsvorm_code, rechtsvorm=e.rechtsvorm, postcode="1000",
        gemeente="Brussel", straat=e.straat, land="", gewest="brussel",
        snapshot_datum=kbo_snapshot().snapshot_datum, namen=entry.namen)
    assert (entry.namen[0], set(entry.namen)) == (e.naam, set(e.namen))


def test_every_name_of_an_enterprise_is_kept_the_official_one_shown_first(imported, entities):
    both = next(e for e in entities if e.rechtspersoon and e.naam_nl and e.naam_fr and e.afkorting)
    single = next(e for e in entities if e.rechtspersoon and len(e.namen) == 1)
    entry = kbo_lookup(both.nummer)
    assert entry.naam == both.naam_nl
    assert entry.namen[0] == both.naam_nl
    assert set(entry.namen) == {both.naam_nl, both.naam_fr, both.afkorting}
    assert kbo_lookup(single.nummer).namen == (single.naam,)


def test_lookup_accepts_the_usual_notations(imported, entities):
    number = entities[0].nummer
    for notation in (f"BE{number}", f"{number[:4]}.{number[4:7]}.{number[7:]}", f"BE {number[1:]}"):
        assert kbo_lookup(notation).ondernemingsnummer == number


def test_region_of_the_registered_office(imported, entities):
    walloon = next(e for e in entities if e.heeft_adres and e.postcode in {"4000", "1300", "6700"})
    flemish = next(e for e in entities if e.heeft_adres and e.postcode == "9000")
    abroad = next(e for e in entities if e.heeft_adres and e.land_nl)
    assert kbo_lookup(walloon.nummer).gewest == "wallonie"
    assert kbo_lookup(flemish.nummer).gewest == "vlaanderen"
    assert (kbo_lookup(abroad.nummer).gewest, kbo_lookup(abroad.nummer).land) == ("", "Frankrijk")


def test_unknown_number_is_none(imported):
    assert kbo_lookup("0417497106") is None


def test_invalid_number_is_none_without_a_query(imported, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert kbo_lookup("0417497107") is None
        assert kbo_lookup("abc") is None
        assert kbo_lookup("") is None


def test_snapshot_is_the_last_import(imported, update_dump):
    from kbo.importer import kbo_import

    assert kbo_snapshot().snapshot_datum.isoformat() == "2026-04-30"
    kbo_import(update_dump)
    snapshot = kbo_snapshot()
    assert (snapshot.snapshot_datum.isoformat(), snapshot.extract_type) == ("2026-05-31", "update")


@pytest.mark.parametrize("postcode, gewest", [
    ("1000", "brussel"), ("1299", "brussel"), ("1300", "wallonie"), ("1499", "wallonie"),
    ("1500", "vlaanderen"), ("3999", "vlaanderen"), ("4000", "wallonie"), ("7999", "wallonie"),
    ("8000", "vlaanderen"), ("9999", "vlaanderen"), ("75008", ""), ("", ""), ("0999", "")])
def test_region_for_postcode(postcode, gewest):
    from kbo.constants import gewest_for_postcode

    assert gewest_for_postcode(postcode) == gewest
