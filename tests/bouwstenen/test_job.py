"""The document as a worker job: queued by a coordinator, progress, downloads, permissions,
the sweep that takes up a lost job; and the command."""
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from partnerschappen.bouwstenen import tasks
from partnerschappen.bouwstenen.models import Bouwstenendocument, DocumentStatus
from tests.berichten.helpers import DATABASE_TASKS, run_worker

from .conftest import docx_rows, pdf_text

URL = "/beheer/bouwstenen/"


def built_round_companies(built_round) -> int:
    return sum(r.aantal_ondernemingen or 0 for r in built_round.ronde.registraties.all()
               if r.aandeel_kleine_ondernemingen is not None)


@pytest.fixture
def queue():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


# The real worker (db_worker) closes its connections when it stops: a transaction of its own.
@pytest.mark.django_db(transaction=True)
def test_the_request_only_queues_and_the_worker_builds(built_round, coordinator_client, queue,
                                                       django_assert_max_num_queries):
    ronde = built_round.ronde
    response = coordinator_client.post(URL, {"ronde": ronde.pk})
    assert response.status_code == 302
    document = Bouwstenendocument.objects.get()
    assert document.status == DocumentStatus.WACHTEND and document.door == coordinator_client.user
    assert not document.pdf and not document.docx
    assert DBTaskResult.objects.filter(
        task_path="partnerschappen.bouwstenen.tasks.bouwstenen_build_task").count() == 1
    # A second press while it waits starts nothing new.
    coordinator_client.post(URL, {"ronde": ronde.pk})
    assert Bouwstenendocument.objects.count() == 1

    page = coordinator_client.get(f"{URL}?ronde={ronde.pk}")
    body = page.content.decode()
    assert "Wacht op de werker" in body and 'data-bezig="1"' in body
    assert "PDF downloaden" not in body

    run_worker()
    document.refresh_from_db()
    assert document.status == DocumentStatus.KLAAR and document.voortgang == 100
    with django_assert_max_num_queries(12):
        page = coordinator_client.get(f"{URL}?ronde={ronde.pk}")
    body = page.content.decode()
    assert "Klaar" in body and 'data-bezig="0"' in body and "is klaar: download" in body
    pdf = coordinator_client.get(reverse("admin:bouwstenen_download", args=[document.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith('attachment; filename="bouwstenen-testronde-')
    assert "Bouw West" in pdf_text(pdf.content)
    docx = coordinator_client.get(reverse("admin:bouwstenen_download", args=[document.pk, "docx"]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ("Bereikte ondernemingen samen", str(built_round_companies(built_round))) in docx_rows(
        docx.content)


def test_progress_is_recorded_step_by_step(built_round):
    seen = []
    tasks.bouwstenen_build_files(ronde=built_round.ronde,
                                 progress=lambda percent, step: seen.append((percent, step)))
    assert [percent for percent, _step in seen] == [5, 25, 35, 85]
    assert seen[2][1] == "PDF"


def test_a_reviewer_reads_and_downloads_but_cannot_make(built_round, reviewer_client, coordinator_client):
    ronde = built_round.ronde
    coordinator_client.post(URL, {"ronde": ronde.pk})  # immediate backend in tests: built at once
    document = Bouwstenendocument.objects.get()
    assert document.status == DocumentStatus.KLAAR
    page = reviewer_client.get(f"{URL}?ronde={ronde.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Bouwstenen maken" not in body and "Alleen coördinatoren maken de bouwstenen" in body
    assert reviewer_client.get(reverse("admin:bouwstenen_download", args=[document.pk, "pdf"])
                        ).status_code == 200
    refused = reviewer_client.post(URL, {"ronde": ronde.pk})
    assert refused.status_code == 403
    assert "Geen toegang" in refused.content.decode()
    assert Bouwstenendocument.objects.count() == 1


def test_the_overview_links_to_the_page(built_round, reviewer_client):
    body = reviewer_client.get(f"/beheer/overzicht/?ronde={built_round.ronde.pk}").content.decode()
    assert f'href="{URL}?ronde={built_round.ronde.pk}"' in body


def test_no_download_before_it_is_ready_nor_of_an_unknown_form(built_round, coordinator_client, queue):
    coordinator_client.post(URL, {"ronde": built_round.ronde.pk})
    document = Bouwstenendocument.objects.get()
    assert coordinator_client.get(reverse("admin:bouwstenen_download",
                                   args=[document.pk, "pdf"])).status_code == 404
    assert coordinator_client.get(f"{URL}{document.pk}/xlsx/").status_code == 404


def test_a_lost_job_is_taken_up_by_the_sweep(built_round, coordinator_client, queue):
    coordinator_client.post(URL, {"ronde": built_round.ronde.pk})
    DBTaskResult.objects.all().delete()  # the task got lost
    document = Bouwstenendocument.objects.get()
    assert tasks.bouwstenen_recover() == 0  # not waiting a claim's length yet
    Bouwstenendocument.objects.filter(pk=document.pk).update(
        in_wachtrij_op=timezone.now() - timedelta(hours=1))
    assert tasks.bouwstenen_recover() == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.KLAAR and document.pdf


def test_a_job_of_a_dead_worker_is_built_again(built_round, coordinator_client, queue):
    coordinator_client.post(URL, {"ronde": built_round.ronde.pk})
    document = Bouwstenendocument.objects.get()
    Bouwstenendocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.BEZIG, bezig_door="dood:1",
        bezig_tot=timezone.now() - timedelta(seconds=1))
    assert tasks.bouwstenen_build(document.pk) is True
    document.refresh_from_db()
    assert document.status == DocumentStatus.KLAAR
    assert tasks.bouwstenen_build(document.pk) is False  # done: nothing to claim


def test_a_failing_build_is_recorded_in_dutch(built_round, coordinator_client, queue, monkeypatch):
    coordinator_client.post(URL, {"ronde": built_round.ronde.pk})
    document = Bouwstenendocument.objects.get()
    # Stand-in for a broken font library: the drawing fails.
    monkeypatch.setattr(tasks, "document_pdf", lambda document: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        tasks.bouwstenen_build(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.MISLUKT
    assert "liep onverwacht fout" in document.fout
    assert "liep onverwacht fout" in coordinator_client.get(URL).content.decode()


def test_only_the_newest_documents_are_kept(built_round, coordinator_client):
    for _i in range(tasks.KEEP_PER_ROUND + 2):
        coordinator_client.post(URL, {"ronde": built_round.ronde.pk})
    assert Bouwstenendocument.objects.count() == tasks.KEEP_PER_ROUND + 1


def test_the_command_writes_pdf_and_word(built_round, tmp_path):
    pdf, docx = tmp_path / "b.pdf", tmp_path / "b.docx"
    out = io.StringIO()
    call_command("bouwstenen", str(pdf), "--ronde", built_round.ronde.slug, stdout=out)
    assert "geschreven naar" in out.getvalue()
    assert "Registraties in deze ronde: 25." in pdf_text(pdf.read_bytes())
    call_command("bouwstenen", str(docx), "--ronde", built_round.ronde.slug, stdout=out)
    assert ("Bereikte ondernemingen samen", str(built_round_companies(built_round))) in docx_rows(
        docx.read_bytes())


def test_the_command_refuses_a_wrong_name_or_round(built_round, tmp_path):
    with pytest.raises(CommandError, match=r"\.pdf of \.docx"):
        call_command("bouwstenen", str(tmp_path / "b.txt"))
    with pytest.raises(CommandError, match="Geen ronde met slug 'bestaat-niet'"):
        call_command("bouwstenen", str(tmp_path / "b.pdf"), "--ronde", "bestaat-niet")
