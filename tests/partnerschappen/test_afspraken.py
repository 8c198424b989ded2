"""The agreement's services: versions, the rules, putting it to the members, their answers."""
import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from berichten.models import Bericht
from partnerschappen import afspraken, gesprekken, services
from partnerschappen.constants import PartnerschapStatus
from partnerschappen.models import Afspraak, AfspraakLid, AfspraakLink, Bevestiging
from registraties import services as registratie_services

from .afspraken import confirm_all, member_inputs, record

pytestmark = pytest.mark.django_db


def members(trio):
    """The three in the order the pages list them: the regisseur, then by name."""
    return [lid.registratie for lid in afspraken.remaining_members(trio)]


def member(trio, naam):
    return trio.lidmaatschappen.get(registratie__naam=naam).registratie


def test_the_first_version_is_number_one_with_a_row_per_remaining_member(trio):
    afspraak = record(trio)
    assert afspraak.nummer == 1
    assert AfspraakLid.objects.filter(afspraak=afspraak).count() == 3
    regisseur = afspraak.leden.get(registratie__naam="Bouwfonds Oost vzw")
    assert regisseur.acties == ["regie", "leren"] and regisseur.has_regierol
    assert regisseur.provincies == ["VOV", "VWV"]


def test_every_change_is_a_new_version_and_the_old_one_stays_as_it_was(trio):
    first = record(trio)
    second = record(trio, doelgroep="Kleine installateurs")
    assert (first.nummer, second.nummer) == (1, 2)
    first.refresh_from_db()
    assert first.doelgroep == "Kleine bouwbedrijven in Oost- en West-Vlaanderen"
    assert afspraken.afspraak_current(trio) == second
    assert list(Afspraak.objects.filter(partnerschap=trio).values_list("nummer", flat=True)) \
        == [2, 1]


def test_saving_the_same_agreement_again_makes_no_new_version(trio):
    first = record(trio)
    again, created = afspraken.afspraak_save(
        partnerschap=trio, themas=["behoeftedetectie"],
        doelgroep="Kleine bouwbedrijven in Oost- en West-Vlaanderen",
        open_vragen="Mag een sectorfonds ook de regierol opnemen?",
        volgende_stap="Bouwfonds Oost schrijft een eerste plan.", leden=member_inputs(trio))
    assert (again, created) == (first, False)
    assert Afspraak.objects.filter(partnerschap=trio).count() == 1


def test_exactly_one_member_holds_the_regierol(trio):
    a, b, _c = members(trio)
    with pytest.raises(ValidationError) as nobody:
        record(trio, leden=member_inputs(trio, {a.pk: {"acties": ["leren"]}}))
    assert nobody.value.message_dict["leden"] == [str(afspraken.MSG_NO_REGIE)]
    with pytest.raises(ValidationError) as two:
        record(trio, leden=member_inputs(trio, {b.pk: {"acties": ["regie"]}}))
    assert two.value.message_dict["leden"] == [
        "Precies één organisatie neemt de regierol op; nu zijn het er 2: laat er één over."]
    assert not Afspraak.objects.exists()


def test_each_member_field_error_is_keyed_by_the_member_and_the_field(trio):
    _a, b, _c = members(trio)
    with pytest.raises(ValidationError) as refused:
        record(trio, doelgroep=" ", themas=[], leden=member_inputs(trio, {b.pk: {
            "acties": [], "sectoren": "", "provincies": ["WLG"], "bereik_ondernemingen": -1,
            "bijdrage": "x" * 1001}}))
    errors = refused.value.message_dict
    assert errors["doelgroep"] == [str(afspraken.MSG_NO_TARGET_GROUP)]
    assert errors["themas"] == [str(afspraken.MSG_NO_THEME)]
    assert errors[f"leden.{b.pk}.acties"] == [str(afspraken.MSG_NO_ACTION)]
    assert errors[f"leden.{b.pk}.sectoren"] == [str(afspraken.MSG_NO_SECTORS)]
    assert errors[f"leden.{b.pk}.provincies"] == [str(afspraken.MSG_NO_PROVINCE)]
    assert errors[f"leden.{b.pk}.bereik_ondernemingen"] == ["Geef een aantal tussen 0 en 1000000."]
    assert errors[f"leden.{b.pk}.bijdrage"] == [
        "Houd de bijdrage kort: hoogstens 1000 tekens."]


def test_the_agreement_describes_every_remaining_member_and_no_dropped_one(trio):
    c = member(trio, "Geheim Netwerk vzw")
    with pytest.raises(ValidationError) as refused:
        record(trio, leden=[lid for lid in member_inputs(trio) if lid.registratie_id != c.pk])
    assert refused.value.message_dict["leden"] == [str(afspraken.MSG_MEMBERS_DIFFER)]
    lid_c = trio.lidmaatschappen.get(registratie=c)
    gesprekken.lidmaatschap_drop(lidmaatschap=lid_c, reden="Geen tijd")
    afspraak = record(trio)
    assert set(afspraak.leden.values_list("registratie__naam", flat=True)) == {
        "Bouwfonds Oost vzw", "Installatiefederatie vzw"}


