"""Staff users in each role, and clients logged in as them."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from medewerkers.roles import COORDINATOR, REVIEWER


def _staff(username: str, group: str | None = None, superuser: bool = False):
    user = get_user_model().objects.create_user(username=username, password="x" * 16,
                                                is_staff=True, is_superuser=superuser,
                                                first_name=username.capitalize())
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reviewer(db):
    return _staff("bea", REVIEWER)


@pytest.fixture
def coordinator(db):
    return _staff("cor", COORDINATOR)


@pytest.fixture
def superuser(db):
    return _staff("sup", superuser=True)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviewer_client(reviewer):
    return _client(reviewer)


@pytest.fixture
def coordinator_client(coordinator):
    return _client(coordinator)


@pytest.fixture
def superuser_client(superuser):
    return _client(superuser)


@pytest.fixture
def registratie(open_ronde):
    from tests.factories import make_registratie

    return make_registratie(open_ronde, naam="Bouwfonds Proef vzw", postcode="9000",
                            gemeente="Gent")


@pytest.fixture(autouse=True)
def _empty_cache():
    """The overview caches its counts; every test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
