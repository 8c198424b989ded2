"""Every error page (400, 403, 404, 500, a failed CSRF check) is Dutch, in the portal's layout,
says what happened and links back: to /beheer/ on staff URLs, for both roles, to the call on
public URLs. Never Django's bare English "403 Forbidden" (issue 16)."""
import re

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from partnerschappen import services as partnerschap_services
from portaal import views

pytestmark = pytest.mark.django_db

PUBLIC_LAYOUT = "ESF&amp;DO · Competentiechecks"
STAFF_LAYOUT = '<span class="portaal-logo">ESF&amp;DO</span>'
ENGLISH = ("Forbidden", "Not Found", "Server Error", "Bad Request", "CSRF verification")


def assert_error_page(response, status: int, heading: str, *, staff: bool) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert re.search(r'<html lang="nl(-be)?"', html), html[:200]
    assert re.search(rf"<h1[^>]*>{re.escape(heading)}</h1>", html), heading
    for english in ENGLISH:
        assert english not in html
    if staff:
        assert STAFF_LAYOUT in html
        assert '<a class="button" href="/beheer/">Terug naar het beheer</a>' in html
        assert PUBLIC_LAYOUT not in html
    else:
        assert PUBLIC_LAYOUT in html
        assert 'href="/">Naar de oproep</a>' in html
    assert response["Cache-Control"] == "no-store"
    return html


@pytest.fixture
def roles(reviewer_client, coordinator_client):
    return {"beoordelaar": reviewer_client, "coördinator": coordinator_client}


# -- 400 ------------------------------------------------------------------------------------------

def test_a_bad_request_on_a_public_url_gets_the_public_400(client):
    response = client.get("/", HTTP_HOST="aanvaller.example")
    assert_error_page(response, 400, "Verzoek niet verwerkt", staff=False)


def test_a_bad_request_on_a_staff_url_gets_the_staff_400(client):
    response = client.get("/beheer/", HTTP_HOST="aanvaller.example")
    assert_error_page(response, 400, "Verzoek niet verwerkt", staff=True)


@pytest.mark.parametrize("role", ["beoordelaar", "coördinator"])
def test_a_refused_query_on_a_staff_list_gets_the_staff_400_with_its_reason(roles, role):
    response = roles[role].get("/beheer/registraties/registratie/?q=a%00b")
    html = assert_error_page(response, 400, "Verzoek niet verwerkt", staff=True)
    assert "ongeldig teken (NUL)" in html


# -- 403 ------------------------------------------------------------------------------------------

@pytest.fixture
def partnerschap(registratie):
    from tests.factories import make_registratie

    return partnerschap_services.partnerschap_create(
        ronde=registratie.ronde, naam="Partnerschap bouw",
        registraties=[registratie, make_registratie(registratie.ronde)])


def reviewer_forbidden_urls(partnerschap) -> dict[str, str]:
    return {
        "export": reverse("admin:registraties_registratie_excel_export"),
        "import": reverse("admin:registraties_registratie_excel_import"),
        "gesprek plannen": reverse("admin:partnerschappen_partnerschap_gesprek_plannen",
                                   args=[partnerschap.pk]),
        "persoonsgegevens": reverse("admin:persoonsgegevens"),
        "partnerschap toevoegen": reverse("admin:partnerschappen_partnerschap_add"),
    }


def test_a_reviewer_gets_the_dutch_staff_403_on_every_coordinator_page(reviewer_client,
                                                                        partnerschap):
    for name, url in reviewer_forbidden_urls(partnerschap).items():
        response = reviewer_client.get(url)
        html = assert_error_page(response, 403, "Geen toegang", staff=True)
        assert "vraag het dan aan een coördinator" in html, name
        # The staff layout with the reviewer's own menu: who is signed in, the way out.
        assert "Afmelden" in html and "BEA" in html.upper(), name


def test_a_coordinator_gets_the_dutch_staff_403_on_a_superuser_page(coordinator_client):
    response = coordinator_client.get(reverse("admin:auth_user_changelist"))
    assert_error_page(response, 403, "Geen toegang", staff=True)