def test_submitting_mails_each_member_a_dossier_link_of_its_own(trio):
    afspraak = record(trio)
    mail.outbox.clear()
    assert afspraken.afspraak_submit(afspraak=afspraak, base="https://portaal.example.test") == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["an@bouw.test", "bert@install.test",
                                                    "carla@geheim.test"]
    (message,) = [m for m in mail.outbox if m.to == ["bert@install.test"]]
    assert message.subject == ("Ter bevestiging: de afspraken van het partnerschap Bouw en "
                               "installatie (versie 1)")
    assert "Beste Bert Bos," in message.body
    assert "Sector van Installatiefederatie vzw" in message.body
    assert "opzetten competentiechecks" in message.body
    assert "Mag een sectorfonds" not in message.body  # open questions are for ESF&DO
    start = message.body.index("https://portaal.example.test/gesprek/afspraak/")
    link = message.body[start:].split()[0]
    token = link.split("/afspraak/")[1].split("/")[0]
    # The mail's own link: it opens this registration's dossier, and it is not the edit link.
    assert afspraken.registratie_for_afspraak_link(token).naam == "Installatiefederatie vzw"
    assert registratie_services.registratie_for_token(token) is None
    assert AfspraakLink.objects.get(registratie__naam="Installatiefederatie vzw").token_hash \
        == registratie_services.token_hash(token)
    assert link.endswith("#afspraken")
    assert "De wijzigingslink uit eerdere e-mails blijft gewoon werken." in message.body
    html = message.alternatives[0][0]
    assert link in html
    # Rendered by the worker: the queued row held only the data.
    assert set(Bericht.objects.filter(soort="afspraak_ter_bevestiging")
               .values_list("tekst", "gegevens")) == {("", None)}
    afspraak.refresh_from_db()
    assert afspraak.voorgelegd_op is not None


def test_only_the_current_version_can_be_submitted_or_answered(trio):
    first = record(trio)
    afspraken.afspraak_submit(afspraak=first)
    record(trio, volgende_stap="Eerst een tweede gesprek.")
    with pytest.raises(ValidationError, match="nieuwere versie"):
        afspraken.afspraak_submit(afspraak=first)
    with pytest.raises(ValidationError, match="nieuwere versie"):
        afspraken.afspraak_answer(afspraak=first, registratie=members(trio)[0], akkoord=True)


def test_a_version_not_put_to_the_members_cannot_be_answered(trio):
    afspraak = record(trio)
    with pytest.raises(ValidationError, match="nog niet ter bevestiging"):
        afspraken.afspraak_answer(afspraak=afspraak, registratie=members(trio)[0], akkoord=True)


def test_a_member_confirms_or_comments_and_who_and_when_are_recorded(trio):
    afspraak = record(trio)
    afspraken.afspraak_submit(afspraak=afspraak)
    a, b = member(trio, "Bouwfonds Oost vzw"), member(trio, "Installatiefederatie vzw")
    confirmed = afspraken.afspraak_answer(afspraak=afspraak, registratie=a, akkoord=True)
    assert (confirmed.akkoord, confirmed.door) == (True, "An Aerts")
    assert confirmed.op is not None
    with pytest.raises(ValidationError) as empty:
        afspraken.afspraak_answer(afspraak=afspraak, registratie=b, akkoord=False, opmerking=" ")
    assert empty.value.message_dict["opmerking"] == [str(afspraken.MSG_COMMENT_REQUIRED)]
    afspraken.afspraak_answer(afspraak=afspraak, registratie=b, akkoord=False,
                              opmerking="Wij werken ook in Limburg.")
    count = afspraken.partnerschap_confirmation(trio)
    assert str(count) == "bevestigd door 1 van 3"
    assert count.commented == 1 and not count.complete
    # Answering again replaces the answer.
    afspraken.afspraak_answer(afspraak=afspraak, registratie=b, akkoord=True)
    assert Bevestiging.objects.filter(afspraak=afspraak).count() == 2
    assert str(afspraken.partnerschap_confirmation(trio)) == "bevestigd door 2 van 3"


def test_an_organisation_outside_the_version_cannot_answer_it(trio, registratie_factory):
    afspraak = record(trio)
    afspraken.afspraak_submit(afspraak=afspraak)
    stranger = registratie_factory(naam="Vreemde vzw")
    with pytest.raises(ValidationError, match="geen deel"):
        afspraken.afspraak_answer(afspraak=afspraak, registratie=stranger, akkoord=True)
    # A member that joined after the version was written has not confirmed it.
    services.partnerschap_add_member(partnerschap=trio, registratie=stranger)
    confirm_all(afspraak)
    assert str(afspraken.partnerschap_confirmation(trio)) == "bevestigd door 3 van 4"


def test_a_new_version_asks_every_member_again(trio):
    first = record(trio)
    afspraken.afspraak_submit(afspraak=first)
    confirm_all(first)
    assert afspraken.all_confirmed(trio)
    record(trio, doelgroep="Ook kleine installateurs")
    assert not afspraken.all_confirmed(trio)
    assert str(afspraken.partnerschap_confirmation(trio)) == "bevestigd door 0 van 3"


