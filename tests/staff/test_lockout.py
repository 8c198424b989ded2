"""Failed staff logins lock out that account from that address, and nobody else."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

LOGIN = "/beheer/login/"


def _login(client: Client, username: str, password: str, ip: str):
    return client.post(LOGIN, {"username": username, "password": password,
                               "next": "/beheer/"}, REMOTE_ADDR=ip)


@pytest.fixture
def accounts():
    model = get_user_model()
    model.objects.create_user("an", password="juist-wachtwoord-1", is_staff=True)
    model.objects.create_user("bart", password="juist-wachtwoord-2", is_staff=True)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_five_wrong_passwords_lock_that_account_from_that_address(accounts):
    client = Client()
    for _ in range(5):
        _login(client, "an", "fout", "10.1.1.1")
    response = _login(client, "an", "juist-wachtwoord-1", "10.1.1.1")
    assert response.status_code == 429
    assert "Aanmelden tijdelijk geblokkeerd" in response.content.decode()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_a_colleague_behind_the_same_address_can_still_log_in(accounts):
    client = Client()
    for _ in range(5):
        _login(client, "an", "fout", "10.1.1.1")
    response = _login(Client(), "bart", "juist-wachtwoord-2", "10.1.1.1")
    assert response.status_code == 302
    assert response["Location"] == "/beheer/"


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_the_account_owner_elsewhere_is_not_locked_out_by_someone_guessing(accounts):
    for _ in range(5):
        _login(Client(), "an", "fout", "203.0.113.9")
    response = _login(Client(), "an", "juist-wachtwoord-1", "10.1.1.1")
    assert response.status_code == 302
