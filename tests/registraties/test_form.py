"""The public interest form at /interesse/, through the test client."""
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from registraties.constants import Vlag
from registraties.models import Registratie
from tests.factories import RondeFactory, form_data, make_registratie

pytestmark = pytest.mark.django_db

URL = "/interesse/"

MSG_VORM = ("Geef een Belgisch ondernemingsnummer van tien cijfers, bijvoorbeeld 0417.497.106 of "
            "BE0417497106.")
MSG_CONTROLE = ("Dit ondernemingsnummer bestaat niet: het controlegetal klopt niet. Kijk het na in de "
                "Kruispuntbank van Ondernemingen (KBO).")
MSG_DUBBEL = ("Uw organisatie heeft zich voor deze ronde al geregistreerd met dit ondernemingsnummer. "
              "Gebruik de wijzigingslink uit uw bevestigingsmail om uw antwoorden aan te passen. "
              '<a href="/interesse/link-kwijt/">Link kwijt? Vraag een nieuwe wijzigingslink aan.</a>')


def post(client, **overrides):
    return client.post(URL, form_data(**overrides))


def assert_refused(response, message=None, field=None):
    """Re-rendered with the summary, the message at the field, and nothing saved."""
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="foutoverzicht"' in html
    if message is not None:
        assert escape(message) in html
    if field is not None:
        assert response.context["form"].has_error(field), response.context["form"].errors
        assert f'href="#id_{field}' in html
    assert Registratie.objects.count() == 0


def field_value(response, name):
    return response.context["form"][name].value()


# --- success --------------------------------------------------------------------------------

def test_valid_registration_redirects_with_303_to_the_confirmation(client, open_ronde):
    response = post(client)
    assert response.status_code == 303
    assert response["Location"] == "/interesse/bevestiging/"
    registratie = Registratie.objects.get()
    assert registratie.ronde == open_ronde
    assert registratie.naam == "Bouwfonds Test vzw"
    assert registratie.themas == ["behoeftedetectie", "doorgroei"]
    assert registratie.status == "ingediend"


def test_confirmation_page_shows_the_reference_and_the_answers(client, open_ronde):
    open_ronde.referentie_prefix = "TEST21"
    open_ronde.save()
    response = client.post(URL, form_data(), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [("/interesse/bevestiging/", 303)]
    html = response.content.decode()
    assert "TEST21-0001" in html
    assert "Bouwfonds Test vzw" in html
    assert "0417.497.106" in html
    assert "Oost-Vlaanderen" in html


def test_references_are_numbered_per_round_without_gaps(client, open_ronde):
    open_ronde.referentie_prefix = "AAA"
    open_ronde.save()
    other = RondeFactory(referentie_prefix="BBB", opent_op=open_ronde.opent_op - timedelta(days=1))
    make_registratie(other)
    post(client, ondernemingsnummer="0417.497.106")
    post(client, ondernemingsnummer="0417.497.106")  # duplicate: refused, must not use a number
    post(client, ondernemingsnummer="0403.170.701")
    refs = sorted(Registratie.objects.filter(ronde=open_ronde).values_list("referentie", flat=True))
    assert refs == ["AAA-0001", "AAA-0002"]
    assert Registratie.objects.get(ronde=other).referentie == "BBB-0001"


def test_default_reference_prefix_is_cc_and_the_opening_year(client, open_ronde):
    post(client)
    year = timezone.localtime(open_ronde.opent_op).year
    assert re.fullmatch(rf"CC{year}-0001", Registratie.objects.get().referentie)


@pytest.mark.parametrize("postcode, gewest, provincie", [
    ("9000", "vlaanderen", "VOV"), ("1500", "vlaanderen", "VBR"), ("3999", "vlaanderen", "VLI"),
    ("8000", "vlaanderen", "VWV"), ("2000", "vlaanderen", "VAN"), ("1000", "brussel", "BRU"),
    ("1299", "brussel", "BRU"),
])
def test_region_and_province_are_derived_from_the_postcode(client, open_ronde, postcode, gewest,
                                                            provincie):
    response = post(client, postcode=postcode, toelichting_werking="Vooral Vlaamse leden.")
    assert response.status_code == 303
    registratie = Registratie.objects.get()
    assert (registratie.postcode, registratie.gewest, registratie.provincie) == (postcode, gewest,
                                                                                   provincie)


def test_review_flags_are_stored_for_staff(client, open_ronde):
    post(client, postcode="1000", toelichting_werking="Onze leden zijn Vlaamse kmo's.",
         rechtsvorm="andere", rechtsvorm_andere="coöperatie", type_organisatie="andere",
         type_andere="kenniscentrum", aandeel_kleine_ondernemingen="20")
    # Posted without the ALTCHA widget's answer (no JavaScript) and without register data
    # loaded: flagged for both too.
    assert Registratie.objects.get().vlaggen == [Vlag.BRUSSEL_WERKING, Vlag.RECHTSVORM_ANDERE,
                                                 Vlag.TYPE_ANDERE, Vlag.GROTE_ONDERNEMINGEN,
                                                 Vlag.KBO_NIET_GEVERIFIEERD,
                                                 Vlag.ZONDER_SPAMCONTROLE]


def test_optional_fields_may_stay_empty(client, open_ronde):
    response = post(client, website="", contact_functie="", contact_telefoon="", vaardigheden=None,
                    paritaire_comites="", aantal_ondernemingen="", aandeel_kleine_ondernemingen="",
                    keten="", gewenste_partners="", opmerkingen="", toestemming_delen=None)
    assert response.status_code == 303
    registratie = Registratie.objects.get()
    assert registratie.aantal_ondernemingen is None
    assert registratie.vaardigheden == []
    assert registratie.toestemming_delen is False


# --- enterprise number ----------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["0417.497.106", "BE0417497106", "417497106", "BE 0417 497 106",
                                   "be0417.497.106", "0417 497 106", "0417-497-106", " 0417497106 "])
