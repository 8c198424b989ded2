"""Everything a person wrote, or that names a person, is wiped by erasure and by retention.

One declaration (registraties/personal_data.py) says, per model that holds personal data,
what each text field is. These tests fail when a model gets a text field nobody declared,
when a model about a registration is not declared at all, and when erasure or retention
leaves a declared field as it was.
"""
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from berichten.models import Bericht
from partnerschappen import afspraken, gesprekken
from partnerschappen import services as partnerships
from partnerschappen.models import Uitnodiging
from registraties import review
from registraties.models import Registratie
from registraties.personal_data import (
    ANONYMISED_EMAIL,
    ANONYMISED_TEXT,
    CONTACT,
    MAY_NAME,
    OWN_WORDS,
    TEXT_FIELD_TYPES,
    declared,
)
from registraties.privacy import contact_person_erase
from registraties.retention import personal_data_anonymise
from tests.factories import RondeFactory, make_registratie
from tests.partnerschappen.afspraken import record as record_agreement

pytestmark = pytest.mark.django_db

NAME, EMAIL = "An Peeters", "an.peeters@bouwfonds-test.be"
ABOUT_THEM = f"Gesprek met {NAME} ({EMAIL}) over de planning."


def text_fields(model) -> set[str]:
    return {field.name for field in model._meta.concrete_fields
            if field.get_internal_type() in TEXT_FIELD_TYPES}


def test_every_text_field_of_a_declared_model_is_declared_and_every_declared_one_exists():
    for coverage in declared():
        fields = text_fields(coverage.model)
        label = coverage.model._meta.label
        assert set(coverage.fields) - fields == set(), f"{label}: verklaard maar bestaat niet"
        assert fields - set(coverage.fields) == set(), (
            f"{label}: nieuwe tekstvelden zonder verklaring in personal_data.py: zeg of ze "
            f"persoonsgegevens zijn en hoe wissen en bewaartermijn ze behandelen")


def test_every_model_about_a_registration_and_its_history_is_declared():
    covered = {coverage.model for coverage in declared()}
    registratie = apps.get_model("registraties", "Registratie")
    for model in apps.get_models():
        about_a_registration = any(getattr(field, "related_model", None) is registratie
                                   for field in model._meta.concrete_fields)
        if about_a_registration or model is registratie:
            assert model in covered, model._meta.label
            history = getattr(model, "history", None)
            if history is not None and hasattr(history, "model"):
                assert history.model in covered, history.model._meta.label
    assert {"partnerschappen.Uitnodiging", "partnerschappen.HistoricalUitnodiging",
            "berichten.Bericht"} <= {coverage.model._meta.label for coverage in declared()}
    uitnodiging = next(c for c in declared() if c.model is Uitnodiging)
    assert uitnodiging.fields["opmerking"] == OWN_WORDS


@pytest.fixture
def person():
    """A contact person named in every declared field about their registration."""
    now = timezone.now()
    ronde = RondeFactory(slug="oud", opent_op=now - timedelta(days=6 * 365 + 60),
                         sluit_op=now - timedelta(days=6 * 365))
    theirs = make_registratie(ronde, naam="Bouwfonds vzw", contact_naam=NAME,
                              contact_email=EMAIL)
    other = make_registratie(ronde, naam="Installatiefonds vzw", contact_naam="Bo Bos",
                             contact_email="bo@install-test.be")
    staff = apps.get_model("auth", "User").objects.create_user("cor", is_staff=True)
    review.notitie_add(registratie=theirs, auteur=staff, tekst="Nagaan")
    for registratie in (theirs, other):
        review.registratie_change_status(registratie=registratie, status="ontvankelijk",
                                         reden="In orde", door=staff)
    partnerschap = partnerships.partnerschap_create(ronde=ronde, naam="Bouw",
                                                    registraties=[theirs, other], regisseur=theirs)
    gesprek = gesprekken.gesprek_plan(partnerschap=partnerschap,
                                        begint_op=now + timedelta(days=3), duur_minuten=60,
                                        plaats="Gent", agenda="Kennismaking")
    gesprekken.gesprek_invite(gesprek=gesprek)
    uitnodiging = Uitnodiging.objects.get(registratie=theirs)
    gesprekken.uitnodiging_answer(uitnodiging=uitnodiging, antwoord="ander_moment",
                                    opmerking="Liever dinsdag")
    # The agreement after the conversation, on which they commented.
    afspraak = record_agreement(partnerschap)
    afspraken.afspraak_submit(afspraak=afspraak)
    afspraken.afspraak_answer(afspraak=afspraak, registratie=theirs, akkoord=False,
                              opmerking="Wij werken ook in Limburg.")
    ids = [theirs.pk]
    for coverage in declared():
        if coverage.about is None:
            continue
        rows = coverage.about(ids)
        assert rows.exists(), f"geen rij van {coverage.model._meta.label} om te toetsen"
        for name in coverage.of_kind(OWN_WORDS) + coverage.of_kind(MAY_NAME):
            rows.update(**{name: ABOUT_THEM})
    # The mails went out during the round, six years ago.
    Bericht.objects.filter(aan=EMAIL).update(tekst=ABOUT_THEM, html=ABOUT_THEM,
                                             onderwerp=ABOUT_THEM, bijlage=ABOUT_THEM,
                                             laatste_fout=f"550 <{EMAIL}> onbekend",
                                             aangemaakt_op=ronde.opent_op)
    return theirs, staff


def wipe_by(path: str, staff) -> None:
    if path == "wissen":
        contact_person_erase(email=EMAIL, by=staff)
    else:
        personal_data_anonymise(dry_run=False)


@pytest.mark.parametrize("path", ["wissen", "bewaartermijn"])
def test_erasure_and_retention_leave_nothing_that_names_the_person(person, path):
    theirs, staff = person
    wipe_by(path, staff)

    left = []
    for coverage in declared():
        label = coverage.model._meta.label
        if coverage.about is None:
            continue
        for row in coverage.about([theirs.pk]):
            for name, kind in coverage.fields.items():
                value = str(getattr(row, name))
                if kind in (CONTACT, OWN_WORDS, MAY_NAME) and (
                        "Peeters" in value or EMAIL in value):
                    left.append(f"{label}.{name}: {value[:60]}")
                if kind == OWN_WORDS:
                    assert value in ("", ANONYMISED_TEXT), f"{label}.{name}"
    for bericht in Bericht.objects.all():
        for name in ("aan", "onderwerp", "tekst", "html", "bijlage", "laatste_fout"):
            value = getattr(bericht, name)
            if "Peeters" in value or EMAIL in value:
                left.append(f"Bericht.{name}: {value[:60]}")
    assert left == []
    theirs.refresh_from_db()
    assert (theirs.contact_naam, theirs.contact_email) == ("", ANONYMISED_EMAIL)
    assert theirs.naam == "Bouwfonds vzw"  # the organisation's answers stay
    if path == "wissen":  # another person's data stay; retention wipes the whole round
        assert Registratie.objects.get(contact_email="bo@install-test.be").contact_naam == \
            "Bo Bos"


def test_a_members_remark_is_wiped_also_in_the_history_of_the_invitation(person):
    theirs, staff = person
    uitnodiging = Uitnodiging.objects.get(registratie=theirs)
    assert uitnodiging.history.exclude(opmerking="").exists()
    contact_person_erase(email=EMAIL, by=staff)
    uitnodiging.refresh_from_db()
    assert uitnodiging.opmerking == ANONYMISED_TEXT
    assert set(uitnodiging.history.values_list("opmerking", flat=True)) <= {"", ANONYMISED_TEXT}
