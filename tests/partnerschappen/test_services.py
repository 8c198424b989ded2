"""The partnership rules and warnings (partnerschappen.services)."""
import pytest
from django.core.exceptions import ValidationError

from partnerschappen import services
from partnerschappen.constants import LidRol, PartnerschapStatus
from partnerschappen.models import Lidmaatschap, Partnerschap
from registraties.constants import RegistratieStatus
from tests.factories import RondeFactory

pytestmark = pytest.mark.django_db


def messages_of(exc: pytest.ExceptionInfo) -> list[str]:
    return exc.value.messages


def test_a_partnership_is_created_with_its_members_and_their_actions(open_ronde, registratie_factory):
    a = registratie_factory(naam="Bouwfonds", rollen=["regie", "leren"])
    b = registratie_factory(naam="Installateurs", rollen=["communicatie"])

    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="Bouw", registraties=[a, b],
                                                regisseur=a)

    leden = {lid.registratie_id: lid for lid in partnerschap.lidmaatschappen.all()}
    assert leden[a.pk].rol == LidRol.REGISSEUR
    assert leden[a.pk].acties == ["regie", "leren"]
    assert leden[b.pk].rol == LidRol.PARTNER
    assert partnerschap.status == PartnerschapStatus.VOORSTEL


def test_a_member_from_another_round_is_refused(open_ronde, registratie_factory):
    other = registratie_factory(RondeFactory(titel="Ronde 2022"), naam="Elders vzw")
    a, b = registratie_factory(), registratie_factory()
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="P", registraties=[a, b])

    with pytest.raises(ValidationError) as exc:
        services.partnerschap_add_member(partnerschap=partnerschap, registratie=other)

    assert messages_of(exc) == [
        "Elders vzw hoort bij een andere ronde. Voeg alleen registraties van de ronde 'Testronde' toe."]
    assert not Lidmaatschap.objects.filter(registratie=other).exists()


def test_a_registration_that_is_not_eligible_cannot_join(open_ronde, registratie_factory):
    refused = registratie_factory(naam="Geweigerd vzw", status=RegistratieStatus.NIET_ONTVANKELIJK)

    with pytest.raises(ValidationError) as exc:
        services.partnerschap_create(ronde=open_ronde, naam="P",
                                     registraties=[refused, registratie_factory()])

    assert messages_of(exc) == [
        "Geweigerd vzw is niet ontvankelijk en kan geen lid worden van een partnerschap."]


def test_a_partnership_has_at_most_one_regisseur(open_ronde, registratie_factory):
    a, b, c = registratie_factory(), registratie_factory(), registratie_factory()
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="P", registraties=[a, c],
                                                regisseur=a)

    with pytest.raises(ValidationError) as exc:
        services.partnerschap_add_member(partnerschap=partnerschap, registratie=b,
                                         rol=LidRol.REGISSEUR)

    assert messages_of(exc) == [
        "Een partnerschap heeft hoogstens één regisseur. Duid één lid aan als regisseur en maak "
        "de andere leden partner."]


def test_the_database_also_refuses_a_second_regisseur(open_ronde, registratie_factory):
    from django.db import IntegrityError, transaction

    a, b, c = registratie_factory(), registratie_factory(), registratie_factory()
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="P", registraties=[a, c],
                                                regisseur=a)

    with pytest.raises(IntegrityError), transaction.atomic():
        Lidmaatschap.objects.create(partnerschap=partnerschap, registratie=b, rol=LidRol.REGISSEUR)


def test_a_registration_is_added_only_once(open_ronde, registratie_factory):
    a = registratie_factory(naam="Eenmaal vzw")
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="P",
                                                registraties=[a, registratie_factory()])

    with pytest.raises(ValidationError) as exc:
        services.partnerschap_add_member(partnerschap=partnerschap, registratie=a)

    assert messages_of(exc) == ["Eenmaal vzw is al lid van dit partnerschap."]