def test_enterprise_number_in_any_usual_form_is_stored_as_ten_digits(client, open_ronde, typed):
    response = post(client, ondernemingsnummer=typed)
    assert response.status_code == 303
    assert Registratie.objects.get().ondernemingsnummer == "0417497106"


@pytest.mark.parametrize("typed", ["0417.497.107", "0417497105", "BE0417497116", "1417497106"])
def test_enterprise_number_with_a_wrong_checksum_is_refused(client, open_ronde, typed):
    assert_refused(post(client, ondernemingsnummer=typed), MSG_CONTROLE, "ondernemingsnummer")


@pytest.mark.parametrize("typed", ["12345678", "04174971060", "BE04174971", "abcdefghij",
                                   "0417.497.10x", "NL0417497106", "٠٤١٧٤٩٧١٠٦"])
def test_enterprise_number_of_the_wrong_length_or_shape_is_refused(client, open_ronde, typed):
    response = post(client, ondernemingsnummer=typed)
    assert_refused(response, field="ondernemingsnummer")
    assert response.context["form"].errors["ondernemingsnummer"] in ([MSG_VORM], [MSG_CONTROLE])


def test_refused_enterprise_number_keeps_what_the_user_typed(client, open_ronde):
    response = post(client, ondernemingsnummer="0417.497.107")
    assert 'value="0417.497.107"' in response.content.decode()


# --- required fields ------------------------------------------------------------------------

