"""Two factors for staff: a password alone opens nothing, enrolment in Dutch, backup codes."""
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factors_on")]

LOGIN = "/beheer/login/"
SETUP = "/beheer/tweestapsverificatie/instellen/"
PASSWORD = "juist-wachtwoord-1"


@pytest.fixture
def two_factors_on(settings):
    settings.TWO_FACTOR_VERPLICHT = True


@pytest.fixture
def staff(coordinator):
    coordinator.set_password(PASSWORD)
    coordinator.save()
    return coordinator


@pytest.fixture
def device(staff):
    return TOTPDevice.objects.create(user=staff, name="default", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_step(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"staff_login_view-current_step": "auth",
                               "auth-username": username, "auth-password": password}, **extra)


def token_step(client: Client, code: str):
    return client.post(LOGIN, {"staff_login_view-current_step": "token",
                               "token-otp_token": code})


def test_a_password_only_session_sees_no_registrations(staff, registratie):
    client = Client()
    client.force_login(staff)
    for url in ("/beheer/", "/beheer/registraties/registratie/",
                f"/beheer/registraties/registratie/{registratie.pk}/change/", "/beheer/overzicht/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN)
    response = client.get(LOGIN, {"next": "/beheer/"})
    assert response.status_code == 302
    assert response["Location"] == SETUP + "?next=%2Fbeheer%2F"
    assert registratie.naam not in client.get(SETUP).content.decode()


def test_with_two_factors_off_the_password_is_enough(settings, staff):
    settings.TWO_FACTOR_VERPLICHT = False
    client = Client()
    client.force_login(staff)
    assert client.get("/beheer/").status_code == 200


def test_a_staff_member_without_a_device_is_led_through_enrolment_in_dutch(staff):
    client = Client()
    response = password_step(client, staff.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    assert client.get("/beheer/").status_code == 302  # still closed

    page = client.get(SETUP).content.decode()
    assert "Tweestapsverificatie instellen" in page
    assert "authenticator-app" in page
    page = client.post(SETUP, {"staff_setup_view-current_step": "welcome"}).content.decode()
    assert "scan deze QR-code" in page
    assert 'src="/beheer/tweestapsverificatie/qr-code/"' in page

    qr = client.get("/beheer/tweestapsverificatie/qr-code/")
    assert qr.status_code == 200
    assert qr["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in qr.content

    wrong = client.post(SETUP, {"staff_setup_view-current_step": "generator",
                                "generator-token": "000000"
                                if current_code_from_session(client) != "000000" else "111111"})
    assert "Deze code klopt niet" in wrong.content.decode()

    response = client.post(SETUP, {"staff_setup_view-current_step": "generator",
                                   "generator-token": current_code_from_session(client)})
    assert response.status_code == 302
    assert response["Location"] == "/beheer/tweestapsverificatie/ingesteld/"
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Back-upcodes maken" in page

    response = client.post("/beheer/tweestapsverificatie/back-upcodes/")
    assert response.status_code == 302
    page = client.get("/beheer/tweestapsverificatie/back-upcodes/").content.decode()
    codes = list(StaticDevice.objects.get(user=staff).token_set.values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in page for code in codes)
    assert 'href="/beheer/"' in page  # on to where the staff member was heading
    assert client.get("/beheer/").status_code == 200


def current_code_from_session(client: Client) -> str:
    key = b32decode(client.session["django_two_factor-qr_secret_key"])
    return f"{totp(key):06d}"


def test_with_a_device_the_login_asks_for_the_code_and_refuses_a_wrong_one(staff, device):
    client = Client()
    response = password_step(client, staff.username, PASSWORD)
    assert response.status_code == 200
    assert "typ de code van zes cijfers" in response.content.decode()
    assert client.get("/beheer/").status_code == 302

    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = token_step(client, wrong)
    assert "Deze code klopt niet" in response.content.decode()
    assert client.get("/beheer/").status_code == 302

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = token_step(client, current_code(device))
    assert response.status_code == 302
    assert response["Location"] == "/beheer/"
    assert client.get("/beheer/").status_code == 200


def test_a_backup_code_works_once(staff, device):
    backup = StaticDevice.objects.create(user=staff, name="backup")
    backup.token_set.create(token="abcd1234")

    def log_in_with_backup():
        client = Client()
        password_step(client, staff.username, PASSWORD)
        client.post(LOGIN, {"staff_login_view-current_step": "token",
                            "wizard_goto_step": "backup"})
        response = client.post(LOGIN, {"staff_login_view-current_step": "backup",
                                       "backup-otp_token": "abcd1234"})
        return client, response

    client, response = log_in_with_backup()
    assert response.status_code == 302
    assert client.get("/beheer/").status_code == 200
    client, response = log_in_with_backup()
    assert response.status_code == 200
    assert client.get("/beheer/").status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_the_two_step_login_keeps_the_lockout(staff):
    for _ in range(5):
        password_step(Client(), staff.username, "fout", REMOTE_ADDR="10.1.1.1")
    response = password_step(Client(), staff.username, PASSWORD, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert "Aanmelden tijdelijk geblokkeerd" in response.content.decode()
    # The same account from elsewhere still reaches the second step.
    response = password_step(Client(), staff.username, PASSWORD, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 302


def test_a_non_staff_account_gets_no_further_than_the_password(db):
    get_user_model().objects.create_user("buur", password=PASSWORD)
    response = password_step(Client(), "buur", PASSWORD)
    assert response.status_code == 200
    assert "stafaccount" in response.content.decode()
