"""Staff admin of partnerships: list with warnings, members inline, conversations, suggestions."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portaal.admin import DutchHistoryAdmin, PortaalTabularInline
from registraties.admin.excel import can_export
from registraties.constants import RegistratieStatus
from registraties.mails import base_url

from .. import afspraken, selectors, services
from ..constants import GesprekStatus, LidRol
from ..models import Lidmaatschap, Partnerschap
from .actions import partnerschappen_excel_export
from .afspraak_views import AfspraakRecordView, AfspraakSubmitView, AfspraakView
from .gesprek_views import (
    GesprekCancelView,
    GesprekInviteView,
    GesprekPlanView,
    GesprekRemindView,
    GesprekReportView,
    MemberDropView,
    PartnerschapOutcomeView,
    can_plan,
    offer_invitation,
)
from .suggestion_views import SuggestionsView


class LidmaatschapInlineFormSet(forms.BaseInlineFormSet):
    """Checks the members through the service rules, so the admin cannot bypass them."""

    def clean(self):
        super().clean()
        ronde = self.instance.ronde if self.instance.ronde_id else None
        rollen = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            registratie = form.cleaned_data.get("registratie")
            if registratie is None:
                continue
            rollen.append(form.cleaned_data.get("rol"))
            if ronde is not None:
                try:
                    services.validate_member(ronde=ronde, registratie=registratie)
                except ValidationError as exc:
                    form.add_error("registratie", exc)
        services.validate_roles(rollen=rollen)
        services.validate_member_count(len(rollen))

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The table's column headers are no <label>: give each control its own name.
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _(
                "Dit lid uit het partnerschap halen")


MSG_CONCURRENT_CHANGE = _("Er werd niets bewaard: iemand anders wijzigde de leden van dit "
                     "partnerschap intussen. Bekijk de leden hieronder en probeer opnieuw.")


class KnownLabelsAutocompleteSelect(AutocompleteSelect):
    """Names the members already loaded for the page instead of one query per inline row.

    An empty row shows a placeholder, which is also the search box's accessible name.
    """

    known_labels: dict[str, str] = {}

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-placeholder"] = str(_("Zoek een registratie op naam of referentie"))
        return attrs

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not selected or not selected <= self.known_labels.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for pk in sorted(selected):
            options.append(self.create_option(name, pk, self.known_labels[pk], selected,
                                              len(options)))
        return [(None, options, 0)]


class ChoiceLabelsWhenReadOnly:
    """Staff who only read see a choice list's labels ("thematische screening"), never the
    codes it stores (``["thematische_screening"]``). ``label_fields`` maps each such field
    to the admin method that shows its labels."""

    label_fields: dict[str, str] = {}

    def _read_only(self, request, obj) -> bool:
        return not self.has_change_permission(request, obj)

    def _with_labels(self, names):
        return [self.label_fields.get(name, name) for name in names]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._read_only(request, obj):
            fields += self.label_fields.values()
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._read_only(request, obj):
            return fieldsets
        return [(name, {**options, "fields": self._with_labels(options["fields"])})
                for name, options in fieldsets]


def _labels(field_name: str, description):
    @admin.display(description=description)
    def show(self, obj):
        return ", ".join(obj._meta.get_field(field_name).labels(getattr(obj, field_name))) or "–"
    return show


class LidmaatschapInline(ChoiceLabelsWhenReadOnly, PortaalTabularInline):
    model = Lidmaatschap
    formset = LidmaatschapInlineFormSet
    autocomplete_fields = ["registratie"]
    fields = ["registratie", "status_registratie", "rol", "acties", "deelname"]
    readonly_fields = ["status_registratie", "deelname"]
    label_fields = {"acties": "acties_labels"}
    acties_labels = _labels("acties", _("acties"))
    extra = 1
    # Removes the member from this partnership (through the service), never the registration.
    delete_label = _("Uit dit partnerschap halen")

    class Media:
        js = ["admin-portaal/zoekvak-namen.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("registratie", "registratie__ronde")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = formset.form.base_fields
        widget = fields["registratie"].widget
        widget = getattr(widget, "widget", widget)  # inside RelatedFieldWidgetWrapper
        if isinstance(widget, AutocompleteSelect):
            widget.__class__ = KnownLabelsAutocompleteSelect
            widget.known_labels = {} if obj is None else {
                str(lid.registratie_id): str(lid.registratie)
                for lid in obj.lidmaatschappen.select_related("registratie")}
        if "rol" in fields:
            fields["rol"].widget.attrs["aria-label"] = _("Rol in het partnerschap")
        return formset

    @admin.display(description=_("status registratie"))
    def status_registratie(self, obj):
        return obj.registratie.get_status_display() if obj.registratie_id else "–"


class PartnerschapChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Warnings and member statuses of the whole page in a fixed number of queries.
        page = list(self.result_list)
        by_pk = services.warnings_for_partnerships(page)
        confirmations = afspraken.confirmation_counts([p.pk for p in page])
        statuses: dict[int, dict[str, int]] = {p.pk: {} for p in page}
        for row in (Lidmaatschap.objects.filter(partnerschap__in=page)
                    .values("partnerschap_id", "registratie__status")
                    .annotate(aantal=Count("pk")).order_by()):
            statuses[row["partnerschap_id"]][row["registratie__status"]] = row["aantal"]
        for partnerschap in page:
            partnerschap.computed_warnings = by_pk[partnerschap.pk]
            partnerschap.member_statuses = statuses[partnerschap.pk]
            partnerschap.confirmation = confirmations[partnerschap.pk]


class AntwoordFilter(admin.SimpleListFilter):
    """Partnerships with an invitation to a planned conversation in this answer state."""

    title = _("antwoord op uitnodiging")
    parameter_name = "antwoord"

    def lookups(self, request, model_admin):
        return selectors.ANSWER_CHOICES

    def queryset(self, request, queryset):
        value = self.value()
        if value not in dict(selectors.ANSWER_CHOICES):
            return queryset
        answer = "" if value == selectors.OPEN_ANSWER else value
        return queryset.filter(gesprekken__status=GesprekStatus.GEPLAND,
                               gesprekken__uitnodigingen__ingetrokken=False,
                               gesprekken__uitnodigingen__antwoord=answer).distinct()


def _warning_list(warnings):
    if not warnings:
        return format_html("<span>{}</span>", _("geen"))
    return format_html("<ul class=\"partnerschap-waarschuwingen\">{}</ul>",
                       format_html_join("", "<li>{}</li>", ((str(w),) for w in warnings)))


@admin.register(Partnerschap)
class PartnerschapAdmin(ChoiceLabelsWhenReadOnly, DutchHistoryAdmin):
    list_display = ["naam", "basis", "status", "aantal_leden", "status_leden", "afspraak",
                    "waarschuwingen_kort"]
    list_filter = ["ronde", "status", "basis", AntwoordFilter]
    search_fields = ["naam", "notities", "lidmaatschappen__registratie__naam",
                     "lidmaatschappen__registratie__referentie"]
    list_select_related = ["ronde"]
    inlines = [LidmaatschapInline]
    actions = [partnerschappen_excel_export]
    # The status moves through the conversation pages (reason required), never typed here.
    readonly_fields = ["waarschuwingen", "status", "status_reden", "aangemaakt_door",
                       "aangemaakt_op", "gewijzigd_op"]
    change_form_template = "admin/partnerschappen/partnerschap/change_form.html"
    label_fields = {"themas": "themas_labels"}
    themas_labels = _labels("themas", _("thema's"))
    fieldsets = [
        (None, {"fields": ["waarschuwingen", "naam", "ronde", "status", "status_reden", "basis",
                           "basis_andere", "themas", "notities"]}),
        (_("Geschiedenis"), {"fields": ["aangemaakt_door", "aangemaakt_op", "gewijzigd_op"]}),
    ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id) if object_id else None
        if obj is not None and request.method == "GET" \
                and self.has_view_or_change_permission(request, obj):
            extra_context.update(self.conversation_context(request, obj))
            extra_context["confirmation"] = afspraken.partnerschap_confirmation(obj)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            # The page was stale: someone saved members meanwhile and the database refused
            # what this save would break (one regisseur, each member once). Nothing was saved.
            self.message_user(request, MSG_CONCURRENT_CHANGE, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def conversation_context(self, request, partnerschap) -> dict:
        """The conversations panel: who is invited, who answered what, what staff can do."""
        conversations = selectors.partnerschap_conversations(partnerschap=partnerschap)
        return {
            "conversations": conversations,
            "course": selectors.partnerschap_course(partnerschap=partnerschap),
            "can_plan": can_plan(request) and partnerschap.is_active,
            "leden": [row.lidmaatschap for row in conversations[0].rows] if conversations
            else list(partnerschap.lidmaatschappen.select_related("registratie")
                      .order_by("-rol", "registratie__naam", "pk")),
        }

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can_export(request.user):
            actions.pop("partnerschappen_excel_export", None)
        return actions

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            leden_count=Count("lidmaatschappen", distinct=True))

    def get_changelist(self, request, **kwargs):
        return PartnerschapChangeList

    @admin.display(description=_("leden"), ordering="leden_count")
    def aantal_leden(self, obj):
        return obj.leden_count

    @admin.display(description=_("status van de leden"))
    def status_leden(self, obj):
        counts = getattr(obj, "member_statuses", None) or {}
        parts = [f"{counts[code]} {label}" for code, label in RegistratieStatus.choices
                 if counts.get(code)]
        return ", ".join(parts) or "–"

    @admin.display(description=_("afspraak"))
    def afspraak(self, obj):
        confirmation = getattr(obj, "confirmation", None)
        return str(confirmation) if confirmation is not None else "–"

    @admin.display(description=_("waarschuwingen"))
    def waarschuwingen_kort(self, obj):
        return _warning_list(getattr(obj, "computed_warnings", None) or [])

    @admin.display(description=_("waarschuwingen"))
    def waarschuwingen(self, obj):
        if obj is None or obj.pk is None:
            return _("Bewaar het partnerschap om de waarschuwingen te zien.")
        return _warning_list(services.partnerschap_warnings(partnerschap=obj))

    def save_model(self, request, obj, form, change):
        if not change and obj.aangemaakt_door_id is None:
            obj.aangemaakt_door = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Lidmaatschap:
            return super().save_formset(request, form, formset, change)
        # commit=False: the formset deletes nothing itself. A removal takes the one path, the
        # service's (history with who and why, upcoming invitations withdrawn).
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.partnerschap_remove_member(partnerschap=form.instance,
                                                registratie=obj.registratie,
                                                base=base_url(request), user=request.user)
        # Demote before promoting: a swap of the regierol must not hit the one-regisseur constraint.
        for obj in sorted(instances, key=lambda lid: lid.rol == LidRol.REGISSEUR):
            obj.save()
        formset.save_m2m()
        offer_invitation(request, form.instance,
                         [obj.registratie.naam for obj in formset.new_objects if obj.pk])

    def get_urls(self):
        def page(route, view, name):
            return path(route, self.admin_site.admin_view(view.as_view(model_admin=self)),
                        name=f"partnerschappen_partnerschap_{name}")

        return [
            page("suggesties/", SuggestionsView, "suggesties"),
            page("<int:object_id>/gesprek/plannen/", GesprekPlanView, "gesprek_plannen"),
            page("<int:object_id>/gesprek/<int:gesprek_id>/wijzigen/", GesprekPlanView,
                 "gesprek_wijzigen"),
            page("<int:object_id>/gesprek/<int:gesprek_id>/annuleren/", GesprekCancelView,
                 "gesprek_annuleren"),
            page("<int:object_id>/gesprek/<int:gesprek_id>/uitnodigen/", GesprekInviteView,
                 "gesprek_uitnodigen"),
            page("<int:object_id>/gesprek/<int:gesprek_id>/herinneren/", GesprekRemindView,
                 "gesprek_herinneren"),
            page("<int:object_id>/gesprek/<int:gesprek_id>/verslag/", GesprekReportView,
                 "gesprek_verslag"),
            page("<int:object_id>/afronden/", PartnerschapOutcomeView, "afronden"),
            page("<int:object_id>/afspraak/", AfspraakView, "afspraak"),
            page("<int:object_id>/afspraak/vastleggen/", AfspraakRecordView, "afspraak_vastleggen"),
            page("<int:object_id>/afspraak/voorleggen/", AfspraakSubmitView, "afspraak_voorleggen"),
            page("<int:object_id>/lid/<int:lid_id>/afhaken/", MemberDropView, "lid_afhaken"),
            *super().get_urls(),
        ]
