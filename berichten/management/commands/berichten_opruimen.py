"""Delete sent and failed mails after a while: their rows name the recipient."""
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from berichten.constants import BerichtStatus
from berichten.models import Bericht


class Command(BaseCommand):
    help = ("Verwijdert verzonden en mislukte berichten die ouder zijn dan --dagen dagen "
            "(standaard 90). Wachtende berichten blijven staan.")

    def add_arguments(self, parser):
        parser.add_argument("--dagen", type=int, default=90)

    def handle(self, *, dagen: int, **options):
        grens = timezone.now() - timedelta(days=max(dagen, 0))
        deleted, _ = (Bericht.objects
                      .filter(status__in=[BerichtStatus.VERZONDEN, BerichtStatus.MISLUKT],
                              aangemaakt_op__lt=grens)
                      .delete())
        self.stdout.write(f"{deleted} bericht(en) verwijderd.")
