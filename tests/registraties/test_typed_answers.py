"""Invisible characters alone are no answer; bytes that are not UTF-8 are refused next to the
field. In every form: the public form, the edit link, "link kwijt", the import, staff forms."""
from urllib.parse import urlencode

import pytest
from django.test.client import BOUNDARY
from django.urls import reverse

from berichten.models import Bericht
from partnerschappen.forms import AntwoordForm, GesprekForm
from portaal.text import is_invisible
from registraties.eligibility import Path
from registraties.forms import RegistratieForm
from registraties.models import Notitie, Registratie
from tests.factories import form_data, make_registratie
from verkenning.models import Ronde

pytestmark = pytest.mark.django_db

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u200b\u200d \ufeff\u2060",
             "\u00a0\u200b", "\u3164", "\u2800", "\u202e\u200f"]
REQUIRED = {
    "naam": "Vul de naam van uw organisatie in.",
    "contact_naam": "Vul de naam van de contactpersoon in.",
    "straat": "Vul de straat en het nummer van uw zetel in.",
    "gemeente": "Vul de gemeente van uw zetel in.",
    "sectoren": "Vul in voor welke sectoren uw organisatie werkt.",
    "competentie_uitdagingen": "Beschrijf kort de competentie-uitdagingen die u ziet.",
}
MSG_UNREADABLE = "Dit antwoord bevat tekens die niet leesbaar aankwamen"
URLENCODED = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("characters", INVISIBLE)
def test_text_of_only_invisible_characters_counts_as_nothing(characters):
    assert is_invisible(characters)
    assert not is_invisible("Bouw\u200bfonds") and not is_invisible("é") and not is_invisible("·")


@pytest.mark.parametrize("field", sorted(REQUIRED))
@pytest.mark.parametrize("characters", ["\u200b", "\ufeff", "\u2060\u200d", "\u200b \u200c"])
def test_a_required_answer_of_only_invisible_characters_gets_the_fields_own_message(
        client, open_ronde, field, characters):
    response = client.post("/interesse/", form_data(**{field: characters}))
    assert response.status_code == 200
    assert not Registratie.objects.exists()
    assert REQUIRED[field] in response.content.decode()
    assert response.context["form"].has_error(field, "required")


def test_an_optional_answer_of_only_invisible_characters_is_stored_empty(client, open_ronde):
    response = client.post("/interesse/", form_data(contact_telefoon="\u200b\u2060",
                                                    keten="\ufeff", opmerkingen="\u200d"))
    assert response.status_code == 303
    registratie = Registratie.objects.get()
    assert (registratie.contact_telefoon, registratie.keten, registratie.opmerkingen) == ("", "",
                                                                                         "")


def test_a_brussels_seat_with_an_invisible_explanation_has_no_explanation(client, open_ronde):
    response = client.post("/interesse/", form_data(postcode="1000", gemeente="Brussel",
                                                    toelichting_werking="\u200b\u200b"))
    assert response.status_code == 200
    assert response.context["form"].has_error("toelichting_werking")
    assert not Registratie.objects.exists()


def test_visible_text_with_a_zero_width_character_inside_is_kept_as_typed(client, open_ronde):
    assert client.post("/interesse/", form_data(naam="Bouw\u200dfonds vzw")).status_code == 303
    assert Registratie.objects.get().naam == "Bouw\u200dfonds vzw"


def raw_body(**replace: bytes) -> bytes:
    """The form's answers urlencoded, with some values as raw bytes (not UTF-8)."""
    body = urlencode(form_data(**{name: "X" for name in replace}), doseq=True).encode()
    for name, value in replace.items():
        body = body.replace(f"{name}=X".encode(), f"{name}=".encode() + value)
    return body


@pytest.mark.parametrize("value", [b"\xff\xfeBouwfonds", b"Bouwfonds \xe9\xe9n", b"%FF%FEBouw",
                                   b"Bouw%C3"])
def test_bytes_that_are_not_utf8_are_refused_with_the_fields_message_and_the_rest_is_kept(
        client, open_ronde, value):
    response = client.generic("POST", "/interesse/", raw_body(naam=value), URLENCODED)
    assert response.status_code == 200
    assert not Registratie.objects.exists()
    form = response.context["form"]
    assert form.has_error("naam", "onleesbaar")
    assert list(form.errors) == ["naam"]
    html = response.content.decode()
    assert MSG_UNREADABLE in html
    assert "ÿþ" not in html
    # What was typed elsewhere stays in the form.
    assert 'value="Kerkstraat 1"' in html and "Digitale bouwplannen lezen" in html


def multipart_body(data: dict, raw: dict[str, bytes]) -> bytes:
    """A multipart/form-data body as a browser sends it, some values as raw bytes."""
    parts = []
    for name, values in data.items():
        for value in values if isinstance(values, list) else [values]:
            encoded = raw.get(name, str(value).encode())
            parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"'
                         f'\r\n\r\n'.encode() + encoded + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def test_bytes_that_are_not_utf8_in_a_multipart_form_are_refused_too(client, open_ronde):
    body = multipart_body(form_data(), {"gemeente": b"Gent \xff\xfe"})
    response = client.generic("POST", "/interesse/", body,
                              f"multipart/form-data; boundary={BOUNDARY}")
    assert response.status_code == 200
    assert response.context["form"].has_error("gemeente", "onleesbaar")
    assert not Registratie.objects.exists()


