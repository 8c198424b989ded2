"""The JSON lookup: a legal person's name and address; one neutral answer for the rest."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _get(client, number):
    return client.get(reverse("kbo:lookup", args=[number]))


def test_legal_person_gives_name_address_and_whether_it_is_active(client, imported, entities):
    e = next(e for e in entities if e.rechtspersoon and e.actief and e.heeft_adres and not e.land_nl)
    response = _get(client, e.nummer)
    assert response.status_code == 200
    assert response.json() == {
        "gevonden": True, "ondernemingsnummer": f"{e.nummer[:4]}.{e.nummer[4:7]}.{e.nummer[7:]}",
        "naam": e.naam, "straat": e.straat, "postcode": e.postcode, "gemeente": e.gemeente, "land": "",
        "actief": True, "geregistreerd": False}
    assert response["Content-Type"] == "application/json"
    assert "private" in response["Cache-Control"]


def test_natural_person_and_unknown_number_get_the_same_neutral_answer(client, imported, entities):
    natural = next(e for e in entities if not e.rechtspersoon)
    answers = [_get(client, number) for number in (natural.nummer, "0417497106", "0417497107", "onzin")]
    assert {a.status_code for a in answers} == {404}
    assert {a.content for a in answers} == {b'{"gevonden": false, "geregistreerd": false}'}
    assert {a["Cache-Control"] for a in answers} == {answers[0]["Cache-Control"]}
    assert natural.naam.encode() not in answers[0].content


def test_without_register_data_nothing_is_found(client, db):
    assert _get(client, "0417497106").status_code == 404


def test_only_get_is_allowed(client, imported, entities):
    assert client.post(reverse("kbo:lookup", args=[entities[0].nummer])).status_code == 405


def test_the_lookup_is_limited_per_address_in_the_shared_cache(client, db):
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import override_settings

    from kbo.views import LOOKUP_RATE

    shared = {"default": {"BACKEND": "portaal.cache.DatabaseCache", "LOCATION": "portaal_cache"},
              "pagina": settings.CACHES["pagina"]}
    allowed = int(LOOKUP_RATE.split("/")[0])
    with override_settings(RATELIMIT_ENABLE=True, CACHES=shared):
        call_command("createcachetable", verbosity=0)
        cache.clear()
        answers = [_get(client, "0417497106").status_code for _ in range(allowed)]
        assert set(answers) == {404}  # a person typing numbers is never blocked
        refused = _get(client, "0417497106")
        assert refused.status_code == 429
        assert refused.json()["gevonden"] is False
        # The sliding window counts in slots of 5 seconds (portaal/ratelimits.py).
        assert 1 <= int(refused["Retry-After"]) <= 605
        # Another address is not affected.
        other = client.get(reverse("kbo:lookup", args=["0417497106"]), REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 404
        cache.clear()


def test_a_stopped_enterprise_is_found_but_said_to_be_inactive(client, imported, entities):
    stopped = next(e for e in entities if e.rechtspersoon and not e.actief)
    answer = _get(client, stopped.nummer).json()
    assert (answer["gevonden"], answer["actief"], answer["naam"]) == (True, False, stopped.naam)


def test_a_number_registered_in_the_current_round_says_so_and_nothing_else(client, imported, entities,
                                                                            open_ronde, closed_ronde):
    from tests.factories import make_registratie

    legal = next(e for e in entities if e.rechtspersoon and e.actief)
    make_registratie(open_ronde, ondernemingsnummer=legal.nummer, contact_naam="Geheime Persoon")
    unknown_but_registered = "0417497106"
    make_registratie(open_ronde, ondernemingsnummer=unknown_but_registered)
    only_last_round = next(e for e in entities if e.rechtspersoon and e.actief and e is not legal)
    make_registratie(closed_ronde, ondernemingsnummer=only_last_round.nummer)

    answer = _get(client, legal.nummer)
    assert answer.json()["geregistreerd"] is True
    # Yes or no only: never who registered, nor anything they answered.
    assert b"Geheime Persoon" not in answer.content
    assert set(answer.json()) == {"gevonden", "ondernemingsnummer", "naam", "straat", "postcode",
                                  "gemeente", "land", "actief", "geregistreerd"}
    # Not in the register (or a natural person): still "not found", and whether it registered.
    assert _get(client, unknown_but_registered).json() == {"gevonden": False, "geregistreerd": True}
    # Another round's registration does not count.
    assert _get(client, only_last_round.nummer).json()["geregistreerd"] is False


def test_the_lookup_stays_a_few_queries(client, imported, entities, open_ronde,
                                        django_assert_max_num_queries):
    legal = next(e for e in entities if e.rechtspersoon)
    # The register's answer, the current round, the registration: whatever the round holds.
    with django_assert_max_num_queries(3):
        assert _get(client, legal.nummer).status_code == 200
