"""python manage.py bouwstenen PAD.pdf|PAD.docx [--ronde SLUG]: the building blocks of the
subsidy call of one round (the current one by default), as the staff page builds them."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerschappen.bouwstenen.tasks import bouwstenen_build_files
from verkenning.models import Ronde


class Command(BaseCommand):
    help = ("Maakt de bouwstenen voor de subsidieoproep van één ronde: een PDF (.pdf) of een "
            "bewerkbaar Word-bestand (.docx).")

    def add_arguments(self, parser):
        parser.add_argument("pad", help="Het bestand dat geschreven wordt: eindigt op .pdf of .docx.")
        parser.add_argument("--ronde", metavar="SLUG",
                            help="De ronde (de slug); zonder: de huidige ronde.")

    def handle(self, *args, pad: str, ronde: str | None = None, **options):
        suffix = Path(pad).suffix.lower()
        if suffix not in (".pdf", ".docx"):
            raise CommandError("Geef een bestandsnaam die eindigt op .pdf of .docx.")
        chosen = Ronde.objects.filter(slug=ronde).first() if ronde else Ronde.objects.current()
        if chosen is None:
            slugs = ", ".join(Ronde.objects.values_list("slug", flat=True)) or "geen"
            what = f"Geen ronde met slug '{ronde}'." if ronde else "Er is geen huidige ronde."
            raise CommandError(f"{what} Bestaande rondes: {slugs}.")
        pdf, docx = bouwstenen_build_files(ronde=chosen, pdf=suffix == ".pdf",
                                           docx=suffix == ".docx")
        try:
            Path(pad).write_bytes(pdf or docx)
        except OSError as exc:
            raise CommandError(f"Kan '{pad}' niet schrijven: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Bouwstenen van '{chosen.titel}' geschreven naar {pad}."))
