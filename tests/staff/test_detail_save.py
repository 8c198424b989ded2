"""A registration's page is one form: every button saves what was typed on it (issue 16).

The answers (coordinators), the status change and the new note are sent together by
"Opslaan", "Status opslaan" and "Notitie toevoegen" alike; what nobody touched is neither
judged nor saved, and a save that changes nothing leaves no history.
"""
import re
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import LogEntry
from django.forms import CheckboxInput
from django.urls import reverse

from registraties.constants import RegistratieStatus
from registraties.models import Notitie, Registratie, StatusWijziging

pytestmark = pytest.mark.django_db

NOTE_ADDED = "De notitie is toegevoegd."
NOTHING_TO_SAVE = "Er was niets te bewaren: u wijzigde niets op deze pagina."


def _detail(registratie) -> str:
    return reverse("admin:registraties_registratie_change", args=[registratie.pk])


def page_data(client, registratie, **typed) -> dict:
    """What the browser sends for the page as shown, with ``typed`` changed: every field of
    the page's form (the answers for a coordinator, the review panel for everyone)."""
    response = client.get(_detail(registratie))
    assert response.status_code == 200
    forms = [response.context["beoordeling"]]
    answers = response.context["adminform"].form
    if "beoordeling" in answers.__dict__:
        forms.append(answers)
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[field.html_name] = [str(v) for v in value]
            else:
                data[field.html_name] = "" if value is None else str(value)
    data.update(typed)
    return data


def _history_count(registratie) -> int:
    return registratie.history.count()


def test_the_big_save_button_saves_a_typed_note(registratie, coordinator, coordinator_client):
    history_before = _history_count(registratie)
    data = page_data(coordinator_client, registratie, tekst="Gebeld: zij willen de regie.",
                     _save="Opslaan")
    response = coordinator_client.post(_detail(registratie), data, follow=True)
    assert response.status_code == 200
    assert list(Notitie.objects.values_list("tekst", "auteur")) == [
        ("Gebeld: zij willen de regie.", coordinator.pk)]
    html = response.content.decode()
    assert NOTE_ADDED in html
    assert "met succes gewijzigd" not in html
    # The answers were not touched: no history row, no admin log entry.
    assert _history_count(registratie) == history_before
    assert not LogEntry.objects.exists()


def test_save_and_continue_and_the_status_button_also_keep_the_note(registratie, coordinator_client):
    for button, text in (("_continue", "Eerste"), ("_status", "Tweede")):
        data = page_data(coordinator_client, registratie, tekst=text, **{button: "x"})
        response = coordinator_client.post(_detail(registratie), data)
        assert response.status_code == 302
        assert response["Location"].startswith(_detail(registratie))
    assert sorted(Notitie.objects.values_list("tekst", flat=True)) == ["Eerste", "Tweede"]


def test_one_press_saves_answers_status_and_note_together(registratie, coordinator,
                                                          coordinator_client):
    data = page_data(coordinator_client, registratie, gemeente="Sint-Amandsberg",
                     status=RegistratieStatus.ONTVANKELIJK, tekst="Alles nagekeken.",
                     _notitie="Notitie toevoegen")
    response = coordinator_client.post(_detail(registratie), data, follow=True)
    html = response.content.decode()
    registratie.refresh_from_db()
    assert registratie.gemeente == "Sint-Amandsberg"
    assert registratie.status == RegistratieStatus.ONTVANKELIJK
    assert registratie.status_gewijzigd_door == coordinator
    assert Notitie.objects.get().tekst == "Alles nagekeken."
    assert "De antwoorden zijn bewaard." in html
    assert f"{registratie.referentie} heeft nu de status ‘ontvankelijk’." in html
    assert NOTE_ADDED in html
    assert response.redirect_chain[-1][0].endswith("#notities")
    entry = LogEntry.objects.get()
    assert "Gemeente" in entry.get_change_message()


def test_saving_an_unchanged_page_changes_nothing_and_says_so(registratie, coordinator_client):
    history_before = _history_count(registratie)
    data = page_data(coordinator_client, registratie, _save="Opslaan")
    response = coordinator_client.post(_detail(registratie), data, follow=True)
    assert NOTHING_TO_SAVE in response.content.decode()
    assert _history_count(registratie) == history_before
    assert not StatusWijziging.objects.exists()
    assert not Notitie.objects.exists()
    assert not LogEntry.objects.exists()


def test_line_breaks_as_a_browser_sends_them_are_no_change(open_ronde, coordinator_client):
    from tests.factories import make_registratie

    registratie = make_registratie(open_ronde, competentie_uitdagingen="Eerste lijn\nTweede lijn")
    history_before = _history_count(registratie)
    data = page_data(coordinator_client, registratie,
                     competentie_uitdagingen="Eerste lijn\r\nTweede lijn", _save="Opslaan")
    response = coordinator_client.post(_detail(registratie), data, follow=True)
    assert NOTHING_TO_SAVE in response.content.decode()
    assert _history_count(registratie) == history_before


