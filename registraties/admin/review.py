"""The review panel of the staff backend: status changes (detail page and batch action) and notes."""
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kbo.selectors import kbo_check
from portaal.admin import ReadOnlyAdmin, WithoutRelatedLinks
from portaal.text import TextAnswersMixin

from .. import eligibility, review
from ..constants import KboBevinding, KboControle, RegistratieStatus, Vlag
from ..models import Notitie, StatusWijziging

REVIEW_PERMISSION = "registraties.review_registratie"
NOTE_PERMISSION = "registraties.add_notitie"
APPLY = "apply"  # set by the batch action's own page: the form below was filled in
MSG_NOTHING_SAVED = _("Er werd niets bewaard: verbeter de fout in het vak ‘Beoordeling’ of "
                      "‘Interne notities’ bovenaan deze pagina.")
MSG_NOTHING_TO_SAVE = _("Er was niets te bewaren: u wijzigde niets op deze pagina.")


class StatusForm(TextAnswersMixin, forms.Form):
    """A status change: the batch action's form, and the first half of the detail page's.

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


class BeoordelingForm(StatusForm):
    """What staff type in a registration's review panel: a status change and a note.

    Every button of the detail page sends both (and, for a coordinator, the answers), so
    nothing typed there is dropped by pressing another button. The current status is
    preselected: left as it is, with no reason typed, it changes nothing. An empty note adds
    nothing, unless its own button was pressed.
    """

    STATUS_BUTTON = "_status"
    NOTE_BUTTON = "_notitie"

    status = forms.ChoiceField(label=_("Status"), required=False)
    tekst = forms.CharField(label=_("Nieuwe notitie"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                            help_text=_("Alleen zichtbaar voor ESF&DO. Een notitie kan achteraf "
                                        "niet gewijzigd worden."))

    def __init__(self, *args, registratie, can_review: bool, can_add_note: bool,
                 form_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.registratie = registratie
        self.form_id = form_id
        if can_review:
            self.fields["status"].choices = review.status_choices_for(registratie.status)
            self.initial.setdefault("status", registratie.status)
        else:
            for name in ("status", "reden", "verwittigen"):
                del self.fields[name]
        if not can_add_note:
            del self.fields["tekst"]
        for field in self.fields.values():
            # The controls stand in the panel, outside the page's form element they belong to.
            field.widget.attrs["form"] = form_id
        self.status_change: tuple[str, str, bool] | None = None
        self.note = ""

    @property
    def status_fields(self):
        return [self[name] for name in ("status", "reden", "verwittigen") if name in self.fields]

    def clean(self):
        data = super().clean()
        if "status" in self.fields:
            status = data.get("status") or self.registratie.status
            reden = (data.get("reden") or "").strip()
            if status != self.registratie.status or reden:
                try:
                    review.check_status_change(registratie=self.registratie, status=status,
                                               reden=reden)
                except ValidationError as exc:
                    add_errors(self, exc)
                else:
                    self.status_change = (status, reden, bool(data.get("verwittigen")))
        if "tekst" in self.fields:
            self.note = (data.get("tekst") or "").strip()
            if not self.note and self.NOTE_BUTTON in self.data:
                self.add_error("tekst", forms.ValidationError(review.MSG_EMPTY_NOTE,
                                                              code="lege_notitie"))
        return data

    def save(self, *, user) -> "ReviewResult":
        """Store what was typed (the form is valid); one transaction with the caller's."""
        result = ReviewResult()
        with transaction.atomic():
            if self.status_change is not None:
                status, reden, notify = self.status_change
                result.status_asked = True
                result.wijziging = review.registratie_change_status(
                    registratie=self.registratie, status=status, reden=reden, door=user,
                    notify=notify)
            if self.note:
                result.notitie = review.notitie_add(registratie=self.registratie, auteur=user,
                                                    tekst=self.note)
        return result


@dataclass
class ReviewResult:
    status_asked: bool = False
    wijziging: StatusWijziging | None = None
    notitie: Notitie | None = None

    @property
    def saved_anything(self) -> bool:
        return self.wijziging is not None or self.notitie is not None


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: on its field where it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def change_url(registratie) -> str:
    return change_url_by_pk(registratie.pk)


