"""Excel columns of a registration: the one definition used by the export and the import."""
from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from partnerschappen.models import Lidmaatschap

from .constants import Gewest, Provincie, Rechtsvorm, Rol, Status, Thema, TypeOrganisatie, Vaardigheid, Vlag
from .models import Registratie

BRUSSELS = ZoneInfo("Europe/Brussels")
# Rows fetched per query while exporting: memory holds one chunk, queries grow by one per chunk.
CHUNK_SIZE = 1000

# OWASP: a cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
LIST_SEPARATOR = "; "
JA, NEE = _("ja"), _("nee")


def neutralise(text: str) -> str:
    """Text that stays text in Excel and in CSV: a leading apostrophe before a formula trigger.

    Text that already starts with an apostrophe gets one too, so ``restore`` is exact.
    """
    if text and (text.startswith(FORMULA_TRIGGERS) or text.startswith(_QUOTE)):
        return _QUOTE + text
    return text


def restore(text: str) -> str:
    """The text a visitor typed, from a cell written by ``neutralise``."""
    return text[1:] if text.startswith(_QUOTE) else text


def brussels_naive(value: datetime | None) -> datetime | None:
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

    def __init__(self, choices_enum):
        super().__init__(coerce_to_string=True)
        self.label_of = {code: str(label) for code, label in choices_enum.choices}
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


class OndernemingsnummerWidget(TextWidget):
    """0417.497.106 as text (a number cell would lose the leading zero)."""

    def clean(self, value, row=None, **kwargs) -> str:
        if isinstance(value, (int, float)):
            return f"{int(value):010d}"
        return super().clean(value)

    def render(self, value, obj=None, **kwargs) -> str:
        n = value or ""
        return f"{n[:4]}.{n[4:7]}.{n[7:]}" if len(n) == 10 else n


class PostcodeWidget(TextWidget):
    def clean(self, value, row=None, **kwargs) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().clean(value)


class BrusselsDateTimeWidget(widgets.Widget):
    """A real date cell in Brussels time."""

    def render(self, value, obj=None, **kwargs):
        return brussels_naive(value)


# -- resources ---------------------------------------------------------------------------------


