"""Staff pages of a partnership's agreement: read it (any version, who confirmed), record a new
version (a form made for it: the partnership's part and one block per member), put it to the
members. Reading is for whoever may view agreements; recording and submitting need
``partnerschappen.leg_afspraak_vast`` (coordinators). Each page only translates between HTTP
and ``afspraken``.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from registraties.mails import base_url

from .. import afspraken
from ..forms import AfspraakForm, AfspraakLidFormSet, add_agreement_errors
from ..models import Afspraak, Bevestiging, Partnerschap

VIEW_PERMISSION = "partnerschappen.view_afspraak"
RECORD_PERMISSION = "partnerschappen.leg_afspraak_vast"

MSG_SAVED = _("Versie %(nummer)d van de afspraak is vastgelegd. Leg ze ter bevestiging voor "
              "met de knop ‘Ter bevestiging voorleggen’.")
MSG_UNCHANGED = _("Er was niets gewijzigd: er kwam geen nieuwe versie.")
MSG_NOT_SAVED = _("Er werd niets bewaard: pas aan wat hieronder gemeld wordt.")
MSG_NO_VERSION = _("Er is nog geen afspraak om voor te leggen: leg eerst een afspraak vast.")


def can_record(request) -> bool:
    return request.user.has_perm(RECORD_PERMISSION)


def agreement_url(partnerschap_id: int) -> str:
    return reverse("admin:partnerschappen_partnerschap_afspraak", args=[partnerschap_id])


class AfspraakPage(View):
    model_admin = None
    title = _("Afspraak")
    permission = VIEW_PERMISSION
    template = "admin/partnerschappen/afspraak.html"

    def dispatch(self, request, object_id, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.partnerschap = get_object_or_404(Partnerschap.objects.select_related("ronde"),
                                              pk=object_id)
        return super().dispatch(request, **kwargs)

    def render(self, context: dict, status: int = 200):
        return TemplateResponse(self.request, self.template, {
            **self.model_admin.admin_site.each_context(self.request),
            "opts": Partnerschap._meta, "title": self.title, "partnerschap": self.partnerschap,
            "back_url": reverse("admin:partnerschappen_partnerschap_change",
                                args=[self.partnerschap.pk]),
            "agreement_url": agreement_url(self.partnerschap.pk),
            "changelist_url": reverse("admin:partnerschappen_partnerschap_changelist"),
            "can_record": can_record(self.request) and self.partnerschap.is_active,
            **context}, status=status)


class AfspraakView(AfspraakPage):
    """The current version (or ``?versie=N``), each member's part and answer, the versions."""

    def get(self, request):
        versions = list(Afspraak.objects.filter(partnerschap=self.partnerschap)
                        .select_related("aangemaakt_door").order_by("-nummer"))
        shown = versions[0] if versions else None
        wanted = request.GET.get("versie", "")
        if wanted:
            shown = next((v for v in versions if str(v.nummer) == wanted), None)
            if shown is None:
                raise Http404(_("Deze versie van de afspraak bestaat niet."))
        leden, answers, earlier = [], {}, {}
        if shown is not None:
            leden = list(shown.leden.select_related("registratie")
                         .order_by("registratie__naam", "pk"))
            answers = {b.registratie_id: b for b in Bevestiging.objects.filter(afspraak=shown)}
            # Comments a later confirmation replaced: staff still read them (the history).
            for record in (Bevestiging.history.filter(afspraak_id=shown.pk, akkoord=False)
                           .exclude(opmerking="").order_by("history_date")):
                earlier.setdefault(record.registratie_id, []).append(record)
        rows = [{"lid": lid, "bevestiging": answers.get(lid.registratie_id),
                 "earlier": [r for r in earlier.get(lid.registratie_id, [])
                             if not answers.get(lid.registratie_id)
                             or r.opmerking != answers[lid.registratie_id].opmerking]}
                for lid in leden]
        return self.render({
            "versions": versions, "shown": shown,
            "is_current": bool(versions) and shown == versions[0], "rows": rows,
            "confirmation": afspraken.partnerschap_confirmation(self.partnerschap),
            "totaal_ondernemingen": sum(lid.bereik_ondernemingen for lid in leden),
            "totaal_werknemers": sum(lid.bereik_werknemers for lid in leden),
        })


