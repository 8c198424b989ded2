"""Contact persons of old rounds are wiped, in the registrations and in their history."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from registraties import services
from registraties.models import Registratie
from registraties.retention import ANONYMISED_EMAIL
from tests.factories import RondeFactory, make_registratie

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_and_recent():
    now = timezone.now()
    old = RondeFactory(slug="oud", opent_op=now - timedelta(days=6 * 365 + 60),
                       sluit_op=now - timedelta(days=6 * 365))
    recent = RondeFactory(slug="recent", opent_op=now - timedelta(days=400),
                          sluit_op=now - timedelta(days=365))
    oud = make_registratie(old, contact_naam="An Oud", contact_email="an@oud.be")
    services.registratie_update(registratie=oud, data={"contact_telefoon": "09 111 11 11"})
    nieuw = make_registratie(recent, contact_naam="Bo Nieuw", contact_email="bo@nieuw.be")
    return oud, nieuw


def test_without_uitvoeren_the_command_only_counts(old_and_recent):
    out = StringIO()
    call_command("gegevens_opruimen", stdout=out)
    assert "Registraties te anonimiseren (niets gewijzigd): 1; versies in de geschiedenis: 2" \
        in out.getvalue()
    assert Registratie.objects.get(contact_naam="An Oud")


def test_old_rounds_lose_their_contact_persons_also_in_history(old_and_recent):
    oud, nieuw = old_and_recent
    call_command("gegevens_opruimen", "--uitvoeren", stdout=StringIO())
    oud.refresh_from_db()
    assert (oud.contact_naam, oud.contact_email, oud.contact_telefoon) == ("", ANONYMISED_EMAIL, "")
    assert oud.wijzig_token_hash is None
    assert oud.naam and oud.competentie_uitdagingen  # the organisation's answers stay
    assert set(oud.history.values_list("contact_naam", flat=True)) == {""}
    assert not Registratie.history.filter(contact_email="an@oud.be").exists()
    nieuw.refresh_from_db()
    assert nieuw.contact_email == "bo@nieuw.be"
    # Running again finds nothing left to do.
    out = StringIO()
    call_command("gegevens_opruimen", "--uitvoeren", stdout=out)
    assert "Registraties geanonimiseerd: 0; versies in de geschiedenis: 0" in out.getvalue()
