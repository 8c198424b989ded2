"""The public pages of partnerships: the answer page of an invitation, /gesprek/<token>/ (komt,
komt niet, ander moment), the dossier behind an agreement mail's link and a member's
confirmation of an agreement."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from registraties.services import registratie_for_token
from registraties.views import dossier_response

from . import afspraken, gesprekken, mails, selectors
from .forms import AntwoordForm, BevestigingForm, add_service_errors
from .models import Afspraak

MSG_SAVED = _("Bedankt, uw antwoord is bewaard. U kunt het hier wijzigen tot het gesprek begint.")


@method_decorator(never_cache, name="dispatch")
class AntwoordView(View):
    """One member's invitation, found through its link only; shows nothing of anyone else's answer."""

    template_name = "partnerschappen/antwoord.html"

    def dispatch(self, request, token, *args, **kwargs):
        self.uitnodiging = gesprekken.uitnodiging_for_token(token)
        if self.uitnodiging is None:
            raise Http404(_("Deze antwoordlink is ongeldig of werd vervangen door een nieuwere."))
        self.state = gesprekken.answer_link_state(self.uitnodiging)
        if self.state in (gesprekken.LinkState.VERLOPEN, gesprekken.LinkState.GEANNULEERD):
            return render(request, "partnerschappen/antwoord_verlopen.html",
                          {"state": self.state, "gesprek": self.uitnodiging.gesprek},
                          status=410)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form, status=200):
        gesprek = self.uitnodiging.gesprek
        return render(self.request, self.template_name, {
            "form": form, "uitnodiging": self.uitnodiging, "gesprek": gesprek,
            "partnerschap": gesprek.partnerschap, "moment": mails.moment_text(gesprek),
            "others": selectors.visible_members(gesprek=gesprek,
                                                recipient=self.uitnodiging.registratie),
            "can_answer": self.state == gesprekken.LinkState.OPEN,
        }, status=status)

    def get(self, request):
        return self._render(AntwoordForm(initial={"opmerking": self.uitnodiging.opmerking}))

    def post(self, request):
        form = AntwoordForm(request.POST)
        if self.state != gesprekken.LinkState.OPEN:
            form.is_valid()
            form.add_error(None, gesprekken.MSG_ANSWER_CLOSED)
            return self._render(form, status=409)
        if form.is_valid():
            try:
                gesprekken.uitnodiging_answer(uitnodiging=self.uitnodiging,
                                            antwoord=form.cleaned_data["antwoord"],
                                            opmerking=form.cleaned_data["opmerking"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, MSG_SAVED)
                return HttpResponseRedirect(request.path, status=303)
        return self._render(form)


MSG_CONFIRMED = _("Bedankt, u bevestigde de afspraken. Komt er een nieuwe versie, dan vragen "
                  "we u opnieuw.")
MSG_COMMENTED = _("Bedankt, uw opmerking is bewaard. ESF&DO neemt contact met u op.")
MSG_UNKNOWN_LINK = _("Deze link is ongeldig. Gebruik de link uit de laatste e-mail over de "
                     "afspraken, of vraag een nieuwe wijzigingslink via ‘Link kwijt’.")
MSG_NOT_A_BUTTON = _("Kies een van de twee knoppen: ik bevestig, of ik bevestig niet (met een "
                     "opmerking).")


@method_decorator(never_cache, name="dispatch")
class AfspraakBevestigenView(View):
    """/gesprek/afspraak/<token>/: the dossier behind an agreement mail's link, and the POST
    that confirms an agreement or comments on it.

    GET takes the mail's own token only (``AfspraakLink``): the read-only dossier, whether or
    not the round is still open; the edit link is never touched. POST takes that token or
    the edit link's (the form on the edit-link page and its dossier posts here) and leads
    back to the page it came from. The service decides whether this organisation may answer
    this version; a refusal shows the agreement again with the message and what was typed.
    """

    http_method_names = ["get", "head", "post"]

    def get(self, request, token):
        registratie = afspraken.registratie_for_afspraak_link(token)
        if registratie is None:
            raise Http404(MSG_UNKNOWN_LINK)
        return dossier_response(request, registratie, via_link=True)

    def post(self, request, token):
        registratie = afspraken.registratie_for_afspraak_link(token)
        if registratie is not None:
            dossier = reverse("partnerschappen:afspraak_bevestigen", args=[token]) + "#afspraken"
        else:
            registratie = registratie_for_token(token)
            if registratie is None:
                raise Http404(MSG_UNKNOWN_LINK)
            dossier = reverse("registraties:wijzigen", args=[token]) + "#afspraken"
        form = BevestigingForm(request.POST)
        if not form.is_valid():
            raise Http404(_("Deze afspraak bestaat niet."))
        afspraak = Afspraak.objects.filter(pk=form.cleaned_data["afspraak"]).first()
        if afspraak is None:
            raise Http404(_("Deze afspraak bestaat niet."))
        choice = form.cleaned_data["akkoord"]
        try:
            if choice not in ("ja", "nee"):
                raise ValidationError(MSG_NOT_A_BUTTON, code="keuze")
            afspraken.afspraak_answer(afspraak=afspraak, registratie=registratie,
                                      akkoord=choice == "ja",
                                      opmerking=form.cleaned_data["opmerking"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            items = [item for item in afspraken.registratie_agreements(registratie)
                     if item.partnerschap.pk == afspraak.partnerschap_id]
            return render(request, "partnerschappen/afspraak_bevestigen.html", {
                "form": form, "item": items[0] if items else None, "token": token,
                "dossier_url": dossier, "registratie": registratie}, status=200)
        messages.success(request, MSG_CONFIRMED if choice == "ja" else MSG_COMMENTED)
        return HttpResponseRedirect(dossier, status=303)
