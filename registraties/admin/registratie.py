"""The registration list and detail page; other apps add batch actions and panels to it
(portaal/extensions.py: REGISTRATIE_ACTIONS, REGISTRATIE_PANELS)."""
from django import forms
from django.contrib import admin, messages
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kbo import ondernemingsnummer
from portaal import extensions
from portaal.admin import DutchHistoryAdmin

from .. import register_check, services
from ..constants import Vlag
from ..eligibility import Path
from ..forms import RegistratieForm
from ..models import Registratie
from ..questions import SECTIONS
from ..selectors import registratie_answer_sections
from .excel import ExcelAdminMixin
from .filters import (
    ActieFilter,
    RegistratieChangeList,
    StatusFilter,
    ThemaFilter,
    VaardigheidFilter,
    VlagFilter,
)
from .review import MSG_NOTHING_SAVED, MSG_NOTHING_TO_SAVE, BeoordelingForm, ReviewAdminMixin

STAFF_EDIT_REASON = "Gewijzigd door ESF&DO in het beheer"
BY_FORM = _("de organisatie (via het formulier)")
BY_LINK = _("de organisatie (via de wijzigingslink)")
HISTORY_LIMIT = 50

VLAG_SHORT = {
    Vlag.BRUSSEL_WERKING: _("Brussel"),
    Vlag.RECHTSVORM_ANDERE: _("Rechtsvorm"),
    Vlag.TYPE_ANDERE: _("Type"),
    Vlag.GROTE_ONDERNEMINGEN: _("Grote ondernemingen"),
    Vlag.ZONDER_SPAMCONTROLE: _("Geen spamcontrole"),
    Vlag.KBO_NIET_GEVERIFIEERD: _("KBO?"),
    Vlag.KBO_NIET_GEVONDEN: _("Niet in KBO"),
    Vlag.KBO_ZETEL: _("Zetel ≠ KBO"),
    Vlag.KBO_RECHTSVORM: _("Rechtsvorm ≠ KBO"),
    Vlag.KBO_NAAM: _("Naam ≠ KBO"),
    Vlag.VOORWAARDE: _("Voorwaarde nagaan"),
}


class RegistratieAdminForm(RegistratieForm):
    """The public form's rules (eligibility, enterprise number, duplicates) for staff edits:
    what an edit changes is judged, what it leaves as it was is kept (eligibility.TABLE)."""

    path = Path.STAFF_EDIT


