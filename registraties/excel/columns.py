"""Excel columns of a registration: one column per question (questions.py) between the
reference and the review columns; the one definition used by the export and the import."""
from collections.abc import Iterator
from itertools import islice

from django.db import models
from django.db.models import QuerySet
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export import fields

from kbo import ondernemingsnummer
from portaal import extensions
from portaal.excel import (
    CHUNK_SIZE,
    BrusselsDateTimeWidget,
    ChoiceListWidget,
    ChoiceWidget,
    Column,
    FormulaSafeResource,
    IntegerWidget,
    JaNeeWidget,
    TextWidget,
)
from portaal.history import user_display

from ..constants import RegistratieStatus, Vlag
from ..fields import ChoiceListField
from ..models import Registratie
from ..questions import QUESTIONS, Question


class OndernemingsnummerWidget(TextWidget):
    """0417.497.106 as text (a number cell would lose the leading zero)."""

    def clean(self, value, row=None, **kwargs) -> str:
        if isinstance(value, (int, float)):
            return f"{int(value):010d}"
        return super().clean(value)

    def render(self, value, obj=None, **kwargs) -> str:
        return ondernemingsnummer.display(value)


class PostcodeWidget(TextWidget):
    def clean(self, value, row=None, **kwargs) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().clean(value)


# Cells that need more than their model field's type tells.
_SPECIAL_WIDGETS = {"ondernemingsnummer": OndernemingsnummerWidget, "postcode": PostcodeWidget}


def question_column(question: Question) -> Column:
    """The column of one question: header, width and cell widget from its model field."""
    field = Registratie._meta.get_field(question.name)
    header = question.column or capfirst(field.verbose_name)
    if question.name in _SPECIAL_WIDGETS:
        widget, width = _SPECIAL_WIDGETS[question.name](), 16
    elif isinstance(field, ChoiceListField):
        widget, width = ChoiceListWidget(field.choices_enum), 40
    elif field.choices:
        widget, width = ChoiceWidget(field.choices), 24
    elif isinstance(field, models.BooleanField):
        widget, width = JaNeeWidget(), 10
    elif isinstance(field, models.IntegerField):
        widget, width = IntegerWidget(), 12
    else:
        widget, width = TextWidget(), 40 if isinstance(field, models.TextField) else 24
    return Column(attribute=question.name, column_name=header, widget=widget,
                  width=question.width or width, readonly=question.derived)


def _contributed() -> dict[str, extensions.SheetColumn]:
    """Columns other apps add (portaal/extensions.py: REGISTRATIE_COLUMNS), by key."""
    return {column.key: column for column in extensions.items(extensions.REGISTRATIE_COLUMNS)}


class RegistratieResource(FormulaSafeResource):
    """Every answer with Dutch headers and labels, plus review status, flags and dates.

    Read-only columns (reference, derived region, status, dates, …) are exported but never
    imported.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        readonly_text = TextWidget()
        self.contributed = _contributed()
        columns = {
            "referentie": Column(attribute="referentie", column_name=_("Referentie"),
                                 widget=readonly_text, readonly=True, width=14),
            "ronde": Column(attribute="ronde__titel", column_name=_("Ronde"),
                            widget=readonly_text, readonly=True, width=20),
            **{q.name: question_column(q) for q in QUESTIONS},
            "status": Column(attribute="status", column_name=_("Status"),
                             widget=ChoiceWidget(RegistratieStatus), readonly=True, width=16),
            "status_reden": Column(attribute="status_reden", column_name=_("Reden van de status"),
                                   widget=readonly_text, readonly=True, width=40),
            "status_gewijzigd_door": Column(column_name=_("Status gewijzigd door"),
                                            widget=readonly_text, readonly=True, width=20),
            "status_gewijzigd_op": Column(attribute="status_gewijzigd_op",
                                          column_name=_("Status gewijzigd op"),
                                          widget=BrusselsDateTimeWidget(), readonly=True,
                                          width=17),
            "vlaggen": Column(attribute="vlaggen", column_name=_("Aandachtspunten"),
                              widget=ChoiceListWidget(Vlag), readonly=True, width=60),
            **{key: Column(column_name=extra.column_name, widget=readonly_text, readonly=True,
                           width=extra.width) for key, extra in self.contributed.items()},
            "ingediend_op": Column(attribute="ingediend_op", column_name=_("Ingediend op"),
                                   widget=BrusselsDateTimeWidget(), readonly=True, width=17),
            "gewijzigd_op": Column(attribute="gewijzigd_op", column_name=_("Gewijzigd op"),
                                   widget=BrusselsDateTimeWidget(), readonly=True, width=17),
        }
        for key, extra in self.contributed.items():
            setattr(self, f"dehydrate_{key}", _contributed_getter(extra))
        self.fields = columns

    def get_export_order(self):
        return list(self.fields)

    def dehydrate_status_gewijzigd_door(self, registratie: Registratie) -> str:
        user = registratie.status_gewijzigd_door
        return "" if user is None else user_display(user)

    def export_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("ronde", "status_gewijzigd_door")

    def export_rows(self, queryset: QuerySet) -> Iterator[Registratie]:
        """Registrations a chunk at a time, each contributed column loaded per chunk.

        Plain values instead of prefetch_related(): prefetched managers make reference
        cycles that only the garbage collector's rare full pass frees, so memory grew with
        the row count.
        """
        rows = super().export_rows(queryset)
        while chunk := list(islice(rows, CHUNK_SIZE)):
            pks = [registratie.pk for registratie in chunk]
            for key, extra in self.contributed.items():
                values = extra.load(pks)
                for registratie in chunk:
                    setattr(registratie, f"_excel_{key}", values.get(registratie.pk, ""))
            yield from chunk

    def importable_columns(self) -> dict[str, fields.Field]:
        """Column header → field, for the columns an import may write."""
        return {force_str(field.column_name): field
                for field in self.get_export_fields() if not field.readonly}


def _contributed_getter(extra: extensions.SheetColumn):
    def get(registratie: Registratie) -> str:
        value = getattr(registratie, f"_excel_{extra.key}", None)
        if value is None:  # not loaded by export_rows(): one query for this registration
            value = extra.load([registratie.pk]).get(registratie.pk, "")
        return value
    return get
