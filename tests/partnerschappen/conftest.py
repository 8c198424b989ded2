"""Registrations of one round for the partnership tests, with the statuses the rules care about."""
import pytest

from registraties.constants import RegistratieStatus
from registraties.models import Registratie
from tests.factories import make_registratie


def with_status(registratie: Registratie, status: str) -> Registratie:
    Registratie.objects.filter(pk=registratie.pk).update(status=status)
    registratie.status = status
    return registratie


@pytest.fixture
def registratie_factory(open_ronde):
    def make(ronde=None, *, status=RegistratieStatus.ONTVANKELIJK, **overrides):
        return with_status(make_registratie(ronde or open_ronde, **overrides), status)

    return make
