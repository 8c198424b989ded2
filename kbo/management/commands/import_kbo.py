"""manage.py import_kbo PAD: import a KBO Open Data dump (full or update; ZIP or folder)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kbo.importer import KboImportError, kbo_import

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = _("Leest een bestand van KBO Open Data in (volledig of update; ZIP-bestand of map). "
             "De vorige gegevens blijven bruikbaar tot de import volledig klaar is.")

    def add_arguments(self, parser):
        parser.add_argument("pad", help=_("het ZIP-bestand of de uitgepakte map"))
        parser.add_argument("--stil", action="store_true", help=_("geen voortgangsbalken"))

    def handle(self, *, pad, stil=False, **options):
        try:
            report = kbo_import(pad, progress=not stil)
        except KboImportError as exc:
            raise CommandError(_("%(fout)s De vorige KBO-gegevens blijven ongewijzigd.") % {"fout": exc}) from exc
        except KeyboardInterrupt as exc:
            raise CommandError(_("Onderbroken: de vorige KBO-gegevens blijven ongewijzigd.")) from exc
        for error in report.fouten[:SHOWN_ERRORS]:
            self.stderr.write(str(error))
        if report.overgeslagen_rijen > SHOWN_ERRORS:
            self.stderr.write(_("… en nog %d overgeslagen rijen.") % (report.overgeslagen_rijen - SHOWN_ERRORS))
        rate = report.gelezen_rijen / report.duur_seconden if report.duur_seconden else 0
        lines = [
            _("KBO-import klaar: %(soort)s bestand van %(datum)s.") % {
                "soort": _("volledig") if report.extract_type == "full" else _("update"),
                "datum": report.snapshot_datum.strftime("%d-%m-%Y")},
            *(_("  %(bestand)s: %(gelezen)d rijen gelezen, %(fout)d overgeslagen") % {
                "bestand": name, "gelezen": count, "fout": report.overgeslagen.get(name, 0)}
              for name, count in report.gelezen.items()),
            _("  ondernemingen toegevoegd of gewijzigd: %d") % report.toegevoegd,
            _("  ondernemingen verwijderd: %d") % report.verwijderd,
            _("  ondernemingen in het register: %d") % report.aantal_ondernemingen,
            _("  duur: %(duur).1f s (%(snelheid)d rijen/s)") % {"duur": report.duur_seconden,
                                                               "snelheid": rate},
        ]
        self.stdout.write("\n".join(lines))
