"""Anonymises the contact persons of rounds closed longer ago than the retention period."""
from django.core.management.base import BaseCommand

from registraties.retention import RETENTION_YEARS, personal_data_anonymise


class Command(BaseCommand):
    help = ("Wist de contactpersonen (naam, functie, e-mail, telefoon) van registraties in "
            "rondes die langer dan de bewaartermijn gesloten zijn, ook in hun geschiedenis. "
            "Zonder --uitvoeren wordt alleen geteld.")

    def add_arguments(self, parser):
        parser.add_argument("--jaren", type=int, default=RETENTION_YEARS,
                            help=f"Bewaartermijn in jaren na het sluiten (standaard {RETENTION_YEARS}).")
        parser.add_argument("--uitvoeren", action="store_true",
                            help="Echt wissen in plaats van alleen tellen.")

    def handle(self, *args, jaren, uitvoeren, **options):
        result = personal_data_anonymise(years=jaren, dry_run=not uitvoeren)
        rondes = ", ".join(result.rondes) or "geen"
        verb = "geanonimiseerd" if uitvoeren else "te anonimiseren (niets gewijzigd)"
        self.stdout.write(f"Rondes gesloten voor meer dan {jaren} jaar: {rondes}")
        self.stdout.write(f"Registraties {verb}: {result.registraties}; "
                          f"versies in de geschiedenis: {result.history_rows}")
