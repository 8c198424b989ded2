"""Every cell of the path × rule table (eligibility.TABLE, README "The rules per path").

A rule judges what is new. Each cell is tested twice: once on the one judging function, for
every rule and path, and once through the real caller of that path (the public form, the
edit link, the staff's edit page, the Excel import's new, changed and unchanged rows, the
re-check), with a loaded register where the rule needs one.
"""
import io
import re
from copy import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path as FilePath

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils.html import escape
from openpyxl import load_workbook

from kbo.models import Onderneming
from kbo.selectors import NOT_LOADED, KboCheck, KboEntry
from medewerkers.roles import COORDINATOR
from registraties import eligibility, register_check, services
from registraties.constants import KboBevinding, Vlag
from registraties.eligibility import RULES, TABLE, Outcome, Path
from registraties.excel.columns import RegistratieResource
from registraties.excel.export import registraties_export
from registraties.excel.imports import ERROR, NEW, UNCHANGED, UPDATE, registraties_import
from registraties.forms import RegistratieForm
from registraties.models import Registratie
from registraties.questions import ANSWER_FIELDS
from tests.factories import form_data, logged_in, staff_member

pytestmark = pytest.mark.django_db

README = FilePath(__file__).resolve().parents[2] / "README.md"
SNAPSHOT = date(2026, 4, 30)
NUMBER = "0417497106"  # kbo_register's Flemish vzw "Bouwfonds Test"; form_data()'s number
OTHER = "0403170701"
THIRD = "0202239951"
INNOCENT = {"contact_telefoon": "09 999 99 99"}  # a change no rule depends on


# --- the README shows the same table ---------------------------------------------------------

