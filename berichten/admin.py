"""The outgoing mails in /beheer/: their state, why one failed, and sending it again."""
from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import rendering
from .models import Bericht
from .selectors import needs_attention
from .services import berichten_resend


class SoortFilter(admin.SimpleListFilter):
    """The kind of mail by its Dutch name (each app names the kinds it sends)."""

    title = _("soort")
    parameter_name = "soort"

    def lookups(self, request, model_admin):
        names = rendering.labels()
        stored = Bericht.objects.order_by().values_list("soort", flat=True).distinct()
        return sorted(((soort, names.get(soort, soort)) for soort in {*names, *stored}),
                      key=lambda item: item[1].lower())

    def queryset(self, request, queryset):
        return queryset.filter(soort=self.value()) if self.value() else queryset


class AandachtFilter(admin.SimpleListFilter):
    """The mails the staff banner counts: failed in the last week, or waiting too long."""

    title = _("aandacht nodig")
    parameter_name = "aandacht"
    JA = "ja"

    def lookups(self, request, model_admin):
        return [(self.JA, _("Mislukt of wacht te lang"))]

    def queryset(self, request, queryset):
        return queryset.filter(needs_attention()) if self.value() == self.JA else queryset


@admin.register(Bericht)
class BerichtAdmin(admin.ModelAdmin):
    list_display = ["status", "aan", "onderwerp", "soort_naam", "pogingen", "fout",
                    "aangemaakt_op", "verzonden_op", "volgende_poging_op"]
    list_filter = [AandachtFilter, "status", SoortFilter]
    search_fields = ["aan"]
    actions = ["opnieuw_versturen"]
    # The body is left out: while a mail waits it may hold the organisation's private link.
    fields = ["status", "aan", "onderwerp", "soort_naam", "bijlage_naam", "pogingen",
              "laatste_fout", "aangemaakt_op", "volgende_poging_op", "verzonden_op", "mislukt_op"]
    readonly_fields = fields

    @admin.display(description=_("soort"), ordering="soort")
    def soort_naam(self, bericht: Bericht) -> str:
        return rendering.label(bericht.soort)

    @admin.display(description=_("laatste fout"))
    def fout(self, bericht: Bericht) -> str:
        return truncatechars(bericht.laatste_fout, 80)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Nothing about a mail is edited by hand; the change permission only allows the action.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Opnieuw versturen"), permissions=["change"])
    def opnieuw_versturen(self, request, queryset):
        queued = berichten_resend(berichten=queryset)
        skipped = queryset.count() - queued
        if queued:
            messages.success(request, ngettext(
                "%(count)d bericht staat opnieuw in de wachtrij.",
                "%(count)d berichten staan opnieuw in de wachtrij.", queued) % {"count": queued})
        if skipped:
            messages.warning(request, ngettext(
                "%(count)d bericht was al verzonden en werd niet opnieuw verstuurd.",
                "%(count)d berichten waren al verzonden en werden niet opnieuw verstuurd.",
                skipped) % {"count": skipped})
