"""The import runs in the worker: stored upload, progress page, preview, confirm, all or nothing."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from registraties.excel.imports import ERROR, IMPORT_REASON
from registraties.models import Importbestand, ImportStatus, Registratie
from tests.berichten.helpers import DATABASE_TASKS, run_worker
from tests.excel.test_admin import GOOD, HEADER, XLSX, import_file
from tests.excel.test_import import new_row, sheet_with_rows
from tests.factories import make_registratie

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:registraties_registratie_excel_import"


def post_upload(client, ronde, content: bytes):
    return client.post(reverse(IMPORT_URL), {
        "ronde": ronde.pk, "bestand": SimpleUploadedFile("lijst.xlsx", content, XLSX)})


# The worker manages its own connection and transactions, as in production.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_request_only_stores_the_file_and_the_real_worker_previews_and_imports(
        client, coordinator, open_ronde):
    client.force_login(coordinator)
    content = import_file([HEADER, [*GOOD, "ja"]])

    uploaded = post_upload(client, open_ronde, content)

    assert uploaded.status_code == 302
    bestand = Importbestand.objects.get()
    assert bytes(bestand.inhoud) == content
    assert (bestand.status, bestand.totaal, bestand.door) == (ImportStatus.WACHTEND, 1,
                                                              coordinator)
    waiting = client.get(uploaded.url).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert "0 van 1 rijen verwerkt." in waiting
    assert 'name="bevestigen"' not in waiting

    run_worker()

    bestand.refresh_from_db()
    assert bestand.status == ImportStatus.VOORVERTOOND
    assert bestand.verwerkt == 1
    preview = client.get(uploaded.url).content.decode()
    assert 'http-equiv="refresh"' not in preview
    assert "Delta Logistiek vzw" in preview
    assert 'name="bevestigen"' in preview
    assert not Registratie.objects.exists()

    client.post(uploaded.url, {"bevestigen": "1"})
    assert not Registratie.objects.exists()  # queued, not run in the request
    assert 'http-equiv="refresh"' in client.get(uploaded.url).content.decode()

    run_worker()

    registratie = Registratie.objects.get()
    assert registratie.naam == "Delta Logistiek vzw"
    entry = registratie.history.get()
    assert (entry.history_change_reason, entry.history_user) == (IMPORT_REASON, coordinator)
    bestand.refresh_from_db()
    assert bestand.status == ImportStatus.GEIMPORTEERD
    assert bytes(bestand.inhoud) == b""  # personal data: not kept after the import
    assert "1 nieuwe registratie geïmporteerd." in client.get(uploaded.url).content.decode()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_second_confirmation_queues_nothing(client, coordinator, open_ronde):
    client.force_login(coordinator)
    uploaded = post_upload(client, open_ronde, import_file([HEADER, [*GOOD, "ja"]]))
    run_worker()
    client.post(uploaded.url, {"bevestigen": "1"})
    second = client.post(uploaded.url, {"bevestigen": "1"}, follow=True)
    assert "kan niet (meer) bevestigd worden" in second.content.decode()
    run_worker()
    assert Registratie.objects.count() == 1


def test_confirm_saves_nothing_when_the_round_changed_since_the_preview(client, coordinator,
                                                                         open_ronde):
    client.force_login(coordinator)
    uploaded = post_upload(client, open_ronde, sheet_with_rows([new_row()]))
    assert Importbestand.objects.get().status == ImportStatus.VOORVERTOOND
    # Meanwhile the organisation registers itself through the form.
    make_registratie(open_ronde, ondernemingsnummer="0417497106", naam="Eigen antwoorden")

    client.post(uploaded.url, {"bevestigen": "1"})

    bestand = Importbestand.objects.get()
    assert bestand.status == ImportStatus.MISLUKT
    page = client.get(uploaded.url).content.decode()
    assert "Sinds de voorvertoning zijn registraties van deze ronde gewijzigd" in page
    assert Registratie.objects.get().naam == "Eigen antwoorden"


def test_a_preview_with_errors_keeps_no_file_and_cannot_be_confirmed(client, coordinator,
                                                                     open_ronde):
    client.force_login(coordinator)
    uploaded = post_upload(client, open_ronde,
                           sheet_with_rows([new_row(**{"Postcode": 4000, "Gemeente": "Luik"})]))
    bestand = Importbestand.objects.get()
    assert bestand.status == ImportStatus.VOORVERTOOND
    assert bytes(bestand.inhoud) == b""
    assert [row[3] for row in bestand.resultaat["rows"]] == [ERROR]
    client.post(uploaded.url, {"bevestigen": "1"})
    assert not Registratie.objects.exists()


def test_the_status_page_needs_the_import_right(client, reviewer, coordinator, open_ronde):
    client.force_login(coordinator)
    uploaded = post_upload(client, open_ronde, import_file([HEADER, [*GOOD, "ja"]]))
    client.force_login(reviewer)
    assert client.get(uploaded.url).status_code == 403
    client.force_login(coordinator)
    pk = str(Importbestand.objects.get().pk)
    assert client.get(uploaded.url.replace(pk, "abc"), follow=True).status_code < 500
    assert client.get(uploaded.url.replace(pk, "9" * 30)).status_code == 404


def test_the_upload_page_lists_recent_imports(client, coordinator, open_ronde):
    client.force_login(coordinator)
    post_upload(client, open_ronde, import_file([HEADER, [*GOOD, "ja"]]))
    page = client.get(reverse(IMPORT_URL)).content.decode()
    assert "Recente imports" in page
    assert "lijst.xlsx" in page
    assert "voorvertoning klaar" in page