def readme_table() -> dict[str, dict[str, str]]:
    """The table under "### The rules per path" in the README: {rule: {path: outcome}}."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### The rules per path", 1)[1].splitlines()
    start = next(i for i, line in enumerate(section) if line.startswith("|"))
    lines = []
    for line in section[start:]:
        if not line.startswith("|"):
            break  # the table ends at its first line that is not a row
        lines.append(line)
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    table = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        code = re.search(r"`([a-z_]+)`", cells[0]).group(1)
        table[code] = dict(zip(header[1:], cells[1:], strict=True))
    return table


def test_the_readme_shows_exactly_the_table_the_rules_follow():
    assert readme_table() == {code: {path.value: cell.value for path, cell in row.items()}
                              for code, row in TABLE.items()}


def test_every_rule_of_the_table_is_declared_and_every_path_has_a_cell():
    assert set(TABLE) == set(RULES)
    assert all(set(row) == set(Path) for row in TABLE.values())


# --- the cells on the judging function ------------------------------------------------------

def _entry(**overrides) -> KboEntry:
    values = {"ondernemingsnummer": NUMBER, "naam": "Bouwfonds Test", "actief": True,
              "rechtspersoon": True, "rechtsvorm_code": "017",
              "rechtsvorm": "Vereniging zonder winstoogmerk", "postcode": "9000",
              "gemeente": "Gent", "straat": "Kouter 1", "land": "", "gewest": "vlaanderen",
              "snapshot_datum": SNAPSHOT, **overrides}
    return KboEntry(**values)


def _found(**overrides) -> KboCheck:
    return KboCheck(loaded=True, entry=_entry(**overrides), snapshot_datum=SNAPSHOT)


WALLOON_SEAT = {"postcode": "4000", "gemeente": "Luik", "gewest": "wallonie"}
# What makes each rule speak, as the judging function is asked.
TRIGGERS = {
    "kbo_onbekend": (KboCheck(loaded=True, entry=None, snapshot_datum=SNAPSHOT), {}),
    "kbo_gestopt": (_found(actief=False), {}),
    "kbo_natuurlijk_persoon": (_found(rechtspersoon=False, rechtsvorm=""), {}),
    "kbo_zetel_wallonie": (_found(**WALLOON_SEAT), {}),
    "kbo_rechtspersoon": (_found(), {"rechtsvorm": "feitelijke_vereniging"}),
    "geen_rechtspersoonlijkheid": (NOT_LOADED, {"rechtsvorm": "feitelijke_vereniging"}),
    "zetel_wallonie": (NOT_LOADED, {"postcode": 4000}),
    "geen_werking_vlaanderen": (NOT_LOADED, {"werking_vlaanderen": False}),
    "toelichting_brussel_ontbreekt": (NOT_LOADED, {"postcode": 1000}),
    "niet_bereid": (NOT_LOADED, {"bereid_tot_partnerschap": False}),
    "kbo_zetel_verschilt": (_found(postcode="2000", gemeente="Antwerpen"), {}),
    "kbo_rechtsvorm_verschilt": (_found(rechtsvorm="Besloten vennootschap"), {}),
    "kbo_naam_verschilt": (_found(naam="Vlaamse Federatie Bouw 80"),
                           {"naam": "Precisietechniek Vereniging"}),
}
DIFFERENCES = {"kbo_zetel_verschilt": KboBevinding.ZETEL_VERSCHILT,
               "kbo_rechtsvorm_verschilt": KboBevinding.RECHTSVORM_VERSCHILT,
               "kbo_naam_verschilt": KboBevinding.NAAM_VERSCHILT}
CELLS = [(code, path) for code in TABLE for path in Path]


def _judge(code, path, changed):
    check, answers = TRIGGERS[code]
    values = {"rechtsvorm": "vzw", "postcode": 9000, "werking_vlaanderen": True,
              "toelichting_werking": "", "bereid_tot_partnerschap": True, "naam": "Bouwfonds Test",
              **answers}
    return eligibility.judge(path=path, check=check, changed_fields=changed, **values)


@pytest.mark.parametrize("code, path", [cell for cell in CELLS if cell[0] != "dubbel"])
def test_each_cell_decides_what_the_judging_function_does(code, path):
    cell = TABLE[code][path]
    for changed in (frozenset(), RULES[code].depends_on):
        judgement = _judge(code, path, changed)
        refused = [r.code for r in judgement.refusals]
        kept = [n.rule.code for n in judgement.notices]
        if code in DIFFERENCES:
            # A difference with the register is a finding, never a refusal.
            assert refused == kept == []
            assert (DIFFERENCES[code] in judgement.verdict.bevindingen) == (cell is Outcome.FLAG)
            continue
        expected = eligibility.outcome(code, path, changed)
        if cell is Outcome.REFUSE_IF_CHANGED:
            assert expected is (Outcome.REFUSE if changed else Outcome.FLAG)
        assert (code in refused, code in kept) == (expected is Outcome.REFUSE,
                                                   expected is Outcome.FLAG)
        if expected is Outcome.FLAG:
            (notice,) = [n for n in judgement.notices if n.rule.code == code]
            assert notice.sentence and notice.closing.startswith("ESF&DO ")


@pytest.mark.parametrize("path", list(Path))
def test_the_duplicate_number_is_refused_on_every_path_that_writes_a_number(path):
    assert eligibility.outcome("dubbel", path) is (
        Outcome.IGNORE if path is Path.RECHECK else Outcome.REFUSE)


# --- the cells through the real callers -------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    """How a rule speaks in real data: the register's entries (None: no register loaded),
    the answers that trigger it as POSTed, as stored and as cells of the Excel file."""

    register: dict | None
    post: dict = field(default_factory=dict)
    stored: dict = field(default_factory=dict)
    cells: dict = field(default_factory=dict)
    # The refusal or the stored flag shows on this field / flag.
    flag: str = ""


TO_OTHER = {"post": {"ondernemingsnummer": "0403.170.701"}, "stored": {"ondernemingsnummer": OTHER},
            "cells": {"ondernemingsnummer": "0403.170.701"}}
SCENARIOS = {
    "kbo_onbekend": Scenario({}, flag=Vlag.KBO_NIET_GEVONDEN, **TO_OTHER),
    "kbo_gestopt": Scenario({OTHER: {"actief": False}}, flag=Vlag.KBO_NIET_GEVONDEN, **TO_OTHER),
    "kbo_natuurlijk_persoon": Scenario({OTHER: {"rechtspersoon": False, "rechtsvorm": ""}},
                                       flag=Vlag.KBO_NIET_GEVONDEN, **TO_OTHER),
    "kbo_zetel_wallonie": Scenario({OTHER: {"postcode": "4000", "gemeente": "Luik"}},
                                   flag=Vlag.KBO_ZETEL, **TO_OTHER),
    "kbo_rechtspersoon": Scenario(
        {}, post={"rechtsvorm": "feitelijke_vereniging"},
        cells={"rechtsvorm": "feitelijke vereniging (zonder rechtspersoonlijkheid)"}),
    "geen_rechtspersoonlijkheid": Scenario(
        None, post={"rechtsvorm": "feitelijke_vereniging"},
        cells={"rechtsvorm": "feitelijke vereniging (zonder rechtspersoonlijkheid)"}),
    "zetel_wallonie": Scenario(
        None, post={"postcode": "4000", "gemeente": "Luik"},
        stored={"postcode": "4000", "gemeente": "Luik"}, cells={"postcode": 4000, "gemeente": "Luik"},
        flag=Vlag.VOORWAARDE),
    "geen_werking_vlaanderen": Scenario(
        None, post={"werking_vlaanderen": None}, stored={"werking_vlaanderen": False},
        cells={"werking_vlaanderen": "nee"}, flag=Vlag.VOORWAARDE),
    "toelichting_brussel_ontbreekt": Scenario(
        None, post={"postcode": "1000", "gemeente": "Brussel"},
        stored={"postcode": "1000", "gemeente": "Brussel"},
        cells={"postcode": 1000, "gemeente": "Brussel"}, flag=Vlag.VOORWAARDE),
    "niet_bereid": Scenario(
        None, post={"bereid_tot_partnerschap": None}, stored={"bereid_tot_partnerschap": False},
        cells={"bereid_tot_partnerschap": "nee"}, flag=Vlag.VOORWAARDE),
}
DIFFERENCE_REGISTERS = {"kbo_zetel_verschilt": {"postcode": "2000", "gemeente": "Antwerpen"},
                        "kbo_rechtsvorm_verschilt": {"rechtsvorm": "Besloten vennootschap"},
                        "kbo_naam_verschilt": {"naam": "Vlaamse Federatie Bouw 80"}}
# A feitelijke vereniging cannot be stored (the database refuses it): an existing
# registration never holds it, so on an existing path only its introduction can be tested.
NEVER_STORED = {"kbo_rechtspersoon", "geen_rechtspersoonlijkheid"}


@pytest.fixture
def world(request, open_ronde, closed_ronde):
    """Sets up a scenario: the register (when it has one), and helpers for the callers."""
    return World(request, open_ronde, closed_ronde)


class World:
    def __init__(self, request, ronde, other_round):
        self.request, self.ronde, self.other_round = request, ronde, other_round

    def load(self, register: dict | None) -> None:
        if register is None:
            return
        enterprise = self.request.getfixturevalue("kbo_register")
        for number, overrides in register.items():
            if Onderneming.objects.filter(pk=number).exists():
                Onderneming.objects.filter(pk=number).update(**overrides)
            else:
                enterprise(number, **overrides)

    def store(self, ronde=None, **overrides) -> Registratie:
        """A registration stored as it is, past every rule (as data from before a rule was)."""
        form = RegistratieForm(data=form_data(), path=Path.FORM)
        assert form.is_valid(), form.errors
        # The answers only: never judged against the register, as before a register was loaded.
        data = {**{name: form.cleaned_data[name] for name in ANSWER_FIELDS}, **overrides}
        return services.registratie_submit(ronde=ronde or self.ronde, data=data,
                                           check_open=False).registratie

    def staff(self) -> Client:
        return logged_in(staff_member("cor", COORDINATOR))


def post_data(registratie: Registratie, **changes) -> dict:
    """The registration's answers as its edit form POSTs them, with ``changes`` (None: an
    unticked box)."""
    data = {}
    for name in ANSWER_FIELDS:
        value = getattr(registratie, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    data["ondernemingsnummer"] = registratie.ondernemingsnummer_opgemaakt
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def exported(*registraties: Registratie) -> bytes:
    target = io.BytesIO()
    registraties_export(queryset=Registratie.objects.filter(pk__in=[r.pk for r in registraties])
                        .order_by("pk"), target=target)
    return target.getvalue()


HEADER_OF = {field.attribute: header for header, field in
             RegistratieResource().importable_columns().items()}


def edited(content: bytes, cells: dict, *, row: int = 2, duplicate: bool = False) -> bytes:
    """The file with ``cells`` ({answer: value}) written in ``row`` (openpyxl, as a person in
    Excel would); ``duplicate``: the row copied below the last one as well."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for attribute, value in cells.items():
        sheet.cell(row=row, column=headers.index(HEADER_OF[attribute]) + 1, value=value)
    if duplicate:
        target = sheet.max_row + 1
        for cell in sheet[row]:
            copied = sheet.cell(row=target, column=cell.column, value=cell.value)
            copied._style = copy(cell._style)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def new_registration_is_told(world, code: str, post: dict) -> str:
    """The message the public form gives a new registration for ``code``."""
    form = RegistratieForm(data=form_data(**post), path=Path.FORM, ronde=world.ronde)
    assert not form.is_valid()
    messages = [error.message for errors in form.errors.as_data().values() for error in errors
                if error.code == code]
    assert messages, form.errors.as_data()
    return messages[0]


