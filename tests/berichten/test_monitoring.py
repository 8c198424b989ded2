"""Who must know, knows: the monitoring check of the worker and the staff banner."""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from berichten import worker
from berichten.models import Bericht, Werker
from medewerkers.roles import COORDINATOR, REVIEWER
from tests.factories import logged_in, staff_member

pytestmark = pytest.mark.django_db

CHECK = "/gezondheid/werker/"
LIST = "/beheer/berichten/bericht/"


def staff_client(username: str, role: str):
    return logged_in(staff_member(username, role))


def mail(*, status="wachtend", age=timedelta(0), failed_ago=None, **fields) -> Bericht:
    bericht = Bericht.objects.create(aan=fields.pop("aan", "an@example.test"),
                                     onderwerp=fields.pop("onderwerp", "Bevestiging"),
                                     soort="bevestiging", status=status, **fields)
    now = timezone.now()
    Bericht.objects.filter(pk=bericht.pk).update(
        aangemaakt_op=now - age,
        mislukt_op=now - failed_ago if failed_ago is not None else None)
    return bericht


def worker_seen(ago: timedelta, worker_id="w1") -> None:
    now = timezone.now()
    Werker.objects.create(werker_id=worker_id, gestart_op=now - ago, gezien_op=now - ago)


def test_the_check_is_healthy_with_a_live_worker_and_fresh_mails(client):
    worker_seen(timedelta(seconds=20))
    worker_seen(timedelta(hours=2), worker_id="oud")
    mail(age=timedelta(minutes=3))
    mail(status="mislukt", failed_ago=timedelta(hours=3))
    mail(status="mislukt", failed_ago=timedelta(days=2))
    mail(status="verzonden", age=timedelta(days=1))

    response = client.get(CHECK)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok" and body["problemen"] == []
    assert 19 <= body["seconden_sinds_werker"] <= 60
    assert body["werkers_actief"] == 1
    assert 179 <= body["oudste_wachtende_bericht_seconden"] <= 240
    assert body["mislukte_berichten_laatste_dag"] == 1
    # Times and counts only: nothing about whom the mails are for.
    assert "example.test" not in response.content.decode()


def test_the_check_answers_503_when_no_worker_was_seen_for_five_minutes(client):
    worker_seen(timedelta(minutes=6))
    response = client.get(CHECK)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "probleem"
    assert body["problemen"] == ["geen werker gezien in de laatste 5 minuten"]
    assert body["werkers_actief"] == 0


def test_the_check_answers_503_when_no_worker_ever_ran(client):
    response = client.get(CHECK)
    assert response.status_code == 503
    assert response.json()["werker_laatst_gezien"] is None


def test_the_check_answers_503_when_a_mail_waits_longer_than_fifteen_minutes(client):
    worker_seen(timedelta(seconds=5))
    mail(age=timedelta(minutes=16))
    response = client.get(CHECK)
    assert response.status_code == 503
    assert response.json()["problemen"] == ["een bericht wacht langer dan 15 minuten"]


def test_the_check_needs_three_queries_whatever_the_size_of_the_outbox(
        client, django_assert_max_num_queries):
    worker_seen(timedelta(seconds=5))
    Bericht.objects.bulk_create(Bericht(aan=f"{i}@example.test", onderwerp="x", soort="bevestiging")
                                for i in range(300))
    with django_assert_max_num_queries(3):
        assert client.get(CHECK).status_code == 200


def test_the_load_balancers_check_still_judges_only_the_database(client):
    # No worker at all: the web processes are fine, so the load balancer keeps them.
    assert client.get("/gezondheid/").status_code == 200


def test_a_running_worker_records_that_it_was_seen():
    worker.set_worker_id("test-werker-1")
    try:
        worker.worker_seen()
        first = Werker.objects.get(werker_id="test-werker-1")
        worker.worker_seen(now=first.gezien_op + timedelta(seconds=15))
    finally:
        worker.set_worker_id("")
    again = Werker.objects.get(werker_id="test-werker-1")
    assert again.gezien_op - first.gezien_op == timedelta(seconds=15)
    assert again.gestart_op == first.gestart_op


BANNER = "portaal-berichten-melding"


def test_coordinators_see_a_banner_on_every_staff_page_when_mails_failed():
    failed = mail(status="mislukt", failed_ago=timedelta(hours=30), onderwerp="Mislukt-1")
    mail(status="verzonden", onderwerp="Verzonden-1")
    client = staff_client("cor", COORDINATOR)
    for url in ("/beheer/", "/beheer/registraties/registratie/", "/beheer/overzicht/",
                "/beheer/partnerschappen/partnerschap/", LIST):
        html = client.get(url).content.decode()
        assert BANNER in html, url
        assert "1 e-mail kon de voorbije 7 dagen niet verstuurd worden." in html
        assert f'href="{LIST}?aandacht=ja"' in html
    listed = client.get(f"{LIST}?aandacht=ja").content.decode()
    assert failed.onderwerp in listed and "Verzonden-1" not in listed


def test_the_banner_counts_mails_that_wait_too_long_and_links_to_them():
    mail(age=timedelta(minutes=20), onderwerp="Wacht-lang")
    mail(age=timedelta(minutes=2), onderwerp="Wacht-kort")
    client = staff_client("cor", COORDINATOR)
    html = client.get("/beheer/").content.decode()
    assert "1 e-mail wacht al langer dan 15 minuten." in html
    assert "kon de voorbije" not in html
    listed = client.get(f"{LIST}?aandacht=ja").content.decode()
    assert "Wacht-lang" in listed and "Wacht-kort" not in listed


def test_no_banner_when_all_is_well_or_for_a_reviewer_who_cannot_read_the_mails():
    mail(age=timedelta(minutes=2))
    mail(status="mislukt", failed_ago=timedelta(days=8))  # older than the banner's week
    assert BANNER not in staff_client("cor", COORDINATOR).get("/beheer/").content.decode()
    cache.clear()
    mail(status="mislukt", failed_ago=timedelta(hours=1))
    assert BANNER not in staff_client("bea", REVIEWER).get("/beheer/").content.decode()
    assert BANNER in staff_client("cor2", COORDINATOR).get("/beheer/").content.decode()


def test_the_banner_costs_at_most_one_query_and_then_none_for_a_while(
        django_assert_num_queries):
    from berichten.selectors import berichten_attention

    mail(status="mislukt", failed_ago=timedelta(hours=1))
    with django_assert_num_queries(1):
        assert berichten_attention().mislukt == 1
    with django_assert_num_queries(0):
        assert berichten_attention().mislukt == 1


def test_a_resent_mail_leaves_the_banner():
    from berichten.services import berichten_resend

    failed = mail(status="mislukt", failed_ago=timedelta(hours=1))
    berichten_resend(berichten=Bericht.objects.filter(pk=failed.pk))
    failed.refresh_from_db()
    assert failed.mislukt_op is None
