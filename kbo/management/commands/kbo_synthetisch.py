"""manage.py kbo_synthetisch PAD --aantal N: a synthetic KBO Open Data dump (tests, demos)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kbo.synthetic import MAX_AANTAL, synthetic_dump


class Command(BaseCommand):
    help = _("Maakt een verzonnen KBO Open Data-bestand in de officiële indeling: even groot als "
             "gevraagd en voor dezelfde --seed altijd hetzelfde. Met --update: het updatebestand "
             "bij het volledige bestand van dezelfde --aantal en --seed.")

    def add_arguments(self, parser):
        parser.add_argument("pad", help=_("de map (of met --zip het ZIP-bestand) die gemaakt wordt"))
        parser.add_argument("--aantal", type=int, required=True, help=_("aantal ondernemingen"))
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--zip", action="store_true", help=_("één ZIP-bestand in plaats van een map"))
        parser.add_argument("--update", action="store_true", help=_("een updatebestand"))

    def handle(self, *, pad, aantal, seed, zip, update, **options):
        if not 1 <= aantal <= MAX_AANTAL:
            raise CommandError(_("--aantal moet tussen 1 en %d liggen.") % MAX_AANTAL)
        path = synthetic_dump(pad, aantal=aantal, seed=seed, update=update, as_zip=zip)
        self.stdout.write(_("Geschreven: %s") % path)