def test_a_refused_status_saves_nothing_and_keeps_everything_typed(registratie, coordinator_client):
    history_before = _history_count(registratie)
    data = page_data(coordinator_client, registratie, gemeente="Sint-Amandsberg",
                     status=RegistratieStatus.NIET_ONTVANKELIJK, reden="",
                     tekst="Mijn notitie die niet verloren mag gaan", _save="Opslaan")
    response = coordinator_client.post(_detail(registratie), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Geef een reden op waarom de registratie niet ontvankelijk is." in html
    assert "Er werd niets bewaard: verbeter de fout in het vak ‘Beoordeling’" in html
    # What was typed is still on the page.
    assert "Mijn notitie die niet verloren mag gaan</textarea>" in html
    assert 'value="Sint-Amandsberg"' in html
    assert '<option value="niet_ontvankelijk" selected>' in html
    registratie.refresh_from_db()
    assert registratie.gemeente == "Gent"
    assert registratie.status == RegistratieStatus.INGEDIEND
    assert not Notitie.objects.exists()
    assert _history_count(registratie) == history_before


def test_refused_answers_save_no_note_either_and_keep_it(registratie, coordinator_client):
    data = page_data(coordinator_client, registratie, postcode="4000", gemeente="Luik",
                     tekst="Notitie bij een fout antwoord", _notitie="Notitie toevoegen")
    response = coordinator_client.post(_detail(registratie), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Uw zetel ligt in het Waals Gewest." in html
    assert "Notitie bij een fout antwoord</textarea>" in html
    assert not Notitie.objects.exists()


def test_a_note_is_saved_even_when_todays_rules_would_refuse_the_stored_answers(
        registratie, coordinator_client):
    # Stored before a rule changed (or imported): a Walloon seat. Nobody touches the answers.
    Registratie.objects.filter(pk=registratie.pk).update(postcode="4000", gemeente="Luik")
    data = page_data(coordinator_client, registratie, tekst="Zetel nagaan.", _save="Opslaan")
    response = coordinator_client.post(_detail(registratie), data, follow=True)
    assert NOTE_ADDED in response.content.decode()
    assert Notitie.objects.get().tekst == "Zetel nagaan."


def test_a_reviewer_s_status_button_also_saves_the_typed_note(registratie, reviewer,
                                                              reviewer_client):
    data = page_data(reviewer_client, registratie, status=RegistratieStatus.IN_BEHANDELING,
                     tekst="Ik bekijk dit verder.", _status="Status opslaan")
    assert "naam" not in data  # a reviewer's page has no answers form
    response = reviewer_client.post(
        reverse("admin:registraties_registratie_status", args=[registratie.pk]), data,
        follow=True)
    html = response.content.decode()
    assert "heeft nu de status ‘in behandeling’" in html
    assert NOTE_ADDED in html
    registratie.refresh_from_db()
    assert registratie.status == RegistratieStatus.IN_BEHANDELING
    assert list(Notitie.objects.values_list("tekst", "auteur")) == [
        ("Ik bekijk dit verder.", reviewer.pk)]


def test_a_reviewer_s_note_button_leaves_the_preselected_status_alone(registratie,
                                                                      reviewer_client):
    data = page_data(reviewer_client, registratie, tekst="Alleen een notitie.",
                     _notitie="Notitie toevoegen")
    reviewer_client.post(reverse("admin:registraties_registratie_status", args=[registratie.pk]),
                         data)
    registratie.refresh_from_db()
    assert registratie.status == RegistratieStatus.INGEDIEND
    assert not StatusWijziging.objects.exists()
    assert Notitie.objects.count() == 1


class _Controls(HTMLParser):
    """Each named form control of a page with its attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.found: dict[str, dict] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and attrs.get("name"):
            self.found.setdefault(attrs["name"], attrs)


PANEL_CONTROLS = ("status", "reden", "verwittigen", "tekst", "_status", "_notitie")


def test_the_reviewer_s_panel_controls_belong_to_the_panel_form(registratie, reviewer_client):
    html = reviewer_client.get(_detail(registratie)).content.decode()
    assert '<form id="beoordeling_form" method="post"' in html
    controls = _Controls(html).found
    assert {name: controls[name].get("form") for name in PANEL_CONTROLS} == dict.fromkeys(
        PANEL_CONTROLS, "beoordeling_form")


def test_the_coordinator_s_panel_controls_belong_to_the_page_s_form(registratie,
                                                                    coordinator_client):
    html = coordinator_client.get(_detail(registratie)).content.decode()
    assert 'id="beoordeling_form"' not in html
    assert re.search(r"<form [^>]*id=\"registratie_form\"", html)
    controls = _Controls(html).found
    assert {name: controls[name].get("form") for name in PANEL_CONTROLS} == dict.fromkeys(
        PANEL_CONTROLS, "registratie_form")


@pytest.mark.parametrize("status", [RegistratieStatus.INGEDIEND, RegistratieStatus.ONTVANKELIJK,
                                    RegistratieStatus.NIET_ONTVANKELIJK])
def test_the_status_select_preselects_the_current_status(registratie, reviewer_client, status):
    Registratie.objects.filter(pk=registratie.pk).update(status=status)
    html = reviewer_client.get(_detail(registratie)).content.decode()
    select = html[html.index('name="status"'):]
    select = select[:select.index("</select>")]
    assert f'<option value="{status}" selected>' in select
    assert select.count(" selected>") == 1


def test_opening_the_panel_s_address_shows_the_page(registratie, reviewer_client):
    for name in ("status", "notitie"):
        response = reviewer_client.get(
            reverse(f"admin:registraties_registratie_{name}", args=[registratie.pk]))
        assert response.status_code == 302
        assert response["Location"] == _detail(registratie)
