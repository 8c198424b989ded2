"""The public's contact address is one setting (CONTACT_EMAIL): pages, error pages, refusals
and mails all read it, so changing it changes every place a visitor or an organisation sees."""
import pytest
from django.core import mail
from django.test import Client, override_settings

from kbo.models import Onderneming
from portaal.views import service_unavailable_page, too_many_requests_page
from registraties.models import Registratie
from tests.factories import form_data

pytestmark = pytest.mark.django_db

ADDRESS = "vragen@nieuw-adres.example"
OLD = "competentiechecks@esf-agentschap.be"


@pytest.fixture(autouse=True)
def _changed_address(settings):
    settings.CONTACT_EMAIL = ADDRESS


def test_the_privacy_page_names_the_setting(client, open_ronde):
    html = client.get("/privacy/").content.decode()
    assert f'<a href="mailto:{ADDRESS}">{ADDRESS}</a>' in html
    assert OLD not in html


@override_settings(ROOT_URLCONF="tests.staff.error_urls")
def test_the_public_500_names_the_setting():
    html = Client(raise_request_exception=False).get("/kapot/").content.decode()
    assert ADDRESS in html and OLD not in html


@pytest.mark.parametrize("page", [
    service_unavailable_page,
    lambda: too_many_requests_page(retry_after=60, template="registraties/te_veel_pogingen.html"),
])
def test_pages_rendered_without_a_request_name_the_setting(page):
    html = page().content.decode()
    assert ADDRESS in html and OLD not in html


def test_a_register_refusal_names_the_setting(client, open_ronde, kbo_register):
    Onderneming.objects.filter(pk="0417497106").update(actief=False)
    html = client.post("/interesse/", form_data()).content.decode()
    assert "stopgezet" in html
    assert ADDRESS in html and OLD not in html


def test_the_honeypot_refusal_names_the_setting(client, open_ronde):
    html = client.post("/interesse/", form_data(faxnummer="09 123 45 67")).content.decode()
    assert "Faxnummer" in html
    assert ADDRESS in html and OLD not in html


def test_the_confirmation_mail_names_the_setting(client, open_ronde):
    assert client.post("/interesse/", form_data()).status_code == 303
    registratie = Registratie.objects.get()
    (message,) = [m for m in mail.outbox if m.to == [registratie.contact_email]]
    ((html, _),) = message.alternatives
    assert f"Vragen? Mail naar {ADDRESS}." in message.body
    assert f'<a href="mailto:{ADDRESS}">{ADDRESS}</a>' in html
