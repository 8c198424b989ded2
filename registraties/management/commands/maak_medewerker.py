"""Creates (or updates) a staff account in one of the roles Beoordelaar or Coördinator."""
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registraties.roles import COORDINATOR, REVIEWER, sync_roles

ROLES = {"beoordelaar": REVIEWER, "coordinator": COORDINATOR, "coördinator": COORDINATOR}


class Command(BaseCommand):
    help = ("Maakt een medewerker met toegang tot /beheer/ in de rol Beoordelaar of "
            "Coördinator. Zonder --wachtwoord krijgt de medewerker een willekeurig wachtwoord.")

    def add_arguments(self, parser):
        parser.add_argument("gebruikersnaam")
        parser.add_argument("--rol", required=True, choices=sorted(ROLES),
                            help="beoordelaar of coordinator")
        parser.add_argument("--email", default="")
        parser.add_argument("--voornaam", default="")
        parser.add_argument("--achternaam", default="")
        parser.add_argument("--wachtwoord", default="",
                            help="Laat leeg om een willekeurig wachtwoord te laten maken.")

    def handle(self, *args, gebruikersnaam, rol, email, voornaam, achternaam, wachtwoord,
               **options):
        if rol.lower() not in ROLES:
            raise CommandError(f"Onbekende rol '{rol}': kies beoordelaar of coordinator.")
        password = wachtwoord or secrets.token_urlsafe(12)
        with transaction.atomic():
            sync_roles()
            user, created = get_user_model().objects.get_or_create(username=gebruikersnaam)
            user.is_staff = True
            user.email = email or user.email
            user.first_name = voornaam or user.first_name
            user.last_name = achternaam or user.last_name
            if created or wachtwoord:
                user.set_password(password)
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=[REVIEWER, COORDINATOR]))
            user.groups.add(Group.objects.get(name=ROLES[rol.lower()]))
        action = "aangemaakt" if created else "bijgewerkt"
        self.stdout.write(self.style.SUCCESS(
            f"Medewerker '{gebruikersnaam}' {action} in de rol {ROLES[rol.lower()]}."))
        if created or wachtwoord:
            self.stdout.write(f"Wachtwoord: {password}")
