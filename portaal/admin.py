"""The staff backend's site: Dutch branding, the overview page and the order of the index."""
from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

STAFF_APPS = ("registraties", "partnerschappen", "verkenning")
MODEL_ORDER = ("Registratie", "Partnerschap", "Ronde")


class PortaalAdminSite(admin.AdminSite):
    site_header = _("ESF&DO – beheer competentiechecks")
    site_title = _("Beheer competentiechecks")
    index_title = _("Verkenningsronde competentiechecks")
    index_template = "admin/portaal_index.html"
    empty_value_display = "–"

    def get_urls(self):
        from registraties.admin import overview_view

        return [path("overzicht/", self.admin_view(overview_view), name="overzicht"),
                *super().get_urls()]

    def get_app_list(self, request, app_label=None):
        """Registraties, Partnerschappen, Rondes first; plumbing only for superusers."""
        app_list = super().get_app_list(request, app_label)
        if not request.user.is_superuser:
            app_list = [app for app in app_list if app["app_label"] in STAFF_APPS]
        order = {label: i for i, label in enumerate(STAFF_APPS)}
        for app in app_list:
            app["models"].sort(key=lambda m: (m["object_name"] not in MODEL_ORDER, m["name"]))
        return sorted(app_list, key=lambda app: (order.get(app["app_label"], len(order)),
                                                 app["name"]))


class DutchHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin with the history pages in Dutch (who, when, what changed)."""

    object_history_template = "admin/portaal_history/object_history.html"
    object_history_list_template = "admin/portaal_history/object_history_list.html"

    def history_view_title(self, request, obj):
        return _("Geschiedenis van %s") % obj

    def get_historical_record_context_helper(self, request, historical_record):
        from .history import ReadableHistoryHelper

        return ReadableHistoryHelper(self.model, historical_record)
