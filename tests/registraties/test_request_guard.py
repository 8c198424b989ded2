"""Requests no page of ours accepts get a Dutch 4xx page in the portal's layout, never a 500:
files and huge bodies on public URLs, odd charsets, NUL in a query, a non-numeric history
id, a failed CSRF check, a bad Host."""
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from registraties.models import Registratie
from tests.factories import form_data, make_registratie

pytestmark = pytest.mark.django_db

URL = "/interesse/"
LAYOUT = "ESF&amp;DO · Competentiechecks"
STAFF_LAYOUT = '<span class="portaal-logo">ESF&amp;DO</span>'


def assert_dutch_page(response, status, text):
    """Dutch, in the layout of the URL's side: the public one, or the staff one on /beheer/."""
    assert response.status_code == status
    html = response.content.decode()
    staff = response.request["PATH_INFO"].startswith("/beheer/")
    assert ('<html lang="nl-be" dir="ltr">' if staff else '<html lang="nl">') in html
    assert (STAFF_LAYOUT if staff else LAYOUT) in html, "rendered in the portal's layout"
    assert text in html
    return html


# -- bodies on public URLs ----------------------------------------------------------------------

def test_a_file_part_is_refused_before_it_is_spooled_to_disk(client, open_ronde, tmp_path):
    upload = SimpleUploadedFile("groot.bin", b"x" * 100_000, content_type="application/octet-stream")
    # Every file would go to disk in tmp_path; none may get there.
    with override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=0, FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        response = client.post(URL, {**form_data(), "bijlage": upload})
    assert_dutch_page(response, 400, "Dit formulier aanvaardt geen bestanden.")
    assert list(tmp_path.iterdir()) == []
    assert Registratie.objects.count() == 0


def test_a_file_part_is_refused_on_link_kwijt_too(client):
    upload = SimpleUploadedFile("a.txt", b"hallo")
    response = client.post("/interesse/link-kwijt/", {"ondernemingsnummer": "0417497106",
                                                      "contact_email": "an@fonds.be", "f": upload})
    assert response.status_code == 400


def test_a_multipart_form_without_files_still_works(client, open_ronde):
    # Django's test client sends multipart; so may a browser for a form with enctype set.
    assert client.post(URL, form_data()).status_code == 303


def test_a_huge_public_body_is_refused_by_its_length(client, open_ronde):
    body = urlencode({**form_data(), "opmerkingen": "x" * 300_000}, doseq=True)
    response = client.post(URL, body, content_type="application/x-www-form-urlencoded")
    assert_dutch_page(response, 413, "Het formulier is te groot om te verwerken.")
    assert Registratie.objects.count() == 0


def test_staff_pages_keep_room_for_a_five_megabyte_excel_file(open_ronde):
    from django.contrib.auth import get_user_model

    staff = Client()
    staff.force_login(get_user_model().objects.create_user("sup", is_staff=True, is_superuser=True))
    upload = SimpleUploadedFile("groot.xlsx", b"PK" + b"\0" * (4 * 1024 * 1024))
    response = staff.post("/beheer/registraties/registratie/excel/import/", {"bestand": upload})
    # Not the public refusal: the import page judges the file itself.
    assert response.status_code == 200
    assert "aanvaardt geen bestanden" not in response.content.decode()


# -- charsets -------------------------------------------------------------------------------------

@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "ISO-8859-1"])
@pytest.mark.parametrize("url", [URL, "/interesse/link-kwijt/", "/beheer/login/"])
def test_a_post_in_another_charset_gets_the_dutch_400(client, open_ronde, charset, url):
    # The test client encodes the text in the charset the header names.
    body = urlencode(form_data(naam="Café Gent"), doseq=True)
    response = client.post(url, body,
                           content_type=f"application/x-www-form-urlencoded; charset={charset}")
    assert_dutch_page(response, 400, "tekenset die wij niet lezen")
    assert Registratie.objects.count() == 0


def test_utf8_named_explicitly_is_fine(client, open_ronde):
    body = urlencode(form_data(naam="Café Gent"), doseq=True).encode()
    response = client.post(URL, body, content_type="application/x-www-form-urlencoded; charset=UTF-8")
    assert response.status_code == 303
    assert Registratie.objects.get().naam == "Café Gent"


# -- staff URLs that PostgreSQL cannot answer -----------------------------------------------------

@pytest.mark.parametrize("query", ["gewest__exact=%00", "naam__contains=%00", "q=a%00b",
                                   "status=%00"])
def test_nul_in_an_admin_list_filter_is_a_400_not_a_500(superuser_client, open_ronde, query):
    make_registratie(open_ronde)
    response = superuser_client.get(f"/beheer/registraties/registratie/?{query}")
    assert_dutch_page(response, 400, "ongeldig teken (NUL)")


@pytest.mark.parametrize("object_id", ["abc", "1.5", "%20"])
def test_a_non_numeric_history_id_is_a_404(superuser_client, open_ronde, object_id):
    make_registratie(open_ronde)
    response = superuser_client.get(f"/beheer/registraties/registratie/{object_id}/history/")
    assert response.status_code == 404


def test_a_numeric_history_id_still_opens_the_history(superuser_client, open_ronde):
    registratie = make_registratie(open_ronde)
    response = superuser_client.get(f"/beheer/registraties/registratie/{registratie.pk}/history/")
    assert response.status_code == 200


# -- CSRF and 400 pages ---------------------------------------------------------------------------

def test_a_failed_csrf_check_gets_a_dutch_page_that_says_what_to_do(open_ronde):
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, form_data())
    html = assert_dutch_page(response, 403, "Formulier verlopen")
    assert "Er is niets verstuurd." in html
    assert "competentiechecks@esf-agentschap.be" in html
    assert Registratie.objects.count() == 0


def test_a_bad_request_gets_the_dutch_400_page(client):
    response = client.get("/", HTTP_HOST="aanvaller.example")
    assert_dutch_page(response, 400, "Verzoek niet verwerkt")