def test_a_partnership_needs_at_least_two_members(open_ronde, registratie_factory):
    alone = registratie_factory(naam="Alleen vzw")
    for members in ([], [alone], [alone, alone]):
        with pytest.raises(ValidationError) as exc:
            services.partnerschap_create(ronde=open_ronde, naam="P", registraties=members)
        assert messages_of(exc) == [
            "Een partnerschap heeft minstens 2 leden. Voeg leden toe of kies meer registraties."]
    assert not Partnerschap.objects.exists()


def test_removing_a_member_leaves_the_others(open_ronde, registratie_factory):
    a, b = registratie_factory(), registratie_factory()
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="P", registraties=[a, b])

    assert services.partnerschap_remove_member(partnerschap=partnerschap, registratie=a) is True
    assert services.partnerschap_remove_member(partnerschap=partnerschap, registratie=a) is False
    assert list(partnerschap.lidmaatschappen.values_list("registratie_id", flat=True)) == [b.pk]


def test_a_complete_reviewed_partnership_has_no_warnings(open_ronde, registratie_factory):
    a = registratie_factory(rollen=["regie", "leren"])
    b = registratie_factory(rollen=["communicatie", "competentiechecks"])
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="P", registraties=[a, b],
                                                regisseur=a)

    assert services.partnerschap_warnings(partnerschap=partnerschap) == []


def test_warnings_name_what_is_missing(open_ronde, registratie_factory):
    a = registratie_factory(naam="Alfa vzw", rollen=["leren"], status=RegistratieStatus.INGEDIEND)
    b = registratie_factory(naam="Beta vzw", rollen=["communicatie"],
                            status=RegistratieStatus.IN_BEHANDELING)
    c = registratie_factory(naam="Gamma vzw", rollen=["leren"])
    d = registratie_factory(naam="Delta vzw", rollen=["leren"])
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="Hier", registraties=[a, b, c])
    services.partnerschap_create(ronde=open_ronde, naam="Elders", registraties=[c, d])
    services.partnerschap_create(ronde=open_ronde, naam="Gestopt", registraties=[a, d],
                                 status=PartnerschapStatus.AFGEHAAKT)

    warnings = [str(w) for w in services.partnerschap_warnings(partnerschap=partnerschap)]

    assert warnings == [
        "Nog geen regisseur: duid het lid aan dat de regierol opneemt.",
        "Niemand neemt deze acties op: samenwerking (regierol), opzetten competentiechecks.",
        "Gamma vzw is ook lid van een ander actief partnerschap: Elders.",
        "Nog te beoordelen (ingediend of in behandeling): Alfa vzw, Beta vzw.",
    ]


def test_a_member_declared_not_eligible_later_is_flagged(open_ronde, registratie_factory):
    from tests.partnerschappen.conftest import with_status

    a = registratie_factory(naam="Later vzw", rollen=["regie", "leren", "communicatie",
                                                       "competentiechecks"])
    b = registratie_factory(naam="Blijft vzw", rollen=["leren"])
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="P", registraties=[a, b],
                                                regisseur=a)
    with_status(a, RegistratieStatus.NIET_ONTVANKELIJK)

    assert [w.code for w in services.partnerschap_warnings(partnerschap=partnerschap)] == [
        "niet_ontvankelijk"]


def test_warnings_of_many_partnerships_take_a_fixed_number_of_queries(
        open_ronde, registratie_factory, django_assert_num_queries):
    partnerschappen = []
    for _ in range(6):
        members = [registratie_factory(), registratie_factory()]
        partnerschappen.append(services.partnerschap_create(ronde=open_ronde, naam="P",
                                                            registraties=members))

    with django_assert_num_queries(2):
        services.warnings_for_partnerships(partnerschappen)


# ----- a selection of registrations at once (the registrations list's batch action) ---------