def flags_for(code: str, scenario: Scenario) -> str:
    return scenario.flag or RULES[code].flag


# The callers, one per path: each asserts what its cell says.

def _form(world, code, scenario, cell):
    response = Client().post("/interesse/", form_data(**scenario.post))
    assert cell is Outcome.REFUSE
    assert response.status_code == 200
    assert code in [e.code for errors in response.context["form"].errors.as_data().values()
                    for e in errors]
    assert not Registratie.objects.exists()


def _edit_link(world, code, scenario, cell, *, staff=False):
    assert cell is Outcome.REFUSE_IF_CHANGED
    client = world.staff() if staff else Client()

    def post(registratie, **changes):
        if staff:
            return client.post(f"/beheer/registraties/registratie/{registratie.pk}/change/",
                               {**post_data(registratie, **changes), "_save": "1"}, follow=True)
        token, hashed = services.new_token()
        Registratie.objects.filter(pk=registratie.pk).update(wijzig_token_hash=hashed)
        return client.post(f"/interesse/wijzigen/{token}/", post_data(registratie, **changes),
                           follow=True)

    def errors(response):
        form = response.context["adminform"].form if staff else response.context["form"]
        return [e.code for errors in form.errors.as_data().values() for e in errors]

    # The change introduces it: refused, nothing saved.
    valid = world.store()
    response = post(valid, **scenario.post)
    assert code in errors(response)
    assert Registratie.objects.get(pk=valid.pk).gewijzigd_op == valid.gewijzigd_op
    if code in NEVER_STORED:
        return
    # Already there, and this change does not touch it: saved, a flag, a calm sentence.
    valid.delete()
    existing = world.store(**scenario.stored)
    response = post(existing, **INNOCENT)
    existing.refresh_from_db()
    assert existing.contact_telefoon == INNOCENT["contact_telefoon"]
    assert flags_for(code, scenario) in existing.vlaggen
    page = response.content.decode()
    if staff:
        assert "Bewaard met deze aandachtspunten" in page
        assert str(RULES[code].label) in page
    else:
        assert response.redirect_chain[-1][0] == "/interesse/bevestiging/"
        assert escape(str(RULES[code].notice)) in page