class FormulaSafeResource(resources.ModelResource):
    """A ModelResource whose every exported text is neutralised against formula injection.

    ``row_exporter()`` gives a fast per-row function with the same result as
    ``export_resource()``, for streaming writers.
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
            if method is not None:
                getters.append(method)
            else:
                getters.append(_field_getter(field))

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


class Column(fields.Field):
    """A resource field with a column width for the spreadsheet."""

    def __init__(self, *args, width: int = 18, **kwargs):
        super().__init__(*args, **kwargs)
        self.width = width


def _text(attribute, header, width=24, readonly=False):
    return Column(attribute=attribute, column_name=header, widget=TextWidget(), width=width,
                  readonly=readonly)


def _choice(attribute, header, enum, width=24, readonly=False):
    return Column(attribute=attribute, column_name=header, widget=ChoiceWidget(enum),
                  width=width, readonly=readonly)


def _choices(attribute, header, enum, width=40, readonly=False):
    return Column(attribute=attribute, column_name=header, widget=ChoiceListWidget(enum),
                  width=width, readonly=readonly)


def _ja_nee(attribute, header):
    return Column(attribute=attribute, column_name=header, widget=JaNeeWidget(), width=10)


def _moment(attribute, header):
    return Column(attribute=attribute, column_name=header, widget=BrusselsDateTimeWidget(),
                  width=17, readonly=True)


# The columns, in the order of the sheet.
COLUMNS = (
    "referentie",
    "ronde",
    "naam",
    "ondernemingsnummer",
    "rechtsvorm",
    "rechtsvorm_andere",
    "type_organisatie",
    "type_andere",
    "website",
    "straat",
    "postcode",
    "gemeente",
    "gewest",
    "provincie",
    "werking_vlaanderen",
    "toelichting_werking",
    "bereid_tot_partnerschap",
    "contact_naam",
    "contact_functie",
    "contact_email",
    "contact_telefoon",
    "themas",
    "thema_andere",
    "vaardigheden",
    "rollen",
    "sectoren",
    "paritaire_comites",
    "aantal_ondernemingen",
    "aandeel_kleine_ondernemingen",
    "competentie_uitdagingen",
    "keten",
    "gewenste_partners",
    "opmerkingen",
    "toestemming_delen",
    "privacy_akkoord",
    "status",
    "status_reden",
    "status_gewijzigd_door",
    "status_gewijzigd_op",
    "vlaggen",
    "partnerschappen",
    "ingediend_op",
    "gewijzigd_op",
)


def partnership_names(registratie_ids: list[int]) -> dict[int, list[str]]:
    """{registration id: sorted names of the partnerships it is a member of}, in one query."""
    if not registratie_ids:
        return {}
    names: dict[int, list[str]] = {}
    pairs = (Lidmaatschap.objects.filter(registratie_id__in=registratie_ids)
             .order_by("partnerschap__naam").values_list("registratie_id", "partnerschap__naam"))
    for registratie_id, naam in pairs:
        names.setdefault(registratie_id, []).append(naam)
    return names


class RegistratieResource(FormulaSafeResource):
    """Every answer with Dutch headers and labels, plus review status, flags and partnerships.

    Read-only columns (reference, status, dates, …) are exported but never imported.
    """

    referentie = _text("referentie", _("Referentie"), width=14, readonly=True)
    ronde = Column(attribute="ronde__titel", column_name=_("Ronde"), widget=TextWidget(),
                   readonly=True, width=20)
    naam = _text("naam", _("Naam organisatie"), width=32)
    ondernemingsnummer = Column(attribute="ondernemingsnummer", column_name=_("Ondernemingsnummer"),
                                widget=OndernemingsnummerWidget(), width=16)
    rechtsvorm = _choice("rechtsvorm", _("Rechtsvorm"), Rechtsvorm)
    rechtsvorm_andere = _text("rechtsvorm_andere", _("Andere rechtsvorm"))
    type_organisatie = _choice("type_organisatie", _("Type organisatie"), TypeOrganisatie)
    type_andere = _text("type_andere", _("Ander type organisatie"))
    website = _text("website", _("Website"), width=30)
    straat = _text("straat", _("Straat en nummer"))
    postcode = Column(attribute="postcode", column_name=_("Postcode"), widget=PostcodeWidget(),
                      width=9)
    gemeente = _text("gemeente", _("Gemeente"), width=18)
    gewest = _choice("gewest", _("Gewest"), Gewest, readonly=True)
    provincie = _choice("provincie", _("Provincie"), Provincie, width=16, readonly=True)
    werking_vlaanderen = _ja_nee("werking_vlaanderen", _("Werking in Vlaanderen"))
    toelichting_werking = _text("toelichting_werking", _("Toelichting bij de werking"), width=40)
    bereid_tot_partnerschap = _ja_nee("bereid_tot_partnerschap", _("Bereid tot partnerschap"))
    contact_naam = _text("contact_naam", _("Naam contactpersoon"))
    contact_functie = _text("contact_functie", _("Functie contactpersoon"))
    contact_email = _text("contact_email", _("E-mailadres contactpersoon"), width=32)
    contact_telefoon = _text("contact_telefoon", _("Telefoon contactpersoon"), width=16)
    themas = _choices("themas", _("Thema's"), Thema, width=50)
    thema_andere = _text("thema_andere", _("Ander thema"))
    vaardigheden = _choices("vaardigheden", _("Generieke vaardigheden"), Vaardigheid)
    rollen = _choices("rollen", _("Acties binnen een partnerschap"), Rol, width=50)
    sectoren = _text("sectoren", _("Sectoren"), width=30)
    paritaire_comites = _text("paritaire_comites", _("Paritaire comités"), width=16)
    aantal_ondernemingen = Column(attribute="aantal_ondernemingen",
                                  column_name=_("Aantal bereikte ondernemingen"),
                                  widget=IntegerWidget(), width=12)
    aandeel_kleine_ondernemingen = Column(attribute="aandeel_kleine_ondernemingen",
                                          column_name=_("Aandeel kleine ondernemingen (%)"),
                                          widget=IntegerWidget(), width=12)
    competentie_uitdagingen = _text("competentie_uitdagingen", _("Competentie-uitdagingen"),
                                    width=60)
    keten = _text("keten", _("Keten"), width=40)
    gewenste_partners = _text("gewenste_partners", _("Gewenste partners"), width=40)
    opmerkingen = _text("opmerkingen", _("Opmerkingen"), width=40)
    toestemming_delen = _ja_nee("toestemming_delen", _("Toestemming om contactgegevens te delen"))
    privacy_akkoord = _ja_nee("privacy_akkoord", _("Akkoord met de privacyverklaring"))
    status = _choice("status", _("Status"), Status, width=16, readonly=True)
    status_reden = _text("status_reden", _("Reden van de status"), width=40, readonly=True)
    status_gewijzigd_door = Column(column_name=_("Status gewijzigd door"), readonly=True,
                                   widget=TextWidget(), width=20)
    status_gewijzigd_op = _moment("status_gewijzigd_op", _("Status gewijzigd op"))
    vlaggen = _choices("vlaggen", _("Aandachtspunten"), Vlag, width=60, readonly=True)
    partnerschappen = Column(column_name=_("Partnerschappen"), readonly=True,
                             widget=TextWidget(), width=40)
    ingediend_op = _moment("ingediend_op", _("Ingediend op"))
    gewijzigd_op = _moment("gewijzigd_op", _("Gewijzigd op"))

    class Meta:
        model = Registratie
        fields = COLUMNS
        export_order = COLUMNS
        import_id_fields = ("ondernemingsnummer",)

    def dehydrate_status_gewijzigd_door(self, registratie: Registratie) -> str:
        user = registratie.status_gewijzigd_door
        if user is None:
            return ""
        return user.get_full_name() or user.get_username()

    def dehydrate_partnerschappen(self, registratie: Registratie) -> str:
        names = getattr(registratie, "partnerschap_namen", None)
        if names is None:  # not loaded by export_rows(): one query for this registration
            names = partnership_names([registratie.pk]).get(registratie.pk, [])
        return LIST_SEPARATOR.join(names)

    def export_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("ronde", "status_gewijzigd_door")

    def export_rows(self, queryset: QuerySet) -> Iterator[Registratie]:
        """Registrations a chunk at a time, each chunk's partnership names in one query.

        Plain values instead of prefetch_related(): prefetched managers make reference
        cycles that only the garbage collector's rare full pass frees, so memory grew with
        the row count.
        """
        rows = super().export_rows(queryset)
        while chunk := list(islice(rows, CHUNK_SIZE)):
            names = partnership_names([registratie.pk for registratie in chunk])
            for registratie in chunk:
                registratie.partnerschap_namen = names.get(registratie.pk, [])
            yield from chunk

    def importable_columns(self) -> dict[str, fields.Field]:
        """Column header → field, for the columns an import may write."""
        return {force_str(field.column_name): field
                for field in self.get_export_fields() if not field.readonly}
