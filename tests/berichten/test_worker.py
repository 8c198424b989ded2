"""Claims, heartbeat and the recovery sweep, one rule at a time (the real processes: test_recovery)."""
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import get_commands, load_command_class
from django.test import override_settings
from django.utils import timezone

from berichten import worker
from berichten.models import Bericht
from berichten.services import bericht_queue
from berichten.tasks import _claim, berichten_recover
from registraties.excel.tasks import importbestanden_recover
from registraties.models import Importbestand, ImportStatus, Registratie
from tests.excel.test_admin import GOOD, HEADER, import_file

from .helpers import DATABASE_TASKS

pytestmark = pytest.mark.django_db


def queue(**overrides) -> Bericht:
    return bericht_queue(**{"aan": "an@example.test", "onderwerp": "Onderwerp", "tekst": "Tekst",
                            "soort": "bevestiging", **overrides})


def age(bericht: Bericht, **fields) -> None:
    Bericht.objects.filter(pk=bericht.pk).update(**fields)


def test_db_worker_is_the_portals_worker_with_heartbeat_and_sweep():
    command = load_command_class(get_commands()["db_worker"], "db_worker")
    assert type(command).__module__ == "berichten.management.commands.db_worker"


def test_the_recovery_time_is_claim_plus_sweep_and_well_within_three_minutes():
    assert worker.recovery_bound() == timedelta(seconds=90)
    assert worker.heartbeat_seconds() <= worker.claim_duration().total_seconds() / 3


@override_settings(TASKS=DATABASE_TASKS)
def test_a_live_worker_renews_the_claims_it_holds_and_no_others():
    mine, other = queue(), queue(aan="bo@example.test")
    mine, other = _claim(mine.pk), _claim(other.pk)
    soon = timezone.now() + timedelta(seconds=2)
    Bericht.objects.update(bezig_tot=soon)
    with worker.holding(Bericht, mine.pk, mine.bezig_door):
        assert worker.renew_claims() == 1
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.bezig_tot > soon + timedelta(seconds=50)
    assert other.bezig_tot == soon
    assert worker.held_tokens() == []


@override_settings(TASKS=DATABASE_TASKS)
def test_the_sweep_sends_a_mail_whose_worker_stopped_renewing_its_claim():
    bericht = _claim(queue().pk)
    age(bericht, bezig_tot=timezone.now() - timedelta(seconds=1),
        volgende_poging_op=timezone.now() - timedelta(minutes=2))
    assert berichten_recover() == 1
    bericht.refresh_from_db()
    assert (bericht.status, bericht.bezig_door, len(mail.outbox)) == ("verzonden", "", 1)
    assert berichten_recover() == 0
    assert len(mail.outbox) == 1


@override_settings(TASKS=DATABASE_TASKS)
def test_the_sweep_leaves_a_live_claim_and_a_freshly_queued_mail_to_their_worker():
    claimed = _claim(queue().pk)
    age(claimed, volgende_poging_op=timezone.now() - timedelta(minutes=5))
    queue(aan="vers@example.test")  # its task will send it
    assert berichten_recover() == 0
    assert mail.outbox == []


@override_settings(TASKS=DATABASE_TASKS)
def test_the_sweep_sends_a_mail_whose_task_was_lost_once_it_is_overdue():
    bericht = queue()
    age(bericht, volgende_poging_op=timezone.now() - timedelta(seconds=61))
    assert berichten_recover() == 1
    assert [m.to for m in mail.outbox] == [["an@example.test"]]


@override_settings(TASKS=DATABASE_TASKS)
def test_the_sweep_never_takes_a_mail_this_very_process_is_sending():
    bericht = _claim(queue().pk)
    age(bericht, bezig_tot=timezone.now() - timedelta(seconds=1),
        volgende_poging_op=timezone.now() - timedelta(minutes=2))
    with worker.holding(Bericht, bericht.pk, bericht.bezig_door):
        assert berichten_recover() == 0
    assert mail.outbox == []


