"""Limits per client address on the public POSTs, counted in the shared database cache.

The test settings switch limits off and use a per-process cache; these tests switch the
limits on with the database cache of the real settings.
"""
import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from registraties.models import Registratie
from registraties.views import FORM_RATE, LINK_KWIJT_RATE
from tests.factories import form_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DATABASE_CACHE = {"default": {"BACKEND": "portaal.cache.DatabaseCache", "LOCATION": "portaal_cache"},
                  "pagina": settings.CACHES["pagina"]}
limits_on = override_settings(RATELIMIT_ENABLE=True, CACHES=DATABASE_CACHE)
LINK_KWIJT = "/interesse/link-kwijt/"
LINK_DATA = {"ondernemingsnummer": "0417497106", "contact_email": "an@fonds.be"}


def enterprise_number(index: int) -> str:
    """A valid Belgian enterprise number (check digits mod 97), different per index."""
    base = 4_000_000 + index
    return f"{base:08d}{97 - base % 97:02d}"


def assert_calm_429(response, minutes_max: int):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= minutes_max * 60 + 5
    html = response.content.decode()
    assert "Even wachten" in html
    assert "Deze aanvraag is niet verwerkt." in html
    assert "minuten opnieuw" in html or "een minuut opnieuw" in html
    assert "competentiechecks@esf-agentschap.be" in html


@pytest.fixture
def shared_cache():
    with limits_on:
        # `migrate` makes the table only for the cache configured then (LocMem in tests).
        call_command("createcachetable", verbosity=0)
        cache.clear()
        yield
        cache.clear()


def test_the_rates_let_people_through_and_stop_scripts():
    assert FORM_RATE == "20/10m"
    assert LINK_KWIJT_RATE == "5/10m"


def test_several_organisations_behind_one_address_register_then_a_flood_stops(
        client, open_ronde, shared_cache):
    # Office colleagues: six organisations, each with a typo first, all from one address.
    for index in range(6):
        number = enterprise_number(index)
        assert client.post("/interesse/", form_data(ondernemingsnummer=number,
                                                    postcode="12")).status_code == 200
        assert client.post("/interesse/", form_data(ondernemingsnummer=number)).status_code == 303
    assert Registratie.objects.count() == 6
    for _ in range(8):  # up to 20 POSTs in ten minutes
        assert client.post("/interesse/", form_data(postcode="12")).status_code == 200
    refused = client.post("/interesse/", form_data(ondernemingsnummer=enterprise_number(99)))
    assert_calm_429(refused, 10)
    assert Registratie.objects.count() == 6
    # Reading the form is never limited, and another address is not affected.
    assert client.get("/interesse/").status_code == 200
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.post("/interesse/", form_data(ondernemingsnummer=enterprise_number(50))).status_code == 303


def test_link_kwijt_allows_five_requests_per_address_in_ten_minutes(client, shared_cache):
    for _ in range(5):
        assert client.post(LINK_KWIJT, LINK_DATA).status_code == 200
    assert_calm_429(client.post(LINK_KWIJT, LINK_DATA), 10)
    assert client.get(LINK_KWIJT).status_code == 200


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_the_address_it_added_counts_not_what_the_client_wrote(client, shared_cache):
    for index in range(5):
        # A client writing its own X-Forwarded-For entries does not get a fresh counter.
        response = client.post(LINK_KWIJT, LINK_DATA, REMOTE_ADDR="10.0.0.2",
                               HTTP_X_FORWARDED_FOR=f"192.0.2.{index}, 203.0.113.9")
        assert response.status_code == 200
    refused = client.post(LINK_KWIJT, LINK_DATA, REMOTE_ADDR="10.0.0.2",
                          HTTP_X_FORWARDED_FOR="192.0.2.77, 203.0.113.9")
    assert refused.status_code == 429
    # Another visitor behind the same proxy has a counter of their own.
    assert client.post(LINK_KWIJT, LINK_DATA, REMOTE_ADDR="10.0.0.2",
                       HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


def test_switched_off_nothing_is_limited(client, shared_cache):
    with override_settings(RATELIMIT_ENABLE=False):
        for _ in range(12):
            assert client.post(LINK_KWIJT, LINK_DATA).status_code == 200


def test_ratelimit_enable_false_in_the_environment_switches_the_limits_off(monkeypatch):
    import portaal.settings

    monkeypatch.setenv("RATELIMIT_ENABLE", "false")
    assert importlib.reload(portaal.settings).RATELIMIT_ENABLE is False
    monkeypatch.delenv("RATELIMIT_ENABLE")
    assert importlib.reload(portaal.settings).RATELIMIT_ENABLE is True


def test_the_database_cache_counts_atomically_and_keeps_the_window(shared_cache):
    cache.set("teller", 1, timeout=3600)
    table = connection.ops.quote_name("portaal_cache")
    key = cache.make_key("teller")

    def expires():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT expires FROM {table} WHERE cache_key = %s", [key])  # noqa: S608
            return cursor.fetchone()[0]

    before = expires()
    assert cache.incr("teller") == 2
    assert cache.incr("teller", 3) == 5
    assert cache.get("teller") == 5
    # Django's own DatabaseCache rewrites the entry with the default timeout (5 minutes).
    assert expires() == before
    with pytest.raises(ValueError):
        cache.incr("bestaat-niet")


SEND_REQUESTS = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from django.test import Client
    client = Client(REMOTE_ADDR="192.0.2.44")
    codes = [client.post("/interesse/link-kwijt/",
                         {"ondernemingsnummer": "0417497106", "contact_email": "an@fonds.be"}
                         ).status_code for _ in range(int(sys.argv[1]))]
    print(json.dumps(codes))
""")


def test_the_limit_holds_across_separate_processes(tmp_path):
    """Two processes with the real settings (database cache, limits on) share one counter,
    as gunicorn workers and machines do."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"REDIS_URL", "RATELIMIT_ENABLE", "DJANGO_ENV"}}
    env.update(DJANGO_SETTINGS_MODULE="portaal.settings",
               DATABASE_URL=f"sqlite:///{tmp_path / 'gedeeld.sqlite3'}")
    # With the cache table, made by every migrate.
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT,
                   env=env, capture_output=True, check=True, timeout=120)

    def run(count):
        result = subprocess.run([sys.executable, "-c", SEND_REQUESTS, str(count)], cwd=ROOT,  # noqa: S603
                                env=env, capture_output=True, text=True, check=True, timeout=120)
        return json.loads(result.stdout.strip().splitlines()[-1])

    assert run(3) == [200, 200, 200]
    assert run(3) == [200, 200, 429]
