"""The staff backend's site: Dutch branding, the order of the index, pages apps add to it,
and the guards every model page of it gets (lookups, selections, ids, typed answers)."""
from functools import wraps

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection
from django.db.models import Model
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from two_factor.utils import default_device

from .history import EMPTY, ReadableHistoryHelper, user_display
from .staff_auth import StaffLoginForm, StaffLoginView, setup_url, two_factor_required
from .text import with_text_answers

STAFF_APPS = ("registraties", "partnerschappen", "verkenning", "berichten", "kbo")
MODEL_ORDER = ("Registratie", "Partnerschap", "Ronde")

# The lookups Django's own list filters put in a query string for a field they filter on.
# Anything else (a regular expression, "contains", a path the filters do not offer) is not
# something a list page offers: Django answers it with a 400 (DisallowedModelAdminLookup).
FILTER_LOOKUPS = ("", "exact", "iexact", "isnull", "isempty", "in", "gt", "gte", "lt", "lte",
                  "id__exact", "pk__exact", "id__isnull")
DATE_PARTS = ("year", "month", "day")
MSG_BAD_SELECTION = _("Deze selectie kon niet gelezen worden. Vink de rijen opnieuw aan in de "
                      "lijst en kies de actie nog eens.")


def parse_key(model: type[Model], value) -> object | None:
    """The primary key ``value`` (from a URL or a form) stands for, or None when no row of
    ``model`` can have it: not a number for a numeric key, or beyond what the column holds."""
    field = model._meta.pk
    try:
        key = field.to_python(unquote(str(value)))
    except (ValidationError, ValueError, TypeError):
        return None
    if isinstance(key, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        if (low is not None and key < low) or (high is not None and key > high):
            return None
    return key


class GuardedModelAdmin:
    """What every model page of the staff backend gets (PortaalAdminSite.register adds it).

    - A list takes only the filters it offers: another lookup in the query string (e.g.
      ``?naam__regex=(``, which PostgreSQL answers with an error) is refused with a 400.
    - A batch action with a selection that is not a list of this model's keys is refused
      with a message, instead of failing on the database.
    - Every form, also of inline rows, follows the portal's rules for typed answers
      (portaal/text.py).
    """

    def allowed_lookups(self, request) -> set[str]:
        allowed = set()
        for item in self.get_list_filter(request):
            name = getattr(item, "parameter_name", None)
            if name:
                allowed.add(name)
                continue
            field_path = item[0] if isinstance(item, (list, tuple)) else item
            if isinstance(field_path, str):
                allowed.update(f"{field_path}__{lookup}" if lookup else field_path
                               for lookup in FILTER_LOOKUPS)
        if self.date_hierarchy:
            allowed.update(f"{self.date_hierarchy}__{part}" for part in DATE_PARTS)
        return allowed

    def lookup_allowed(self, lookup, value, request=None):
        if lookup in self.allowed_lookups(request):
            return True
        # As Django: the popup of a raw-id field may pass its field's limit_choices_to.
        for fk_lookup in self.model._meta.related_fkey_lookups:
            fk_lookup = fk_lookup() if callable(fk_lookup) else fk_lookup
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(parse_key(self.model, value) is None for value in selected):
            self.message_user(request, MSG_BAD_SELECTION, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def get_changelist_form(self, request, **kwargs):
        return with_text_answers(super().get_changelist_form(request, **kwargs))

    @classmethod
    def guarded(cls, admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
        """``admin_class`` with these guards; its form and its inlines' forms with the rules
        for typed answers."""
        if issubclass(admin_class, cls):
            return admin_class
        inlines = [type(inline.__name__, (inline,), {"form": with_text_answers(inline.form),
                                                     "__module__": inline.__module__})
                   for inline in admin_class.inlines]
        return type(admin_class.__name__, (cls, admin_class), {
            "__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__,
            "form": with_text_answers(admin_class.form), "inlines": inlines})


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

    def admin_view(self, view, cacheable=False):
        """Every staff view (also of other packages): an object that does not exist is a 404,
        never a 500 (e.g. django-otp's device pages look their device up without a check)."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            try:
                return inner(request, *args, **kwargs)
            except ObjectDoesNotExist as exc:
                raise Http404(_("Deze pagina bestaat niet.")) from exc
        return guarded

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model page, also of other packages, gets the guards of GuardedModelAdmin."""
        admin_class = GuardedModelAdmin.guarded(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)

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
        if parse_key(self.model, object_id) is None:
            raise Http404(_("Deze pagina bestaat niet."))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # ".../history/abc/", "1.5", " ": no version can have that id.
        if parse_key(self.model, object_id) is None \
                or parse_key(self.model.history.model, version_id) is None:
            raise Http404(_("Deze pagina bestaat niet."))
        return super().history_form_view(request, object_id, version_id, extra_context)

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
