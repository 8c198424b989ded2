"""The public answer page of an invitation: /gesprek/<token>/ (komt, komt niet, ander moment)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from . import gesprekken, mails, selectors
from .forms import AntwoordForm, add_service_errors

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
