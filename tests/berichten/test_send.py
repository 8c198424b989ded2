"""Sending one queued mail: once, with retries and back-off, never twice."""
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from berichten.models import Bericht
from berichten.services import bericht_queue, berichten_resend
from berichten.tasks import _claim, bericht_send

from .helpers import DATABASE_TASKS, free_port, smtp_settings

pytestmark = pytest.mark.django_db


def queue(**overrides) -> Bericht:
    values = {"aan": "an@example.test", "onderwerp": "Onderwerp", "tekst": "Tekst met link",
              "html": "<p>Tekst met link</p>", "soort": "bevestiging", **overrides}
    return bericht_queue(**values)


@override_settings(TASKS=DATABASE_TASKS)
def test_queueing_stores_the_mail_and_one_task_and_sends_nothing():
    bericht = queue(onderwerp="Nieuwe registratie\r\nBcc: iemand@example.test")
    assert (bericht.status, bericht.pogingen) == ("wachtend", 0)
    assert bericht.onderwerp == "Nieuwe registratie Bcc: iemand@example.test"
    (job,) = DBTaskResult.objects.all()
    assert job.task_path == "berichten.tasks.bericht_send_task"
    assert job.args_kwargs == {"args": [bericht.pk], "kwargs": {}}
    assert mail.outbox == []


@override_settings(TASKS=DATABASE_TASKS)
def test_sending_delivers_text_and_html_and_forgets_the_body():
    bericht = queue()
    assert bericht_send(bericht.pk) == "verzonden"
    (message,) = mail.outbox
    assert (message.to, message.subject, message.body) == (["an@example.test"], "Onderwerp",
                                                           "Tekst met link")
    assert message.alternatives[0] == ("<p>Tekst met link</p>", "text/html")
    bericht.refresh_from_db()
    assert (bericht.status, bericht.pogingen, bericht.laatste_fout) == ("verzonden", 1, "")
    assert bericht.verzonden_op is not None
    # The body may hold a private edit link: not kept once delivered.
    assert (bericht.tekst, bericht.html) == ("", "")


@override_settings(TASKS=DATABASE_TASKS)
def test_a_mail_is_sent_only_once_however_often_its_task_runs():
    bericht = queue()
    assert bericht_send(bericht.pk) == "verzonden"
    assert bericht_send(bericht.pk) == "overgeslagen"
    assert berichten_resend(berichten=Bericht.objects.all()) == 0
    assert len(mail.outbox) == 1


@override_settings(TASKS=DATABASE_TASKS)
def test_a_mail_another_worker_is_sending_is_left_alone():
    bericht = queue()
    assert _claim(bericht.pk) is not None  # the other worker
    assert bericht_send(bericht.pk) == "overgeslagen"
    assert mail.outbox == []


@override_settings(TASKS=DATABASE_TASKS)
def test_a_mail_whose_worker_died_mid_send_is_taken_over_after_the_claim_ran_out():
    bericht = queue()
    Bericht.objects.filter(pk=bericht.pk).update(bezig_tot=timezone.now() - timedelta(seconds=1))
    assert bericht_send(bericht.pk) == "verzonden"
    assert len(mail.outbox) == 1


def test_a_deleted_mail_is_skipped():
    assert bericht_send(987654) == "overgeslagen"


@override_settings(TASKS=DATABASE_TASKS, BERICHTEN_WACHTTIJDEN=[60, 300])
def test_a_failure_is_recorded_and_retried_after_the_configured_wait():
    bericht = queue()
    DBTaskResult.objects.all().delete()
    with override_settings(**smtp_settings(free_port())):
        before = timezone.now()
        assert bericht_send(bericht.pk) == "wachtend"
    bericht.refresh_from_db()
    assert (bericht.status, bericht.pogingen) == ("wachtend", 1)
    assert bericht.laatste_fout.startswith("ConnectionRefusedError")
    assert bericht.bezig_tot is None
    wait = (bericht.volgende_poging_op - before).total_seconds()
    assert 60 <= wait < 70
    (retry,) = DBTaskResult.objects.all()
    assert retry.run_after == bericht.volgende_poging_op
    assert retry.args_kwargs["args"] == [bericht.pk]

    with override_settings(**smtp_settings(free_port())):
        bericht_send(bericht.pk)
        bericht.refresh_from_db()
        assert bericht.pogingen == 2
        assert 300 <= (bericht.volgende_poging_op - before).total_seconds() < 310
        assert bericht_send(bericht.pk) == "mislukt"
    bericht.refresh_from_db()
    assert (bericht.status, bericht.pogingen, bericht.volgende_poging_op) == ("mislukt", 3, None)
    assert DBTaskResult.objects.count() == 2  # no retry after the last attempt


@override_settings(TASKS=DATABASE_TASKS, BERICHTEN_WACHTTIJDEN=[])
def test_resend_puts_a_failed_mail_back_with_a_fresh_series_of_attempts():
    bericht = queue()
    with override_settings(**smtp_settings(free_port())):
        assert bericht_send(bericht.pk) == "mislukt"
    DBTaskResult.objects.all().delete()
    assert berichten_resend(berichten=Bericht.objects.all()) == 1
    bericht.refresh_from_db()
    assert (bericht.status, bericht.pogingen) == ("wachtend", 0)
    assert DBTaskResult.objects.get().args_kwargs["args"] == [bericht.pk]
    assert bericht_send(bericht.pk) == "verzonden"


@override_settings(TASKS=DATABASE_TASKS)
def test_a_mail_queued_with_its_data_is_rendered_by_the_worker_and_its_data_forgotten():
    from berichten import rendering

    rendering.register(["test_gegevens"], lambda soort, gegevens: (
        f"Tekst voor {gegevens['naam']}", f"<p>{soort} {gegevens['naam']}</p>"))
    bericht = bericht_queue(aan="an@example.test", onderwerp="Onderwerp", soort="test_gegevens",
                            gegevens={"naam": "An"})
    assert (bericht.tekst, bericht.html) == ("", "")
    assert bericht_send(bericht.pk) == "verzonden"
    (message,) = mail.outbox
    assert message.body == "Tekst voor An"
    assert message.alternatives[0] == ("<p>test_gegevens An</p>", "text/html")
    bericht.refresh_from_db()
    assert bericht.gegevens is None


@override_settings(TASKS=DATABASE_TASKS)
def test_a_mail_nobody_can_render_is_not_sent_and_says_why():
    bericht = bericht_queue(aan="an@example.test", onderwerp="Onderwerp", soort="onbekend",
                            gegevens={"x": 1})
    assert bericht_send(bericht.pk) == "wachtend"
    bericht.refresh_from_db()
    assert "Geen sjabloon voor berichten van soort 'onbekend'" in bericht.laatste_fout
    assert mail.outbox == []
