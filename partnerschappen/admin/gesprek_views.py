"""Staff pages of a partnership's conversations: plan, change, invite, remind, cancel, report,
and the partnership's outcome (formed or dropped, per member or whole).

Each page only translates between HTTP and ``gesprekken``; planning and everything that mails
the members needs ``partnerschappen.plan_gesprek`` (coordinators), reading is for anyone
who may view the partnership.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from registraties.mails import base_url

from .. import afspraken, gesprekken
from ..constants import Deelname, PartnerschapStatus
from ..forms import AfhakenForm, AfrondenForm, GesprekForm, VerslagForm, add_service_errors
from ..mails import moment_text
from ..models import Gesprek, Lidmaatschap, Partnerschap
from ..selectors import next_planned_conversation

PLAN_PERMISSION = "partnerschappen.plan_gesprek"
TEMPLATE = "admin/partnerschappen/gesprek_pagina.html"

MSG_PLANNED = _("Gesprek gepland op %(moment)s. Nodig nu de leden uit met de knop ‘Uitnodigen’.")
MSG_UPDATED = _("Het gesprek is gewijzigd.")
MSG_NOTHING_CHANGED = _("Er was niets gewijzigd; er werd niets verstuurd.")
MSG_CANCELLED = _("Het gesprek is geannuleerd.")
MSG_REPORT_SAVED = _("Het verslag is bewaard.")
MSG_NOBODY_TO_INVITE = _("Iedereen is al uitgenodigd; er werd niets verstuurd.")
MSG_FORMED = _("‘%(naam)s’ is nu gevormd.")
MSG_DROPPED = _("‘%(naam)s’ is nu afgehaakt.")
MSG_MEMBER_DROPPED = _("%(naam)s is afgehaakt.")
MSG_INVITE_NEWCOMERS = _("Er is een gesprek gepland op %(moment)s. Nodig %(namen)s uit met de "
                         "knop ‘Nieuwe leden uitnodigen’ bij dat gesprek.")


def partnership_url(partnerschap_id: int, anchor: str = "gesprekken") -> str:
    return reverse("admin:partnerschappen_partnerschap_change",
                   args=[partnerschap_id]) + f"#{anchor}"


def can_plan(request) -> bool:
    return request.user.has_perm(PLAN_PERMISSION)


def offer_invitation(request, partnerschap, names: list[str]) -> None:
    """Members added later (the call allows it) can join the next planned conversation."""
    if not names:
        return
    upcoming = next_planned_conversation(partnerschap=partnerschap)
    if upcoming is not None and upcoming.uitnodigingen.exists():
        messages.info(request, MSG_INVITE_NEWCOMERS % {"moment": moment_text(upcoming),
                                                       "namen": ", ".join(names)})


def _queued(request, count: int, what: str) -> None:
    if count:
        messages.info(request, ngettext(
            "%(count)d e-mail (%(what)s) staat in de wachtrij.",
            "%(count)d e-mails (%(what)s) staan in de wachtrij.", count)
            % {"count": count, "what": what})


class GesprekPage(View):
    """Shared plumbing: the partnership (and conversation) of the URL, the permission, the page."""

    model_admin = None
    title = ""

    def dispatch(self, request, object_id, gesprek_id=None, **kwargs):
        if not can_plan(request):
            raise PermissionDenied
        self.partnerschap = get_object_or_404(Partnerschap, pk=object_id)
        self.gesprek = None if gesprek_id is None else get_object_or_404(
            Gesprek, pk=gesprek_id, partnerschap=self.partnerschap)
        return super().dispatch(request, **kwargs)

    def render(self, form, *, intro=(), submit: str, danger: bool = False, status: int = 200):
        context = {
            **self.model_admin.admin_site.each_context(self.request),
            "opts": Partnerschap._meta, "title": self.title, "partnerschap": self.partnerschap,
            "gesprek": self.gesprek, "form": form, "intro": intro, "submit": submit,
            "danger": danger, "back_url": partnership_url(self.partnerschap.pk),
            "changelist_url": reverse("admin:partnerschappen_partnerschap_changelist"),
        }
        return TemplateResponse(self.request, TEMPLATE, context, status=status)

    def back(self, anchor: str = "gesprekken"):
        return HttpResponseRedirect(partnership_url(self.partnerschap.pk, anchor))

    def refuse(self, exc: ValidationError):
        for message in exc.messages:
            messages.error(self.request, message)
        return self.back()


class GesprekPlanView(GesprekPage):
    """Plan a new conversation (no gesprek_id) or change a planned one."""

    def get_title(self):
        return _("Gesprek wijzigen") if self.gesprek else _("Gesprek plannen")

    def intro(self):
        if self.gesprek and self.gesprek.uitnodigingen.filter(ingetrokken=False).exists():
            return [_("Wie al uitgenodigd is, krijgt de wijziging per e-mail met een nieuwe "
                      "agenda-uitnodiging die de vorige vervangt. Verandert het moment, dan "
                      "vervallen de antwoorden en vragen we opnieuw wie komt.")]
        return [_("Alle tijden zijn Belgische tijd. Na het plannen nodigt u de leden met één "
                  "klik uit; pas dan vertrekken de e-mails.")]

    def get(self, request):
        self.title = self.get_title()
        if self.gesprek is not None:
            if not self.gesprek.is_upcoming():
                return self.refuse(ValidationError(gesprekken.MSG_CONVERSATION_CLOSED))
            form = GesprekForm(initial=GesprekForm.initial_for(self.gesprek))
        else:
            form = GesprekForm(initial={"agenda": gesprekken.default_agenda(self.partnerschap),
                                        "duur_minuten": 90})
        return self.render(form, intro=self.intro(), submit=_("Opslaan"))

    def post(self, request):
        self.title = self.get_title()
        form = GesprekForm(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data[name]
                      for name in ("duur_minuten", "plaats", "online_link", "agenda")}
            try:
                if self.gesprek is None:
                    gesprek = gesprekken.gesprek_plan(partnerschap=self.partnerschap,
                                                    begint_op=form.begint_op(), user=request.user,
                                                    **values)
                    messages.success(request, MSG_PLANNED % {"moment": moment_text(gesprek)})
                else:
                    changed, sent = gesprekken.gesprek_update(
                        gesprek=self.gesprek, begint_op=form.begint_op(), base=base_url(request),
                        user=request.user, **values)
                    messages.success(request, MSG_UPDATED if changed else MSG_NOTHING_CHANGED)
                    _queued(request, sent, _("wijziging"))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return self.back()
        return self.render(form, intro=self.intro(), submit=_("Opslaan"))


class GesprekCancelView(GesprekPage):
    title = _("Gesprek annuleren")

    def intro(self):
        count = self.gesprek.uitnodigingen.filter(ingetrokken=False).count()
        return [_("Gesprek van %(moment)s.") % {"moment": moment_text(self.gesprek)},
                ngettext("%(count)d uitgenodigd lid krijgt een annulering die het gesprek uit "
                         "zijn agenda haalt.",
                         "%(count)d uitgenodigde leden krijgen een annulering die het gesprek "
                         "uit hun agenda haalt.", count) % {"count": count}]

    def get(self, request):
        return self.render(None, intro=self.intro(), submit=_("Ja, gesprek annuleren"),
                           danger=True)

    def post(self, request):
        try:
            sent = gesprekken.gesprek_cancel(gesprek=self.gesprek, base=base_url(request),
                                           user=request.user)
        except ValidationError as exc:
            return self.refuse(exc)
        messages.success(request, MSG_CANCELLED)
        _queued(request, sent, _("annulering"))
        return self.back()


class GesprekInviteView(GesprekPage):
    """POST only: invite every active member not invited yet (all at first, newcomers later)."""

    def get(self, request):
        # Reloaded or bookmarked after sending: the partnership's page, not an error.
        return self.back()

    def post(self, request):
        try:
            invited = gesprekken.gesprek_invite(gesprek=self.gesprek, base=base_url(request),
                                              user=request.user)
        except ValidationError as exc:
            return self.refuse(exc)
        if not invited:
            messages.info(request, MSG_NOBODY_TO_INVITE)
        else:
            messages.success(request, ngettext(
                "%(count)d lid uitgenodigd: %(namen)s.", "%(count)d leden uitgenodigd: %(namen)s.",
                len(invited)) % {"count": len(invited),
                                 "namen": ", ".join(u.registratie.naam for u in invited)})
        return self.back()


class GesprekRemindView(GesprekPage):
    """POST only: remind one member (``uitnodiging``) or everyone who has not answered."""

    def get(self, request):
        # Reloaded or bookmarked after sending: the partnership's page, not an error.
        return self.back()

    def post(self, request):
        chosen = request.POST.get("uitnodiging", "")
        only = None
        if chosen.isdigit():
            only = list(self.gesprek.uitnodigingen.filter(pk=int(chosen)))
        try:
            sent, skipped = gesprekken.gesprek_remind(gesprek=self.gesprek, base=base_url(request),
                                                    uitnodigingen=only)
        except ValidationError as exc:
            return self.refuse(exc)
        if sent:
            messages.success(request, ngettext("%(count)d herinnering verstuurd.",
                                               "%(count)d herinneringen verstuurd.", sent)
                             % {"count": sent})
        if skipped or not sent:
            messages.warning(request, _("Geen herinnering voor wie al antwoordde of de voorbije "
                                        "24 uur al een herinnering kreeg (hoogstens één per dag)."))
        return self.back()


class GesprekReportView(GesprekPage):
    title = _("Verslag van het gesprek")

    def get(self, request):
        return self.render(VerslagForm(initial={"verslag": self.gesprek.verslag}),
                           intro=[moment_text(self.gesprek)], submit=_("Verslag bewaren"))

    def post(self, request):
        form = VerslagForm(request.POST)
        if form.is_valid():
            try:
                gesprekken.gesprek_save_report(gesprek=self.gesprek,
                                             verslag=form.cleaned_data["verslag"],
                                             user=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, MSG_REPORT_SAVED)
                return self.back()
        return self.render(form, intro=[moment_text(self.gesprek)], submit=_("Verslag bewaren"))


class PartnerschapOutcomeView(GesprekPage):
    """After the conversation: the partnership is formed, or the whole partnership drops out."""

    title = _("Partnerschap afronden")
    intro = [_("Gevormd: kan zodra elk lid dat niet afhaakte de huidige afspraak bevestigde; de "
               "leden die niet afhaakten, worden bevestigd. Afgehaakt: geplande gesprekken "
               "worden geannuleerd (de leden krijgen een annulering). De reden blijft intern.")]

    def lines(self):
        confirmation = afspraken.partnerschap_confirmation(self.partnerschap)
        return [*self.intro, _("Afspraak: %(stand)s.") % {"stand": confirmation}]

    def get(self, request):
        return self.render(AfrondenForm(), intro=self.lines(), submit=_("Status opslaan"))

    def post(self, request):
        form = AfrondenForm(request.POST)
        if form.is_valid():
            status, reden = form.cleaned_data["status"], form.cleaned_data["reden"]
            try:
                if status == PartnerschapStatus.GEVORMD:
                    gesprekken.partnerschap_form(
                        partnerschap=self.partnerschap, reden=reden, user=request.user,
                        override=form.cleaned_data["toch_vormen"])
                    messages.success(request, MSG_FORMED % {"naam": self.partnerschap.naam})
                else:
                    gesprekken.partnerschap_drop(partnerschap=self.partnerschap, reden=reden,
                                               base=base_url(request), user=request.user)
                    messages.success(request, MSG_DROPPED % {"naam": self.partnerschap.naam})
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return self.back("verloop")
        return self.render(form, intro=self.lines(), submit=_("Status opslaan"))


class MemberDropView(GesprekPage):
    """One member drops out: it stays listed as ‘afgehaakt’, its upcoming invitations go."""

    title = _("Lid haakt af")

    def dispatch(self, request, object_id, lid_id, **kwargs):
        self.lid_id = lid_id
        return super().dispatch(request, object_id, **kwargs)

    def lid(self) -> Lidmaatschap:
        return get_object_or_404(Lidmaatschap.objects.select_related("registratie"),
                                 pk=self.lid_id, partnerschap=self.partnerschap)

    def get(self, request):
        lid = self.lid()
        return self.render(AfhakenForm(), intro=[lid.registratie.naam], submit=_("Lid laten afhaken"),
                           danger=True)

    def post(self, request):
        lid = self.lid()
        form = AfhakenForm(request.POST)
        if lid.deelname != Deelname.AFGEHAAKT and form.is_valid():
            try:
                gesprekken.lidmaatschap_drop(lidmaatschap=lid, reden=form.cleaned_data["reden"],
                                           base=base_url(request), user=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, MSG_MEMBER_DROPPED % {"naam": lid.registratie.naam})
                return self.back("verloop")
        elif lid.deelname == Deelname.AFGEHAAKT:
            return self.back("verloop")
        return self.render(form, intro=[lid.registratie.naam], submit=_("Lid laten afhaken"),
                           danger=True)
