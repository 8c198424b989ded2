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


@pytest.fixture
def trio(open_ronde, registratie_factory):
    """A partnership of three: two share their contact details, one does not."""
    from partnerschappen import services

    a = registratie_factory(naam="Bouwfonds Oost vzw", contact_naam="An Aerts",
                            contact_email="an@bouw.test", contact_telefoon="09 111 11 11",
                            toestemming_delen=True)
    b = registratie_factory(naam="Installatiefederatie vzw", contact_naam="Bert Bos",
                            contact_email="bert@install.test", contact_telefoon="02 222 22 22",
                            toestemming_delen=True)
    c = registratie_factory(naam="Geheim Netwerk vzw", contact_naam="Carla Claes",
                            contact_email="carla@geheim.test", contact_telefoon="03 333 33 33",
                            toestemming_delen=False)
    return services.partnerschap_create(ronde=open_ronde, naam="Bouw en installatie",
                                        registraties=[a, b, c], regisseur=a)

