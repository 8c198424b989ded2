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