def test_no_agreement_yet_is_said_so(trio):
    count = afspraken.partnerschap_confirmation(trio)
    assert str(count) == "nog geen afspraak" and not count.complete


def test_a_dropped_partnership_takes_no_new_agreement(trio):
    gesprekken.partnerschap_drop(partnerschap=trio, reden="Gaat niet door")
    with pytest.raises(ValidationError, match="afgehaakt"):
        record(trio)
    assert not Afspraak.objects.filter(partnerschap=trio).exists()
    assert trio.status == PartnerschapStatus.VOORSTEL  # the caller's copy; the row dropped


# ----- the "gevormd" rule (enforced in gesprekken.partnerschap_form) ------------------------

def test_a_partnership_without_an_agreement_cannot_be_formed(trio):
    with pytest.raises(ValidationError) as refused:
        gesprekken.partnerschap_form(partnerschap=trio, reden="Goed gesprek")
    assert refused.value.messages == [
        "Een partnerschap wordt pas gevormd als elk lid dat niet afhaakte de huidige afspraak "
        "bevestigde (nu: nog geen afspraak). Leg de afspraak ter bevestiging voor, of vink "
        "‘Toch vormen’ aan en geef de reden."]
    trio.refresh_from_db()
    assert trio.status == PartnerschapStatus.VOORSTEL


def test_one_comment_instead_of_a_confirmation_keeps_it_from_being_formed(trio):
    afspraak = record(trio)
    afspraken.afspraak_submit(afspraak=afspraak)
    a, b, c = members(trio)
    for registratie in (a, b):
        afspraken.afspraak_answer(afspraak=afspraak, registratie=registratie, akkoord=True)
    afspraken.afspraak_answer(afspraak=afspraak, registratie=c, akkoord=False,
                              opmerking="Ons bereik klopt niet.")
    with pytest.raises(ValidationError, match=r"\(nu: bevestigd door 2 van 3\)"):
        gesprekken.partnerschap_form(partnerschap=trio, reden="Bijna")
    afspraken.afspraak_answer(afspraak=afspraak, registratie=c, akkoord=True)
    gesprekken.partnerschap_form(partnerschap=trio, reden="Iedereen bevestigde")
    trio.refresh_from_db()
    assert trio.status == PartnerschapStatus.GEVORMD
    assert trio.history.first().history_change_reason == "Status gewijzigd: gevormd"


def test_confirmations_of_an_older_version_do_not_count(trio):
    first = record(trio)
    afspraken.afspraak_submit(afspraak=first)
    confirm_all(first)
    record(trio, volgende_stap="Na het tweede gesprek")
    with pytest.raises(ValidationError, match="bevestigd door 0 van 3"):
        gesprekken.partnerschap_form(partnerschap=trio, reden="Toch")


def test_a_member_that_dropped_out_need_not_confirm(trio):
    c = member(trio, "Geheim Netwerk vzw")
    gesprekken.lidmaatschap_drop(lidmaatschap=trio.lidmaatschappen.get(registratie=c),
                                 reden="Weg")
    afspraak = record(trio)
    afspraken.afspraak_submit(afspraak=afspraak)
    confirm_all(afspraak)
    assert str(afspraken.partnerschap_confirmation(trio)) == "bevestigd door 2 van 2"
    gesprekken.partnerschap_form(partnerschap=trio, reden="De twee bevestigden")
    trio.refresh_from_db()
    assert trio.status == PartnerschapStatus.GEVORMD


def test_a_coordinator_overrides_with_a_reason_and_the_history_says_so(trio):
    from django.contrib.auth import get_user_model

    cora = get_user_model().objects.create_user("cora", is_staff=True)
    afspraak = record(trio)
    afspraken.afspraak_submit(afspraak=afspraak)
    afspraken.afspraak_answer(afspraak=afspraak, registratie=members(trio)[0], akkoord=True)
    with pytest.raises(ValidationError) as no_reason:
        gesprekken.partnerschap_form(partnerschap=trio, reden=" ", override=True, user=cora)
    assert "reden" in no_reason.value.message_dict
    gesprekken.partnerschap_form(partnerschap=trio, reden="Mondeling bevestigd op 3/10",
                                 override=True, user=cora)
    trio.refresh_from_db()
    assert (trio.status, trio.status_reden) == (PartnerschapStatus.GEVORMD,
                                                "Mondeling bevestigd op 3/10")
    last = trio.history.first()
    assert last.history_change_reason == (
        "Status gewijzigd: gevormd zonder alle bevestigingen (bevestigd door 1 van 3)")
    assert last.history_user == cora


def test_what_staff_typed_is_escaped_in_the_html_mail(trio):
    afspraak = record(trio, doelgroep='Kleine <script>alert("x")</script> bedrijven')
    mail.outbox.clear()
    afspraken.afspraak_submit(afspraak=afspraak)
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<script>alert("x")</script>' in mail.outbox[0].body  # the text part is plain text