def member_of(form) -> int | None:
    """The registration a member block is about: as posted, else as it was offered."""
    try:
        return int(form["registratie_id"].value())
    except (TypeError, ValueError):
        return None


def _initial_member(lid, version_part=None) -> dict:
    """A member's block: its part in the current version, else what its registration says."""
    if version_part is not None:
        return {"registratie_id": lid.registratie_id, "acties": version_part.acties,
                "sectoren": version_part.sectoren,
                "paritaire_comites": version_part.paritaire_comites,
                "provincies": version_part.provincies,
                "bereik_ondernemingen": version_part.bereik_ondernemingen,
                "bereik_werknemers": version_part.bereik_werknemers,
                "bijdrage": version_part.bijdrage}
    return afspraken.member_defaults(lid)


class AfspraakRecordView(AfspraakPage):
    """Record a new version: the current one (or the registrations' answers) filled in."""

    title = _("Afspraak vastleggen")
    permission = RECORD_PERMISSION
    template = "admin/partnerschappen/afspraak_form.html"

    def setup_members(self):
        self.members = afspraken.remaining_members(self.partnerschap)
        self.current = afspraken.afspraak_current(self.partnerschap)
        self.parts = ({lid.registratie_id: lid for lid in self.current.leden.all()}
                      if self.current else {})
        self.names = {lid.registratie_id: lid.registratie.naam for lid in self.members}

    def page(self, form, formset, errors=(), status=200):
        # Each block named after the member it says it is about (what was posted, on a refusal).
        blocks = [{"form": f, "naam": self.names.get(member_of(f), "–")} for f in formset.forms]
        return self.render({"form": form, "formset": formset, "blocks": blocks,
                            "errors": list(errors), "current": self.current}, status=status)

    def get(self, request):
        self.setup_members()
        initial = ({"themas": self.current.themas, "thema_andere": self.current.thema_andere,
                    "doelgroep": self.current.doelgroep, "open_vragen": self.current.open_vragen,
                    "volgende_stap": self.current.volgende_stap} if self.current
                   else {"themas": list(self.partnerschap.themas or [])})
        formset = AfspraakLidFormSet(prefix="leden", initial=[
            _initial_member(lid, self.parts.get(lid.registratie_id)) for lid in self.members])
        return self.page(AfspraakForm(initial=initial), formset)

    def post(self, request):
        self.setup_members()
        form = AfspraakForm(request.POST)
        formset = AfspraakLidFormSet(request.POST, prefix="leden")
        if formset.is_valid() and form.is_valid():
            data = form.cleaned_data
            try:
                afspraak, created = afspraken.afspraak_save(
                    partnerschap=self.partnerschap, themas=data["themas"],
                    thema_andere=data["thema_andere"], doelgroep=data["doelgroep"],
                    open_vragen=data["open_vragen"], volgende_stap=data["volgende_stap"],
                    leden=[f.lid_input() for f in formset.forms], user=request.user)
            except ValidationError as exc:
                errors = add_agreement_errors(form, formset, exc)
                return self.page(form, formset, [MSG_NOT_SAVED, *errors])
            if created:
                messages.success(request, MSG_SAVED % {"nummer": afspraak.nummer})
            else:
                messages.info(request, MSG_UNCHANGED)
            return HttpResponseRedirect(agreement_url(self.partnerschap.pk))
        return self.page(form, formset, [MSG_NOT_SAVED])


class AfspraakSubmitView(AfspraakPage):
    """"Ter bevestiging voorleggen": a mail to each member (POST from the agreement page)."""

    permission = RECORD_PERMISSION

    def get(self, request):
        return HttpResponseRedirect(agreement_url(self.partnerschap.pk))

    def post(self, request):
        current = afspraken.afspraak_current(self.partnerschap)
        if current is None:
            messages.error(request, MSG_NO_VERSION)
        else:
            try:
                count = afspraken.afspraak_submit(afspraak=current, base=base_url(request),
                                                  user=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, ngettext(
                    "Versie %(nummer)d ligt ter bevestiging voor: %(count)d e-mail staat in de "
                    "wachtrij.",
                    "Versie %(nummer)d ligt ter bevestiging voor: %(count)d e-mails staan in de "
                    "wachtrij.", count) % {"nummer": current.nummer, "count": count})
        return HttpResponseRedirect(agreement_url(self.partnerschap.pk))
