"""The staff backend's site: Dutch branding, the order of the index, pages apps add to it."""
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from two_factor.utils import default_device

from .history import EMPTY, ReadableHistoryHelper, user_display
from .staff_auth import StaffLoginForm, StaffLoginView, setup_url, two_factor_required

STAFF_APPS = ("registraties", "partnerschappen", "verkenning", "berichten", "kbo")
MODEL_ORDER = ("Registratie", "Partnerschap", "Ronde")


class PortaalAdminSite(admin.AdminSite):
    site_header = _("ESF&DO – beheer competentiechecks")
    site_title = _("Beheer competentiechecks")
    index_title = _("Verkenningsronde competentiechecks")
    index_template = "admin/portaal_index.html"
    empty_value_display = "–"
    # The lists are wide (registrations, filters): the app menu stays on the index page.
    enable_nav_sidebar = False
    login_form = StaffLoginForm

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

    def has_permission(self, request):
        """Staff, and with ``TWO_FACTOR_VERPLICHT`` on also verified by a second factor."""
        if not super().has_permission(request):
            return False
        return not two_factor_required() or request.user.is_verified()

    def login(self, request, extra_context=None):
        """The password form; with two factors on, the two-step login instead.

        A staff member who is signed in with a password but has no device yet is led to
        the enrolment; one who has a device signs in again with password and code.
        """
        if not two_factor_required():
            return super().login(request, extra_context)
        if request.method == "GET" and self.has_permission(request):
            return redirect("admin:index")
        user = request.user
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if user.is_authenticated and user.is_active and user.is_staff \
                and not default_device(user):
            safe = url_has_allowed_host_and_scheme(next_url, {request.get_host()},
                                                   require_https=request.is_secure())
            return redirect(setup_url(next_url if safe else ""))
        return StaffLoginView.as_view()(request)

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


class WithoutRelatedLinks:
    """No add/change/delete/view icons beside a related field (Django's ✎ + ✗ 👁).

    In a partnership's member row the ✗ opened the delete page of the whole registration,
    easily taken for "remove from this partnership"; the round's select had them too.
    Related objects are opened and changed on their own pages.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield


def name_controls(form_class, *, by_label: bool = False):
    """Give controls that no <label> names an accessible name of their own: both halves of
    a date and time ("Opent op – datum", "… – tijd"), and with ``by_label`` every control of
    a table of rows, whose column headers are no labels. A checkbox list keeps the labels of
    its boxes."""
    for field in form_class.base_fields.values():
        widget = getattr(field.widget, "widget", field.widget)
        label = str(field.label or "")
        if isinstance(widget, forms.MultiWidget) and len(widget.widgets) == 2 \
                and isinstance(field, forms.SplitDateTimeField):
            for part, name in zip(widget.widgets, (_("datum"), _("tijd")), strict=True):
                part.attrs.setdefault("aria-label", f"{label} – {name}")
        elif by_label and label and not isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("aria-label", label)
    return form_class


class PortaalTabularInline(WithoutRelatedLinks, admin.TabularInline):
    """A table of related rows: a header over every column, a name on every control, no
    related-object icons (templates/admin/portaal_tabular.html)."""

    template = "admin/portaal_tabular.html"
    delete_label = _("Verwijderen")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        name_controls(formset.form, by_label=True)
        delete_label = str(self.delete_label)

        class NamedFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs.setdefault("aria-label", delete_label)

        NamedFormSet.__name__ = formset.__name__
        return NamedFormSet


class DutchHistoryAdmin(WithoutRelatedLinks, SimpleHistoryAdmin):
    """SimpleHistoryAdmin with the history pages in Dutch (who, when, what changed)."""

    object_history_template = "admin/portaal_history/object_history.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        return name_controls(super().get_form(request, obj, change, **kwargs))
    object_history_list_template = "admin/portaal_history/object_history_list.html"

    def history_view_title(self, request, obj):
        return _("Geschiedenis van %s") % obj

    def history_view(self, request, object_id, extra_context=None):
        # An id that cannot be this model's key (".../abc/history/") is a page that does not
        # exist; the database would refuse the comparison with a 500.
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError as exc:
            raise Http404(_("Deze pagina bestaat niet.")) from exc
        return super().history_view(request, object_id, extra_context)

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


class ReadOnlyAdmin(WithoutRelatedLinks, admin.ModelAdmin):
    """A record staff read but never write here: a log, or data an import owns."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
