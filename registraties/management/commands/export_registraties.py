"""python manage.py export_registraties PAD.xlsx [--ronde SLUG]: registrations to Excel."""
from django.core.management.base import BaseCommand, CommandError

from registraties.excel.export import PERSONAL_DATA_NOTICE, registraties_export
from registraties.models import Registratie
from verkenning.models import Ronde


class Command(BaseCommand):
    help = "Exporteert de registraties (van één ronde of alle) naar een Excel-bestand (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("pad", help="Het .xlsx-bestand dat geschreven wordt.")
        parser.add_argument("--ronde", metavar="SLUG",
                            help="Alleen de registraties van deze ronde (de slug).")

    def handle(self, *args, pad: str, ronde: str | None = None, **options):
        if not pad.lower().endswith(".xlsx"):
            raise CommandError("Geef een bestandsnaam die eindigt op .xlsx.")
        queryset = Registratie.objects.all()
        if ronde:
            try:
                queryset = queryset.filter(ronde=Ronde.objects.get(slug=ronde))
            except Ronde.DoesNotExist as exc:
                slugs = ", ".join(Ronde.objects.values_list("slug", flat=True)) or "geen"
                raise CommandError(f"Geen ronde met slug '{ronde}'. Bestaande rondes: {slugs}.") from exc
        try:
            count = registraties_export(queryset=queryset, target=pad)
        except OSError as exc:
            raise CommandError(f"Kan '{pad}' niet schrijven: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"{count} registratie(s) geschreven naar {pad}."))
        self.stdout.write(str(PERSONAL_DATA_NOTICE))
