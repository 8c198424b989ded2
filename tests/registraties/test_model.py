"""Registratie created through the ORM directly (shell, scripts) gets what the form would give."""
import pytest

from registraties.models import Registratie

pytestmark = pytest.mark.django_db

ANSWERS = dict(rechtsvorm="vzw", type_organisatie="sectorfonds", straat="Markt 1",
               contact_naam="An", contact_email="an@fonds.be", themas=["doorgroei"],
               rollen=["regie"], sectoren="bouw", competentie_uitdagingen="BIM",
               werking_vlaanderen=True, bereid_tot_partnerschap=True, privacy_akkoord=True)


def test_objects_create_numbers_and_derives_like_the_form(open_ronde):
    first = Registratie.objects.create(ronde=open_ronde, naam="Fonds A",
                                       ondernemingsnummer="0417497106", postcode="1000",
                                       gemeente="Brussel", toelichting_werking="Vlaamse leden",
                                       **ANSWERS)
    second = Registratie.objects.create(ronde=open_ronde, naam="Fonds B",
                                        ondernemingsnummer="0403170701", postcode="3500",
                                        gemeente="Hasselt", **ANSWERS)
    prefix = open_ronde.referentie_prefix
    assert (first.referentie, second.referentie) == (f"{prefix}-0001", f"{prefix}-0002")
    assert (first.gewest, first.provincie, first.vlaggen) == ("brussel", "BRU", ["brussel_werking",
                                                                       "kbo_niet_geverifieerd"])
    assert (second.gewest, second.provincie, second.vlaggen) == ("vlaanderen", "VLI",
                                                                  ["kbo_niet_geverifieerd"])
    open_ronde.refresh_from_db()
    assert open_ronde.laatste_volgnummer == 2


def test_a_failed_create_leaves_no_gap(open_ronde):
    from django.db import IntegrityError, transaction

    Registratie.objects.create(ronde=open_ronde, naam="A", ondernemingsnummer="0417497106",
                               postcode="9000", gemeente="Gent", **ANSWERS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registratie.objects.create(ronde=open_ronde, naam="Dubbel",
                                   ondernemingsnummer="0417497106", postcode="9000",
                                   gemeente="Gent", **ANSWERS)
    third = Registratie.objects.create(ronde=open_ronde, naam="C", ondernemingsnummer="0403170701",
                                       postcode="9000", gemeente="Gent", **ANSWERS)
    assert third.referentie.endswith("-0002")


def test_partners_see_the_contact_person_only_with_consent(open_ronde):
    from tests.factories import make_registratie

    shared = make_registratie(open_ronde, toestemming_delen=True, contact_naam="An Peeters",
                              contact_email="an@voorbeeld.be")
    private = make_registratie(open_ronde, toestemming_delen=False)

    assert shared.contact_for_partners()["contact_naam"] == "An Peeters"
    assert shared.contact_for_partners()["contact_email"] == "an@voorbeeld.be"
    assert private.contact_for_partners() is None
