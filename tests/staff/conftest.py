"""The registration the staff tests look at; staff in each role come from tests/conftest.py."""
import pytest


@pytest.fixture
def registratie(open_ronde):
    from tests.factories import make_registratie

    return make_registratie(open_ronde, naam="Bouwfonds Proef vzw", postcode="9000",
                            gemeente="Gent")

