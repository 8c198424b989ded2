"""The outgoing mails in /beheer/: their state, why one failed, and sending it again."""
from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Bericht
from .services import berichten_resend


@admin.register(Bericht)
class BerichtAdmin(admin.ModelAdmin):
    list_display = ["status", "aan", "onderwerp", "soort", "pogingen", "fout",
                    "aangemaakt_op", "verzonden_op", "volgende_poging_op"]
    list_filter = ["status", "soort"]
    search_fields = ["aan"]
    actions = ["opnieuw_versturen"]
    # The body is left out: while a mail waits it may hold the organisation's private link.
    fields = ["status", "aan", "onderwerp", "soort", "bijlage_naam", "pogingen", "laatste_fout",
              "aangemaakt_op", "volgende_poging_op", "verzonden_op"]
    readonly_fields = fields

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
