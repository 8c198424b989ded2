"""The outgoing mails in /beheer/: the list, who sees it, and sending one again."""
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings

from berichten.models import Bericht

pytestmark = pytest.mark.django_db

LIST = "/beheer/berichten/bericht/"


@pytest.fixture
def berichten():
    failed = Bericht.objects.create(aan="an@bouwfonds-test.be", onderwerp="Bevestiging CC-0001",
                                    tekst="Tekst", html="<p>Tekst</p>", soort="bevestiging",
                                    status="mislukt", pogingen=7,
                                    laatste_fout="ConnectionRefusedError: [Errno 111] "
                                                 "Connection refused")
    sent = Bericht.objects.create(aan="esfdo@example.test", onderwerp="Nieuwe registratie",
                                  soort="notificatie", status="verzonden", pogingen=1)
    return failed, sent


def test_coordinator_sees_each_mail_with_its_state_and_reason(coordinator_client, berichten):
    response = coordinator_client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Status", "Aan", "Onderwerp", "Soort", "Pogingen", "Laatste fout",
                 "Aangemaakt op", "Verzonden op", "Mislukt", "Verzonden",
                 "an@bouwfonds-test.be", "Bevestiging CC-0001",
                 "ConnectionRefusedError: [Errno 111] Connection refused", "Opnieuw versturen"):
        assert text in html, text


def test_the_list_filters_on_state_and_kind_and_searches_the_recipient(coordinator_client,
                                                                       berichten):
    failed, sent = berichten
    for query, shown, hidden in [("status__exact=mislukt", failed, sent),
                                 ("soort=notificatie", sent, failed),
                                 ("q=bouwfonds", failed, sent)]:
        html = coordinator_client.get(f"{LIST}?{query}").content.decode()
        assert shown.onderwerp in html, query
        assert hidden.onderwerp not in html, query


def test_a_mail_is_read_only_and_its_body_is_not_shown(coordinator_client, berichten):
    failed, _ = berichten
    response = coordinator_client.get(f"{LIST}{failed.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ConnectionRefusedError" in html
    assert 'name="_save"' not in html
    assert "<p>Tekst</p>" not in html and "&lt;p&gt;Tekst" not in html
    assert coordinator_client.post(f"{LIST}{failed.pk}/change/",
                                   {"status": "verzonden"}).status_code == 403
    assert coordinator_client.get(f"{LIST}add/").status_code == 403


def test_the_index_shows_the_mails_to_a_coordinator(coordinator_client, berichten):
    assert LIST in coordinator_client.get("/beheer/").content.decode()


def test_a_reviewer_sees_no_mails(reviewer_client, berichten):
    client = reviewer_client
    assert client.get(LIST).status_code == 403
    assert LIST not in client.get("/beheer/").content.decode()


def test_resend_sends_a_failed_mail_and_leaves_a_sent_one_alone(coordinator_client, berichten):
    failed, sent = berichten
    response = coordinator_client.post(LIST, {"action": "opnieuw_versturen",
                                              "_selected_action": [failed.pk, sent.pk]},
                                       follow=True)
    html = response.content.decode()
    assert "1 bericht staat opnieuw in de wachtrij." in html
    assert "1 bericht was al verzonden en werd niet opnieuw verstuurd." in html
    # The test settings run the queued task at once.
    (message,) = mail.outbox
    assert message.to == ["an@bouwfonds-test.be"]
    failed.refresh_from_db()
    assert (failed.status, failed.pogingen, failed.laatste_fout) == ("verzonden", 1, "")


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                      "QUEUES": ["default"]}})
def test_resend_only_queues_the_mail_for_the_worker(coordinator_client, berichten):
    from django_tasks_db.models import DBTaskResult

    failed, _ = berichten
    coordinator_client.post(LIST, {"action": "opnieuw_versturen", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert (failed.status, failed.pogingen) == ("wachtend", 0)
    assert DBTaskResult.objects.get().args_kwargs["args"] == [failed.pk]
    assert mail.outbox == []


def test_the_resend_action_needs_the_change_permission(berichten):
    failed, _ = berichten
    user = get_user_model().objects.create_user(username="kijker", is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_bericht"))
    client = Client()
    client.force_login(user)
    html = client.get(LIST).content.decode()
    assert "Opnieuw versturen" not in html
    client.post(LIST, {"action": "opnieuw_versturen", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == "mislukt"
    assert mail.outbox == []


@pytest.mark.parametrize("query", ["status__exact=%00", "soort=%00", "q=%00", "status__exact=x",
                                   "aangemaakt_op__year=9999", "o=99", "p=abc"])
def test_odd_list_parameters_never_give_a_server_error(coordinator_client, berichten, query):
    assert coordinator_client.get(f"{LIST}?{query}").status_code < 500


def test_the_list_names_each_kind_of_mail_in_dutch_and_filters_on_it(coordinator_client,
                                                                     berichten):
    Bericht.objects.create(aan="lid@example.test", onderwerp="Uitnodiging: gesprek",
                           soort="gesprek_uitnodiging", status="verzonden")
    html = coordinator_client.get(LIST).content.decode()
    for label in ("Bevestiging van een registratie",
                  "Melding van een nieuwe registratie aan ESF&amp;DO",
                  "Uitnodiging voor een gesprek", "Nieuwe status van een registratie",
                  "Herinnering aan een gesprek"):
        assert label in html, label
    for raw in ('">bevestiging<', '">status_gewijzigd<', '">gesprek_uitnodiging<'):
        assert raw not in html, raw
    filtered = coordinator_client.get(f"{LIST}?soort=gesprek_uitnodiging").content.decode()
    assert "Uitnodiging: gesprek" in filtered and "Bevestiging CC-0001" not in filtered
