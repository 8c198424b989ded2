"""The review panel of the staff backend: status changes (detail page and batch action) and notes."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kbo.selectors import kbo_check
from portaal.admin import ReadOnlyAdmin
from portaal.text import TextAnswersMixin

from .. import eligibility, review
from ..constants import KboBevinding, KboControle, RegistratieStatus, Vlag
from ..models import Notitie, StatusWijziging

REVIEW_PERMISSION = "registraties.review_registratie"
NOTE_PERMISSION = "registraties.add_notitie"
APPLY = "apply"  # set by the batch action's own page: the form below was filled in


class StatusForm(TextAnswersMixin, forms.Form):
    """The status change, the same on the detail page and in the batch action.

    Its rules (a reason for ‘niet ontvankelijk’, …) live in review.py; the views put the
    service's ValidationError on these fields.
    """

    status = forms.ChoiceField(label=_("Nieuwe status"), choices=review.status_choices)
    reden = forms.CharField(
        label=_("Reden"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Verplicht bij ‘niet ontvankelijk’. Wie de organisatie verwittigt, stuurt "
                    "deze reden mee in de e-mail."),
    )
    verwittigen = forms.BooleanField(
        label=_("De organisatie per e-mail op de hoogte brengen"), required=False,
    )


class NotitieForm(TextAnswersMixin, forms.Form):
    tekst = forms.CharField(label=_("Nieuwe notitie"),
                            widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                            error_messages={"required": review.MSG_EMPTY_NOTE})


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: on its field where it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def change_url(registratie) -> str:
    return reverse("admin:registraties_registratie_change", args=[registratie.pk])


def register_comparison(registratie, check, verdict) -> dict:
    """What the detail page shows of the register: its data beside what was declared."""
    entry = check.entry
    rows = []
    if entry is not None:
        declared_form = registratie.get_rechtsvorm_display()
        place = " ".join(filter(None, [entry.postcode, entry.gemeente]))
        rows = [
            (_("Naam"), registratie.naam, entry.naam, False),
            (_("Rechtsvorm"), declared_form, entry.rechtsvorm or "–",
             KboBevinding.RECHTSVORM_VERSCHILT in verdict.bevindingen),
            (_("Maatschappelijke zetel"),
             f"{registratie.straat}, {registratie.postcode} {registratie.gemeente}",
             ", ".join(filter(None, [entry.straat, place, entry.land])) or "–",
             bool({KboBevinding.ZETEL_VERSCHILT, KboBevinding.ZETEL_WALLONIE}
                  & set(verdict.bevindingen))),
            (_("Rechtspersoon"), _("ja (verklaard)"), _("ja") if entry.rechtspersoon else _("nee"),
             not entry.rechtspersoon),
            (_("Toestand"), "–", _("actief") if entry.actief else _("stopgezet"), not entry.actief),
        ]
    return {
        "loaded": check.loaded, "snapshot_datum": check.snapshot_datum, "rows": rows,
        "controle": KboControle(verdict.controle).label,
        "bevindingen": [KboBevinding(code).label for code in verdict.bevindingen],
        "stored": registratie.get_kbo_controle_display(),
        "stored_on": registratie.kbo_snapshot_datum,
    }


class ReviewAdminMixin:
    """Mixed into RegistratieAdmin: the review panel, its two POST views and the batch action."""

    def has_review_permission(self, request, obj=None):
        return request.user.has_perm(REVIEW_PERMISSION)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:object_id>/status/", self.admin_site.admin_view(self.status_view),
                 name=f"{prefix}_status"),
            path("<int:object_id>/notitie/", self.admin_site.admin_view(self.notitie_view),
                 name=f"{prefix}_notitie"),
            *super().get_urls(),
        ]

    def review_context(self, request, registratie, *, status_form=None, notitie_form=None):
        """The panel's conditions (judged on the register as loaded now), the register's data
        beside what was declared, flags, forms, status log and notes."""
        check = kbo_check(registratie.ondernemingsnummer)
        verdict, refusals = eligibility.judge(
            check=check,
            rechtsvorm=registratie.rechtsvorm,
            postcode=eligibility.parse_postcode(registratie.postcode),
            werking_vlaanderen=registratie.werking_vlaanderen,
            toelichting_werking=registratie.toelichting_werking,
            bereid_tot_partnerschap=registratie.bereid_tot_partnerschap,
        )
        asked = request.GET.get("status")
        initial_status = asked if asked in RegistratieStatus.values \
            else review.suggested_status(registratie.status)
        return {
            "refusals": refusals,
            "kbo": register_comparison(registratie, check, verdict),
            "flags": [Vlag(code).label for code in registratie.vlaggen if code in Vlag.values],
            "can_review": self.has_review_permission(request),
            "status_form": status_form or StatusForm(initial={"status": initial_status}),
            "status_changes": list(registratie.statuswijzigingen.select_related("door")),
            "can_add_note": request.user.has_perm(NOTE_PERMISSION),
            "notitie_form": notitie_form or NotitieForm(),
            "notities": list(registratie.notities.select_related("auteur")),
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
                add_errors(form, exc)
            else:
                self._report_status(request, registratie, wijziging)
                return HttpResponseRedirect(change_url(registratie))
        return self.render_review_page(request, registratie, status_form=form)

    def notitie_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(NOTE_PERMISSION):
            raise PermissionDenied
        registratie = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = NotitieForm(request.POST)
        if form.is_valid():
            try:
                review.notitie_add(registratie=registratie, auteur=request.user,
                                   tekst=form.cleaned_data["tekst"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                self.message_user(request, _("De notitie is toegevoegd."), messages.SUCCESS)
                return HttpResponseRedirect(change_url(registratie) + "#notities")
        return self.render_review_page(request, registratie, notitie_form=form)

    def _report_status(self, request, registratie, wijziging):
        if wijziging is None:
            self.message_user(request, _("De registratie had die status al; er is niets "
                                         "gewijzigd."), messages.INFO)
            return
        self.message_user(request, format_html(
            _("{} heeft nu de status ‘{}’."), registratie.referentie,
            RegistratieStatus(wijziging.naar).label), messages.SUCCESS)
        if wijziging.organisatie_verwittigd:
            self.message_user(request, format_html(_("De organisatie kreeg een e-mail op {}."),
                                                   registratie.contact_email), messages.INFO)

    @admin.action(description=_("Status wijzigen van de geselecteerde registraties…"),
                  permissions=["review"])
    def change_status(self, request, queryset):
        form = StatusForm(request.POST if APPLY in request.POST else None)
        changes, unchanged = [], 0
        if form.is_valid():
            try:
                changes, unchanged = review.registraties_change_status(
                    registraties=queryset.select_related("ronde"),
                    status=form.cleaned_data["status"], reden=form.cleaned_data["reden"],
                    door=request.user, notify=form.cleaned_data["verwittigen"])
            except ValidationError as exc:
                add_errors(form, exc)
        if form.is_bound and not form.errors:
            label = RegistratieStatus(form.cleaned_data["status"]).label
            if changes:
                self.message_user(request, ngettext(
                    "%(count)d registratie kreeg de status ‘%(status)s’.",
                    "%(count)d registraties kregen de status ‘%(status)s’.", len(changes),
                ) % {"count": len(changes), "status": label}, messages.SUCCESS)
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
class StatusWijzigingAdmin(ReadOnlyAdmin):
    """The review log: read-only for everyone, it is the record of who decided what."""

    list_display = ["registratie", "van", "naar", "door", "op", "organisatie_verwittigd"]
    list_filter = ["naar", "organisatie_verwittigd"]
    list_select_related = ["registratie", "door"]
    search_fields = ["registratie__naam", "registratie__referentie", "reden"]
    date_hierarchy = "op"

