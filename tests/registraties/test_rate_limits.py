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
    responses = [client.post("/interesse/link-kwijt/",
                             {"ondernemingsnummer": "0417497106", "contact_email": "an@fonds.be"})
                 for _ in range(int(sys.argv[1]))]
    print(json.dumps([[r.status_code, r.get("Retry-After")] for r in responses]))
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

    assert [code for code, _ in run(3)] == [200, 200, 200]
    second = run(3)
    assert [code for code, _ in second] == [200, 200, 429]
    # The sliding window: the first of the five leaves it ten minutes after it came, not at
    # the edge of a fixed window.
    assert 580 <= int(second[-1][1]) <= 605


# -- the sliding window -------------------------------------------------------------------------

def sent_every(seconds: float, *, minutes: int, rate: str, start: float) -> list[float]:
    """The moments a script sending every ``seconds`` got through, over ``minutes``."""
    from portaal.ratelimits import Rate, sliding_window_hit

    passed = []
    moment = start
    while moment < start + minutes * 60:
        if sliding_window_hit(key="script", rate=Rate.parse(rate), now=moment) is None:
            passed.append(moment)
        moment += seconds
    return passed


def most_in_any_window(moments: list[float], window: float) -> int:
    return max(sum(1 for other in moments if moment <= other < moment + window)
               for moment in moments)


def test_no_ten_minutes_let_more_than_twenty_posts_through_also_around_a_window_edge(
        shared_cache):
    from portaal.ratelimits import Rate, sliding_window_hit

    rate = Rate.parse(FORM_RATE)
    edge = 1_800_000_000.0  # a multiple of ten minutes: where a fixed window starts anew
    for _ in range(20):
        assert sliding_window_hit(key="kantoor", rate=rate, now=edge - 1) is None
    # A fixed window let twenty more through here; the sliding window waits ten minutes.
    wait = sliding_window_hit(key="kantoor", rate=rate, now=edge + 1)
    assert 595 <= wait <= 600
    assert sliding_window_hit(key="kantoor", rate=rate, now=edge + wait - 6) is not None
    assert sliding_window_hit(key="kantoor", rate=rate, now=edge + wait + 1) is None


def test_a_script_gets_twenty_posts_in_any_ten_minutes_and_no_more(shared_cache):
    passed = sent_every(7, minutes=40, rate=FORM_RATE, start=1_800_000_123.0)
    assert most_in_any_window(passed, 600) == 20
    # Not starved either: about twenty per ten minutes over the whole run.
    assert 75 <= len(passed) <= 80


def test_refused_requests_are_not_counted_so_waiting_as_long_as_told_is_enough(shared_cache):
    from portaal.ratelimits import Rate, sliding_window_hit

    rate = Rate.parse(LINK_KWIJT_RATE)
    start = 1_800_000_000.0
    for minute in range(5):
        assert sliding_window_hit(key="typo", rate=rate, now=start + 60 * minute) is None
    for extra in range(30):  # impatient clicks, each refused
        wait = sliding_window_hit(key="typo", rate=rate, now=start + 300 + extra)
        assert wait is not None
    # The first request leaves the window ten minutes (and at most one slot) after it came.
    assert start + 300 + 29 + wait <= start + 605
    assert sliding_window_hit(key="typo", rate=rate, now=start + 300 + 29 + wait) is None


def test_the_form_answers_429_with_the_true_wait_after_twenty_posts_at_a_window_edge(
        client, open_ronde, shared_cache, monkeypatch):
    import portaal.ratelimits

    clock = {"now": 1_800_000_000.0 - 2}
    monkeypatch.setattr(portaal.ratelimits, "clock", lambda: clock["now"])
    for _ in range(20):
        assert client.post("/interesse/", form_data(postcode="12")).status_code == 200
    clock["now"] += 4  # past the edge of a fixed ten-minute window
    refused = client.post("/interesse/", form_data())
    assert_calm_429(refused, 10)
    assert 590 <= int(refused["Retry-After"]) <= 600
    assert not Registratie.objects.exists()
