"""How staff pages read (issue 16): Dutch capitals in headings and tab titles, the header
once, the list's counts in words, the suggestion's cohesion explained, Django's few English
or odd words replaced by the project's catalogue (locale/nl)."""
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES"


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_headings_and_tab_titles_start_with_a_capital(registratie, coordinator_client):
    html = coordinator_client.get(
        reverse("admin:registraties_registratie_change", args=[registratie.pk])).text
    assert "<h1>Registratie wijzigen</h1>" in html
    assert _title(html) == f"{registratie} | Registratie wijzigen | Beheer competentiechecks"
    html = coordinator_client.get(reverse("admin:partnerschappen_partnerschap_add")).text
    assert "<h1>Partnerschap toevoegen</h1>" in html
    assert "Lid toevoegen" in html and "Nog een" not in html


def test_a_refused_form_s_tab_title_says_fout_in_dutch(open_ronde, coordinator_client):
    response = coordinator_client.post(reverse("admin:partnerschappen_partnerschap_add"), {
        "naam": "", "ronde": open_ronde.pk, "basis": "gelijkaardige_uitdagingen",
        "lidmaatschappen-TOTAL_FORMS": "0", "lidmaatschappen-INITIAL_FORMS": "0",
        "lidmaatschappen-MIN_NUM_FORMS": "0", "lidmaatschappen-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 200
    assert _title(response.text) == "Fout: Partnerschap toevoegen | Beheer competentiechecks"
    assert "Error" not in response.text


def test_the_header_names_esfdo_once(reviewer_client):
    html = reviewer_client.get(reverse("admin:index")).text
    site_name = re.search(r'<div id="site-name">(.*?)</div>', html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", site_name).split())
    assert text == "ESF&amp;DO – beheer competentiechecks"


def test_the_list_says_what_its_counts_count(registratie, reviewer_client):
    html = reviewer_client.get(reverse("admin:registraties_registratie_changelist")
                               + "?status=alle").text
    assert '<div class="text"><span>Aantal thema&#x27;s / acties</span></div>' in html
    themas, acties = len(registratie.themas), len(registratie.rollen)
    assert f'<span class="visually-hidden">{themas} thema&#x27;s, {acties} acties</span>' in html


def test_the_search_box_is_named_in_words(reviewer_client):
    html = reviewer_client.get(reverse("admin:registraties_registratie_changelist")).text
    label = re.search(r'<label for="searchbar"[^>]*>(.*?)</label>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", label).strip() == "Zoek in de lijst"
    assert 'alt="Search"' not in html


def test_the_suggestion_explains_what_its_cohesion_measures(admin_client, open_ronde):
    from registraties.demo import demo_answers
    from tests.synthetic import insert_round

    insert_round(open_ronde, demo_answers(40))
    html = admin_client.get(reverse("admin:partnerschappen_partnerschap_suggesties")).text
    assert re.search(r"<strong>Samenhang: \d+%</strong> –\s+hoe sterk de leden twee aan twee "
                     r"op elkaar lijken, gemiddeld over alle paren", html)


def test_the_project_catalogue_is_compiled_from_its_source():
    """locale/nl/LC_MESSAGES/django.mo says what django.po says (run msgfmt after editing)."""
    source = (LOCALE / "django.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', source, re.M)
    assert pairs
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for msgid, msgstr in pairs:
        assert catalogue.gettext(msgid) == msgstr, msgid


@pytest.mark.parametrize("two_factor", [False, True])
def test_the_login_page_has_a_heading(client, settings, two_factor):
    """axe's page-has-heading-one: the login page, with and without the second factor."""
    settings.TWO_FACTOR_VERPLICHT = two_factor
    html = client.get("/beheer/login/").text
    assert re.search(r'<h1 class="portaal-login-titel">Aanmelden</h1>', html)
    assert html.count("<h1") == 1
