"""The batch action: the same status service for many rows at once."""
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from registraties.constants import RegistratieStatus
from registraties.models import Registratie, StatusWijziging
from tests.factories import make_registraties

pytestmark = pytest.mark.django_db



def _list_url():
    # As from the list showing every status: the action works on the rows the list shows.
    return reverse("admin:registraties_registratie_changelist") + "?status=alle"


@pytest.fixture
def three(open_ronde):
    return make_registraties(open_ronde, 3, seed=5)


def test_the_action_asks_for_the_status_first(three, reviewer_client):
    response = reviewer_client.post(_list_url(), {
        "action": "change_status", ACTION_CHECKBOX_NAME: [r.pk for r in three]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "U wijzigt de status van 3 registraties:" in html
    assert not StatusWijziging.objects.exists()


def test_batch_change_records_history_for_each_row(three, reviewer, reviewer_client):
    response = reviewer_client.post(_list_url(), {
        "action": "change_status", ACTION_CHECKBOX_NAME: [r.pk for r in three],
        "apply": "1", "status": RegistratieStatus.IN_BEHANDELING, "reden": ""}, follow=True)
    assert "3 registraties kregen de status ‘in behandeling’." in response.content.decode()
    for registratie in three:
        registratie.refresh_from_db()
        assert registratie.status == RegistratieStatus.IN_BEHANDELING
        assert registratie.status_gewijzigd_door == reviewer
        latest = registratie.history.order_by("-history_date", "-history_id").first()
        assert latest.history_user == reviewer
        assert latest.status == RegistratieStatus.IN_BEHANDELING
    assert StatusWijziging.objects.filter(naar=RegistratieStatus.IN_BEHANDELING, door=reviewer).count() == 3


def test_batch_refuses_not_eligible_without_a_reason(three, reviewer_client):
    response = reviewer_client.post(_list_url(), {
        "action": "change_status", ACTION_CHECKBOX_NAME: [r.pk for r in three],
        "apply": "1", "status": RegistratieStatus.NIET_ONTVANKELIJK, "reden": ""})
    assert response.status_code == 200
    assert ("Geef een reden op waarom de registratie niet ontvankelijk is."
            in response.content.decode())
    assert set(Registratie.objects.values_list("status", flat=True)) == {RegistratieStatus.INGEDIEND}
    assert not StatusWijziging.objects.exists()


def test_batch_with_a_reason_sets_it_on_every_row(three, coordinator_client):
    coordinator_client.post(_list_url(), {
        "action": "change_status", ACTION_CHECKBOX_NAME: [r.pk for r in three[:2]],
        "apply": "1", "status": RegistratieStatus.NIET_ONTVANKELIJK, "reden": "Geen netwerk"})
    assert list(Registratie.objects.filter(status=RegistratieStatus.NIET_ONTVANKELIJK)
                .values_list("status_reden", flat=True)) == ["Geen netwerk"] * 2


def test_rows_that_already_have_the_status_are_reported_not_recorded(three, reviewer_client):
    Registratie.objects.filter(pk=three[0].pk).update(status=RegistratieStatus.ONTVANKELIJK)
    response = reviewer_client.post(_list_url(), {
        "action": "change_status", ACTION_CHECKBOX_NAME: [r.pk for r in three],
        "apply": "1", "status": RegistratieStatus.ONTVANKELIJK, "reden": ""}, follow=True)
    html = response.content.decode()
    assert "2 registraties kregen de status ‘ontvankelijk’." in html
    assert "1 registratie had die status al." in html
    assert StatusWijziging.objects.count() == 2
