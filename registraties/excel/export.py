"""Export of registrations to .xlsx (admin list, batch action and command)."""
from typing import BinaryIO

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from portaal.excel import write_xlsx

from ..models import Registratie
from .columns import RegistratieResource

PERSONAL_DATA_NOTICE = _(
    "Dit bestand bevat persoonsgegevens (contactpersonen van organisaties). Bewaar het "
    "beveiligd, deel het alleen met wie het voor de verkenningsronde nodig heeft en verwijder "
    "het als u het niet meer nodig hebt."
)


def registraties_export(*, queryset: QuerySet | None = None, target: str | BinaryIO) -> int:
    """Write the registrations of ``queryset`` (all by default) to an .xlsx file."""
    if queryset is None:
        queryset = Registratie.objects.all()
    resource = RegistratieResource()
    return write_xlsx(target=target, resource=resource, rows=resource.export_rows(queryset),
                      sheet_title=str(_("Registraties")), comments=str(PERSONAL_DATA_NOTICE))