def test_a_selection_joins_an_existing_partnership_and_the_refused_are_told_why(
        open_ronde, registratie_factory):
    a, b = registratie_factory(naam="Alfa vzw"), registratie_factory(naam="Beta vzw")
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="P", registraties=[a, b])
    newcomer = registratie_factory(naam="Gamma vzw", rollen=["communicatie"])
    refused = registratie_factory(naam="Geweigerd vzw", status=RegistratieStatus.NIET_ONTVANKELIJK)
    elsewhere = registratie_factory(RondeFactory(titel="Ronde 2022"), naam="Elders vzw")

    outcome = services.partnerschap_add_registraties(
        registraties=[a, newcomer, refused, elsewhere], partnerschap=partnerschap)

    assert outcome.partnerschap == partnerschap
    assert outcome.added == [newcomer]
    assert {r.naam: exc.messages for r, exc in outcome.refused} == {
        "Alfa vzw": ["Alfa vzw is al lid van dit partnerschap."],
        "Geweigerd vzw": ["Geweigerd vzw is niet ontvankelijk en kan geen lid worden van een "
                          "partnerschap."],
        "Elders vzw": ["Elders vzw hoort bij een andere ronde. Voeg alleen registraties van de "
                       "ronde 'Testronde' toe."]}
    assert set(partnerschap.lidmaatschappen.values_list("registratie_id", flat=True)) == {
        a.pk, b.pk, newcomer.pk}
    assert partnerschap.lidmaatschappen.get(registratie=newcomer).acties == ["communicatie"]


def test_a_selection_becomes_a_new_partnership_of_those_who_qualify(
        open_ronde, registratie_factory, admin_user):
    a, b = registratie_factory(naam="Alfa vzw"), registratie_factory(naam="Beta vzw")
    refused = registratie_factory(naam="Geweigerd vzw", status=RegistratieStatus.NIET_ONTVANKELIJK)

    outcome = services.partnerschap_add_registraties(
        registraties=[a, refused, b], naam="  Bouw  ", basis="keten", user=admin_user)

    partnerschap = Partnerschap.objects.get()
    assert outcome.partnerschap == partnerschap and outcome.not_created is None
    assert (partnerschap.naam, partnerschap.basis, partnerschap.ronde) == ("Bouw", "keten", open_ronde)
    assert partnerschap.aangemaakt_door == admin_user
    assert outcome.added == [a, b]
    assert [r for r, _exc in outcome.refused] == [refused]
    assert set(partnerschap.lidmaatschappen.values_list("registratie_id", flat=True)) == {
        a.pk, b.pk}


def test_a_selection_with_one_that_qualifies_creates_nothing(open_ronde, registratie_factory):
    a = registratie_factory(naam="Alfa vzw")
    refused = registratie_factory(naam="Geweigerd vzw", status=RegistratieStatus.NIET_ONTVANKELIJK)

    outcome = services.partnerschap_add_registraties(registraties=[a, refused], naam="Bouw")

    assert outcome.partnerschap is None and outcome.added == []
    assert outcome.not_created.messages == [
        "Een partnerschap heeft minstens 2 leden. Voeg leden toe of kies meer registraties."]
    assert [r for r, _exc in outcome.refused] == [refused]
    assert not Partnerschap.objects.exists() and not Lidmaatschap.objects.exists()


def test_a_new_partnership_is_not_made_of_two_rounds(open_ronde, registratie_factory):
    a = registratie_factory()
    b = registratie_factory(RondeFactory(titel="Ronde 2022"))

    with pytest.raises(ValidationError) as exc:
        services.partnerschap_add_registraties(registraties=[a, b], naam="Bouw")

    assert messages_of(exc) == [
        "Selecteer registraties van één ronde: een partnerschap hoort bij één ronde."]
    assert not Partnerschap.objects.exists()


def test_memberships_in_an_active_partnership_leave_out_the_dropped_ones(open_ronde,
                                                                        registratie_factory):
    a, b = registratie_factory(), registratie_factory()
    active = services.partnerschap_create(ronde=open_ronde, naam="Actief", registraties=[a, b])
    services.partnerschap_create(ronde=open_ronde, naam="Afgehaakt", registraties=[a, b],
                                 status=PartnerschapStatus.AFGEHAAKT)

    assert set(Lidmaatschap.objects.in_active_partnership().values_list(
        "partnerschap__naam", flat=True)) == {active.naam}
