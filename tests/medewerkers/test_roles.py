"""The roles Beoordelaar and Coördinator and the command that creates staff in them."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from medewerkers.roles import COORDINATOR, REVIEWER, sync_roles

pytestmark = pytest.mark.django_db


def test_the_migration_creates_both_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {REVIEWER, COORDINATOR}


def test_reviewer_may_view_review_and_add_notes_but_not_edit_or_delete(reviewer):
    assert reviewer.has_perms(["registraties.view_registratie", "registraties.review_registratie",
                               "registraties.add_notitie", "registraties.view_notitie"])
    assert not reviewer.has_perm("registraties.change_registratie")
    assert not reviewer.has_perm("registraties.delete_registratie")
    assert not reviewer.has_perm("registraties.change_notitie")
    assert not reviewer.has_perm("registraties.delete_notitie")
    assert not reviewer.has_perm("registraties.export_registratie")
    # Partnerships and their conversations: read, never compose, plan or invite.
    assert reviewer.has_perms(["partnerschappen.view_partnerschap", "partnerschappen.view_gesprek",
                               "partnerschappen.view_uitnodiging"])
    assert not reviewer.has_perm("partnerschappen.change_partnerschap")
    assert not reviewer.has_perm("partnerschappen.add_gesprek")
    assert not reviewer.has_perm("partnerschappen.plan_gesprek")
    # Agreements: read them and who confirmed, never record or submit.
    assert reviewer.has_perms(["partnerschappen.view_afspraak", "partnerschappen.view_afspraaklid",
                               "partnerschappen.view_bevestiging"])
    assert not reviewer.has_perm("partnerschappen.leg_afspraak_vast")
    assert not reviewer.has_perm("partnerschappen.add_afspraak")


def test_coordinator_may_do_everything_with_registrations_partnerships_and_rounds(coordinator):
    assert coordinator.has_perms([
        "registraties.view_registratie", "registraties.change_registratie",
        "registraties.delete_registratie", "registraties.review_registratie",
        "registraties.export_registratie", "registraties.change_notitie",
        "registraties.delete_notitie", "verkenning.change_ronde",
        "partnerschappen.add_partnerschap", "partnerschappen.delete_partnerschap",
        "partnerschappen.change_lidmaatschap", "partnerschappen.plan_gesprek",
        "partnerschappen.leg_afspraak_vast", "partnerschappen.view_bevestiging",
    ])
    assert not coordinator.has_perm("auth.change_user")


def test_syncing_roles_again_changes_nothing():
    before = {g.name: set(g.permissions.values_list("pk", flat=True))
              for g in Group.objects.filter(name__in=[REVIEWER, COORDINATOR])}
    sync_roles()
    after = {g.name: set(g.permissions.values_list("pk", flat=True))
             for g in Group.objects.filter(name__in=[REVIEWER, COORDINATOR])}
    assert before == after


def test_command_creates_a_staff_user_in_the_chosen_role(capsys):
    call_command("maak_medewerker", "lies", "--rol", "beoordelaar", "--email", "lies@esf.test")
    user = get_user_model().objects.get(username="lies")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [REVIEWER]
    output = capsys.readouterr().out
    assert "Medewerker 'lies' aangemaakt in de rol Beoordelaar." in output
    assert "Wachtwoord: " in output


def test_command_moves_an_existing_user_to_the_other_role():
    call_command("maak_medewerker", "lies", "--rol", "beoordelaar")
    call_command("maak_medewerker", "lies", "--rol", "coordinator")
    user = get_user_model().objects.get(username="lies")
    assert list(user.groups.values_list("name", flat=True)) == [COORDINATOR]


def test_command_refuses_an_unknown_role():
    with pytest.raises(CommandError):
        call_command("maak_medewerker", "lies", "--rol", "baas")
