"""Staff backend of registrations: list, detail page with review, notes, history; overview."""
import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from stdnum.be import vat

from partnerschappen.admin_actions import REGISTRATIE_ACTIONS
from partnerschappen.models import Lidmaatschap
from portaal.admin import DutchHistoryAdmin
from portaal.history import readable_changes
from verkenning.models import Ronde

from . import charts, eligibility, review, services
from .admin_excel import RegistratieExcelAdminMixin
from .admin_filters import (
    RegistratieChangeList,
    RolFilter,
    StatusFilter,
    ThemaFilter,
    VaardigheidFilter,
    VlagFilter,
)
from .constants import Status, Vlag
from .forms import RegistratieForm
from .models import Notitie, Registratie, StatusWijziging
from .overview import registratie_overview
from .selectors import SECTIONS

STAFF_EDIT_REASON = "Gewijzigd door ESF&DO in het beheer"
BY_FORM = _("de organisatie (via het formulier)")
BY_LINK = _("de organisatie (via de wijzigingslink)")
HISTORY_LIMIT = 50

VLAG_SHORT = {
    Vlag.BRUSSEL_WERKING: _("Brussel"),
    Vlag.RECHTSVORM_ANDERE: _("Rechtsvorm"),
    Vlag.TYPE_ANDERE: _("Type"),
    Vlag.GROTE_ONDERNEMINGEN: _("Grote ondernemingen"),
}


class StatusForm(forms.Form):
    """The status change, the same on the detail page and in the batch action."""

    status = forms.ChoiceField(
        label=_("Nieuwe status"),
        choices=[(code, label) for code, label in Status.choices if code != Status.INGEDIEND],
    )
    reden = forms.CharField(
        label=_("Reden"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Verplicht bij ‘niet ontvankelijk’. Wie de organisatie verwittigt, stuurt "
                    "deze reden mee in de e-mail."),
    )
    verwittigen = forms.BooleanField(
        label=_("De organisatie per e-mail op de hoogte brengen"), required=False,
    )
    # The rules (a reason for 'niet ontvankelijk', …) live in review.registratie_change_status;
    # the views put its ValidationError on these fields.


class NotitieForm(forms.Form):
    tekst = forms.CharField(label=_("Nieuwe notitie"),
                            widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                            error_messages={"required": review.MSG_EMPTY_NOTE})


class RegistratieAdminForm(RegistratieForm):
    """The public form's rules (eligibility, enterprise number, duplicates) for staff edits."""


