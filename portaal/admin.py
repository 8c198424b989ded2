"""The staff backend's site: Dutch branding, the order of the index, pages apps add to it."""
from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .history import EMPTY, ReadableHistoryHelper, user_display

STAFF_APPS = ("registraties", "partnerschappen", "verkenning")
MODEL_ORDER = ("Registratie", "Partnerschap", "Ronde")


class PortaalAdminSite(admin.AdminSite):
    site_header = _("ESF&DO – beheer competentiechecks")
    site_title = _("Beheer competentiechecks")
    index_title = _("Verkenningsronde competentiechecks")
    index_template = "admin/portaal_index.html"
    empty_value_display = "–"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._extra_views: list[tuple[str, object, str]] = []

    def register_view(self, route: str, view, name: str) -> None:
        """A staff page of an app that belongs to no model (e.g. the overview).

        The view gets the site's login and staff check; its URL is ``admin:<name>``.
        """
        self._extra_views.append((route, view, name))

    def get_urls(self):
        return [*(path(route, self.admin_view(view), name=name)
                  for route, view, name in self._extra_views),
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
        return ReadableHistoryHelper(self.model, historical_record)

    def history_author(self, record) -> str:
        """Who made this version: the staff member, or what the change itself tells."""
        if record.history_user is not None:
            return user_display(record.history_user)
        return str(self.anonymous_history_author(record) or EMPTY)

    def anonymous_history_author(self, record) -> str:
        """Who made a version without a logged-in user (override per model)."""
        return ""

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # Every page that lists versions names their authors the same way.
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            record.author = self.history_author(record)
