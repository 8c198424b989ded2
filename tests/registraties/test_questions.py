"""The questions are declared once (registraties/questions.py); every other list follows it."""
import pytest
from django.contrib import admin
from django.utils.text import capfirst

from registraties.eligibility import Path
from registraties.excel.columns import RegistratieResource
from registraties.forms import RegistratieForm
from registraties.models import Registratie
from registraties.questions import ANSWER_FIELDS, QUESTIONS, SECTIONS
from registraties.selectors import registratie_answer_sections
from tests.factories import make_registratie

# Model fields that are no answer of the organisation: bookkeeping and the staff's review.
NOT_ASKED = {"id", "ronde", "volgnummer", "referentie", "status", "status_gewijzigd_op",
             "status_gewijzigd_door", "status_reden", "vlaggen", "wijzig_token_hash",
             "ingediend_op", "gewijzigd_op",
             # What the enterprise register said of the answers (eligibility.register_verdict).
             "kbo_controle", "kbo_bevindingen", "kbo_snapshot_datum"}


def model_fields() -> list[str]:
    return [f.name for f in Registratie._meta.concrete_fields]


def test_every_field_of_the_model_is_declared_or_known_not_to_be_a_question():
    declared = {q.name for q in QUESTIONS}
    missing = [name for name in model_fields() if name not in declared | NOT_ASKED]
    assert missing == [], f"add these to registraties/questions.py: {missing}"


def test_every_declared_question_is_a_field_of_the_model_and_declared_once():
    names = [q.name for q in QUESTIONS]
    assert len(names) == len(set(names))
    assert set(names) <= set(model_fields())
    assert not set(names) & NOT_ASKED


def test_the_form_asks_exactly_the_declared_questions_in_their_order():
    form = RegistratieForm(path=Path.FORM)
    assert list(form.fields) == list(ANSWER_FIELDS)
    assert len(ANSWER_FIELDS) == 31
    layout_titles = [str(fieldset.legend) for fieldset in form.helper.layout.fields]
    assert layout_titles == [str(section.title) for section in SECTIONS]


def test_the_form_takes_its_wording_from_the_declaration():
    form = RegistratieForm(path=Path.FORM)
    for question in QUESTIONS:
        if question.derived:
            continue
        field = form.fields[question.name]
        if question.label:
            assert str(field.label) == str(question.label), question.name
        if question.required_message:
            assert str(field.error_messages["required"]) == str(question.required_message)


def test_the_postcode_help_shows_on_the_page(client, open_ronde):
    html = client.get("/interesse/").content.decode()
    assert "Vier cijfers, bv. 1000 of 9000." in html
    # …and so does the help of the other fields declared in the form class itself.
    assert "Het nummer in de Kruispuntbank van Ondernemingen" in html
    assert "Een schatting volstaat." in html


@pytest.mark.django_db
def test_follow_up_questions_sit_in_blocks_the_script_can_hide(client, open_ronde):
    html = client.get("/interesse/").content.decode()
    for question in QUESTIONS:
        if question.follow_up:
            assert f'id="blok_{question.name}"' in html


@pytest.mark.django_db
def test_the_answer_summary_follows_the_declaration(open_ronde):
    registratie = make_registratie(open_ronde, rechtsvorm="andere", rechtsvorm_andere="ivzw",
                                   thema_andere="")
    sections = registratie_answer_sections(registratie)
    assert [title for title, _rows in sections] == [str(s.title) for s in SECTIONS]
    expected_labels = [
        str(capfirst(Registratie._meta.get_field(q.name).verbose_name))
        for q in QUESTIONS if not (q.follow_up and not getattr(registratie, q.name))]
    assert [label for _title, rows in sections for label, _value in rows] == expected_labels
    labels = {label for _title, rows in sections for label, _value in rows}
    assert "Andere rechtsvorm" in labels and "Ander thema" not in labels


def test_the_admin_fieldsets_follow_the_declaration():
    registratie_admin = admin.site._registry[Registratie]
    fieldsets = registratie_admin.get_fieldsets(request=None)
    sections = [(str(title), options["fields"]) for title, options in fieldsets[1:]]
    assert sections == [(str(s.title), [q.name for q in s.questions]) for s in SECTIONS]


def test_the_excel_columns_follow_the_declaration():
    resource = RegistratieResource()
    names = list(resource.fields)
    question_names = [q.name for q in QUESTIONS]
    start = names.index(question_names[0])
    assert names[:start] == ["referentie", "ronde"]
    assert names[start:start + len(question_names)] == question_names
    importable = {field.attribute for field in resource.importable_columns().values()}
    assert importable == set(ANSWER_FIELDS)
