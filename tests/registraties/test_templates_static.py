"""Public pages keep their styles in static CSS (the CSP forbids inline styles); the round's
caveat (voorbehoud) comes from the round, not from the templates."""
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import mail
from django.test import RequestFactory

from tests.factories import form_data

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
DEFAULT_CAVEAT = "Deze verkenningsronde garandeert geen effectieve toekenning van middelen."


def public_templates() -> list[Path]:
    """base.html and the templates of public pages; the e-mails keep their inline styles."""
    paths = [TEMPLATES / name for name in ("base.html", "404.html", "500.html", "axes_lockout.html")]
    paths += sorted((TEMPLATES / "registraties").glob("*.html"))  # not the email/ folder
    paths += sorted((TEMPLATES / "verkenning").glob("*.html"))
    return paths


def test_the_list_of_public_templates_is_complete():
    names = {str(p.relative_to(TEMPLATES)) for p in public_templates()}
    assert {"base.html", "500.html", "registraties/_samenvatting.html",
            "registraties/bevestiging.html", "verkenning/landing.html"} <= names
    assert not any(name.startswith("registraties/email/") for name in names)
    assert all(p.is_file() for p in public_templates())


@pytest.mark.parametrize("path", public_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_public_templates_have_no_inline_styles(path):
    source = path.read_text(encoding="utf-8").lower()
    assert "<style" not in source
    assert " style=" not in source


def test_staff_suggestions_page_has_no_style_block():
    source = (TEMPLATES / "admin" / "partnerschappen" / "suggesties.html").read_text(encoding="utf-8")
    assert "<style" not in source.lower()
    admin_css = Path(finders.find("admin-portaal/admin.css")).read_text(encoding="utf-8")
    assert ".suggestie {" in admin_css
    assert ".rondekeuze {" in admin_css


def test_portal_css_holds_the_classes_that_replaced_the_inline_styles():
    path = finders.find("css/portaal.css")
    assert path, "css/portaal.css is not found by the staticfiles finders"
    css = Path(path).read_text(encoding="utf-8")
    assert ".portaal-samenvatting-titel {" in css
    assert ".portaal-fout {" in css


def test_portal_css_is_served(client, settings):
    # Whitenoise serves straight from the finders when DEBUG is on (outside production).
    settings.DEBUG = True
    response = client.get(settings.STATIC_URL + "css/portaal.css")
    assert response.status_code == 200
    body = b"".join(response.streaming_content if response.streaming else [response.content])
    assert b".portaal-samenvatting-titel" in body
    assert b".portaal-fout" in body


def test_500_page_renders_in_the_portal_layout_with_the_portal_css(settings,
                                                                   django_assert_num_queries):
    from portaal.views import server_error

    settings.DEBUG = False
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f'href="{settings.STATIC_URL}css/portaal.css"' in html
    assert 'class="portaal-tekst portaal-fout"' in html
    assert "style=" not in html


def test_multi_line_answers_keep_their_line_breaks_escaped(client, open_ronde):
    data = form_data(competentie_uitdagingen="Eerste lijn <b>vet</b>\nTweede lijn")
    html = client.post("/interesse/", data, follow=True).content.decode()
    assert "Eerste lijn &lt;b&gt;vet&lt;/b&gt;<br>Tweede lijn" in html
    (confirmation,) = [m for m in mail.outbox if m.to == ["an.peeters@bouwfonds-test.be"]]
    assert "Eerste lijn &lt;b&gt;vet&lt;/b&gt;<br>Tweede lijn" in confirmation.alternatives[0][0]
    assert "Eerste lijn <b>vet</b>\nTweede lijn" in confirmation.body


def submit_and_read(client):
    """The confirmation page and the text and HTML parts of the confirmation mail."""
    response = client.post("/interesse/", form_data(), follow=True)
    assert response.redirect_chain == [("/interesse/bevestiging/", 303)]
    (confirmation,) = [m for m in mail.outbox if m.to == ["an.peeters@bouwfonds-test.be"]]
    ((html_mail, _),) = confirmation.alternatives
    return {"page": response.content.decode(), "text": confirmation.body, "html": html_mail}


def test_the_rounds_own_caveat_is_shown_on_the_confirmation_and_in_the_mail(client, open_ronde):
    open_ronde.voorbehoud = "Middelen worden pas na een oproep toegekend & niet eerder."
    open_ronde.save()
    parts = submit_and_read(client)
    assert "Middelen worden pas na een oproep toegekend &amp; niet eerder." in parts["page"]
    assert "Middelen worden pas na een oproep toegekend &amp; niet eerder." in parts["html"]
    # The text part is not HTML: no escaping there.
    assert "Middelen worden pas na een oproep toegekend & niet eerder." in parts["text"]
    for name, body in parts.items():
        assert "garandeert geen effectieve toekenning" not in body, name
        assert "contact met u op." in body, name  # the rest of the paragraph stays


def test_the_default_caveat_is_shown_when_the_round_keeps_it(client, open_ronde):
    assert open_ronde.voorbehoud == DEFAULT_CAVEAT
    for name, body in submit_and_read(client).items():
        assert DEFAULT_CAVEAT in body, name


def test_no_caveat_when_the_round_has_none(client, open_ronde):
    open_ronde.voorbehoud = ""
    open_ronde.save()
    parts = submit_and_read(client)
    for name, body in parts.items():
        assert "garandeert geen effectieve toekenning" not in body, name
        assert "contact met u op." in body, name  # the rest of the paragraph stays
    assert "<p></p>" not in parts["page"].replace(" ", "")
    assert "<p></p>" not in parts["html"].replace(" ", "")
    assert "\nESF&DO neemt na de verkenningsronde contact met u op." in parts["text"]


def test_caveat_markup_is_escaped_on_the_page_and_in_the_html_mail(client, open_ronde):
    open_ronde.voorbehoud = "<script>alert(1)</script>"
    open_ronde.save()
    parts = submit_and_read(client)
    assert "<script>alert(1)</script>" not in parts["page"]
    assert "<script>alert(1)</script>" not in parts["html"]
    assert "&lt;script&gt;" in parts["page"]

