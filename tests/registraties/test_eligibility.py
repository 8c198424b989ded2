"""The call's three conditions and the review flags, at their boundaries."""
import pytest

from registraties import eligibility
from registraties.constants import Gewest, Provincie, Vlag


def refusals(**overrides):
    answers = {
        "rechtsvorm": "vzw",
        "postcode": 9000,
        "werking_vlaanderen": True,
        "toelichting_werking": "",
        "bereid_tot_partnerschap": True,
    }
    answers.update(overrides)
    return [(r.field, r.code) for r in eligibility.check_eligibility(**answers)]


@pytest.mark.parametrize("text, expected", [
    ("999", None), ("0999", None), ("1000", 1000), ("9999", 9999), ("10000", None),
    (" 1500 ", 1500), ("15OO", None), ("", None), (None, None), ("-100", None), ("١٥٠٠", None), ("1²00", None),
])
def test_postcode_is_a_belgian_number_between_1000_and_9999(text, expected):
    assert eligibility.parse_postcode(text) == expected


@pytest.mark.parametrize("postcode, gewest, provincie", [
    (1000, Gewest.BRUSSEL, Provincie.BRUSSEL),
    (1299, Gewest.BRUSSEL, Provincie.BRUSSEL),
    (1300, Gewest.WALLONIE, Provincie.WAALS_BRABANT),
    (1499, Gewest.WALLONIE, Provincie.WAALS_BRABANT),
    (1500, Gewest.VLAANDEREN, Provincie.VLAAMS_BRABANT),
    (2000, Gewest.VLAANDEREN, Provincie.ANTWERPEN),
    (3500, Gewest.VLAANDEREN, Provincie.LIMBURG),
    (3999, Gewest.VLAANDEREN, Provincie.LIMBURG),
    (4000, Gewest.WALLONIE, Provincie.LUIK),
    (7999, Gewest.WALLONIE, Provincie.HENEGOUWEN),
    (8000, Gewest.VLAANDEREN, Provincie.WEST_VLAANDEREN),
    (9999, Gewest.VLAANDEREN, Provincie.OOST_VLAANDEREN),
])
def test_region_and_province_follow_the_postcode(postcode, gewest, provincie):
    assert eligibility.region_for_postcode(postcode) == gewest
    assert eligibility.province_for_postcode(postcode) == provincie


@pytest.mark.parametrize("postcode", [1500, 2000, 3999, 8000, 9999])
def test_flemish_seat_with_flemish_operations_is_accepted(postcode):
    assert refusals(postcode=postcode) == []


@pytest.mark.parametrize("postcode", [1500, 3999, 8000, 9999])
def test_flemish_seat_without_flemish_operations_is_refused(postcode):
    assert refusals(postcode=postcode, werking_vlaanderen=False) == [
        ("werking_vlaanderen", "geen_werking_vlaanderen")]


@pytest.mark.parametrize("postcode", [1300, 1499, 4000, 7999])
def test_walloon_seat_is_refused(postcode):
    assert refusals(postcode=postcode) == [("postcode", "zetel_wallonie")]


def test_walloon_refusal_explains_the_condition_in_dutch():
    (refusal,) = eligibility.check_eligibility(
        rechtsvorm="vzw", postcode=1300, werking_vlaanderen=True, toelichting_werking="",
        bereid_tot_partnerschap=True)
    assert refusal.message == (
        "Uw zetel ligt in het Waals Gewest. Deelnemen kan alleen met een zetel in het Vlaams "
        "Gewest, of in het Brussels Hoofdstedelijk Gewest met een werking die vooral op de "
        "Vlaamse arbeidsmarkt gericht is.")


@pytest.mark.parametrize("postcode", [1000, 1299])
def test_brussels_seat_with_flemish_operations_and_explanation_is_accepted(postcode):
    assert refusals(postcode=postcode, toelichting_werking="70% van onze leden zit in Vlaanderen") == []


@pytest.mark.parametrize("toelichting", ["", "   \n "])
def test_brussels_seat_needs_an_explanation_of_its_flemish_operations(toelichting):
    assert refusals(postcode=1000, toelichting_werking=toelichting) == [
        ("toelichting_werking", "toelichting_brussel_ontbreekt")]


def test_brussels_seat_needs_flemish_operations_too():
    assert refusals(postcode=1299, werking_vlaanderen=False, toelichting_werking="uitleg") == [
        ("werking_vlaanderen", "geen_werking_vlaanderen")]


def test_flemish_seat_needs_no_explanation():
    assert refusals(postcode=1500, toelichting_werking="") == []