def _staff_edit(world, code, scenario, cell):
    _edit_link(world, code, scenario, cell, staff=True)


def _import_new(world, code, scenario, cell):
    assert cell is Outcome.REFUSE
    # A registration of another round, in this round's file: a new row here.
    elsewhere = world.store(ronde=world.other_round)
    content = edited(exported(elsewhere), scenario.cells)
    (row,) = registraties_import(ronde=world.ronde, source=content).rows
    assert row.action == ERROR
    told = new_registration_is_told(world, code, scenario.post)
    assert any(told in error for error in row.errors), row.errors


def _import_changed(world, code, scenario, cell):
    assert cell is Outcome.REFUSE_IF_CHANGED
    valid = world.store()
    (row,) = registraties_import(ronde=world.ronde,
                                 source=edited(exported(valid), scenario.cells)).rows
    assert row.action == ERROR
    told = new_registration_is_told(world, code, scenario.post)
    assert any(told in error for error in row.errors), row.errors
    if code in NEVER_STORED:
        return
    valid.delete()
    existing = world.store(**scenario.stored)
    result = registraties_import(ronde=world.ronde, dry_run=False,
                                 source=edited(exported(existing), INNOCENT))
    (row,) = result.rows
    assert (row.action, row.errors, result.saved) == (UPDATE, [], True)
    assert row.notes == [str(RULES[code].label)]
    assert [change[0] for change in row.changes] == [HEADER_OF["contact_telefoon"]]
    existing.refresh_from_db()
    assert flags_for(code, scenario) in existing.vlaggen


