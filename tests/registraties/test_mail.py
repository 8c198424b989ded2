"""The confirmation to the organisation and the notification to ESF&DO."""
import socket

import pytest
from django.core import mail
from django.test import override_settings

from berichten.models import Bericht
from registraties.models import Registratie
from tests.berichten.helpers import DATABASE_TASKS
from tests.factories import form_data

pytestmark = pytest.mark.django_db


def submit(client, **overrides):
    response = client.post("/interesse/", form_data(**overrides))
    assert response.status_code == 303
    return Registratie.objects.get()


def confirmation():
    return next(m for m in mail.outbox if m.to == ["an.peeters@bouwfonds-test.be"])


def test_confirmation_goes_to_the_contact_with_text_and_html(client, open_ronde, settings):
    registratie = submit(client)
    message = confirmation()
    assert registratie.referentie in message.subject
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.content_subtype == "plain"
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    for body in (message.body, html):
        assert registratie.referentie in body
        assert "Bouwfonds Test vzw" in body
        assert "An Peeters" in body
        assert "Digitale bouwplannen lezen en circulair bouwen." in body
        assert "behoeftedetectie, op weg naar een opleidingsplan" in body
        assert "/interesse/wijzigen/" in body
        assert "garandeert geen effectieve toekenning van middelen" in body


def test_confirmation_link_is_absolute(client, open_ronde):
    submit(client)
    assert "http://testserver/interesse/wijzigen/" in confirmation().body


@override_settings(PORTAAL_URL="https://competentiechecks.example.be")
def test_confirmation_link_uses_the_public_address_when_set(client, open_ronde):
    submit(client)
    assert "https://competentiechecks.example.be/interesse/wijzigen/" in confirmation().body


def test_esfdo_mailbox_is_notified(client, open_ronde, settings):
    registratie = submit(client, postcode="1000", toelichting_werking="Vlaamse leden")
    (notification,) = [m for m in mail.outbox if m.to == [settings.ESFDO_MAILBOX]]
    assert registratie.referentie in notification.subject
    assert "Bouwfonds Test vzw" in notification.subject
    assert "0417.497.106" in notification.body
    assert "Brussels Hoofdstedelijk Gewest" in notification.body
    assert "Zetel in Brussel: nagaan of de werking" in notification.body
    assert f"/beheer/registraties/registratie/{registratie.pk}/change/" in notification.body
    assert "/interesse/wijzigen/" not in notification.body
    assert notification.alternatives[0][1] == "text/html"


def test_exactly_two_mails_per_registration(client, open_ronde):
    submit(client)
    assert len(mail.outbox) == 2


def test_no_mail_when_the_form_is_refused(client, open_ronde):
    client.post("/interesse/", form_data(postcode="4000"))
    assert mail.outbox == []


def test_markup_typed_by_the_visitor_is_escaped_in_the_html_mail(client, open_ronde):
    submit(client, naam='<b onclick="x()">Fonds</b>', contact_naam="<script>alert(1)</script>")
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert "<script>" not in html
        assert "<b onclick" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in confirmation().alternatives[0][0]
    # The text part is plain text: it shows what was typed, not HTML entities.
    assert "<script>alert(1)</script>" in confirmation().body


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on, so the SMTP connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_failing_mail_server_loses_no_registration_and_shows_no_error(client, open_ronde, caplog):
    # The test settings run the queued send at once, inside the request: even then a failing
    # mail server never reaches the visitor; the mail waits with its reason.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                           EMAIL_HOST="127.0.0.1", EMAIL_PORT=closed_port(), EMAIL_USE_TLS=False,
                           EMAIL_USE_SSL=False, EMAIL_TIMEOUT=2):
        response = client.post("/interesse/", form_data(), follow=True)
    assert response.status_code == 200
    registratie = Registratie.objects.get()
    assert registratie.referentie in response.content.decode()
    assert "kon niet verstuurd worden" in caplog.text
    confirmation = Bericht.objects.get(aan="an.peeters@bouwfonds-test.be")
    assert (confirmation.status, confirmation.pogingen) == ("wachtend", 1)
    assert "Connection refused" in confirmation.laatste_fout


def test_every_mail_is_a_row_in_the_queue(client, open_ronde, settings):
    submit(client)
    assert sorted(Bericht.objects.values_list("soort", "aan", "status")) == [
        ("bevestiging", "an.peeters@bouwfonds-test.be", "verzonden"),
        ("notificatie", settings.ESFDO_MAILBOX, "verzonden")]


@override_settings(TASKS=DATABASE_TASKS)
def test_the_request_only_queues_the_mails_for_the_worker(client, open_ronde):
    from django_tasks_db.models import DBTaskResult

    registratie = submit(client)
    assert mail.outbox == []
    assert sorted(Bericht.objects.values_list("soort", "status", "pogingen")) == [
        ("bevestiging", "wachtend", 0), ("notificatie", "wachtend", 0)]
    # One task sends both.
    (job,) = DBTaskResult.objects.filter(task_path="berichten.tasks.bericht_send_task")
    assert sorted(job.args_kwargs["args"]) == sorted(Bericht.objects.values_list("pk", flat=True))
    # The request rendered no template: the row holds what the worker renders the mail from.
    confirmation = Bericht.objects.get(soort="bevestiging")
    assert registratie.referentie in confirmation.onderwerp
    assert confirmation.tekst == confirmation.html == ""
    assert confirmation.gegevens["registratie"] == registratie.pk
    assert confirmation.gegevens["wijzig_url"].startswith("http://testserver/interesse/wijzigen/")


@override_settings(TASKS={"default": {"BACKEND": "tests.registraties.test_mail.MissingBackend"}})
def test_a_crash_while_queueing_the_mails_saves_no_registration_without_them(open_ronde):
    # Registration and mails share one transaction: never a saved registration whose
    # confirmation with the edit link is lost.
    from django.test import Client

    client = Client(raise_request_exception=False)
    response = client.post("/interesse/", form_data())
    assert response.status_code == 500
    assert Registratie.objects.count() == 0
    assert Bericht.objects.count() == 0


def test_failing_mail_server_does_not_break_link_kwijt(client, open_ronde):
    submit(client)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                           EMAIL_HOST="127.0.0.1", EMAIL_PORT=closed_port(), EMAIL_USE_TLS=False,
                           EMAIL_USE_SSL=False, EMAIL_TIMEOUT=2):
        response = client.post("/interesse/link-kwijt/", {"ondernemingsnummer": "0417497106",
                                                          "contact_email": "an.peeters@bouwfonds-test.be"})
    assert response.status_code == 200