def test_feitelijke_vereniging_is_refused_with_the_advice_to_use_its_legal_entity():
    (refusal,) = eligibility.check_eligibility(
        rechtsvorm="feitelijke_vereniging", postcode=9000, werking_vlaanderen=True,
        toelichting_werking="", bereid_tot_partnerschap=True)
    assert (refusal.field, refusal.code) == ("rechtsvorm", "geen_rechtspersoonlijkheid")
    assert refusal.message == (
        "Een feitelijke vereniging heeft geen rechtspersoonlijkheid en kan niet deelnemen. "
        "Registreer via de rechtspersoon die uw organisatie vertegenwoordigt "
        "(bijvoorbeeld de vzw achter een vakbond of federatie).")


@pytest.mark.parametrize("rechtsvorm", ["vzw", "ivzw", "stichting", "fonds_bestaanszekerheid",
                                        "beroepsvereniging", "vennootschap",
                                        "publiekrechtelijk", "andere"])
def test_every_legal_entity_is_accepted(rechtsvorm):
    assert refusals(rechtsvorm=rechtsvorm) == []


def test_unwilling_to_partner_is_refused():
    assert refusals(bereid_tot_partnerschap=False) == [("bereid_tot_partnerschap", "niet_bereid")]


def test_every_failed_condition_is_reported_at_once():
    assert refusals(rechtsvorm="feitelijke_vereniging", postcode=1000, werking_vlaanderen=False,
                    bereid_tot_partnerschap=False) == [
        ("rechtsvorm", "geen_rechtspersoonlijkheid"),
        ("werking_vlaanderen", "geen_werking_vlaanderen"),
        ("toelichting_werking", "toelichting_brussel_ontbreekt"),
        ("bereid_tot_partnerschap", "niet_bereid"),
    ]


def flags(**overrides):
    """The answers' own flags: as for a registration the register confirmed."""
    answers = {"postcode": 9000, "rechtsvorm": "vzw", "type_organisatie": "sectorfonds",
               "aandeel_kleine_ondernemingen": 80, "kbo_controle": "geverifieerd"}
    answers.update(overrides)
    return eligibility.review_flags(**answers)


def test_plain_flemish_sector_fund_needs_no_review():
    assert flags() == []


@pytest.mark.parametrize("postcode, flagged", [(1000, True), (1299, True), (1500, False)])
def test_brussels_seat_is_flagged_for_review_of_its_flemish_focus(postcode, flagged):
    assert (Vlag.BRUSSEL_WERKING in flags(postcode=postcode)) is flagged


def test_other_legal_form_is_flagged_unless_the_register_confirms_a_legal_person():
    assert flags(rechtsvorm="andere", kbo_controle="niet_geverifieerd") == [
        Vlag.RECHTSVORM_ANDERE, Vlag.KBO_NIET_GEVERIFIEERD]
    assert flags(rechtsvorm="andere", kbo_controle="niet_gevonden") == [
        Vlag.RECHTSVORM_ANDERE, Vlag.KBO_NIET_GEVONDEN]
    assert flags(rechtsvorm="andere", kbo_controle="geverifieerd") == []
    assert flags(rechtsvorm="andere", kbo_controle="verschilt",
                 kbo_bevindingen=["rechtsvorm_verschilt"]) == [Vlag.KBO_RECHTSVORM]


def test_other_organisation_type_is_flagged():
    assert flags(type_organisatie="andere") == [Vlag.TYPE_ANDERE]


@pytest.mark.parametrize("aandeel, flagged", [(0, True), (49, True), (50, False), (100, False),
                                              (None, False)])
def test_member_base_of_mostly_large_companies_is_flagged(aandeel, flagged):
    assert (Vlag.GROTE_ONDERNEMINGEN in flags(aandeel_kleine_ondernemingen=aandeel)) is flagged


def test_province_codes_are_those_of_django_localflavor():
    from localflavor.be.be_provinces import PROVINCE_CHOICES

    from registraties.constants import Provincie

    assert set(Provincie.values) == {code for code, _label in PROVINCE_CHOICES}


def test_every_belgian_postcode_has_exactly_one_province():
    ranges = eligibility.PROVINCE_RANGES
    for first, last, province in ranges:
        assert 1000 <= first <= last <= 9999, (first, last)
        assert province in Provincie.values, province
    # No two ranges share a postcode (province_for_postcode would silently take the first).
    for a, (first_a, last_a, _p) in enumerate(ranges):
        for first_b, last_b, _q in ranges[a + 1:]:
            assert last_a < first_b or last_b < first_a, ((first_a, last_a), (first_b, last_b))
    for postcode in range(1000, 10000):
        matches = [province for first, last, province in ranges if first <= postcode <= last]
        assert len(matches) == 1, (postcode, matches)
        assert eligibility.province_for_postcode(postcode) == matches[0]
