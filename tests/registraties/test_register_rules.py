"""The call's conditions against the enterprise register (eligibility.register_verdict, judge)."""
from datetime import date

import pytest

from kbo.selectors import NOT_LOADED, KboCheck, KboEntry
from registraties import eligibility
from registraties.constants import KboBevinding, KboControle

SNAPSHOT = date(2026, 4, 30)


def entry(**overrides) -> KboEntry:
    values = {"ondernemingsnummer": "0417497106", "naam": "Bouwfonds Vlaanderen", "actief": True,
              "rechtspersoon": True, "rechtsvorm_code": "017",
              "rechtsvorm": "Vereniging zonder winstoogmerk", "postcode": "9000",
              "gemeente": "Gent", "straat": "Kouter 1", "land": "", "gewest": "vlaanderen",
              "snapshot_datum": SNAPSHOT, **overrides}
    return KboEntry(**values)


def found(**overrides) -> KboCheck:
    return KboCheck(loaded=True, entry=entry(**overrides), snapshot_datum=SNAPSHOT)


NOT_IN_REGISTER = KboCheck(loaded=True, entry=None, snapshot_datum=SNAPSHOT)


def judge(check, **answers):
    values = {"rechtsvorm": "vzw", "postcode": 9000, "werking_vlaanderen": True,
              "toelichting_werking": "", "bereid_tot_partnerschap": True, **answers}
    judgement = eligibility.judge(path=eligibility.Path.FORM, check=check, **values)
    return judgement.verdict, judgement.refusals


def test_without_register_data_the_typed_answers_are_judged_and_nothing_is_verified():
    verdict, refusals = judge(NOT_LOADED)
    assert (verdict.controle, verdict.bevindingen, refusals) == (KboControle.NIET_GEVERIFIEERD,
                                                                 [], [])
    _, refusals = judge(NOT_LOADED, postcode=4000)
    assert [r.code for r in refusals] == ["zetel_wallonie"]


def test_a_registered_active_legal_person_with_the_same_seat_and_form_is_verified():
    verdict, refusals = judge(found())
    assert (verdict.controle, verdict.bevindingen, verdict.snapshot_datum) == (
        KboControle.GEVERIFIEERD, [], SNAPSHOT)
    assert refusals == []


@pytest.mark.parametrize("check, code, words", [
    (NOT_IN_REGISTER, "kbo_onbekend", "staat niet in de Kruispuntbank"),
    (found(actief=False), "kbo_gestopt", "stopgezet"),
    (found(rechtspersoon=False, rechtsvorm=""), "kbo_natuurlijk_persoon", "natuurlijk persoon"),
])
def test_an_unknown_stopped_or_natural_person_number_is_refused_on_the_number(check, code, words):
    verdict, refusals = judge(check)
    assert verdict.controle == KboControle.NIET_GEVONDEN
    (refusal,) = refusals
    assert (refusal.field, refusal.code) == ("ondernemingsnummer", code)
    assert words in refusal.message


def test_an_unknown_number_says_what_to_do():
    _, (refusal,) = judge(NOT_IN_REGISTER)
    assert refusal.message == (
        "Dit ondernemingsnummer staat niet in de Kruispuntbank van Ondernemingen (KBO). Kijk het "
        "nummer na, bijvoorbeeld op uw statuten of op kbopub.economie.fgov.be. Is uw organisatie "
        "pas opgericht en nog niet in de KBO opgenomen? Mail dan naar "
        "competentiechecks@esf-agentschap.be.")


def test_a_walloon_registered_office_is_refused_whatever_postcode_was_typed():
    verdict, refusals = judge(found(postcode="4000", gemeente="Luik", gewest="wallonie"),
                              postcode=9000)
    assert [(r.field, r.code) for r in refusals] == [("postcode", "kbo_zetel_wallonie")]
    assert "(4000 Luik)" in refusals[0].message
    assert verdict.bevindingen == [KboBevinding.ZETEL_WALLONIE]


def test_a_brussels_registered_office_asks_for_the_flemish_focus_even_with_a_flemish_postcode():
    brussels = found(postcode="1000", gemeente="Brussel", gewest="brussel")
    verdict, refusals = judge(brussels, postcode=9000)
    assert [r.code for r in refusals] == ["toelichting_brussel_ontbreekt"]
    assert verdict.bevindingen == [KboBevinding.ZETEL_VERSCHILT]
    _, refusals = judge(brussels, postcode=9000, toelichting_werking="Vooral Vlaamse leden.")
    assert refusals == []


def test_a_walloon_postcode_typed_for_a_flemish_registered_office_is_a_flag_not_a_refusal():
    verdict, refusals = judge(found(), postcode=4000)
    assert refusals == []
    assert (verdict.controle, verdict.bevindingen) == (KboControle.VERSCHILT,
                                                       [KboBevinding.ZETEL_VERSCHILT])


def test_a_registered_office_abroad_is_a_difference():
    verdict, refusals = judge(found(land="Nederland", postcode="4811", gewest=""))
    assert refusals == []
    assert verdict.bevindingen == [KboBevinding.ZETEL_VERSCHILT]


def test_the_registers_legal_form_replaces_the_typed_one_and_a_difference_is_recorded():
    verdict, refusals = judge(found(rechtsvorm="Besloten vennootschap"), rechtsvorm="vzw")
    assert refusals == []
    assert verdict.rechtsvorm == "vennootschap"
    assert verdict.bevindingen == [KboBevinding.RECHTSVORM_VERSCHILT]


def test_a_typed_feitelijke_vereniging_that_the_register_knows_as_a_vzw_is_asked_to_correct():
    verdict, refusals = judge(found(), rechtsvorm="feitelijke_vereniging")
    assert [(r.field, r.code) for r in refusals] == [("rechtsvorm", "kbo_rechtspersoon")]
    assert "Vereniging zonder winstoogmerk" in refusals[0].message


@pytest.mark.parametrize("description, form", [
    ("Vereniging zonder winstoogmerk", "vzw"),
    ("Internationale vereniging zonder winstoogmerk", "ivzw"),
    ("Private stichting", "stichting"), ("Stichting van openbaar nut", "stichting"),
    ("Naamloze vennootschap", "vennootschap"), ("Coöperatieve vennootschap", "vennootschap"),
    ("Openbare instelling", "publiekrechtelijk"), ("Beroepsvereniging", "beroepsvereniging"),
    ("Europees economisch samenwerkingsverband", None), ("", None),
])
def test_the_registers_legal_forms_map_onto_the_forms_choices(description, form):
    assert eligibility.rechtsvorm_in_register(description) == form
