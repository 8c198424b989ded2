"""Shared fixtures: an open round, a closed round, valid form answers, staff in each role."""
import os
from datetime import timedelta

import pytest
from django.utils import timezone

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the test
# itself are still synchronous, so Django's async guard must not trip on them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def open_ronde(db):
    from verkenning.models import Ronde

    now = timezone.now()
    return Ronde.objects.create(titel="Testronde", slug="testronde",
                                opent_op=now - timedelta(days=5),
                                sluit_op=now + timedelta(days=20))


@pytest.fixture
def closed_ronde(db):
    from verkenning.models import Ronde

    now = timezone.now()
    return Ronde.objects.create(titel="Gesloten ronde", slug="gesloten",
                                opent_op=now - timedelta(days=60),
                                sluit_op=now - timedelta(days=1))


@pytest.fixture
def valid_answers():
    """POST data of a valid registration (Flemish seat)."""
    from tests.factories import form_data

    return form_data()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches (throttles, cached counts and pages are per test)."""
    from django.core.cache import caches

    for alias in ("default", "pagina"):
        caches[alias].clear()
    yield
    for alias in ("default", "pagina"):
        caches[alias].clear()


@pytest.fixture
def kbo_register(db):
    """A loaded enterprise register (snapshot of 30/04/2026) holding one Flemish vzw,
    0417.497.106 "Bouwfonds Test" (the name form_data() declares, as "Bouwfonds Test vzw"); call
    it to add more enterprises."""
    from datetime import date

    from kbo.models import Onderneming, Snapshot

    Snapshot.objects.create(snapshot_datum=date(2026, 4, 30), extract_type="full")

    def enterprise(number="0417497106", **overrides):
        values = {"actief": True, "rechtspersoon": True, "rechtsvorm_code": "017",
                  "rechtsvorm": "Vereniging zonder winstoogmerk", "naam": "Bouwfonds Test",
                  "naam_taal": "2", "postcode": "9000", "gemeente": "Gent",
                  "straat": "Kouter 1", "land": "", **overrides}
        return Onderneming.objects.create(ondernemingsnummer=number, **values)

    enterprise()
    return enterprise


# ----- staff -------------------------------------------------------------------------------
# One staff member per role (medewerkers/roles.py) and a superuser, and test clients logged
# in as them (``client.user`` is the account). Every test folder uses these; a test that
# needs another account calls tests.factories.staff_member and logged_in.

@pytest.fixture
def reviewer(db):
    from medewerkers.roles import REVIEWER
    from tests.factories import staff_member

    return staff_member("bea", REVIEWER)


@pytest.fixture
def coordinator(db):
    from medewerkers.roles import COORDINATOR
    from tests.factories import staff_member

    return staff_member("cor", COORDINATOR, first_name="Cora", last_name="Coördinator")


@pytest.fixture
def superuser(db):
    from tests.factories import staff_member

    return staff_member("sup", superuser=True)


@pytest.fixture
def reviewer_client(reviewer):
    from tests.factories import logged_in

    return logged_in(reviewer)


@pytest.fixture
def coordinator_client(coordinator):
    from tests.factories import logged_in

    return logged_in(coordinator)


@pytest.fixture
def superuser_client(superuser):
    from tests.factories import logged_in

    return logged_in(superuser)
