"""Shared Excel plumbing: formula-safe cells, cell widgets, resources and the streaming writer.

Every app's spreadsheet goes through here, so no visitor text reaches a sheet as a formula
and every export streams in constant memory whatever the number of rows.
"""
import datetime
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from typing import BinaryIO
from zoneinfo import ZoneInfo

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

BRUSSELS = ZoneInfo("Europe/Brussels")
# Rows fetched per query while exporting: memory holds one chunk, queries grow by one per chunk.
CHUNK_SIZE = 1000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"

# OWASP: a cell starting with one of these is read as a formula by spreadsheet programs;
# some programs also read the full-width forms (＝ ＋ － ＠) as their ASCII twins.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Invisible or blank characters that a program may skip before it looks for a trigger
# (zero-width space, joiners, BOM, no-break and other spaces, control characters).
_SKIPPABLE_CATEGORIES = {"Cf", "Zs", "Zl", "Zp", "Cc"}
_QUOTE = "'"
LIST_SEPARATOR = "; "
JA, NEE = _("ja"), _("nee")


def is_formula_like(text: str) -> bool:
    """A formula trigger at the start, possibly behind invisible or blank characters."""
    start = 0
    while start < len(text) and unicodedata.category(text[start]) in _SKIPPABLE_CATEGORIES \
            and not text.startswith(FORMULA_TRIGGERS, start):
        start += 1
    return text.startswith(FORMULA_TRIGGERS, start)


def neutralise(text: str) -> str:
    """Text that stays text in Excel and in CSV: a leading apostrophe before a formula trigger.

    Text that already starts with an apostrophe gets one too, so ``restore`` is exact.
    ``write_xlsx`` turns the apostrophe of a formula-like text into the cell's quote-prefix
    style, so the sheet shows the text exactly as typed.
    """
    if text and (is_formula_like(text) or text.startswith(_QUOTE)):
        return _QUOTE + text
    return text


def restore(text: str, *, quote_prefixed: bool = False) -> str:
    """The text a visitor typed, from a cell written by ``neutralise`` or ``write_xlsx``.

    A cell with the quote-prefix style holds the text exactly (``quote_prefixed=True``);
    otherwise a leading apostrophe is the one ``neutralise`` added (files from before the
    quote-prefix style, CSV, and texts that themselves start with an apostrophe).
    """
    if quote_prefixed:
        return text
    return text[1:] if text.startswith(_QUOTE) else text


def brussels_naive(value: datetime.datetime | None) -> datetime.datetime | None:
    """An aware datetime as Brussels wall-clock time (Excel has no time zones)."""
    if value is None:
        return None
    return value.astimezone(BRUSSELS).replace(tzinfo=None)


# -- widgets: how one value becomes a cell and back ------------------------------------------


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        return "" if value is None else str(value).strip()

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(value)


class ChoiceWidget(widgets.Widget):
    """A choice code shown as its Dutch label; import accepts the label or the code."""

    def __init__(self, choices):
        super().__init__(coerce_to_string=True)
        choices = getattr(choices, "choices", choices)  # a TextChoices class or a list
        self.label_of = {code: str(label) for code, label in choices}
        self.code_of = {label.casefold(): code for code, label in self.label_of.items()}
        self.code_of.update({code.casefold(): code for code in self.label_of})

    def to_code(self, text: str) -> str:
        # An unknown text is passed on unchanged so that the form names it as an invalid choice.
        return self.code_of.get(text.strip().casefold(), text.strip())

    def clean(self, value, row=None, **kwargs) -> str:
        return "" if value in (None, "") else self.to_code(str(value))

    def render(self, value, obj=None, **kwargs) -> str:
        return self.label_of.get(value, value or "")


class ChoiceListWidget(ChoiceWidget):
    """A list of choice codes as their labels joined by '; '."""

    def clean(self, value, row=None, **kwargs) -> list[str]:
        if value in (None, ""):
            return []
        return [self.to_code(part) for part in str(value).split(";") if part.strip()]

    def render(self, value, obj=None, **kwargs) -> str:
        return LIST_SEPARATOR.join(self.label_of.get(code, code) for code in value or [])


