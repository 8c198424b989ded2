"""Factories that keep related data consistent; registrations go through the real service."""
import random
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from medewerkers.roles import staff_user_save
from registraties import services
from registraties.demo import demo_answers, valid_ondernemingsnummer
from registraties.models import Registratie
from verkenning.models import Ronde

_rng = random.Random(42)


class RondeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ronde
        django_get_or_create = ("slug",)

    titel = factory.Sequence(lambda n: f"Ronde {n}")
    slug = factory.Sequence(lambda n: f"ronde-{n}")
    opent_op = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    sluit_op = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))


def form_data(**overrides) -> dict:
    """A valid POST body for the interest form; lists for multiple choices."""
    data = {
        "naam": "Bouwfonds Test vzw",
        "ondernemingsnummer": "0417.497.106",
        "rechtsvorm": "vzw",
        "rechtsvorm_andere": "",
        "type_organisatie": "sectorfonds",
        "type_andere": "",
        "website": "https://www.bouwfonds-test.be",
        "straat": "Kerkstraat 1",
        "postcode": "9000",
        "gemeente": "Gent",
        "werking_vlaanderen": "on",
        "toelichting_werking": "",
        "bereid_tot_partnerschap": "on",
        "contact_naam": "An Peeters",
        "contact_functie": "stafmedewerker",
        "contact_email": "an.peeters@bouwfonds-test.be",
        "contact_telefoon": "09 123 45 67",
        "themas": ["behoeftedetectie", "doorgroei"],
        "thema_andere": "",
        "vaardigheden": ["digitaal"],
        "rollen": ["regie", "leren"],
        "sectoren": "bouw",
        "paritaire_comites": "124",
        "aantal_ondernemingen": "250",
        "aandeel_kleine_ondernemingen": "80",
        "competentie_uitdagingen": "Digitale bouwplannen lezen en circulair bouwen.",
        "keten": "",
        "gewenste_partners": "",
        "opmerkingen": "",
        "toestemming_delen": "on",
        "privacy_akkoord": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def registratie_build(*, ronde, volgnummer: int, data: dict, **extra):
    """An unsaved registration numbered ``volgnummer`` with its answers and derived fields.

    For bulk loads (bulk_create in tests and benchmarks) that keep the round's counter
    right themselves; everything else goes through ``services.registratie_submit``.
    """
    registratie = Registratie(ronde=ronde, volgnummer=volgnummer,
                              referentie=ronde.format_referentie(volgnummer), **extra)
    services.apply_answers(registratie, data)
    return registratie


def make_registratie(ronde, **overrides):
    """A saved registration (through registratie_submit) with valid, varied answers.

    The answers that raise review flags other than the seat's are fixed, so a test's flags
    do not depend on which random answers the tests before it drew.
    """
    data = demo_answers(1, seed=_rng.randint(0, 10**9))[0]
    data["ondernemingsnummer"] = valid_ondernemingsnummer(_rng)
    data.update(rechtsvorm="vzw", rechtsvorm_andere="", type_organisatie="sectorfonds",
                type_andere="", aandeel_kleine_ondernemingen=80)
    data.update(overrides)
    return services.registratie_submit(ronde=ronde, data=data, check_open=False).registratie


def make_registraties(ronde, count: int, seed: int = 1):
    rows = demo_answers(count, seed=seed)
    return [services.registratie_submit(ronde=ronde, data=row, check_open=False).registratie
            for row in rows]


# ----- staff accounts (the fixtures in tests/conftest.py use these) ---------------------------

STAFF_PASSWORD = "x" * 16


def staff_member(username: str, role: str | None = None, *, first_name: str = "",
                 last_name: str = "", superuser: bool = False):
    """A staff account in ``role`` (made the way ``maak_medewerker`` makes one), or one
    without a role (the plumbing account with ``superuser=True``)."""
    first_name = first_name or username.capitalize()
    if role is None:
        return get_user_model().objects.create_user(username=username, password=STAFF_PASSWORD,
                                                    is_staff=True, is_superuser=superuser,
                                                    first_name=first_name, last_name=last_name)
    user, _created, _password = staff_user_save(username=username, role=role,
                                                password=STAFF_PASSWORD, first_name=first_name,
                                                last_name=last_name)
    return user


def logged_in(user):
    """A test client with ``user`` logged in (without the second factor: tests run with
    TWO_FACTOR_VERPLICHT off)."""
    client = Client()
    client.force_login(user)
    client.user = user
    return client
