"""Batch actions of partnerships: adding selected registrations to one, exporting selected ones."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portaal.text import TextAnswersMixin
from registraties.admin.excel import batch_export

from .. import services
from ..constants import Basis
from ..excel import partnerschappen_count_text, partnerschappen_export
from ..models import Partnerschap
from .gesprek_views import offer_invitation

APPLY = "apply"  # set by the action's own page: the form below was filled in

MSG_NOT_CREATED = _("Er werd geen partnerschap aangemaakt: %(reden)s")
MSG_NO_PERMISSION = _("U hebt geen recht om partnerschappen te maken of te wijzigen.")
MSG_CHOOSE_ONE = _("Kies een bestaand partnerschap of geef een naam voor een nieuw partnerschap, "
                 "niet allebei.")


class AddToPartnerschapForm(TextAnswersMixin, forms.Form):
    partnerschap = forms.ModelChoiceField(
        label=_("Bestaand partnerschap"), queryset=Partnerschap.objects.none(), required=False,
        empty_label=_("— een nieuw partnerschap maken —"),
    )
    naam = forms.CharField(label=_("Naam van het nieuwe partnerschap"), max_length=200,
                           required=False)
    basis = forms.ChoiceField(label=_("Basis van de bundeling (nieuw partnerschap)"),
                              choices=Basis.choices, initial=Basis.GELIJKAARDIGE_UITDAGINGEN,
                              required=False)

    def __init__(self, *args, ronde, can_add: bool, can_change: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_add, self.can_change = can_add, can_change
        self.fields["partnerschap"].queryset = (
            Partnerschap.objects.filter(ronde=ronde).active().order_by("naam", "pk")
            if can_change else Partnerschap.objects.none())
        if not can_add:
            del self.fields["naam"]
            del self.fields["basis"]

    def clean(self):
        data = super().clean()
        existing, naam = data.get("partnerschap"), (data.get("naam") or "").strip()
        if bool(existing) == bool(naam):
            raise ValidationError(MSG_CHOOSE_ONE, code="kies_een")
        return data


def _refusal_messages(request, refused) -> None:
    for registratie, exc in refused:
        messages.error(request, _("%(naam)s niet toegevoegd: %(reden)s") % {
            "naam": registratie.naam, "reden": " ".join(exc.messages)})


@admin.action(description=_("Toevoegen aan partnerschap…"), permissions=["change"])
def toevoegen_aan_partnerschap(modeladmin, request, queryset):
    """Intermediate page: pick a partnership of the round, or create one from the selection."""
    can_add = request.user.has_perm("partnerschappen.add_partnerschap")
    can_change = request.user.has_perm("partnerschappen.change_partnerschap")
    if not (can_add or can_change):
        modeladmin.message_user(request, MSG_NO_PERMISSION, messages.ERROR)
        return None
    registraties = list(queryset.select_related("ronde").order_by("naam", "pk"))
    rondes = {r.ronde_id for r in registraties}
    if not rondes:
        return None
    if len(rondes) != 1:
        modeladmin.message_user(request, services.MSG_ONE_ROUND, messages.ERROR)
        return None
    ronde = registraties[0].ronde

    form = AddToPartnerschapForm(request.POST if APPLY in request.POST else None, ronde=ronde,
                                 can_add=can_add, can_change=can_change)
    if form.is_bound and form.is_valid():
        existing = form.cleaned_data.get("partnerschap")
        outcome = services.partnerschap_add_registraties(
            registraties=registraties, partnerschap=existing,
            naam=form.cleaned_data.get("naam") or "",
            basis=form.cleaned_data.get("basis") or Basis.GELIJKAARDIGE_UITDAGINGEN,
            user=request.user)
        if outcome.partnerschap is None:
            # No empty or one-member partnership: say why and stay on the list.
            modeladmin.message_user(request, MSG_NOT_CREATED % {
                "reden": " ".join(outcome.not_created.messages)}, messages.ERROR)
            _refusal_messages(request, outcome.refused)
            return None
        added = len(outcome.added)
        modeladmin.message_user(request, ngettext(
            "%(count)d registratie toegevoegd aan ‘%(naam)s’.",
            "%(count)d registraties toegevoegd aan ‘%(naam)s’.", added,
        ) % {"count": added, "naam": outcome.partnerschap.naam}, messages.SUCCESS)
        _refusal_messages(request, outcome.refused)
        if existing is not None:
            offer_invitation(request, existing, [r.naam for r in outcome.added])
        return HttpResponseRedirect(
            reverse("admin:partnerschappen_partnerschap_change", args=[outcome.partnerschap.pk]))

    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Toevoegen aan partnerschap"),
        "opts": modeladmin.model._meta,
        "ronde": ronde,
        "registraties": registraties,
        "form": form,
        "action_name": "toevoegen_aan_partnerschap",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/partnerschappen/toevoegen_aan_partnerschap.html",
                            context)


@admin.action(description=_("Geselecteerde partnerschappen exporteren naar Excel (een rij per lid)"))
def partnerschappen_excel_export(modeladmin, request, queryset):
    """The members of the selected partnerships, one row each."""
    return batch_export(modeladmin, request, queryset, export=partnerschappen_export,
                        filename=f"partnerschappen-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
                        action="partnerschappen_excel_export",
                        title=_("Partnerschappen exporteren naar Excel"),
                        count_text=partnerschappen_count_text(queryset))