@admin.register(Registratie)
class RegistratieAdmin(ReviewAdminMixin, ExcelAdminMixin, DutchHistoryAdmin):
    form = RegistratieAdminForm
    own_actions = ["change_status", "kbo_hercontrole"]
    list_display = ["referentie", "naam", "type_kort", "regio", "status_badge", "vlaggen_kort",
                    "themas_rollen", "ingediend"]
    list_display_links = ["referentie", "naam"]
    list_filter = [StatusFilter, "ronde", "type_organisatie", "gewest", "provincie",
                   ThemaFilter, ActieFilter, VaardigheidFilter, VlagFilter, "kbo_controle"]
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
    review_page_template = "admin/registraties/registratie/beoordeling.html"

    @property
    def actions(self):
        """This admin's batch actions, then the ones other apps register."""
        return [*self.own_actions, *extensions.items(extensions.REGISTRATIE_ACTIONS)]

    # ----- list -------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ronde", "status_gewijzigd_door")

    def get_changelist(self, request, **kwargs):
        return RegistratieChangeList

    # Nobody searches for more; longer terms only make the database's LIKE patterns too big.
    SEARCH_MAX_LENGTH = 200
    SEARCH_MAX_WORDS = 10

    def get_search_results(self, request, queryset, search_term):
        search_term = " ".join(search_term.split()[:self.SEARCH_MAX_WORDS])[:self.SEARCH_MAX_LENGTH]
        filtered = queryset
        queryset, may_have_duplicates = super().get_search_results(request, queryset,
                                                                   search_term)
        number = ondernemingsnummer.from_search(search_term)
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

    @admin.display(description=_("aantal thema's / acties"))
    def themas_rollen(self, obj):
        themas, rollen = len(obj.themas or []), len(obj.rollen or [])
        words = _("%(themas)d thema's, %(acties)d acties") % {"themas": themas, "acties": rollen}
        return format_html('<span aria-hidden="true" title="{}">{} / {}</span>'
                           '<span class="visually-hidden">{}</span>', words, themas, rollen, words)

    @admin.display(description=_("ingediend"), ordering="ingediend_op")
    def ingediend(self, obj):
        # The day is enough in the list (and keeps every column in view); the detail page
        # and the Excel file have the time.
        return format_html('<time datetime="{}" title="{}">{}</time>',
                           obj.ingediend_op.isoformat(),
                           timezone.localtime(obj.ingediend_op).strftime("%d/%m/%Y %H:%M"),
                           timezone.localtime(obj.ingediend_op).strftime("%d/%m/%Y"))

    @admin.action(description=_("Opnieuw toetsen aan de KBO"), permissions=["change"])
    def kbo_hercontrole(self, request, queryset):
        """After a new register import: judge the selected registrations again."""
        result = register_check.registraties_recheck_register(registraties=queryset, user=request.user)
        if result.snapshot_datum is None:
            messages.warning(request, _("Er zijn geen KBO-gegevens geladen: er viel niets te "
                                        "toetsen. Laad eerst een KBO-bestand (import_kbo)."))
            return
        messages.success(request, ngettext(
            "%(count)d registratie getoetst aan de KBO-gegevens van %(datum)s; %(changed)d met "
            "een ander oordeel (zie hun geschiedenis).",
            "%(count)d registraties getoetst aan de KBO-gegevens van %(datum)s; %(changed)d met "
            "een ander oordeel (zie hun geschiedenis).", result.checked) % {
                "count": result.checked, "changed": result.changed,
                "datum": result.snapshot_datum.strftime("%d/%m/%Y")})

    # ----- permissions and history --------------------------------------------------------

    def has_add_permission(self, request):
        # Registrations arrive through the public form or the Excel import, never typed in.
        return False

    def revert_disabled(self, request, obj=None):
        # Restoring an old version would skip the workflow log and the form's rules.
        return True

    def anonymous_history_author(self, record) -> str:
        if record.history_change_reason == services.BY_ORGANISATION:
            return BY_LINK
        if record.history_type == "+":
            return BY_FORM
        return ""

    def history_rows(self, request, registratie) -> list[dict]:
        """The latest changes, newest first: when, who, what changed from what to what."""
        records = list(registratie.history.select_related("history_user")
                       .order_by("-history_date", "-history_id")[:HISTORY_LIMIT + 1])
        self.set_history_delta_changes(request, records)
        return [{"record": record, "who": record.author,
                 "reason": record.history_change_reason or "",
                 "changes": getattr(record, "history_delta_changes", [])
                 if record.history_type == "~" else [],
                 "type": {"+": _("aangemaakt"), "~": _("gewijzigd"),
                          "-": _("verwijderd")}.get(record.history_type, "")}
                for record in records[:HISTORY_LIMIT]]

    # ----- detail page --------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        sections = [(section.title, {"fields": [q.name for q in section.questions],
                                     "classes": ["collapse"]}) for section in SECTIONS]
        return [(_("Antwoorden aanpassen"), {"fields": ["referentie", "ronde"]}), *sections]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not self.has_change_permission(request, obj):
            # Read-only users get no answer fields, which the public form's setup expects.
            kwargs["form"] = forms.ModelForm
            return super().get_form(request, obj, change, **kwargs)
        form_class = super().get_form(request, obj, change, **kwargs)
        if not change or obj is None:
            return form_class
        # The detail page is one form: its answers and the review panel above them.
        return type(form_class.__name__, (DetailFormMixin, form_class), {
            "make_beoordeling": staticmethod(
                lambda data: self.beoordeling_form(request, obj, data=data)),
        })

    def save_model(self, request, obj, form, change):
        form.answers_saved = []
        if form.cleaned_data:
            saved = services.registratie_update(registratie=obj, data=form.answers(),
                                                reason=STAFF_EDIT_REASON)
            form.answers_saved = saved.changed_answers
            if form.answers_saved:
                self.message_user(request, _("De antwoorden zijn bewaard."), messages.SUCCESS)
            if form.notices:
                messages.warning(request, _("Bewaard met deze aandachtspunten, die deze wijziging "
                                            "niet veroorzaakte: %(punten)s.") % {
                    "punten": "; ".join(dict.fromkeys(notice.label for notice in form.notices))})
        reviewed = False
        beoordeling = getattr(form, "beoordeling", None)
        if beoordeling is not None:
            result = beoordeling.save(user=request.user)
            self.report_review(request, obj, result)
            reviewed = result.saved_anything or result.status_asked
        if not form.answers_saved and not reviewed:
            self.message_user(request, MSG_NOTHING_TO_SAVE, messages.INFO)

    def construct_change_message(self, request, form, formsets, add=False):
        # Only the answers that changed; a save that changed none leaves no entry.
        if not getattr(form, "answers_saved", None):
            return []
        return [{"changed": {"fields": [str(form.fields[name].label or name)
                                        for name in form.answers_saved if name in form.fields]}}]

    def log_change(self, request, obj, message):
        if message:
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        """Back to the page (or the list after ‘Opslaan’); the messages say what was stored."""
        if request.POST.keys() & {"_continue", BeoordelingForm.STATUS_BUTTON,
                                  BeoordelingForm.NOTE_BUTTON}:
            anchor = "#notities" if BeoordelingForm.NOTE_BUTTON in request.POST else ""
            return HttpResponseRedirect(request.get_full_path() + anchor)
        return self.response_post_save_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None and obj.pk and self.has_view_or_change_permission(request, obj):
            form = context["adminform"].form
            if request.method == "POST":
                # The answers on the panels are the stored ones, not the refused ones typed.
                obj = self.get_object(request, str(obj.pk))
            context.update(self.detail_context(
                request, obj, beoordeling_form=getattr(form, "beoordeling", None)))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def detail_context(self, request, registratie, *, beoordeling_form=None) -> dict:
        """Everything the detail page shows besides the editable answers."""
        return {
            "registratie": registratie,
            "answer_sections": registratie_answer_sections(registratie),
            **self.review_context(request, registratie, beoordeling_form=beoordeling_form),
            "panels": [{"template": panel.template, **panel.context(request, registratie)}
                       for panel in extensions.items(extensions.REGISTRATIE_PANELS)],
            "history_rows": self.history_rows(request, registratie),
            "history_url": reverse("admin:registraties_registratie_history",
                                   args=[registratie.pk]),
        }

    def render_review_page(self, request, registratie, *, beoordeling_form):
        """The detail page's panels again with the invalid form, keeping what the user typed."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(registratie),
            "original": registratie,
            **self.detail_context(request, registratie, beoordeling_form=beoordeling_form),
        }
        return TemplateResponse(request, self.review_page_template, context, status=400)


class DetailFormMixin:
    """The answers form of a registration's page, with the review panel typed on that page.

    Answers nobody touched are neither judged nor saved: a note or a status change is never
    refused because today's rules would judge the stored answers differently.
    """

    make_beoordeling = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.beoordeling = self.make_beoordeling(self.data if self.is_bound else None)
        self.answers_saved: list[str] = []

    def typed_answers(self) -> list[str]:
        """The answer fields whose sent value differs from the stored one (browsers send
        line breaks as CR LF)."""
        typed = []
        for name in self.changed_data:
            bound = self[name]
            data = bound.data
            if isinstance(data, str) and "\r\n" in data and not bound.field.has_changed(
                    bound.initial, data.replace("\r\n", "\n")):
                continue
            typed.append(name)
        return typed

    def full_clean(self):
        if self.is_bound and not self.typed_answers():
            self._errors = ErrorDict()
            self.cleaned_data = {}
        else:
            super().full_clean()
        if self.is_bound and not self.beoordeling.is_valid():
            self.add_error(None, MSG_NOTHING_SAVED)