@pytest.mark.parametrize("field, message", [
    ("naam", "Vul de naam van uw organisatie in."),
    ("ondernemingsnummer", "Vul het ondernemingsnummer van uw organisatie in."),
    ("rechtsvorm", "Kies de rechtsvorm van uw organisatie."),
    ("type_organisatie", "Kies het type van uw organisatie."),
    ("straat", "Vul de straat en het nummer van uw zetel in."),
    ("postcode", "Vul de postcode van uw zetel in."),
    ("gemeente", "Vul de gemeente van uw zetel in."),
    ("contact_naam", "Vul de naam van de contactpersoon in."),
    ("contact_email", "Vul het e-mailadres van de contactpersoon in."),
    ("themas", "Kies minstens één thema."),
    ("rollen", "Kies minstens één actie die uw organisatie wil opnemen."),
    ("sectoren", "Vul in voor welke sectoren uw organisatie werkt."),
    ("competentie_uitdagingen", "Beschrijf kort de competentie-uitdagingen die u ziet."),
    ("privacy_akkoord", "Ga akkoord met de privacyverklaring om te kunnen registreren."),
    ("werking_vlaanderen", "Bevestig dat uw organisatie werkt in het Vlaams Gewest of zich richt op "
                           "de Vlaamse arbeidsmarkt. Zonder die werking kan uw organisatie niet "
                           "deelnemen."),
    ("bereid_tot_partnerschap", "Deelnemen kan alleen als uw organisatie bereid is in partnerschap "
                                "samen te werken. Vink dit aan als dat zo is."),
])
def test_each_required_field_is_asked_for_in_dutch(client, open_ronde, field, message):
    response = post(client, **{field: None})
    assert_refused(response, message, field)
    assert response.context["form"].errors[field] == [message]


@pytest.mark.parametrize("blank", ["", "   "])
def test_whitespace_only_counts_as_empty(client, open_ronde, blank):
    assert_refused(post(client, naam=blank), "Vul de naam van uw organisatie in.", "naam")


@pytest.mark.parametrize("overrides, field, message", [
    ({"rechtsvorm": "andere"}, "rechtsvorm_andere", "Vul in welke rechtsvorm uw organisatie heeft."),
    ({"type_organisatie": "andere"}, "type_andere", "Vul in welk type organisatie u bent."),
    ({"themas": ["andere"]}, "thema_andere", "U koos 'ander thema': vul in welk thema."),
    ({"postcode": "1000"}, "toelichting_werking",
     "Uw zetel ligt in Brussel: licht toe in welke mate uw activiteiten op de Vlaamse "
     "arbeidsmarkt gericht zijn."),
])
def test_follow_up_question_is_required_when_its_answer_calls_for_it(client, open_ronde, overrides,
                                                                       field, message):
    assert_refused(post(client, **overrides), message, field)


@pytest.mark.parametrize("overrides", [
    {"rechtsvorm": "andere", "rechtsvorm_andere": "coöperatieve vennootschap"},
    {"type_organisatie": "andere", "type_andere": "opleidingscentrum"},
    {"themas": ["andere"], "thema_andere": "onboarding"},
    {"postcode": "1000", "toelichting_werking": "80% van onze leden zit in Vlaanderen."},
])
def test_answered_follow_up_question_is_accepted(client, open_ronde, overrides):
    assert post(client, **overrides).status_code == 303


def test_contact_email_must_be_an_address(client, open_ronde):
    assert_refused(post(client, contact_email="an.peeters"),
                   "Geef een geldig e-mailadres, bv. naam@organisatie.be.", "contact_email")


def test_website_must_be_a_web_address(client, open_ronde):
    assert_refused(post(client, website="javascript:alert(1)"),
                   "Geef een geldig webadres, bv. https://www.voorbeeld.be.", "website")


def test_website_without_scheme_gets_https(client, open_ronde):
    post(client, website="www.bouwfonds-test.be")
    assert Registratie.objects.get().website == "https://www.bouwfonds-test.be"


# --- eligibility through the form -----------------------------------------------------------

@pytest.mark.parametrize("postcode", ["1300", "1499", "4000", "7999"])
def test_walloon_postcode_is_refused_by_the_form(client, open_ronde, postcode):
    assert_refused(post(client, postcode=postcode),
                   "Uw zetel ligt in het Waals Gewest. Deelnemen kan alleen met een zetel in het "
                   "Vlaams Gewest, of in het Brussels Hoofdstedelijk Gewest met een werking die "
                   "vooral op de Vlaamse arbeidsmarkt gericht is.", "postcode")