def test_the_public_403_page_is_dutch_with_the_way_back():
    response = views.permission_denied(RequestFactory().get("/interesse/iets/"))
    assert_error_page(response, 403, "Geen toegang", staff=False)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=2)
def test_a_locked_out_staff_login_is_a_staff_page(django_user_model):
    django_user_model.objects.create_user("an", password="juist-wachtwoord-1", is_staff=True)
    client = Client()
    for _ in range(3):
        response = client.post("/beheer/login/", {"username": "an", "password": "fout"})
    assert response.status_code == 429
    html = response.content.decode()
    assert STAFF_LAYOUT in html and '<html lang="nl' in html
    assert "<h1>Aanmelden tijdelijk geblokkeerd</h1>" in html
    assert 'href="/beheer/login/">Naar de aanmeldpagina</a>' in html


# -- 404 ------------------------------------------------------------------------------------------

def test_an_unknown_public_address_gets_the_public_404(client):
    response = client.get("/bestaat-niet/")
    html = assert_error_page(response, 404, "Pagina niet gevonden", staff=False)
    assert "Link kwijt?" in html


@pytest.mark.parametrize("role", ["beoordelaar", "coördinator"])
def test_an_unknown_staff_address_gets_the_staff_404(roles, role):
    response = roles[role].get("/beheer/bestaat-niet/")
    html = assert_error_page(response, 404, "Pagina niet gevonden", staff=True)
    assert "Link kwijt?" not in html


@pytest.mark.parametrize("role", ["beoordelaar", "coördinator"])
def test_an_unknown_history_id_gets_the_staff_404(roles, role, registratie):
    response = roles[role].get(f"/beheer/registraties/registratie/{registratie.pk}x/history/")
    assert_error_page(response, 404, "Pagina niet gevonden", staff=True)


# -- 500 ------------------------------------------------------------------------------------------

@override_settings(ROOT_URLCONF="tests.staff.error_urls")
def test_a_failing_public_page_gets_the_public_500():
    response = Client(raise_request_exception=False).get("/kapot/")
    html = assert_error_page(response, 500, "Er liep iets mis", staff=False)
    assert "competentiechecks@esf-agentschap.be" in html


@pytest.mark.parametrize("role", ["beoordelaar", "coördinator"])
@override_settings(ROOT_URLCONF="tests.staff.error_urls")
def test_a_failing_staff_page_gets_the_staff_500(role, reviewer, coordinator):
    client = Client(raise_request_exception=False)
    client.force_login({"beoordelaar": reviewer, "coördinator": coordinator}[role])
    response = client.get("/beheer/kapot/")
    html = assert_error_page(response, 500, "Er liep iets mis", staff=True)
    assert "misschien niet bewaard" in html


def test_the_staff_500_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = views.server_error(RequestFactory().get("/beheer/registraties/"))
    assert_error_page(response, 500, "Er liep iets mis", staff=True)


# -- CSRF -----------------------------------------------------------------------------------------

def test_a_public_form_sent_without_a_valid_token_gets_the_public_page(open_ronde):
    response = Client(enforce_csrf_checks=True).post("/interesse/", {"naam": "x"})
    assert_error_page(response, 403, "Formulier verlopen", staff=False)


def test_the_staff_login_sent_without_a_valid_token_gets_the_staff_page():
    response = Client(enforce_csrf_checks=True).post("/beheer/login/", {"username": "an"})
    html = assert_error_page(response, 403, "Formulier verlopen", staff=True)
    assert "Er is niets bewaard." in html


@pytest.mark.parametrize("role", ["beoordelaar", "coördinator"])
def test_a_staff_form_sent_without_a_valid_token_gets_the_staff_page(role, reviewer,
                                                                     coordinator, registratie):
    client = Client(enforce_csrf_checks=True)
    client.force_login({"beoordelaar": reviewer, "coördinator": coordinator}[role])
    response = client.post(reverse("admin:registraties_registratie_status",
                                   args=[registratie.pk]), {"tekst": "Een notitie"})
    assert_error_page(response, 403, "Formulier verlopen", staff=True)
