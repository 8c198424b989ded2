from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portaal.admin import DutchHistoryAdmin, PortaalTabularInline

from .models import Contactpersoon, Ronde


class ContactpersoonInline(PortaalTabularInline):
    model = Contactpersoon
    extra = 1


@admin.register(Ronde)
class RondeAdmin(DutchHistoryAdmin):
    list_display = ["titel", "slug", "opent_op", "sluit_op"]
    prepopulated_fields = {"slug": ["titel"]}
    search_fields = ["titel", "slug"]
    inlines = [ContactpersoonInline]

    def get_readonly_fields(self, request, obj=None):
        return ["referentie_prefix"] if obj is not None and obj.prefix_is_frozen else []

    fieldsets = [
        (None, {"fields": ["titel", "slug", "ondertitel", "opent_op", "sluit_op",
                           "referentie_prefix"]}),
        (_("Inhoud van de oproep"), {"fields": ["wat", "hoe", "wie", "voorwaarden", "doelgroep",
                                             "acties", "themas", "partnerschap_acties",
                                             "wanneer", "voorbehoud"]}),
        (_("Infosessie"), {"fields": ["infosessie_op", "infosessie_tekst",
                                   "infosessie_video_url"]}),
    ]