def _import_unchanged(world, code, scenario, cell):
    assert cell is Outcome.IGNORE
    if code in NEVER_STORED:
        with pytest.raises(IntegrityError), transaction.atomic():
            world.store(rechtsvorm="feitelijke_vereniging")
        return
    existing = world.store(**scenario.stored)
    before = Registratie.objects.values().get(pk=existing.pk)
    result = registraties_import(ronde=world.ronde, dry_run=False, source=exported(existing))
    (row,) = result.rows
    assert (row.action, row.errors, row.notes, row.changes) == (UNCHANGED, [], [], [])
    assert Registratie.objects.values().get(pk=existing.pk) == before


def _recheck(world, code, scenario, cell):
    assert cell is Outcome.FLAG
    if code in NEVER_STORED:
        with pytest.raises(IntegrityError), transaction.atomic():
            world.store(rechtsvorm="feitelijke_vereniging")
        return
    existing = world.store(**scenario.stored)
    register_check.registraties_recheck_register(registraties=Registratie.objects.filter(pk=existing.pk))
    existing.refresh_from_db()
    assert flags_for(code, scenario) in existing.vlaggen


CALLERS = {Path.FORM: _form, Path.EDIT_LINK: _edit_link, Path.STAFF_EDIT: _staff_edit,
           Path.IMPORT_NEW: _import_new, Path.IMPORT_CHANGED: _import_changed,
           Path.IMPORT_UNCHANGED: _import_unchanged, Path.RECHECK: _recheck}


@pytest.mark.parametrize("code, path", [(code, path) for code, path in CELLS if code in SCENARIOS])
def test_each_condition_does_what_its_cell_says_on_the_real_path(world, code, path):
    scenario = SCENARIOS[code]
    world.load(scenario.register)
    CALLERS[path](world, code, scenario, TABLE[code][path])


