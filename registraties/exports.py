"""Streaming XLSX export: rows from a Resource's columns, written cell by cell in constant memory."""
import datetime
import tempfile
from collections.abc import Iterable
from typing import BinaryIO

import xlsxwriter
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Registratie
from .resources import FormulaSafeResource, RegistratieResource

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
PERSONAL_DATA_NOTICE = _(
    "Dit bestand bevat persoonsgegevens (contactpersonen van organisaties). Bewaar het "
    "beveiligd, deel het alleen met wie het voor de verkenningsronde nodig heeft en verwijder "
    "het als u het niet meer nodig hebt."
)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_xlsx(*, target: str | BinaryIO, resource: FormulaSafeResource, rows: Iterable,
               sheet_title: str) -> int:
    """Write a header and one row per object to ``target``; returns the number of rows.

    Every text goes through ``write_string`` (never a formula, never a URL or number guessed
    from text), numbers and dates keep their types. Constant-memory mode flushes each row
    to a temporary file, so memory does not grow with the row count.
    """
    workbook = xlsxwriter.Workbook(target, {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    workbook.set_properties({"title": sheet_title, "comments": str(PERSONAL_DATA_NOTICE)})
    sheet = workbook.add_worksheet(sheet_title[:31])
    header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True,
                                         "valign": "top"})
    datetime_format = workbook.add_format({"num_format": DATETIME_FORMAT})
    date_format = workbook.add_format({"num_format": DATE_FORMAT})

    headers = resource.get_export_headers()
    for col, width in enumerate(resource.column_widths()):
        sheet.set_column(col, col, width)
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, header_format)
    sheet.freeze_panes(1, 0)

    write_string, write_number = sheet.write_string, sheet.write_number
    write_datetime = sheet.write_datetime
    export_row = resource.row_exporter()
    count = 0
    for count, obj in enumerate(rows, start=1):
        for col, value in enumerate(export_row(obj)):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                write_string(count, col, value)
            elif isinstance(value, bool):
                sheet.write_boolean(count, col, value)
            elif isinstance(value, (int, float)):
                write_number(count, col, value)
            elif isinstance(value, datetime.datetime):
                write_datetime(count, col, value, datetime_format)
            elif isinstance(value, datetime.date):
                write_datetime(count, col, value, date_format)
            else:
                write_string(count, col, str(value))
    if count:
        sheet.autofilter(0, 0, count, len(headers) - 1)
    workbook.close()
    return count


def registraties_export(*, queryset: QuerySet | None = None, target: str | BinaryIO) -> int:
    """Write the registrations of ``queryset`` (all by default) to an .xlsx file."""
    if queryset is None:
        queryset = Registratie.objects.all()
    resource = RegistratieResource()
    return write_xlsx(target=target, resource=resource, rows=resource.export_rows(queryset),
                      sheet_title=str(_("Registraties")))


def spooled_file():
    """A temporary file for an export on its way to the browser (deleted when closed)."""
    return tempfile.TemporaryFile(suffix=".xlsx")


def partnerschappen_export(*, queryset: QuerySet | None = None, target: str | BinaryIO) -> int:
    """Write one row per member of the partnerships in ``queryset`` (all by default)."""
    from partnerschappen.models import Partnerschap
    from partnerschappen.resources import LidmaatschapResource

    if queryset is None:
        queryset = Partnerschap.objects.all()
    resource = LidmaatschapResource()
    return write_xlsx(target=target, resource=resource, rows=resource.export_rows(queryset),
                      sheet_title=str(_("Partnerschappen")))
