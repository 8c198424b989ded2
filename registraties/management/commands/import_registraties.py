"""python manage.py import_registraties PAD.xlsx --ronde SLUG [--opslaan]: preview or import.

Runs the import in this process (no worker needed), under the same limits as the admin.
"""
import os

from django.core.management.base import BaseCommand, CommandError

from registraties.excel.imports import NEW, UNCHANGED, UPDATE, registraties_import
from registraties.excel.reader import ImportFileError, check_size
from verkenning.models import Ronde


class Command(BaseCommand):
    help = ("Leest registraties uit een Excel-bestand (.xlsx) met de kolommen van de export. "
            "Zonder --opslaan is het een voorvertoning; met --opslaan wordt alles of niets "
            "geïmporteerd.")

    def add_arguments(self, parser):
        parser.add_argument("pad", help="Het .xlsx-bestand.")
        parser.add_argument("--ronde", metavar="SLUG", required=True,
                            help="De ronde waarin geïmporteerd wordt (de slug).")
        parser.add_argument("--opslaan", action="store_true",
                            help="Echt importeren (anders alleen nakijken).")

    def handle(self, *args, pad: str, ronde: str, opslaan: bool = False, **options):
        try:
            target = Ronde.objects.get(slug=ronde)
        except Ronde.DoesNotExist as exc:
            raise CommandError(f"Geen ronde met slug '{ronde}'.") from exc
        try:
            check_size(os.path.getsize(pad))
            with open(pad, "rb") as handle:
                content = handle.read()
        except OSError as exc:
            raise CommandError(f"Kan '{pad}' niet lezen: {exc}") from exc
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        result = registraties_import(ronde=target, source=content, dry_run=not opslaan)
        for row in result.rows:
            self.stdout.write(f"Rij {row.number}: {row.action_label} – {row.naam}")
        if result.has_errors:
            raise CommandError("Er werd niets geïmporteerd:\n" + "\n".join(result.errors))
        summary = (f"{result.count(NEW)} nieuw, {result.count(UPDATE)} gewijzigd, "
                   f"{result.count(UNCHANGED)} ongewijzigd")
        if result.saved:
            self.stdout.write(self.style.SUCCESS(f"Geïmporteerd: {summary}."))
        else:
            self.stdout.write(f"Voorvertoning (niets opgeslagen): {summary}. "
                              "Gebruik --opslaan om te importeren.")