@pytest.mark.parametrize("code, path", [(code, path) for code, path in CELLS if code in DIFFERENCES])
def test_each_difference_with_the_register_does_what_its_cell_says_on_the_real_path(world, code,
                                                                                    path):
    """Seat, legal form or name other than the register's: a finding for staff, never a
    refusal; an unchanged import row is not judged, so it keeps what it had."""
    world.load({NUMBER: DIFFERENCE_REGISTERS[code]})
    finding, cell = DIFFERENCES[code], TABLE[code][path]
    answers = {"naam": "Precisietechniek Vereniging"} if code == "kbo_naam_verschilt" else {}
    if path is Path.FORM:
        assert Client().post("/interesse/", form_data(**answers)).status_code == 303
        judged = Registratie.objects.get()
    elif path is Path.IMPORT_NEW:
        content = exported(world.store(ronde=world.other_round, **answers))
        assert registraties_import(ronde=world.ronde, source=content, dry_run=False).saved
        judged = Registratie.objects.get(ronde=world.ronde)
    else:
        existing = world.store(**answers)
        assert existing.kbo_bevindingen == []  # stored before the register said otherwise
        if path in (Path.EDIT_LINK, Path.STAFF_EDIT):
            token, hashed = services.new_token()
            Registratie.objects.filter(pk=existing.pk).update(wijzig_token_hash=hashed)
            url = (f"/beheer/registraties/registratie/{existing.pk}/change/"
                   if path is Path.STAFF_EDIT else f"/interesse/wijzigen/{token}/")
            client = world.staff() if path is Path.STAFF_EDIT else Client()
            response = client.post(url, {**post_data(existing, **INNOCENT), "_save": "1"})
            assert response.status_code in (302, 303)
        elif path in (Path.IMPORT_CHANGED, Path.IMPORT_UNCHANGED):
            content = exported(existing)
            if path is Path.IMPORT_CHANGED:
                content = edited(content, INNOCENT)
            result = registraties_import(ronde=world.ronde, source=content, dry_run=False)
            assert [row.action for row in result.rows] == (
                [UPDATE] if path is Path.IMPORT_CHANGED else [UNCHANGED])
        else:
            register_check.registraties_recheck_register(registraties=Registratie.objects.all())
        judged = Registratie.objects.get(pk=existing.pk)
    assert (finding in judged.kbo_bevindingen) == (cell is Outcome.FLAG)


@pytest.mark.parametrize("path", [path for path in Path])
def test_the_duplicate_number_does_what_its_cell_says_on_the_real_path(world, path):
    cell = TABLE["dubbel"][path]
    first = world.store()
    if path is Path.FORM:
        response = Client().post("/interesse/", form_data())
        assert response.context["form"].has_error("ondernemingsnummer", "dubbel")
    elif path in (Path.EDIT_LINK, Path.STAFF_EDIT):
        second = world.store(ondernemingsnummer=OTHER)
        token, hashed = services.new_token()
        Registratie.objects.filter(pk=second.pk).update(wijzig_token_hash=hashed)
        url = (f"/beheer/registraties/registratie/{second.pk}/change/"
               if path is Path.STAFF_EDIT else f"/interesse/wijzigen/{token}/")
        client = world.staff() if path is Path.STAFF_EDIT else Client()
        response = client.post(url, {**post_data(second, ondernemingsnummer="0417.497.106"),
                                     "_save": "1"})
        form = response.context["adminform"].form if path is Path.STAFF_EDIT \
            else response.context["form"]
        assert form.has_error("ondernemingsnummer", "dubbel")
        assert Registratie.objects.get(pk=second.pk).ondernemingsnummer == OTHER
    elif path is Path.RECHECK:
        # Two registrations of a round never share a number: the database holds it, so the
        # re-check, which changes no number, has nothing to judge.
        with pytest.raises(services.DuplicateRegistration):
            world.store()
        assert register_check.registraties_recheck_register(
            registraties=Registratie.objects.all()).checked == 1
    else:
        source = first if path is not Path.IMPORT_NEW else \
            world.store(ronde=world.other_round, ondernemingsnummer=THIRD)
        content = exported(source)
        if path is Path.IMPORT_CHANGED:
            content = edited(content, INNOCENT)
        content = edited(content, {}, duplicate=True)
        rows = registraties_import(ronde=world.ronde, source=content).rows
        assert rows[1].action == ERROR
        assert "staat ook al in rij 2" in rows[1].errors[-1]
        assert rows[0].action == {Path.IMPORT_NEW: NEW, Path.IMPORT_CHANGED: UPDATE,
                                  Path.IMPORT_UNCHANGED: UNCHANGED}[path]
    assert cell is (Outcome.IGNORE if path is Path.RECHECK else Outcome.REFUSE)
