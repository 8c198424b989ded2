"""`manage.py demo_data`: what `make run` shows a new user."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from registraties.constants import RegistratieStatus
from registraties.models import Registratie
from verkenning.models import Ronde

pytestmark = pytest.mark.django_db


def test_demo_data_loads_an_open_round_beside_the_2021_round(settings):
    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())
    demo = Ronde.objects.get(slug="demo")
    assert demo.is_open()
    assert Ronde.objects.current() == demo
    assert Ronde.objects.filter(slug="competentiechecks-2021").exists()
    rows = Registratie.objects.filter(ronde=demo)
    assert rows.count() == 40
    assert set(rows.values_list("status", flat=True)) == set(RegistratieStatus.values)
    assert rows.values("provincie").distinct().count() >= 5
    assert rows.values("type_organisatie").distinct().count() >= 5


def test_demo_data_prints_a_working_login_per_role(settings, capsys):
    settings.DEBUG = True
    call_command("demo_data")
    out = capsys.readouterr().out
    for username, group in (("coordinator", "Coördinator"), ("beoordelaar", "Beoordelaar")):
        line = next(line for line in out.splitlines() if f"gebruiker: {username}" in line)
        password = line.rsplit("wachtwoord:", 1)[1].strip()
        user = get_user_model().objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert user.check_password(password)
        assert list(user.groups.values_list("name", flat=True)) == [group]


def test_demo_data_runs_twice_without_duplicating(settings):
    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())
    call_command("demo_data", stdout=io.StringIO())
    assert Registratie.objects.filter(ronde__slug="demo").count() == 40


def test_demo_data_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_data")


def test_demo_data_loads_a_made_up_register_and_the_registrations_are_judged_on_it(settings):
    from kbo.selectors import kbo_lookup, kbo_snapshot
    from registraties.constants import KboControle

    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert kbo_snapshot() is not None
    states = set(Registratie.objects.filter(ronde__slug="demo")
                 .values_list("kbo_controle", flat=True))
    assert states == {KboControle.GEVERIFIEERD, KboControle.VERSCHILT, KboControle.NIET_GEVONDEN}
    # The number the command suggests is offered by the form's lookup.
    line = next(line for line in out.getvalue().splitlines() if line.startswith("KBO:"))
    number = line.split("bv. ")[1].split(" ")[0]
    assert kbo_lookup(number).rechtspersoon


def test_the_number_suggested_for_the_form_is_active_in_the_register_and_not_registered(
        settings):
    from kbo import ondernemingsnummer
    from kbo.selectors import kbo_lookup

    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.startswith("KBO:"))
    number = ondernemingsnummer.normalise(line.split("bv. ")[1].split(" ")[0])
    entry = kbo_lookup(number)
    assert entry.rechtspersoon and entry.actief
    assert entry.naam in line
    assert not Registratie.objects.filter(ronde__slug="demo", ondernemingsnummer=number).exists()
    # Still free when the command runs again (make run on an existing database).
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert f"bv. {number[:4]}.{number[4:7]}.{number[7:]}" in out.getvalue()


def test_the_staff_address_printed_is_the_host_make_run_serves_on(settings):
    from pathlib import Path

    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_data", host="0.0.0.0:8123", stdout=out)
    assert "Beheer: http://0.0.0.0:8123/beheer/" in out.getvalue()
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    assert "manage.py demo_data --host $(HOST)" in makefile
    assert "manage.py runserver $(HOST)" in makefile


def test_demo_organisations_carry_names_of_their_own_sector(settings):
    """A name from the made-up register names one sector ("Vlaamse Federatie Textiel 25"); a
    demo organisation that carries such a name works in that very sector, so the suggestions'
    explanations (shared sector, who takes the regierol) read right."""
    from kbo.synthetic import SECTORS
    from registraties.demo import register_sector

    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())
    sector_words = {nl for nl, _fr in SECTORS}
    rows = list(Registratie.objects.filter(ronde__slug="demo"))
    named_by_register = 0
    for registratie in rows:
        words = set(registratie.naam.replace('"', " ").split()) & sector_words
        if words:
            named_by_register += 1
            assert words == {register_sector({"sectoren": registratie.sectoren})}, (
                registratie.naam, registratie.sectoren)
    assert named_by_register >= 10  # the register's names are still there to compare


def test_demo_data_has_a_formed_partnership_and_one_waiting_for_a_confirmation(settings, client):
    from partnerschappen import afspraken
    from partnerschappen.constants import PartnerschapStatus
    from partnerschappen.models import Partnerschap

    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    formed = Partnerschap.objects.get(ronde__slug="demo", naam="Demo: gevormd partnerschap")
    waiting = Partnerschap.objects.get(ronde__slug="demo", naam="Demo: wacht op bevestiging")
    assert formed.status == PartnerschapStatus.GEVORMD
    assert afspraken.partnerschap_confirmation(formed).complete
    assert waiting.status == PartnerschapStatus.IN_GESPREK
    count = afspraken.partnerschap_confirmation(waiting)
    assert count.bevestigd == 1 and count.missing
    for partnerschap in (formed, waiting):
        (gesprek,) = partnerschap.gesprekken.all()
        assert not gesprek.is_upcoming() and gesprek.verslag
    # The printed dossier link opens the page of a member still asked to confirm.
    line = next(line for line in out.getvalue().splitlines() if line.startswith("Dossier van"))
    path = "/interesse/" + line.split("/interesse/", 1)[1].split("#")[0]
    response = client.get(path)
    assert response.status_code == 200
    assert "Ik bevestig deze afspraken" in response.text
    # A second run adds nothing.
    call_command("demo_data", stdout=io.StringIO())
    assert Partnerschap.objects.filter(ronde__slug="demo").count() == 2