@pytest.mark.parametrize("postcode", ["999", "0999", "10000", "abcd", "12 3", "1²00"])
def test_postcode_outside_1000_9999_is_refused(client, open_ronde, postcode):
    assert_refused(post(client, postcode=postcode),
                   "Geef een Belgische postcode van vier cijfers (1000–9999).", "postcode")


@pytest.mark.parametrize("postcode", ["1000", "1299", "1500", "3999", "8000", "9999"])
def test_postcode_at_the_edge_of_an_accepted_region_is_accepted(client, open_ronde, postcode):
    assert post(client, postcode=postcode, toelichting_werking="Vlaamse werking.").status_code == 303


def test_feitelijke_vereniging_is_refused_with_advice(client, open_ronde):
    assert_refused(post(client, rechtsvorm="feitelijke_vereniging"),
                   "Een feitelijke vereniging heeft geen rechtspersoonlijkheid en kan niet "
                   "deelnemen. Registreer via de rechtspersoon die uw organisatie vertegenwoordigt "
                   "(bijvoorbeeld de vzw achter een vakbond of federatie).", "rechtsvorm")


# --- numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("aandeel", ["0", "50", "100"])
def test_share_of_small_companies_from_0_to_100_is_accepted(client, open_ronde, aandeel):
    assert post(client, aandeel_kleine_ondernemingen=aandeel).status_code == 303
    assert Registratie.objects.get().aandeel_kleine_ondernemingen == int(aandeel)


@pytest.mark.parametrize("aandeel", ["-1", "101", "1000000000000000000000", "80%", "tachtig",
                                     "1e2", "50.5"])
def test_share_of_small_companies_outside_0_100_is_refused(client, open_ronde, aandeel):
    response = post(client, aandeel_kleine_ondernemingen=aandeel)
    assert_refused(response, field="aandeel_kleine_ondernemingen")
    assert response.context["form"].errors["aandeel_kleine_ondernemingen"] == [
        "Geef een percentage tussen 0 en 100."]


@pytest.mark.parametrize("aantal, message", [
    ("-5", "Het aantal kan niet negatief zijn."),
    ("veel", "Geef een geheel getal, bv. 250."),
    ("²", "Geef een geheel getal, bv. 250."),
])
def test_number_of_companies_must_be_a_whole_number(client, open_ronde, aantal, message):
    assert_refused(post(client, aantal_ondernemingen=aantal), message, "aantal_ondernemingen")


def test_huge_number_of_companies_is_refused_not_crashed(client, open_ronde):
    assert_refused(post(client, aantal_ondernemingen="9" * 40), field="aantal_ondernemingen")


# --- hostile input --------------------------------------------------------------------------

SCRIPT = '<script>alert("x")</script>'


def test_markup_in_the_name_is_escaped_on_the_confirmation_page_and_in_mails(client, open_ronde):
    response = client.post(URL, form_data(naam=f"Fonds {SCRIPT}",
                                          opmerkingen=f"<img src=x onerror=alert(1)> {SCRIPT}"),
                           follow=True)
    html = response.content.decode()
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert escape(f"Fonds {SCRIPT}") in html
    assert Registratie.objects.get().naam == f"Fonds {SCRIPT}"
    for message in mail.outbox:
        (html_body, _mime), = message.alternatives
        assert SCRIPT not in html_body
        assert "<img src=x" not in html_body


def test_markup_in_a_refused_form_is_escaped(client, open_ronde):
    response = post(client, naam=SCRIPT, ondernemingsnummer=SCRIPT, postcode=SCRIPT)
    html = response.content.decode()
    assert SCRIPT not in html
    assert escape(SCRIPT) in html


def test_line_breaks_in_the_name_do_not_break_the_mails(client, open_ronde):
    response = post(client, naam="Fonds\r\nBcc: spam@example.test")
    assert response.status_code == 303
    assert Registratie.objects.get().naam == "Fonds Bcc: spam@example.test"
    assert len(mail.outbox) == 2
    assert all("\n" not in m.subject for m in mail.outbox)