@override_settings(TASKS=DATABASE_TASKS)
def test_a_failed_attempt_of_a_worker_that_lost_its_claim_leaves_the_new_holder_alone():
    from berichten.tasks import _record_failure

    first = _claim(queue().pk)
    age(first, bezig_tot=timezone.now() - timedelta(seconds=1))
    second = _claim(first.pk)  # another worker took it over
    token = second.bezig_door
    assert token != first.bezig_door
    _record_failure(first, ConnectionError("te laat"))
    second.refresh_from_db()
    assert (second.bezig_door, second.pogingen, second.laatste_fout) == (token, 0, "")
    assert second.bezig_tot > timezone.now()


def test_a_sweep_that_fails_is_logged_and_the_others_still_run(caplog, monkeypatch):
    ran = []
    monkeypatch.setattr(worker, "_recoveries", {})
    worker.register_recovery("stuk", lambda should_continue: 1 / 0)
    worker.register_recovery("heel", lambda should_continue: ran.append(1) or 1)
    with caplog.at_level(logging.WARNING, logger="berichten.worker"):
        assert worker.recover() == {"stuk": 0, "heel": 1}
    assert ran == [1]
    assert "Herstel 'stuk' liep fout" in caplog.text
    assert "Herstel 'heel': 1 wachtende taak/taken opnieuw opgenomen" in caplog.text


def test_a_stopping_worker_starts_no_new_sweep(monkeypatch):
    monkeypatch.setattr(worker, "_recoveries", {})
    worker.register_recovery("een", lambda should_continue: 1)
    assert worker.recover(lambda: False) == {}


# -- Excel import jobs -------------------------------------------------------------------------

@pytest.fixture
def waiting_file(open_ronde):
    from registraties.excel.tasks import importbestand_upload

    # The immediate backend of the tests would run the preview at once: park its task.
    with override_settings(TASKS=DATABASE_TASKS):
        bestand = importbestand_upload(ronde=open_ronde, user=None, name="lijst.xlsx",
                                       content=import_file([HEADER, [*GOOD, "ja"]]))
    assert bestand.status == ImportStatus.WACHTEND
    return bestand


def test_a_freshly_uploaded_file_is_left_to_its_task(waiting_file):
    assert importbestanden_recover() == 0
    waiting_file.refresh_from_db()
    assert waiting_file.status == ImportStatus.WACHTEND


def test_a_file_whose_task_was_lost_is_previewed_by_the_sweep(waiting_file):
    Importbestand.objects.filter(pk=waiting_file.pk).update(
        in_wachtrij_op=timezone.now() - timedelta(seconds=61))
    assert importbestanden_recover() == 1
    waiting_file.refresh_from_db()
    assert (waiting_file.status, waiting_file.bezig_door) == (ImportStatus.VOORVERTOOND, "")


def test_an_import_whose_worker_died_is_run_again_and_a_live_one_is_left_alone(waiting_file):
    from registraties.excel.tasks import importbestand_preview

    assert importbestand_preview(waiting_file.pk)
    Importbestand.objects.filter(pk=waiting_file.pk).update(
        status=ImportStatus.BEZIG, bevestigd=True, bezig_door="dood:1",
        bezig_tot=timezone.now() + timedelta(seconds=30))
    assert importbestanden_recover() == 0  # its worker still renews the claim
    Importbestand.objects.filter(pk=waiting_file.pk).update(
        bezig_tot=timezone.now() - timedelta(seconds=1))
    assert importbestanden_recover() == 1
    waiting_file.refresh_from_db()
    assert waiting_file.status == ImportStatus.GEIMPORTEERD
    assert Registratie.objects.get().naam == "Delta Logistiek vzw"


def test_a_file_left_busy_by_a_worker_from_before_claims_existed_is_taken_up(waiting_file):
    Importbestand.objects.filter(pk=waiting_file.pk).update(status=ImportStatus.BEZIG,
                                                            bezig_tot=None, bezig_door="")
    assert importbestanden_recover() == 1
    waiting_file.refresh_from_db()
    assert waiting_file.status == ImportStatus.VOORVERTOOND