def test_link_kwijt_refuses_an_invisible_number_and_queues_nothing(client):
    response = client.post("/interesse/link-kwijt/", {"ondernemingsnummer": "\u200b\ufeff",
                                                      "contact_email": "an@fonds.be"})
    assert response.status_code == 200
    assert "Vul het ondernemingsnummer van uw organisatie in." in response.content.decode()
    assert not Bericht.objects.exists()


def test_the_edit_link_refuses_an_answer_of_only_invisible_characters(client, open_ronde):
    from registraties.services import registratie_submit

    submission = registratie_submit(ronde=open_ronde, data=_answers(open_ronde))
    response = client.post(reverse("registraties:wijzigen", args=[submission.token]),
                           form_data(contact_naam="\u2060"))
    assert response.status_code == 200
    assert "Vul de naam van de contactpersoon in." in response.content.decode()
    assert Registratie.objects.get().contact_naam == "An Peeters"


def _answers(ronde) -> dict:
    form = RegistratieForm(form_data(), ronde=ronde, path=Path.FORM)
    assert form.is_valid(), form.errors
    return form.cleaned_data


def test_the_import_refuses_a_row_whose_required_answer_is_invisible(open_ronde):
    form = RegistratieForm(form_data(naam="\u200b"), ronde=open_ronde, path=Path.IMPORT_NEW)
    assert not form.is_valid()
    assert form.errors["naam"] == ["Vul de naam van uw organisatie in."]


def test_conversation_forms_treat_invisible_text_as_empty():
    answer = AntwoordForm({"antwoord": "ander_moment", "opmerking": "\u200b\u200b"})
    assert answer.is_valid() and answer.cleaned_data["opmerking"] == ""
    plan = GesprekForm({"datum": "2031-05-06", "tijd": "10:00", "duur_minuten": "90",
                        "plaats": "\ufeff", "online_link": "", "agenda": "\u200d"})
    assert not plan.is_valid()
    assert plan.errors["agenda"] == ["Vul de agenda in: de leden lezen ze in hun uitnodiging."]
    assert plan.cleaned_data["plaats"] == ""


def test_a_staff_note_of_only_invisible_characters_is_not_saved(coordinator_client, open_ronde):
    registratie = make_registratie(open_ronde)
    url = reverse("admin:registraties_registratie_notitie", args=[registratie.pk])
    # The note's own button: an empty note is then an error (without it, nothing to save).
    response = coordinator_client.post(url, {"tekst": "\u200b\ufeff", "_notitie": "1"})
    assert response.status_code == 400  # the detail page again, with the form's message
    assert "Schrijf eerst de tekst van de notitie." in response.content.decode()
    assert not Notitie.objects.exists()


def test_a_reason_of_only_invisible_characters_is_no_reason(coordinator_client, open_ronde):
    registratie = make_registratie(open_ronde)
    url = reverse("admin:registraties_registratie_status", args=[registratie.pk])
    response = coordinator_client.post(url, {"status": "niet_ontvankelijk", "reden": "\u200b"})
    assert response.status_code == 400
    assert "Geef een reden op waarom de registratie niet ontvankelijk is." in \
        response.content.decode()
    registratie.refresh_from_db()
    assert registratie.status != "niet_ontvankelijk"


def test_every_admin_form_refuses_invisible_and_unreadable_required_answers(coordinator_client,
                                                                           open_ronde):
    url = reverse("admin:verkenning_ronde_change", args=[open_ronde.pk])
    page = coordinator_client.get(url)
    assert page.status_code == 200
    data = {name: value for name, value in _form_values(page).items()}
    data["titel"] = "\u200b\u2060"
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("titel", "required")
    data["titel"] = "Testronde \ufffd"
    response = coordinator_client.post(url, data)
    assert response.context["adminform"].form.has_error("titel", "onleesbaar")
    assert Ronde.objects.get(pk=open_ronde.pk).titel == "Testronde"


def _form_values(response) -> dict:
    """The values the admin's change form would send back unchanged."""
    form = response.context["adminform"].form
    values = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            values[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                values[name] = "on"
        else:
            values[name] = field.widget.format_value(value) if hasattr(
                field.widget, "format_value") and not isinstance(value, str) else value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            values[f"{management.prefix}-{name}"] = management[name].value()
    return values


PACKAGES = ("portaal", "verkenning", "kbo", "berichten", "registraties", "partnerschappen")


def _all_subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_form_of_the_portal_and_every_admin_form_follows_the_rules():
    """A new form, public or staff, is covered the day it is added (or this test fails)."""
    import importlib
    import pkgutil

    from django import forms
    from django.contrib import admin

    from portaal.admin import GuardedModelAdmin
    from portaal.text import TextAnswersMixin

    for package in PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if ".migrations" not in info.name and ".management" not in info.name:
                importlib.import_module(info.name)
    ours = [form for form in _all_subclasses(forms.BaseForm)
            if form.__module__.split(".")[0] in PACKAGES]
    assert len(ours) >= 15
    assert [form for form in ours if not issubclass(form, TextAnswersMixin)] == []
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, GuardedModelAdmin), model
        assert issubclass(model_admin.form, TextAnswersMixin), model
        for inline in model_admin.inlines:
            assert issubclass(inline.form, TextAnswersMixin), (model, inline)
