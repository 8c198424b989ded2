"""Creates (or updates) a staff account in one of the roles Beoordelaar or Coördinator."""

from django.core.management.base import BaseCommand, CommandError

from medewerkers.roles import COORDINATOR, REVIEWER, staff_user_save

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
        _user, created, password = staff_user_save(
            username=gebruikersnaam, role=ROLES[rol.lower()], password=wachtwoord, email=email,
            first_name=voornaam, last_name=achternaam)
        action = "aangemaakt" if created else "bijgewerkt"
        self.stdout.write(self.style.SUCCESS(
            f"Medewerker '{gebruikersnaam}' {action} in de rol {ROLES[rol.lower()]}."))
        if password:
            self.stdout.write(f"Wachtwoord: {password}")
