"""The public interest form: submit, confirmation, edit by private link and 'link kwijt'."""
import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from verkenning.models import Ronde
from verkenning.views import RondeContextMixin

from . import mails, services
from .forms import MSG_DUPLICATE, LinkKwijtForm, RegistratieForm
from .models import Registratie
from .selectors import registratie_answer_sections

SESSION_KEY = "laatste_registratie"
# The confirmation shows contact details: on a shared computer it must not stay readable.
CONFIRMATION_SECONDS = 30 * 60


def remember_for_confirmation(request, registratie) -> None:
    request.session[SESSION_KEY] = {"pk": registratie.pk, "tot": time.time() + CONFIRMATION_SECONDS}


def recent_registratie_pk(request) -> int | None:
    remembered = request.session.get(SESSION_KEY)
    if not isinstance(remembered, dict) or remembered.get("tot", 0) < time.time():
        request.session.pop(SESSION_KEY, None)
        return None
    return remembered.get("pk")


class InteresseView(RondeContextMixin, FormView):
    template_name = "registraties/formulier.html"
    form_class = RegistratieForm

    def dispatch(self, request, *args, **kwargs):
        ronde = self.get_ronde()
        if ronde is None or not ronde.is_open():
            return self.render_closed()
        return super().dispatch(request, *args, **kwargs)

    def render_closed(self):
        # A round that has yet to open is never "current"; tell the visitor when it opens.
        ronde = Ronde.objects.next_upcoming() or self.get_ronde()
        return render(self.request, "registraties/gesloten.html", {"ronde": ronde})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ronde": self.get_ronde()}

    def form_valid(self, form):
        try:
            submission = services.registratie_submit(ronde=self.get_ronde(),
                                                     data=form.cleaned_data)
        except services.DuplicateRegistration:
            form.add_error("ondernemingsnummer", ValidationError(MSG_DUPLICATE, code="dubbel"))
            return self.form_invalid(form)
        except services.RoundClosed:
            return self.render_closed()
        registratie = submission.registratie
        mails.registratie_send_confirmation(registratie=registratie, token=submission.token,
                                            request=self.request)
        mails.registratie_notify_staff(registratie=registratie, request=self.request)
        remember_for_confirmation(self.request, registratie)
        return HttpResponseRedirect(reverse("registraties:bevestiging"), status=303)


class BevestigingView(TemplateView):
    """Shows the visitor's own last registration, found through their session only."""

    template_name = "registraties/bevestiging.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pk = recent_registratie_pk(self.request)
        registratie = (Registratie.objects.select_related("ronde").filter(pk=pk).first()
                       if pk else None)
        context["registratie"] = registratie
        context["ronde"] = registratie.ronde if registratie else None
        context["answer_sections"] = registratie_answer_sections(registratie) \
            if registratie else []
        return context


class WijzigenView(View):
    template_name = "registraties/wijzigen.html"

    def dispatch(self, request, token, *args, **kwargs):
        self.registratie = services.registratie_for_token(token)
        if self.registratie is None:
            raise Http404(_("Deze wijzigingslink is ongeldig."))
        if not services.edit_link_is_alive(self.registratie):
            return render(request, "registraties/link_verlopen.html",
                          {"ronde": self.registratie.ronde}, status=410)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, form, status=200):
        return render(self.request, self.template_name,
                      {"form": form, "registratie": self.registratie,
                       "ronde": self.registratie.ronde}, status=status)

    def get(self, request):
        return self._render(RegistratieForm(instance=self.registratie))

    def post(self, request):
        form = RegistratieForm(request.POST, instance=self.registratie)
        if not form.is_valid():
            return self._render(form)
        try:
            services.registratie_update(registratie=self.registratie, data=form.cleaned_data)
        except services.DuplicateRegistration:
            form.add_error("ondernemingsnummer", ValidationError(MSG_DUPLICATE, code="dubbel"))
            return self._render(form)
        remember_for_confirmation(request, self.registratie)
        messages.success(request, _("Uw wijzigingen zijn bewaard."))
        return HttpResponseRedirect(reverse("registraties:bevestiging"), status=303)


class LinkKwijtView(RondeContextMixin, FormView):
    template_name = "registraties/link_kwijt.html"
    form_class = LinkKwijtForm

    def form_valid(self, form):
        ronde = self.get_ronde()
        if ronde is not None:
            services.registratie_request_new_link(
                ronde=ronde, ondernemingsnummer=form.cleaned_data["ondernemingsnummer"],
                email=form.cleaned_data["contact_email"], request=self.request)
        return render(self.request, "registraties/link_kwijt_verstuurd.html", {"ronde": ronde})