@admin.register(Registratie)
class RegistratieAdmin(RegistratieExcelAdminMixin, DutchHistoryAdmin):
    form = RegistratieAdminForm
    actions = [*REGISTRATIE_ACTIONS, "change_status"]
    list_display = ["referentie", "naam", "type_kort", "regio", "status_badge", "vlaggen_kort",
                    "themas_rollen", "ingediend_op"]
    list_display_links = ["referentie", "naam"]
    list_filter = [StatusFilter, "ronde", "type_organisatie", "gewest", "provincie",
                   ThemaFilter, RolFilter, VaardigheidFilter, VlagFilter]
    search_fields = ["referentie", "naam", "ondernemingsnummer", "contact_naam",
                     "contact_email", "sectoren", "paritaire_comites"]
    search_help_text = _("Zoek op naam, referentie, ondernemingsnummer (in elke schrijfwijze), "
                         "contactpersoon, e-mailadres, sector of paritair comité.")
    date_hierarchy = "ingediend_op"
    ordering = ["-ingediend_op", "-pk"]
    list_per_page = 50
    readonly_fields = ["ronde", "referentie", "gewest", "provincie", "status_badge",
                       "status_reden", "status_gewijzigd_op", "status_gewijzigd_door",
                       "vlaggen_kort", "ingediend_op", "gewijzigd_op"]
    change_form_template = "admin/registraties/registratie/change_form.html"

    # ----- list -------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ronde", "status_gewijzigd_door")

    def get_changelist(self, request, **kwargs):
        return RegistratieChangeList

    def get_search_results(self, request, queryset, search_term):
        filtered = queryset
        queryset, may_have_duplicates = super().get_search_results(request, queryset,
                                                                   search_term)
        number = _as_ondernemingsnummer(search_term)
        if number:
            queryset = queryset | filtered.filter(ondernemingsnummer=number)
        return queryset, may_have_duplicates

    @admin.display(description=_("type"), ordering="type_organisatie")
    def type_kort(self, obj):
        return obj.get_type_organisatie_display()

    @admin.display(description=_("provincie"), ordering="provincie")
    def regio(self, obj):
        return format_html('<span title="{}">{}</span>', obj.get_gewest_display(),
                           obj.get_provincie_display())

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html('<span class="portaal-status portaal-status--{}">{}</span>',
                           obj.status, obj.get_status_display())

    @admin.display(description=_("aandachtspunten"))
    def vlaggen_kort(self, obj):
        if not obj.vlaggen:
            return "–"
        return format_html_join(
            " ", '<span class="portaal-vlag" title="{}">⚑ {}</span>',
            ((Vlag(code).label, VLAG_SHORT.get(code, code)) for code in obj.vlaggen
             if code in Vlag.values),
        )

    @admin.display(description=_("thema's / acties"))
    def themas_rollen(self, obj):
        return f"{len(obj.themas or [])} / {len(obj.rollen or [])}"

    # ----- permissions --------------------------------------------------------------------

    def has_add_permission(self, request):
        # Registrations arrive through the public form or the Excel import, never typed in.
        return False

    def revert_disabled(self, request, obj=None):
        # Restoring an old version would skip the workflow log and the form's rules.
        return True

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, object_id, extra_context={
            "by_organisation": services.BY_ORGANISATION, **(extra_context or {})})

    def has_review_permission(self, request, obj=None):
        return request.user.has_perm("registraties.review_registratie")

    # ----- detail page --------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        sections = [(title, {"fields": [name for name in names],
                             "classes": ["collapse"]}) for title, names in SECTIONS]
        return [(_("Antwoorden aanpassen"), {"fields": ["referentie", "ronde"]}), *sections]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not self.has_change_permission(request, obj):
            # Read-only users get no answer fields, which the public form's setup expects.
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.ANSWER_FIELDS
                if name in form.cleaned_data}
        services.registratie_update(registratie=obj, data=data, reason=STAFF_EDIT_REASON)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:object_id>/status/", self.admin_site.admin_view(self.status_view),
                 name=f"{prefix}_status"),
            path("<int:object_id>/notitie/", self.admin_site.admin_view(self.notitie_view),
                 name=f"{prefix}_notitie"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        registratie = self.get_object(request, object_id)
        extra = {}
        if registratie is not None and self.has_view_or_change_permission(request, registratie):
            extra = self.review_context(request, registratie)
        return super().change_view(request, object_id, form_url,
                                   extra_context={**extra, **(extra_context or {})})

    def review_context(self, request, registratie, *, status_form=None, notitie_form=None):
        postcode = eligibility.parse_postcode(registratie.postcode)
        refusals = eligibility.check_eligibility(
            rechtsvorm=registratie.rechtsvorm, postcode=postcode,
            werking_vlaanderen=registratie.werking_vlaanderen,
            toelichting_werking=registratie.toelichting_werking,
            bereid_tot_partnerschap=registratie.bereid_tot_partnerschap,
        )
        initial_status = request.GET.get("status") if request.GET.get("status") in \
            Status.values else _next_status(registratie.status)
        return {
            "registratie": registratie,
            "answer_sections": registratie.answer_sections(),
            "refusals": refusals,
            "flags": [Vlag(code).label for code in registratie.vlaggen if code in Vlag.values],
            "can_review": self.has_review_permission(request),
            "status_form": status_form or StatusForm(initial={"status": initial_status}),
            "status_changes": list(registratie.statuswijzigingen.select_related("door")),
            "can_add_note": request.user.has_perm("registraties.add_notitie"),
            "notitie_form": notitie_form or NotitieForm(),
            "notities": list(registratie.notities.select_related("auteur")),
            "memberships": _memberships(registratie),
            "history_rows": _history_rows(registratie),
            "history_url": reverse("admin:registraties_registratie_history",
                                   args=[registratie.pk]),
        }

    def status_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_review_permission(request):
            raise PermissionDenied
        registratie = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = StatusForm(request.POST)
        if form.is_valid():
            try:
                wijziging = review.registratie_change_status(
                    registratie=registratie, status=form.cleaned_data["status"],
                    reden=form.cleaned_data["reden"], door=request.user,
                    notify=form.cleaned_data["verwittigen"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                self._report_status(request, registratie, wijziging)
                return HttpResponseRedirect(_change_url(registratie))
        return self._render_detail(request, registratie, status_form=form)

    def notitie_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("registraties.add_notitie"):
            raise PermissionDenied
        registratie = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = NotitieForm(request.POST)
        if form.is_valid():
            try:
                review.notitie_add(registratie=registratie, auteur=request.user,
                                   tekst=form.cleaned_data["tekst"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                self.message_user(request, _("De notitie is toegevoegd."), messages.SUCCESS)
                return HttpResponseRedirect(_change_url(registratie) + "#notities")
        return self._render_detail(request, registratie, notitie_form=form)

    def _render_detail(self, request, registratie, **forms_):
        """The detail page again with the invalid form, keeping what the user typed."""
        get_request = copy.copy(request)
        get_request.method = "GET"
        get_request.POST = QueryDict()
        context = self.review_context(request, registratie, **forms_)
        response = super().change_view(get_request, str(registratie.pk), extra_context=context)
        response.status_code = 400
        return response

    def _report_status(self, request, registratie, wijziging):
        if wijziging is None:
            self.message_user(request, _("De registratie had die status al; er is niets "
                                         "gewijzigd."), messages.INFO)
            return
        self.message_user(request, format_html(
            _("{} heeft nu de status ‘{}’."), registratie.referentie,
            Status(wijziging.naar).label), messages.SUCCESS)
        if wijziging.organisatie_verwittigd:
            self.message_user(request, format_html(_("De organisatie kreeg een e-mail op {}."),
                                                   registratie.contact_email), messages.INFO)

    # ----- batch action -------------------------------------------------------------------

    @admin.action(description=_("Status wijzigen van de geselecteerde registraties…"),
                  permissions=["review"])
    def change_status(self, request, queryset):
        form = StatusForm(request.POST if "toepassen" in request.POST else None)
        if form.is_valid():
            try:
                wijzigingen, unchanged = review.registraties_change_status(
                    registraties=queryset.select_related("ronde"),
                    status=form.cleaned_data["status"], reden=form.cleaned_data["reden"],
                    door=request.user, notify=form.cleaned_data["verwittigen"])
            except ValidationError as exc:
                _add_errors(form, exc)
        if form.is_bound and not form.errors:
            changed = len(wijzigingen)
            label = Status(form.cleaned_data["status"]).label
            if changed:
                self.message_user(request, ngettext(
                    "%(count)d registratie kreeg de status ‘%(status)s’.",
                    "%(count)d registraties kregen de status ‘%(status)s’.", changed,
                ) % {"count": changed, "status": label}, messages.SUCCESS)
            if unchanged:
                self.message_user(request, ngettext(
                    "%(count)d registratie had die status al.",
                    "%(count)d registraties hadden die status al.", unchanged,
                ) % {"count": unchanged}, messages.INFO)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Status wijzigen"),
            "opts": self.opts,
            "registraties": list(queryset.select_related(None)
                                 .only("pk", "referentie", "naam", "status")),
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/registraties/registratie/status_wijzigen.html",
                                context)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _next_status(status: str) -> str:
    return Status.IN_BEHANDELING if status == Status.INGEDIEND else Status.ONTVANKELIJK


def _change_url(registratie) -> str:
    return reverse("admin:registraties_registratie_change", args=[registratie.pk])


def _as_ondernemingsnummer(term: str) -> str:
    """The search term as a stored enterprise number (10 digits), or '' if it is none."""
    compact = vat.compact(term or "") if any(ch.isdigit() for ch in term or "") else ""
    return compact if compact.isdigit() and len(compact) == 10 else ""


def _memberships(registratie) -> list:
    """The partnerships the registration belongs to, with links to them."""
    rows = (Lidmaatschap.objects.filter(registratie=registratie)
            .select_related("partnerschap").order_by("partnerschap__naam"))
    return [{
        "lidmaatschap": row,
        "url": reverse("admin:partnerschappen_partnerschap_change", args=[row.partnerschap_id]),
    } for row in rows]


def _history_rows(registratie) -> list[dict]:
    """The registration's changes, newest first: when, who, what changed from what to what."""
    records = list(registratie.history.select_related("history_user")
                   .order_by("-history_date", "-history_id")[:HISTORY_LIMIT + 1])
    rows = []
    for index, record in enumerate(records[:HISTORY_LIMIT]):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None and record.history_type == "~":
            changes = readable_changes(Registratie, record.diff_against(older).changes)
        reason = record.history_change_reason or ""
        if record.history_user is not None:
            who = record.history_user.get_full_name() or record.history_user.get_username()
        elif reason == services.BY_ORGANISATION:
            who = BY_LINK
        elif record.history_type == "+":
            who = BY_FORM
        else:
            who = "–"
        rows.append({"record": record, "who": who, "reason": reason, "changes": changes,
                     "type": {"+": _("aangemaakt"), "~": _("gewijzigd"),
                              "-": _("verwijderd")}.get(record.history_type, "")})
    return rows


@admin.register(Notitie)
class NotitieAdmin(admin.ModelAdmin):
    """Notes are added on the registration's page; coordinators may correct or remove them."""

    list_display = ["registratie", "auteur", "aangemaakt_op", "kort"]
    list_select_related = ["registratie", "auteur"]
    search_fields = ["tekst", "registratie__naam", "registratie__referentie"]
    readonly_fields = ["registratie", "auteur", "aangemaakt_op"]
    fields = ["registratie", "auteur", "aangemaakt_op", "tekst"]
    date_hierarchy = "aangemaakt_op"

    @admin.display(description=_("tekst"))
    def kort(self, obj):
        return obj.tekst if len(obj.tekst) <= 80 else obj.tekst[:79] + "…"

    def has_add_permission(self, request):
        return False


@admin.register(StatusWijziging)
class StatusWijzigingAdmin(admin.ModelAdmin):
    """The review log: read-only for everyone, it is the record of who decided what."""

    list_display = ["registratie", "van", "naar", "door", "op", "organisatie_verwittigd"]
    list_filter = ["naar", "organisatie_verwittigd"]
    list_select_related = ["registratie", "door"]
    search_fields = ["registratie__naam", "registratie__referentie", "reden"]
    date_hierarchy = "op"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# ----- the overview page (routed by portaal.admin.PortaalAdminSite) ---------------------


def overview_view(request):
    """/beheer/overzicht/: totals and charts of one round (the current one by default)."""
    if not request.user.has_perm("registraties.view_registratie"):
        raise PermissionDenied
    rondes = list(Ronde.objects.order_by("-opent_op"))
    chosen = request.GET.get("ronde", "")
    ronde = next((r for r in rondes if str(r.pk) == chosen), None) or Ronde.objects.current()
    overview = registratie_overview(ronde=ronde)
    base_url = reverse("admin:registraties_registratie_changelist")
    context = {
        **admin.site.each_context(request),
        "title": _("Overzicht van de registraties"),
        "overview": overview,
        "rondes": rondes,
        "ronde": ronde,
        "charts": [charts.render(chart, base_url=base_url) for chart in overview.charts],
        "list_url": base_url,
        "to_review_url": charts.list_url(base_url, {"ronde__id__exact": ronde.pk})
        if ronde else base_url,
    }
    return TemplateResponse(request, "admin/overzicht.html", context)
