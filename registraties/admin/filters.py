"""The registration list: review state by default, a filter per choice list, a fast date drill-down."""
from datetime import date

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .. import review
from ..constants import Actie, RegistratieStatus, Thema, Vaardigheid, Vlag

TO_REVIEW = "te_beoordelen"
ALL = "alle"


class StatusFilter(admin.SimpleListFilter):
    """Status, opening on the registrations still to review ("Te beoordelen")."""

    title = _("status")
    parameter_name = "status"

    def __init__(self, request, params, model, model_admin):
        self.request = request
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(TO_REVIEW, _("Te beoordelen (ingediend of in behandeling)")),
                *RegistratieStatus.choices, (ALL, _("Alle statussen"))]

    def _effective(self, request) -> str:
        value = self.value()
        if value is None:
            # A search looks through everything: staff search for a name they remember.
            return ALL if request.GET.get("q") else TO_REVIEW
        return value

    def choices(self, changelist):
        current = self._effective(self.request)
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self._effective(request)
        if value == TO_REVIEW:
            return review.to_review(queryset)
        if value in RegistratieStatus.values:
            return queryset.filter(status=value)
        return queryset


class ChoiceListFilter(admin.SimpleListFilter):
    """Rows whose ChoiceListField holds the chosen code."""

    field_name: str
    choices_enum = None

    def lookups(self, request, model_admin):
        return self.choices_enum.choices

    def queryset(self, request, queryset):
        if self.value() in self.choices_enum.values:
            return queryset.with_choice(self.field_name, self.value())
        return queryset


class ThemaFilter(ChoiceListFilter):
    title = _("thema")
    parameter_name = "thema"
    field_name = "themas"
    choices_enum = Thema


class ActieFilter(ChoiceListFilter):
    title = _("actie binnen een partnerschap")
    parameter_name = "rol"
    field_name = "rollen"
    choices_enum = Actie


class VaardigheidFilter(ChoiceListFilter):
    title = _("generieke vaardigheid")
    parameter_name = "vaardigheid"
    field_name = "vaardigheden"
    choices_enum = Vaardigheid


class VlagFilter(ChoiceListFilter):
    title = _("aandachtspunt")
    parameter_name = "vlag"
    field_name = "vlaggen"
    choices_enum = Vlag

    GEEN = "geen"
    ENIG = "enig"

    def lookups(self, request, model_admin):
        return [(self.ENIG, _("Met een aandachtspunt")), (self.GEEN, _("Zonder aandachtspunt")),
                *Vlag.choices]

    def queryset(self, request, queryset):
        if self.value() == self.GEEN:
            return queryset.filter(vlaggen=[])
        if self.value() == self.ENIG:
            return queryset.exclude(vlaggen=[])
        return super().queryset(request, queryset)


class RegistratieChangeList(ChangeList):
    """The list, with a date drill-down that reads two index entries instead of every row.

    Django's own drill-down asks the database for the distinct days of the filtered rows,
    a full scan per page view; the submission window is short, so listing every day or
    month between the first and the last submission is as useful and stays fast.
    """

    # No filter value is this long; longer ones only make the database's patterns too big.
    MAX_FILTER_VALUE = 500

    def get_filters(self, request):
        # Django builds the drill-down's dates from the query string unchecked: a year like
        # 9999 or 10**30 must give the list's "invalid filter" answer, not a server error.
        too_long = [key for key, values in self.filter_params.items()
                    if any(len(value) > self.MAX_FILTER_VALUE for value in values)]
        if too_long:
            raise IncorrectLookupParameters(f"te lange filterwaarde: {too_long}")
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    def quick_date_hierarchy(self) -> dict:
        name = self.date_hierarchy
        year, month, day = (self.params.get(f"{name}__{part}") for part in
                            ("year", "month", "day"))

        def link(filters):
            return self.get_query_string(filters, [f"{name}__"])

        def title(value, fmt):
            return capfirst(formats.date_format(value, fmt))

        if year and month and day:
            try:
                chosen = date(int(year), int(month), int(day))
            except (ValueError, OverflowError):
                return {"show": False}
            return {"show": True, "back": {"link": link({f"{name}__year": year,
                                                         f"{name}__month": month}),
                                           "title": title(chosen, "YEAR_MONTH_FORMAT")},
                    "choices": [{"title": title(chosen, "MONTH_DAY_FORMAT")}]}
        ordered = self.root_queryset.order_by().values_list(name, flat=True)
        first, last = ordered.order_by(name).first(), ordered.order_by(f"-{name}").first()
        if first is None or last is None:
            return {"show": False}
        first, last = timezone.localtime(first).date(), timezone.localtime(last).date()
        if not year and first.year == last.year:
            year = first.year
            if first.month == last.month:
                month = first.month
        try:
            year = int(year) if year else None
            month = int(month) if month else None
        except (ValueError, OverflowError):
            return {"show": False}
        if year and month:
            days = [date(year, month, d) for d in range(1, 32) if _valid(year, month, d)]
            days = [d for d in days if first <= d <= last]
            return {"show": True, "back": {"link": link({f"{name}__year": year}),
                                           "title": str(year)},
                    "choices": [{"link": link({f"{name}__year": year, f"{name}__month": month,
                                               f"{name}__day": d.day}),
                                 "title": title(d, "MONTH_DAY_FORMAT")} for d in days]}
        if year:
            months = [date(year, m, 1) for m in range(1, 13)
                      if (first.year, first.month) <= (year, m) <= (last.year, last.month)]
            return {"show": True, "back": {"link": link({}), "title": _("Alle data")},
                    "choices": [{"link": link({f"{name}__year": year, f"{name}__month": m.month}),
                                 "title": title(m, "YEAR_MONTH_FORMAT")} for m in months]}
        return {"show": True, "back": None,
                "choices": [{"link": link({f"{name}__year": str(y)}), "title": str(y)}
                            for y in range(first.year, last.year + 1)]}


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