@pytest.mark.parametrize("field, limit", [("naam", 200), ("straat", 200), ("gemeente", 100),
                                          ("sectoren", 500), ("paritaire_comites", 300),
                                          ("contact_telefoon", 40), ("competentie_uitdagingen", 4000),
                                          ("opmerkingen", 4000), ("keten", 4000)])
def test_very_long_text_is_refused_and_kept(client, open_ronde, field, limit):
    text = "x" * (limit + 1)
    response = post(client, **{field: text})
    assert_refused(response, field=field)
    assert field_value(response, field) == text


@pytest.mark.parametrize("field, limit", [("naam", 200), ("competentie_uitdagingen", 4000)])
def test_text_of_exactly_the_limit_is_accepted(client, open_ronde, field, limit):
    assert post(client, **{field: "x" * limit}).status_code == 303


@pytest.mark.parametrize("field", ["naam", "ondernemingsnummer", "postcode", "contact_email",
                                   "competentie_uitdagingen", "aantal_ondernemingen", "website"])
def test_null_bytes_are_refused_not_crashed(client, open_ronde, field):
    response = post(client, **{field: "abc\x00def"})
    assert_refused(response, field=field)


@pytest.mark.parametrize("field, value", [
    ("rechtsvorm", "nv"), ("type_organisatie", "<b>"), ("themas", ["behoeftedetectie", "hacken"]),
    ("rollen", ["regie", "baas"]), ("vaardigheden", ["vliegen"]),
])
def test_unknown_choice_values_are_refused(client, open_ronde, field, value):
    assert_refused(post(client, **{field: value}), field=field)


def test_refused_submission_keeps_everything_the_user_typed(client, open_ronde):
    typed = form_data(postcode="1300", rechtsvorm="andere", rechtsvorm_andere="coöperatie",
                      opmerkingen="Graag\nsamenwerken ‘met’ <iedereen> & co")
    response = client.post(URL, typed)
    assert_refused(response, field="postcode")
    form = response.context["form"]
    for name, value in typed.items():
        assert form[name].value() == (True if value == "on" else value), name
    html = response.content.decode()
    assert escape("Graag\nsamenwerken ‘met’ <iedereen> & co") in html
    assert 'value="coöperatie"' in html


def test_error_summary_links_to_each_field_in_form_order(client, open_ronde):
    response = post(client, naam="", postcode="1300", themas=None, privacy_akkoord=None)
    html = response.content.decode()
    summary = html[html.index('id="foutoverzicht"'):]
    summary = summary[:summary.index("</div>")]
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert anchors == ["id_naam", "id_postcode", "id_themas_0", "id_privacy_akkoord"]
    for anchor in anchors:
        assert f'id="{anchor}"' in html


def test_get_of_the_form_shows_every_contract_field(client, open_ronde):
    html = client.get(URL).content.decode()
    for name in form_data():
        assert f'name="{name}"' in html, name
    for legend in ["Voorwaarden", "Uw organisatie", "Zetel en werking", "Contactpersoon",
                   "Interesse en expertise", "Privacy"]:
        assert legend in html
    assert 'id="foutoverzicht"' not in html


def test_post_without_csrf_token_is_refused():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(URL, form_data())
    assert response.status_code == 403
    assert Registratie.objects.count() == 0


# --- round window ---------------------------------------------------------------------------

def test_closed_round_says_so_and_shows_no_form(client, closed_ronde):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deze verkenningsronde is afgesloten" in html
    assert 'name="naam"' not in html


def test_post_to_a_closed_round_saves_nothing(client, closed_ronde):
    response = post(client)
    assert "Deze verkenningsronde is afgesloten" in response.content.decode()
    assert Registratie.objects.count() == 0
    assert mail.outbox == []


def test_only_the_2021_round_means_the_form_is_closed(client):
    response = post(client)
    assert "Deze verkenningsronde is afgesloten" in response.content.decode()
    assert Registratie.objects.count() == 0