class JaNeeWidget(widgets.Widget):
    _TRUE = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}

    def clean(self, value, row=None, **kwargs) -> bool:
        if isinstance(value, bool):
            return value
        return str(value if value is not None else "").strip().casefold() in self._TRUE

    def render(self, value, obj=None, **kwargs) -> str:
        return str(JA if value else NEE)


class IntegerWidget(widgets.Widget):
    """A number cell; import passes the text on so the form judges it with its own message."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return ""
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def render(self, value, obj=None, **kwargs):
        return value


class BrusselsDateTimeWidget(widgets.Widget):
    """A real date cell in Brussels time."""

    def render(self, value, obj=None, **kwargs):
        return brussels_naive(value)


# -- resources ---------------------------------------------------------------------------------


class Column(fields.Field):
    """A resource field with a column width for the spreadsheet."""

    def __init__(self, *args, width: int = 18, **kwargs):
        super().__init__(*args, **kwargs)
        self.width = width


class FormulaSafeResource(resources.Resource):
    """A Resource whose every exported text is neutralised against formula injection.

    ``row_exporter()`` gives a fast per-row function with the same result as
    ``export_resource()``, for the streaming writer.
    """

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return neutralise(value) if isinstance(value, str) else value

    def row_exporter(self):
        getters = []
        for field in self.get_export_fields():
            name = self.get_field_name(field)
            method_name = field.get_dehydrate_method(name)
            method = method_name if callable(method_name) else getattr(self, method_name, None)
            getters.append(method if method is not None else _field_getter(field))

        def export_row(instance) -> list:
            row = []
            for get in getters:
                value = get(instance)
                row.append(neutralise(value) if isinstance(value, str) else value)
            return row

        return export_row

    def export_queryset(self, queryset: QuerySet) -> QuerySet:
        """The queryset with what the columns read (select_related); override per resource."""
        return queryset

    def export_rows(self, queryset: QuerySet) -> Iterator:
        """The objects to export, fetched ``CHUNK_SIZE`` at a time."""
        return self.export_queryset(queryset).iterator(chunk_size=CHUNK_SIZE)

    def column_widths(self) -> list[int]:
        return [getattr(field, "width", 18) for field in self.get_export_fields()]


def _field_getter(field: fields.Field):
    attribute, render = field.attribute, field.widget.render
    if attribute and "__" not in attribute:
        def get(instance):
            return render(getattr(instance, attribute, None))
        return get
    return field.export


# -- the writer --------------------------------------------------------------------------------


def write_xlsx(*, target: str | BinaryIO, resource: FormulaSafeResource, rows: Iterable,
               sheet_title: str, comments: str = "") -> int:
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
    workbook.set_properties({"title": sheet_title, "comments": comments})
    sheet = workbook.add_worksheet(sheet_title[:31])
    header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True,
                                         "valign": "top"})
    datetime_format = workbook.add_format({"num_format": DATETIME_FORMAT})
    # Excel's own "this is text" mark: the cell shows the text as typed and stays text when
    # edited, where a visible apostrophe would change the value.
    text_format = workbook.add_format({"quote_prefix": True})
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
                if value.startswith(_QUOTE) and is_formula_like(value[1:]):
                    write_string(count, col, value[1:], text_format)
                else:
                    # Plain text, or text that itself starts with an apostrophe: that keeps
                    # the added one, so an import's ``restore`` gives it back exactly.
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


def xlsx_response(export, *, queryset, filename: str) -> FileResponse:
    """``export(queryset=…, target=…)`` written to a temporary file and streamed from there."""
    # Not a `with` block: the response streams from it and closes (so deletes) it at the end.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    export(queryset=queryset, target=handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename,
                        content_type=XLSX_CONTENT_TYPE)
