"""Holds a round's registrations against the enterprise register as it is loaded now."""
from django.core.management.base import BaseCommand, CommandError

from registraties.models import Registratie
from registraties.register_check import registraties_recheck_register
from verkenning.models import Ronde


class Command(BaseCommand):
    help = ("Toetst alle registraties van een ronde opnieuw aan de KBO-gegevens zoals ze nu "
            "geladen zijn (na een nieuwe import_kbo). Wat verandert, staat in de geschiedenis "
            "van de registratie.")

    def add_arguments(self, parser):
        parser.add_argument("--ronde", required=True, help="De slug van de ronde.")

    def handle(self, *args, ronde, **options):
        gekozen = Ronde.objects.filter(slug=ronde).first()
        if gekozen is None:
            raise CommandError(f"Geen ronde met slug '{ronde}'.")
        result = registraties_recheck_register(
            registraties=Registratie.objects.filter(ronde=gekozen))
        if result.snapshot_datum is None:
            self.stdout.write("Er zijn geen KBO-gegevens geladen: alles blijft 'niet geverifieerd'.")
        else:
            self.stdout.write(f"KBO-gegevens van {result.snapshot_datum:%d-%m-%Y}.")
        self.stdout.write(f"Registraties getoetst: {result.checked}; met een ander oordeel: "
                          f"{result.changed}")