def test_round_not_yet_open_says_when_it_opens_and_saves_nothing(client):
    opens = timezone.now() + timedelta(days=3)
    RondeFactory(opent_op=opens, sluit_op=opens + timedelta(days=30))
    response = client.get(URL)
    html = response.content.decode()
    assert "Deze verkenningsronde is nog niet geopend." in html
    assert 'name="naam"' not in html
    post(client)
    assert Registratie.objects.count() == 0


def test_round_closing_between_get_and_post_saves_nothing(client, open_ronde):
    client.get(URL)
    open_ronde.sluit_op = timezone.now() - timedelta(seconds=1)
    open_ronde.save()
    response = post(client)
    assert "Deze verkenningsronde is afgesloten" in response.content.decode()
    assert Registratie.objects.count() == 0


def test_registration_goes_to_the_open_round_that_opened_last(client, open_ronde):
    newer = RondeFactory(opent_op=timezone.now() - timedelta(days=1))
    post(client)
    assert Registratie.objects.get().ronde == newer


# --- duplicates -----------------------------------------------------------------------------

def test_same_enterprise_number_twice_in_a_round_is_refused_with_a_way_to_edit(client, open_ronde):
    make_registratie(open_ronde, ondernemingsnummer="0417497106")
    response = post(client, ondernemingsnummer="BE 0417 497 106")
    assert response.status_code == 200
    assert response.context["form"].errors["ondernemingsnummer"] == [MSG_DUBBEL]
    html = response.content.decode()
    assert 'id="foutoverzicht"' in html
    # The message itself, on the number field and in the summary, links to "Link kwijt?".
    assert html.count(MSG_DUBBEL) == 2
    assert Registratie.objects.count() == 1


def test_same_enterprise_number_in_another_round_is_allowed(client, open_ronde, closed_ronde):
    make_registratie(closed_ronde, ondernemingsnummer="0417497106")
    assert post(client, ondernemingsnummer="0417.497.106").status_code == 303
    assert Registratie.objects.filter(ondernemingsnummer="0417497106").count() == 2


def test_two_rounds_opening_in_the_same_year_get_distinct_references(client, open_ronde,
                                                                      closed_ronde):
    make_registratie(closed_ronde)
    assert post(client).status_code == 303
    year = timezone.localtime(open_ronde.opent_op).year
    assert {closed_ronde.referentie_prefix, open_ronde.referentie_prefix} == {f"CC{year}",
                                                                          f"CC{year}B"}
    assert Registratie.objects.get(ronde=open_ronde).referentie.endswith("-0001")


def test_a_registration_adds_no_history_row_to_the_round(client, open_ronde):
    before = open_ronde.history.count()
    post(client)
    open_ronde.refresh_from_db()
    assert open_ronde.laatste_volgnummer == 1
    assert open_ronde.history.count() == before


# --- query counts ---------------------------------------------------------------------------

def test_form_get_uses_few_queries_whatever_the_data(client, open_ronde, django_assert_max_num_queries):
    for _ in range(15):
        make_registratie(open_ronde)
    with django_assert_max_num_queries(2):  # the round's times, the round to render the page
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(1):  # the round's times; the page comes from the cache
        assert client.get(URL).status_code == 200


def test_form_post_uses_few_queries_whatever_the_data(client, open_ronde,
                                                      django_assert_max_num_queries):
    from django.test import override_settings

    for _ in range(15):
        make_registratie(open_ronde)
    # As in production: the request queues the two mails (one INSERT for both, one task),
    # the worker renders and sends them. The round, the register's word on the number, its
    # reference number, the row and its history row, the mails and their task: 7, and the
    # savepoint pair the test's own transaction adds.
    with (override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}),
          django_assert_max_num_queries(9)):
        assert post(client).status_code == 303


