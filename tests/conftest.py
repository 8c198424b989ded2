"""Shared fixtures: an open round, a closed round, valid form answers."""
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
