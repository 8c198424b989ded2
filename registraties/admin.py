from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partnerschappen.admin_actions import REGISTRATIE_ACTIONS

from .admin_excel import RegistratieExcelAdminMixin
from .models import Registratie


@admin.register(Registratie)
class RegistratieAdmin(RegistratieExcelAdminMixin, SimpleHistoryAdmin):
    actions = [*REGISTRATIE_ACTIONS]
    list_display = ["referentie", "naam", "type_organisatie", "gewest", "provincie", "status",
                    "ingediend_op"]
    list_filter = ["ronde", "status", "type_organisatie", "gewest", "provincie"]
    search_fields = ["referentie", "naam", "ondernemingsnummer", "contact_naam",
                     "contact_email"]
    list_select_related = ["ronde"]
    readonly_fields = ["ronde", "referentie", "gewest", "provincie", "vlaggen", "ingediend_op",
                       "gewijzigd_op"]
    date_hierarchy = "ingediend_op"