def test_refused_post_uses_few_queries(client, open_ronde, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert post(client, postcode="1300").status_code == 200


def test_confirmation_page_uses_few_queries(client, open_ronde, django_assert_max_num_queries):
    post(client)
    with django_assert_max_num_queries(4):
        assert client.get("/interesse/bevestiging/").status_code == 200


def test_invalid_utf8_in_the_body_never_gives_a_500(client, open_ronde):
    from urllib.parse import urlencode

    body = urlencode(form_data(), doseq=True).encode().replace(b"Bouwfonds", b"Bouw\xff\xfefonds")
    response = client.post(URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 303)


def test_website_that_becomes_too_long_with_https_added_is_refused(client, open_ronde):
    website = "www." + "a" * 290 + ".be"  # 298 characters; 306 with https://
    assert_refused(post(client, website=website), field="website")


def test_empty_post_lists_every_missing_answer(client, open_ronde):
    response = client.post(URL, {})
    assert_refused(response)
    assert set(response.context["form"].errors) >= {
        "naam", "ondernemingsnummer", "rechtsvorm", "type_organisatie", "straat", "postcode",
        "gemeente", "contact_naam", "contact_email", "themas", "rollen", "sectoren",
        "competentie_uitdagingen", "privacy_akkoord", "bereid_tot_partnerschap"}


@pytest.mark.parametrize("typed, stored", [
    ("111, 200, 124.1", "111, 200, 124.1"),
    ("PC 111; PSC 200 en 124.1", "111, 200, 124.1"),
    ("330.01.10", "330.01.10"),
    ("111,111", "111"),
    ("", ""),
])
def test_joint_committees_are_stored_as_a_clean_list(client, open_ronde, typed, stored):
    assert post(client, paritaire_comites=typed).status_code == 303
    assert Registratie.objects.get().paritaire_comites == stored


@pytest.mark.parametrize("typed, wrong", [("abc; 200", "abc"), ("99999", "99999"), ("1, 2", "1")])
def test_joint_committee_that_is_no_number_is_refused(client, open_ronde, typed, wrong):
    response = post(client, paritaire_comites=typed)
    assert_refused(response, field="paritaire_comites",
                   message=f"'{wrong}' is geen nummer van een paritair comité. Geef de nummers "
                           "gescheiden door komma's, bv. 111, 200, 124.1.")
    assert field_value(response, "paritaire_comites") == typed


def test_confirmation_is_not_shown_again_after_half_an_hour(client, open_ronde, monkeypatch):
    import time

    assert post(client, naam="Vertrouwelijk Fonds").status_code == 303
    assert "Vertrouwelijk Fonds" in client.get("/interesse/bevestiging/").content.decode()
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    html = client.get("/interesse/bevestiging/").content.decode()
    assert "Vertrouwelijk Fonds" not in html
    assert "We vinden geen recente registratie in deze browsersessie." in html


# --- the empty form, rendered once ----------------------------------------------------------

def _csrf_tokens(html: str) -> list[str]:
    import re

    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_every_visitor_gets_the_cached_form_with_a_token_of_their_own(open_ronde):
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [first.get(URL), second.get(URL)]
    tokens = [_csrf_tokens(page.content.decode()) for page in pages]
    assert [len(found) for found in tokens] == [1, 1]  # one token, not crispy's second one
    assert tokens[0] != tokens[1]
    # Each token belongs to its own visitor's cookie: both can send the form.
    for client, (token,) in zip([first, second], tokens, strict=True):
        data = form_data(ondernemingsnummer="0417497106" if client is first else "0403170701")
        assert client.post(URL, {**data, "csrfmiddlewaretoken": token}).status_code == 303


def test_a_round_edited_in_the_admin_shows_on_the_cached_form_at_once(client, open_ronde):
    assert "Testronde" in client.get(URL).content.decode()
    open_ronde.titel = "Herwerkte ronde"
    open_ronde.save()
    html = client.get(URL).content.decode()
    assert "Herwerkte ronde" in html and "Testronde" not in html


def test_a_form_sent_back_with_errors_is_rendered_for_that_visitor_not_from_the_cache(
        client, open_ronde):
    client.get(URL)
    response = post(client, naam="Mijn <b>eigen</b> naam", postcode="12")
    html = response.content.decode()
    assert "Mijn &lt;b&gt;eigen&lt;/b&gt; naam" in html
    assert "Mijn &lt;b&gt;eigen&lt;/b&gt; naam" not in client.get(URL).content.decode()
