"""The staff login refuses absurd input with a Dutch message and never sends anyone off-site."""
import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

LOGIN = "/beheer/login/"
PASSWORD = "juist-wachtwoord-1"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("an", password=PASSWORD, is_staff=True)


def _login(username: str, password: str = PASSWORD, next_url: str = "/beheer/"):
    return Client().post(LOGIN, {"username": username, "password": password, "next": next_url})


@override_settings(AXES_ENABLED=True)
def test_a_username_over_255_characters_is_refused_by_the_form(staff):
    # django-axes stores the username of a failed login in 255 characters: on PostgreSQL a
    # longer one was a database error (500).
    username = "a" * 300
    response = _login(username)
    assert response.status_code == 200
    assert "Een gebruikersnaam telt hoogstens 150 tekens." in response.content.decode()
    assert not AccessAttempt.objects.filter(username__startswith="aaaa").exists()


@override_settings(AXES_ENABLED=True)
def test_a_username_longer_than_any_account_is_refused_before_authenticating(staff):
    response = _login("an" + "n" * 149)
    assert "Een gebruikersnaam telt hoogstens 150 tekens." in response.content.decode()
    assert AccessAttempt.objects.count() == 0


@override_settings(AXES_ENABLED=True)
@pytest.mark.parametrize("username", ["an\x00", "an\x01", "\x7fan"])
def test_control_characters_in_the_username_are_refused(staff, username):
    response = _login(username)
    assert response.status_code == 200
    page = response.content.decode()
    assert "onzichtbare tekens" in page or "Null-tekens zijn niet toegestaan" in page
    assert AccessAttempt.objects.count() == 0


@override_settings(AXES_ENABLED=True)
def test_an_absurdly_long_password_is_refused(staff):
    response = _login("an", "x" * 100_000)
    assert response.status_code == 200
    assert "Een wachtwoord telt hoogstens 1024 tekens." in response.content.decode()


@override_settings(AXES_ENABLED=True, TWO_FACTOR_VERPLICHT=True)
def test_the_two_step_login_refuses_a_long_username_too(staff):
    response = Client().post(LOGIN, {"staff_login_view-current_step": "auth",
                                     "auth-username": "a" * 300, "auth-password": PASSWORD})
    assert response.status_code == 200
    assert "Een gebruikersnaam telt hoogstens 150 tekens." in response.content.decode()
    assert AccessAttempt.objects.count() == 0


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/beheer/",
                                      "http://testserver.evil.example/"])
def test_an_unsafe_next_lands_on_the_staff_index(staff, next_url):
    response = _login("an", next_url=next_url)
    assert response.status_code == 302
    assert response["Location"] == "/beheer/"


def test_a_safe_next_is_followed(staff):
    response = _login("an", next_url="/beheer/overzicht/")
    assert response["Location"] == "/beheer/overzicht/"


@override_settings(TWO_FACTOR_VERPLICHT=True)
def test_an_unsafe_next_lands_on_the_staff_index_with_two_factors(staff):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    client = Client()
    login = f"{LOGIN}?next=https://evil.example/"
    client.post(login, {"staff_login_view-current_step": "auth", "auth-username": "an",
                        "auth-password": PASSWORD})
    response = client.post(login, {"staff_login_view-current_step": "token",
                                   "token-otp_token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert response["Location"] == "/beheer/"
