"""The admin page with suggested partnerships: read, drop a member, make a partnership."""
import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from partnerschappen.constants import LidRol, PartnerschapStatus
from partnerschappen.models import Partnerschap
from partnerschappen.suggestions import suggest_partnerships
from registraties.demo import demo_answers
from tests.synthetic import insert_round, synthetic_round

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:partnerschappen_partnerschap_suggesties")


@pytest.fixture
def demo_round(open_ronde):
    insert_round(open_ronde, demo_answers(40))
    return open_ronde


def staff_with(*codenames: str) -> User:
    user = User.objects.create_user(f"staff-{'-'.join(codenames) or 'none'}", password="x",
                                    is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_the_page_lists_the_suggestions_with_their_explanation(admin_client, demo_round):
    first = suggest_partnerships(ronde=demo_round)[0]

    response = admin_client.get(PAGE, {"ronde": demo_round.pk})

    assert response.status_code == 200
    assert first.naam in response.text
    assert "Waarom deze groep?" in response.text
    for registratie in first.registraties:
        assert registratie.naam in response.text
    assert "Maak hiervan een partnerschap" in response.text


def test_the_page_opens_on_the_current_round(admin_client, demo_round):
    response = admin_client.get(PAGE)

    assert response.status_code == 200
    assert suggest_partnerships(ronde=demo_round)[0].naam in response.text


def test_the_page_needs_a_flat_number_of_queries(admin_client, open_ronde,
                                                 django_assert_max_num_queries):
    insert_round(open_ronde, synthetic_round(40, seed=1).answers)
    with django_assert_max_num_queries(12) as small:
        admin_client.get(PAGE, {"ronde": open_ronde.pk})
    insert_round(open_ronde, synthetic_round(160, seed=2).answers)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(PAGE, {"ronde": open_ronde.pk})
    assert response.status_code == 200


def test_staff_turn_a_suggestion_into_a_partnership(admin_client, admin_user, demo_round):
    suggestion = suggest_partnerships(ronde=demo_round)[0]

    response = admin_client.post(PAGE, {"ronde": demo_round.pk, "suggestie": suggestion.key,
                                        "actie": "aanmaken"})

    partnerschap = Partnerschap.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:partnerschappen_partnerschap_change",
                                   args=[partnerschap.pk])
    assert partnerschap.status == PartnerschapStatus.VOORSTEL
    assert partnerschap.naam == suggestion.naam
    assert partnerschap.basis == suggestion.basis
    assert partnerschap.aangemaakt_door == admin_user
    assert sorted(partnerschap.lidmaatschappen.values_list("registratie_id", flat=True)) == \
        suggestion.members
    assert partnerschap.lidmaatschappen.get(rol=LidRol.REGISSEUR).registratie_id == \
        suggestion.regisseur
    assert suggestion.explanation[0] in partnerschap.notities
    # Its members are no longer suggested.
    assert not set(suggestion.members) & {
        pk for s in suggest_partnerships(ronde=demo_round) for pk in s.members}


def test_a_dropped_member_stays_out_of_the_partnership(admin_client, demo_round):
    suggestion = suggest_partnerships(ronde=demo_round)[0]
    dropped = suggestion.registraties[-1]

    response = admin_client.post(PAGE, {"ronde": demo_round.pk, "suggestie": suggestion.key,
                                        "actie": "weglaten", "registratie": dropped.pk})
    assert response.status_code == 302
    page = admin_client.get(PAGE, {"ronde": demo_round.pk})
    assert f"{dropped.naam} weggelaten uit de suggestie." in page.text
    assert "Herstellen" in page.text

    admin_client.post(PAGE, {"ronde": demo_round.pk, "suggestie": suggestion.key,
                             "actie": "aanmaken"})

    members = set(Partnerschap.objects.get().lidmaatschappen.values_list("registratie_id",
                                                                         flat=True))
    assert members == set(suggestion.members) - {dropped.pk}


def test_a_suggestion_that_no_longer_exists_is_not_created(admin_client, demo_round):
    response = admin_client.post(PAGE, {"ronde": demo_round.pk, "suggestie": "verouderd",
                                        "actie": "aanmaken"}, follow=True)

    assert not Partnerschap.objects.exists()
    assert "Deze suggestie bestaat niet meer" in response.text


