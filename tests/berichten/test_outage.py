"""The mail server is down when a visitor registers and comes back later (real SMTP server)."""
import email
import email.policy
import re
import time

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from berichten.models import Bericht
from registraties.models import Registratie
from tests.factories import form_data

from .helpers import DATABASE_TASKS, run_worker, smtp_settings

pytestmark = pytest.mark.django_db(transaction=True)

CONTACT = "an.peeters@bouwfonds-test.be"
LINK = re.compile(r"http://testserver(/interesse/wijzigen/[A-Za-z0-9_-]+/)")


def text_of(envelope) -> str:
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    return message.get_body(preferencelist=("plain",)).get_content()


def test_registration_is_saved_at_once_and_its_mail_arrives_after_the_server_is_back(
        client, open_ronde, smtp_server):
    with override_settings(TASKS=DATABASE_TASKS, BERICHTEN_WACHTTIJDEN=[1, 1, 1],
                           **smtp_settings(smtp_server.port)):
        response = client.post("/interesse/", form_data())
        # Answered without talking to the (dead) mail server: both mails merely wait.
        assert response.status_code == 303
        registratie = Registratie.objects.get()
        confirmation = Bericht.objects.get(aan=CONTACT)
        assert (confirmation.status, confirmation.pogingen) == ("wachtend", 0)
        assert Bericht.objects.count() == 2

        run_worker()  # mail server down: the attempt fails and a retry is scheduled
        confirmation.refresh_from_db()
        assert (confirmation.status, confirmation.pogingen) == ("wachtend", 1)
        assert "Connection refused" in confirmation.laatste_fout
        assert confirmation.volgende_poging_op > timezone.now() - timezone.timedelta(seconds=1)
        assert DBTaskResult.objects.filter(status="READY").count() == 2
        assert smtp_server.mailbox.envelopes == []

        smtp_server.start()
        time.sleep(max(0.0, (confirmation.volgende_poging_op - timezone.now()).total_seconds()))
        run_worker()

    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.pogingen) == ("verzonden", 2)
    assert confirmation.verzonden_op is not None
    assert confirmation.laatste_fout == ""
    (delivered,) = [e for e in smtp_server.mailbox.envelopes if e.rcpt_tos == [CONTACT]]
    body = text_of(delivered)
    assert registratie.referentie in body
    path = LINK.search(body).group(1)
    assert client.get(path).status_code == 200
    assert {tuple(e.rcpt_tos) for e in smtp_server.mailbox.envelopes} == {
        (CONTACT,), ("esfdo@example.test",)}
    assert Bericht.objects.filter(status="verzonden").count() == 2


def test_a_mail_that_keeps_failing_ends_as_failed_with_the_reason(client, open_ronde,
                                                                  smtp_server):
    with override_settings(TASKS=DATABASE_TASKS, BERICHTEN_WACHTTIJDEN=[0, 0],
                           **smtp_settings(smtp_server.port)):
        assert client.post("/interesse/", form_data()).status_code == 303
        run_worker()
    for bericht in Bericht.objects.all():
        assert (bericht.status, bericht.pogingen) == ("mislukt", 3)
        assert "ConnectionRefusedError" in bericht.laatste_fout
        assert bericht.volgende_poging_op is None
    assert smtp_server.mailbox.envelopes == []


def test_the_staff_resend_delivers_a_failed_mail_once_the_server_is_back(client, open_ronde,
                                                                        smtp_server):
    from berichten.services import berichten_resend

    with override_settings(TASKS=DATABASE_TASKS, BERICHTEN_WACHTTIJDEN=[],
                           **smtp_settings(smtp_server.port)):
        client.post("/interesse/", form_data())
        run_worker()
        assert set(Bericht.objects.values_list("status", flat=True)) == {"mislukt"}
        smtp_server.start()
        assert berichten_resend(berichten=Bericht.objects.all()) == 2
        run_worker()
        # Sent mails are never sent again, by a resend or by a stray task.
        assert berichten_resend(berichten=Bericht.objects.all()) == 0
        run_worker()
    assert set(Bericht.objects.values_list("status", flat=True)) == {"verzonden"}
    assert len(smtp_server.mailbox.envelopes) == 2