def change_url_by_pk(pk) -> str:
    return reverse("admin:registraties_registratie_change", args=[pk])


def register_comparison(registratie, check, verdict) -> dict:
    """What the detail page shows of the register: its data beside what was declared."""
    entry = check.entry
    rows = []
    if entry is not None:
        declared_form = registratie.get_rechtsvorm_display()
        place = " ".join(filter(None, [entry.postcode, entry.gemeente]))
        names = list(dict.fromkeys(entry.namen or (entry.naam,)))
        rows = [
            (_("Naam"), registratie.naam, " · ".join(names) or "–",
             KboBevinding.NAAM_VERSCHILT in verdict.bevindingen),
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
        view = self.admin_site.admin_view(self.beoordeling_view)
        return [
            # The review panel of staff who may not change the answers (reviewers); the older
            # note address does the same, so a page still open in a tab keeps working.
            path("<int:object_id>/status/", view, name=f"{prefix}_status"),
            path("<int:object_id>/notitie/", view, name=f"{prefix}_notitie"),
            *super().get_urls(),
        ]

    def beoordeling_form(self, request, registratie, *, data=None) -> BeoordelingForm:
        """The review panel; a coordinator's panel belongs to the page's answers form."""
        form_id = "registratie_form" if self.has_change_permission(request, registratie) \
            else "beoordeling_form"
        return BeoordelingForm(data, registratie=registratie,
                               can_review=self.has_review_permission(request),
                               can_add_note=request.user.has_perm(NOTE_PERMISSION),
                               form_id=form_id)

    def review_context(self, request, registratie, *, beoordeling_form=None):
        """The panel's conditions (judged on the register as loaded now), the register's data
        beside what was declared, flags, the review form, status log and notes."""
        check = kbo_check(registratie.ondernemingsnummer)
        # As a re-check judges it: nothing is refused here, every unmet condition is shown.
        judgement = eligibility.judge_stored(registratie, path=eligibility.Path.RECHECK,
                                             check=check)
        verdict, refusals = judgement.verdict, [notice.refusal for notice in judgement.notices]
        form = beoordeling_form or self.beoordeling_form(request, registratie)
        return {
            "refusals": refusals,
            "kbo": register_comparison(registratie, check, verdict),
            "flags": [Vlag(code).label for code in registratie.vlaggen if code in Vlag.values],
            "can_review": "status" in form.fields,
            "can_add_note": "tekst" in form.fields,
            "beoordeling": form,
            "status_changes": list(registratie.statuswijzigingen.select_related("door")),
            "notities": list(registratie.notities.select_related("auteur")),
        }

    def beoordeling_view(self, request, object_id):
        """The review panel of a reviewer's page: status and note, sent by either button."""
        if request.method != "POST":
            # Reloaded or bookmarked after sending: the page itself, not an error.
            return HttpResponseRedirect(change_url_by_pk(object_id))
        if not (self.has_review_permission(request)
                or request.user.has_perm(NOTE_PERMISSION)):
            raise PermissionDenied
        registratie = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = self.beoordeling_form(request, registratie, data=request.POST)
        if form.is_valid():
            result = form.save(user=request.user)
            self.report_review(request, registratie, result)
            if not result.saved_anything and not result.status_asked:
                self.message_user(request, MSG_NOTHING_TO_SAVE, messages.INFO)
            anchor = "#notities" if result.notitie is not None else ""
            return HttpResponseRedirect(change_url(registratie) + anchor)
        return self.render_review_page(request, registratie, beoordeling_form=form)

    def report_review(self, request, registratie, result: ReviewResult) -> None:
        """Tell what the review panel stored."""
        if result.status_asked:
            self._report_status(request, registratie, result.wijziging)
        if result.notitie is not None:
            self.message_user(request, _("De notitie is toegevoegd."), messages.SUCCESS)

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
class NotitieAdmin(WithoutRelatedLinks, admin.ModelAdmin):
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

