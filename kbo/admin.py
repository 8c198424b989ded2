"""Read-only staff pages of the register: its entries and the imports (snapshots)."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portaal.admin import ReadOnlyAdmin

from .constants import gewest_for_postcode
from .models import Onderneming, Snapshot


@admin.register(Onderneming)
class OndernemingAdmin(ReadOnlyAdmin):
    list_display = ("ondernemingsnummer", "naam", "rechtspersoon", "actief", "rechtsvorm",
                    "postcode", "gemeente", "gewest")
    list_filter = ("actief", "rechtspersoon")
    # The number is the primary key: an exact or prefix search on it uses the index.
    search_fields = ("=ondernemingsnummer", "naam")
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description=_("gewest"))
    def gewest(self, obj):
        return obj.land or gewest_for_postcode(obj.postcode) or "–"

    def get_search_results(self, request, queryset, search_term):
        # "0417.497.106" or "BE 0417 497 106": search on the ten digits.
        digits = "".join(ch for ch in search_term if ch.isdigit())
        if len(digits) in (9, 10) and not any(ch.isalpha() for ch in search_term.upper().removeprefix("BE")):
            return queryset.filter(pk=digits.zfill(10)), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("snapshot_datum", "extract_type", "extract_nummer", "geimporteerd_op",
                    "aantal_ondernemingen", "toegevoegd", "verwijderd", "overgeslagen_rijen",
                    "duur_seconden")
    date_hierarchy = None