def test_viewing_suggestions_needs_a_partnership_permission(client, demo_round):
    client.force_login(staff_with())

    assert client.get(PAGE).status_code == 403


def test_making_a_partnership_needs_the_add_permission(client, demo_round):
    client.force_login(staff_with("view_partnerschap"))
    suggestion = suggest_partnerships(ronde=demo_round)[0]

    page = client.get(PAGE, {"ronde": demo_round.pk})
    response = client.post(PAGE, {"ronde": demo_round.pk, "suggestie": suggestion.key,
                                  "actie": "aanmaken"})

    assert page.status_code == 200
    assert "Maak hiervan een partnerschap" not in page.text
    assert response.status_code == 403
    assert not Partnerschap.objects.exists()


def test_the_page_is_for_staff_only(client, demo_round):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/beheer/login/" in response.url


def test_making_a_partnership_needs_the_csrf_token(admin_user, demo_round):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    suggestion = suggest_partnerships(ronde=demo_round)[0]

    response = client.post(PAGE, {"ronde": demo_round.pk, "suggestie": suggestion.key,
                                  "actie": "aanmaken"})

    assert response.status_code == 403
    assert not Partnerschap.objects.exists()


def test_a_partnership_from_a_suggestion_gets_a_name_meant_for_members(admin_client,
                                                                       demo_round):
    suggestion = suggest_partnerships(ronde=demo_round)[0]
    admin_client.post(PAGE, {"ronde": demo_round.pk, "suggestie": suggestion.key,
                             "actie": "aanmaken"})

    naam = Partnerschap.objects.get().naam
    # What the members share, with a capital: no "Voorstel:" reaches an invitation.
    assert not naam.startswith("Voorstel")
    assert naam[0].isupper()
    sectors = [fact.label for fact in suggestion.facts_of("sector")][:2]
    assert naam == " en ".join(sectors).capitalize()


def test_the_same_name_twice_in_a_round_gets_a_number(admin_client, demo_round):
    suggestion = suggest_partnerships(ronde=demo_round)[0]
    Partnerschap.objects.create(ronde=demo_round, naam=suggestion.naam)
    Partnerschap.objects.create(ronde=demo_round, naam=f"{suggestion.naam} (2)")

    admin_client.post(PAGE, {"ronde": demo_round.pk, "suggestie": suggestion.key,
                             "actie": "aanmaken"})

    assert Partnerschap.objects.filter(naam=f"{suggestion.naam} (3)").exists()


def test_the_invitation_of_a_suggested_partnership_names_it_as_members_read_it(
        admin_client, demo_round):
    from django.core import mail

    from partnerschappen import gesprekken

    suggestion = suggest_partnerships(ronde=demo_round)[0]
    admin_client.post(PAGE, {"ronde": demo_round.pk, "suggestie": suggestion.key,
                             "actie": "aanmaken"})
    partnerschap = Partnerschap.objects.get()
    from tests.partnerschappen.gesprekken import plan

    gesprek = plan(partnerschap)
    mail.outbox.clear()
    gesprekken.gesprek_invite(gesprek=gesprek)
    assert mail.outbox
    for message in mail.outbox:
        assert f"gesprek over het partnerschap {partnerschap.naam} op" in message.subject
        assert "Voorstel" not in message.subject + message.body


def test_the_migration_renames_suggested_partnerships_already_made(open_ronde):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("partnerschappen.migrations.0003_namen_voor_leden")
    Partnerschap.objects.create(ronde=open_ronde, naam="Transport en logistiek")
    first = Partnerschap.objects.create(ronde=open_ronde, naam="Voorstel: transport en logistiek")
    second = Partnerschap.objects.create(ronde=open_ronde, naam="Voorstel: bouw")
    kept = Partnerschap.objects.create(ronde=open_ronde, naam="Bouw en renovatie")

    migration.rename(apps, None)

    names = {p.pk: p.naam for p in Partnerschap.objects.all()}
    assert names[first.pk] == "Transport en logistiek (2)"
    assert names[second.pk] == "Bouw"
    assert names[kept.pk] == "Bouw en renovatie"
