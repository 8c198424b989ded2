"""A coordinator resets a colleague's second factor (with confirmation and a log entry)."""
import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from medewerkers.staff_devices import LOG_RESET

pytestmark = pytest.mark.django_db

STAFF = "/beheer/medewerkers/"


def _reset_url(user) -> str:
    return f"/beheer/medewerkers/{user.pk}/tweestaps-resetten/"


@pytest.fixture
def devices(reviewer):
    TOTPDevice.objects.create(user=reviewer, name="default", confirmed=True)
    StaticDevice.objects.create(user=reviewer, name="backup").token_set.create(token="abc12345")
    return reviewer


def test_coordinators_may_reset_devices_and_reviewers_may_not(coordinator, reviewer):
    assert coordinator.has_perms(["otp_totp.delete_totpdevice", "otp_static.delete_staticdevice"])
    assert not reviewer.has_perm("otp_totp.delete_totpdevice")


def test_the_staff_page_shows_who_has_two_factors(coordinator_client, devices, coordinator):
    page = coordinator_client.get(STAFF).content.decode()
    assert "Medewerkers en tweestapsverificatie" in page
    assert "bea" in page and "ingesteld" in page and "nog niet ingesteld" in page
    assert _reset_url(devices) in page
    assert STAFF in coordinator_client.get("/beheer/").content.decode()


def test_reviewers_get_no_staff_page_and_no_reset(reviewer_client, coordinator):
    TOTPDevice.objects.create(user=coordinator, name="default", confirmed=True)
    assert reviewer_client.get(STAFF).status_code == 403
    assert reviewer_client.post(_reset_url(coordinator)).status_code == 403
    assert TOTPDevice.objects.filter(user=coordinator).exists()
    assert STAFF not in reviewer_client.get("/beheer/").content.decode()


def test_a_reset_asks_for_confirmation_then_removes_every_device_and_logs(
        coordinator_client, coordinator, devices):
    page = coordinator_client.get(_reset_url(devices)).content.decode()
    assert "Tweestapsverificatie van bea resetten?" in page
    assert TOTPDevice.objects.filter(user=devices).exists()

    response = coordinator_client.post(_reset_url(devices))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=devices).exists()
    assert not StaticDevice.objects.filter(user=devices).exists()
    entry = LogEntry.objects.get(user=coordinator, object_id=str(devices.pk))
    assert entry.change_message == LOG_RESET
    assert "is gereset" in coordinator_client.get(STAFF).content.decode()


def test_after_a_reset_the_colleague_must_enrol_again(settings, coordinator_client, devices):
    settings.TWO_FACTOR_VERPLICHT = True
    colleague = Client()
    colleague.force_login(devices)
    session = colleague.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=devices).persistent_id
    session.save()
    assert colleague.get("/beheer/").status_code == 200  # verified with the app

    settings.TWO_FACTOR_VERPLICHT = False  # the coordinator's own session has no device here
    coordinator_client.post(_reset_url(devices))
    settings.TWO_FACTOR_VERPLICHT = True
    response = colleague.get("/beheer/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/beheer/tweestapsverificatie/instellen/")


def test_a_coordinator_cannot_reset_a_superusers_device(coordinator_client, superuser):
    TOTPDevice.objects.create(user=superuser, name="default", confirmed=True)
    assert coordinator_client.get(_reset_url(superuser)).status_code == 403
    coordinator_client.post(_reset_url(superuser))
    assert TOTPDevice.objects.filter(user=superuser).exists()
