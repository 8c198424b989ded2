"""Loads an open demo round with fictitious registrations and prints a staff login."""
import random
import secrets
import tempfile
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from kbo.importer import kbo_import
from kbo.selectors import kbo_snapshot
from kbo.synthetic import synthetic_dump, synthetic_enterprises
from medewerkers.roles import COORDINATOR, REVIEWER, staff_user_save
from portaal import extensions
from registraties import register_check, services
from registraties.constants import RegistratieStatus
from registraties.demo import demo_answers, register_sector
from registraties.eligibility import rechtsvorm_in_register
from registraties.models import Registratie
from verkenning.models import Contactpersoon, Ronde

DEMO_SLUG = "demo"
# The made-up register `make run` loads: small enough to import in a second on SQLite.
KBO_DEMO_AANTAL, KBO_DEMO_SEED = 2000, 2021
STATUS_SPREAD = [RegistratieStatus.INGEDIEND] * 4 + [RegistratieStatus.IN_BEHANDELING] * 3 + \
    [RegistratieStatus.ONTVANKELIJK] * 3 + [RegistratieStatus.NIET_ONTVANKELIJK]


class Command(BaseCommand):
    help = "Maakt een open demoronde met fictieve registraties en een beheerdersaccount."

    def add_arguments(self, parser):
        parser.add_argument("--aantal", type=int, default=40)
        parser.add_argument("--host", default="127.0.0.1:8000",
                            help="Waar de server luistert (make run geeft zijn HOST door).")
        parser.add_argument("--force", action="store_true",
                            help="Ook uitvoeren als DEBUG uit staat.")

    def handle(self, *args, aantal, force, host, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demodata laden kan alleen met DEBUG aan (of met --force).")
        register = self._demo_register()
        with transaction.atomic():
            ronde, created = self._demo_round()
            if created:
                self._registrations(ronde, aantal, register)
        count = Registratie.objects.filter(ronde=ronde).count()
        self.stdout.write(self.style.SUCCESS(
            f"Demoronde '{ronde.titel}' staat open tot {timezone.localtime(ronde.sluit_op):%d/%m/%Y} "
            f"met {count} registraties."))
        # What other apps add to the demo round (partnerships, their conversations and
        # agreements): each adds only what is not there yet.
        for load in extensions.items(extensions.DEMO_CONTENT):
            for line in load(ronde, f"http://{host}"):
                self.stdout.write(self.style.SUCCESS(line))
        example = self._example(ronde)
        if kbo_snapshot() is not None and example is not None:
            self.stdout.write(self.style.SUCCESS(
                f"KBO: een verzonnen register is geladen; typ in het formulier bv. "
                f"{example.nummer[:4]}.{example.nummer[4:7]}.{example.nummer[7:]} "
                f"({example.naam})."))
        self.stdout.write(self.style.SUCCESS(f"Beheer: http://{host}/beheer/ — demo-accounts "
                                             "(nieuw wachtwoord bij elke start):"))
        for username, role in (("coordinator", COORDINATOR), ("beoordelaar", REVIEWER)):
            _user, _created, password = staff_user_save(
                username=username, role=role, password=secrets.token_urlsafe(9),
                email=f"{username}@example.be")
            self.stdout.write(self.style.SUCCESS(
                f"  {role:<12} gebruiker: {username:<12} wachtwoord: {password}"))

    @staticmethod
    def _example(ronde):
        """A number to try in the form: an active legal person of the register, with a
        Flemish seat and a Dutch name, that has not registered in the demo round yet."""
        taken = set(Registratie.objects.filter(ronde=ronde)
                    .values_list("ondernemingsnummer", flat=True))
        return next((e for e in synthetic_enterprises(KBO_DEMO_AANTAL, seed=KBO_DEMO_SEED)
                     if e.rechtspersoon and e.actief and e.heeft_adres and not e.land_nl
                     and e.naam_nl and e.postcode[0] in "2389" and e.nummer not in taken),
                    None)

    def _demo_round(self):
        template = Ronde.objects.filter(slug="competentiechecks-2021").first()
        now = timezone.now()
        existing = Ronde.objects.filter(slug=DEMO_SLUG).first()
        if existing is not None:
            if not existing.is_open(now):
                existing.opent_op = min(existing.opent_op, now - timedelta(days=14))
                existing.sluit_op = now + timedelta(days=30)
                existing.save(update_fields=["opent_op", "sluit_op"])
            return existing, False
        copied = {}
        if template is not None:
            for field in ("wat", "hoe", "wie", "voorwaarden", "doelgroep", "acties", "themas",
                          "partnerschap_acties", "voorbehoud", "infosessie_tekst"):
                copied[field] = getattr(template, field)
        ronde = Ronde.objects.create(
            titel="Wie maakt werk van competentiechecks in Vlaamse ondernemingen? (demo)",
            slug=DEMO_SLUG, ondertitel="Demoronde met fictieve gegevens",
            opent_op=now - timedelta(days=14), sluit_op=now + timedelta(days=30),
            referentie_prefix="DEMO",
            wanneer=f"Verkenningsronde: open tot {timezone.localtime(now + timedelta(days=30)):%d/%m/%Y}\n"
                    "Gesprekken en uitwerken subsidieoproep: daarna",
            **copied,
        )
        source = template.contactpersonen.all() if template else []
        Contactpersoon.objects.bulk_create(
            Contactpersoon(ronde=ronde, naam=c.naam, telefoon=c.telefoon, email=c.email,
                           volgorde=c.volgorde) for c in source)
        return ronde, True

    def _demo_register(self) -> list:
        """A made-up enterprise register (kbo/synthetic.py), when none is loaded yet; the
        numbers of its active legal persons, for the demo registrations."""
        if kbo_snapshot() is None:
            with tempfile.TemporaryDirectory() as folder:
                kbo_import(synthetic_dump(Path(folder) / "kbo", aantal=KBO_DEMO_AANTAL,
                                          seed=KBO_DEMO_SEED))
        return [e for e in synthetic_enterprises(KBO_DEMO_AANTAL, seed=KBO_DEMO_SEED)
                if e.rechtspersoon and e.actief and e.heeft_adres and not e.land_nl]

    def _registrations(self, ronde, aantal, register: list):
        rng = random.Random(7)
        now = timezone.now()
        # The register's organisations per sector word of their Dutch name, so that a demo
        # organisation takes the number (and most take the name) of one of its own sector.
        by_sector: dict[str, list] = defaultdict(list)
        for enterprise in register:
            for word in enterprise.naam_nl.split():
                by_sector[word].append(enterprise)
        for index, data in enumerate(demo_answers(aantal)):
            candidates = by_sector.get(register_sector(data))
            if candidates and index % 4:
                # Most demo organisations are in the register (one in four is not), and most
                # of those declared what it says; the others show staff a difference.
                enterprise = candidates.pop(0)
                data["ondernemingsnummer"] = enterprise.nummer
                if index % 3:
                    data.update(naam=enterprise.naam, straat=enterprise.straat,
                                postcode=enterprise.postcode, gemeente=enterprise.gemeente,
                                rechtsvorm=rechtsvorm_in_register(enterprise.rechtsvorm)
                                or data["rechtsvorm"])
            registratie = services.registratie_submit(ronde=ronde, data=data).registratie
            status = STATUS_SPREAD[index % len(STATUS_SPREAD)]
            submitted = ronde.opent_op + (now - ronde.opent_op) * (index + rng.random()) / aantal
            Registratie.objects.filter(pk=registratie.pk).update(
                ingediend_op=submitted, status=status,
                status_reden="Demo: geen netwerkorganisatie." if status == "niet_ontvankelijk"
                else "",
                status_gewijzigd_op=None if status == RegistratieStatus.INGEDIEND else now)
        # As after a register import: judged against it (verified, differs, not found).
        register_check.registraties_recheck_register(registraties=Registratie.objects.filter(ronde=ronde))
