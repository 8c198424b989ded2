"""The public interest form: submit, confirmation, edit by private link and 'link kwijt'."""
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView
from django_ratelimit.core import get_usage

from portaal.views import too_many_requests_page
from verkenning.models import Ronde
from verkenning.views import RondeContextMixin

from . import mails, ondernemingsnummer, services, spamcontrole
from .forms import MSG_DUPLICATE, LinkKwijtForm, PubliekRegistratieForm, RegistratieForm
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


# POSTs per client address (settings.RATELIMIT_*; the count lives in the shared cache).
# A form takes minutes to fill in and may come back a few times with errors: 20 in ten
# minutes lets several organisations behind one office address register one after another,
# while a script stops after 20. "Link kwijt" is asked for once, maybe with a typo: 5.
FORM_RATE = "20/10m"
LINK_KWIJT_RATE = "5/10m"


def refuse_when_limited(request, *, group: str, rate: str):
    """The calm 429 page when this address sent too many POSTs; None otherwise (and counted)."""
    if request.method != "POST":
        return None
    usage = get_usage(request, group=group, key="ip", rate=rate, method="POST", increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return too_many_requests_page(retry_after=max(1, usage["time_left"]),
                                  template="registraties/te_veel_pogingen.html")


def no_store_after_post(request, response):
    """A page answering a POST shows what the visitor typed: not for the browser's cache."""
    if request.method == "POST":
        add_never_cache_headers(response)
    return response


class InteresseView(RondeContextMixin, FormView):
    template_name = "registraties/formulier.html"
    form_class = PubliekRegistratieForm

    def dispatch(self, request, *args, **kwargs):
        refusal = refuse_when_limited(request, group="interesse", rate=FORM_RATE)
        if refusal is not None:
            return refusal
        ronde = self.get_ronde()
        if ronde is None or not ronde.is_open():
            return self.render_closed()
        return no_store_after_post(request, super().dispatch(request, *args, **kwargs))

    def form_invalid(self, form):
        # A double click sends the form twice; the second finds the first one's registration.
        # When this session just saved it, the visitor sees that confirmation, not an error.
        if form.is_duplicate and self._just_registered_here(form):
            return HttpResponseRedirect(reverse("registraties:bevestiging"), status=303)
        return super().form_invalid(form)

    def _just_registered_here(self, form) -> bool:
        pk = recent_registratie_pk(self.request)
        if not pk:
            return False
        # The duplicate error took the number out of cleaned_data; it was valid to get there.
        number = ondernemingsnummer.normalise(form.data.get("ondernemingsnummer", ""))
        return Registratie.objects.filter(pk=pk, ronde=self.get_ronde(),
                                          ondernemingsnummer=number).exists()

    def render_closed(self):
        # A round that has yet to open is never "current"; tell the visitor when it opens.
        ronde = Ronde.objects.next_upcoming() or self.get_ronde()
        return render(self.request, "registraties/gesloten.html", {"ronde": ronde})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ronde": self.get_ronde()}

    def form_valid(self, form):
        try:
            # The registration and its two queued mails are saved together or not at all:
            # a crash in between cannot lose the confirmation with the edit link.
            with transaction.atomic():
                submission = services.registratie_submit(ronde=self.get_ronde(),
                                                         data=form.cleaned_data)
                registratie = submission.registratie
                mails.registratie_send_confirmation(registratie=registratie,
                                                    token=submission.token, request=self.request)
                mails.registratie_notify_staff(registratie=registratie, request=self.request)
        except services.DuplicateRegistration:
            form.add_error("ondernemingsnummer", ValidationError(MSG_DUPLICATE, code="dubbel"))
            return self.form_invalid(form)
        except services.RoundClosed:
            return self.render_closed()
        remember_for_confirmation(self.request, registratie)
        return HttpResponseRedirect(reverse("registraties:bevestiging"), status=303)


@method_decorator(never_cache, name="dispatch")
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


@dataclass(frozen=True)
class EditPageSection:
    """A section another app adds to the edit-link page (partnerschappen: its conversations).

    ``context(registratie)`` returns what ``template`` needs; only that registration's data.
    """

    template: str
    context: Callable


EDIT_PAGE_SECTIONS: list[EditPageSection] = []


def contribute_edit_page_section(section: EditPageSection) -> None:
    if section not in EDIT_PAGE_SECTIONS:
        EDIT_PAGE_SECTIONS.append(section)


@method_decorator(never_cache, name="dispatch")
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
        sections = [{"template": section.template, **section.context(self.registratie)}
                    for section in EDIT_PAGE_SECTIONS]
        return render(self.request, self.template_name,
                      {"form": form, "registratie": self.registratie,
                       "ronde": self.registratie.ronde, "sections": sections}, status=status)

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

    def dispatch(self, request, *args, **kwargs):
        refusal = refuse_when_limited(request, group="link-kwijt", rate=LINK_KWIJT_RATE)
        if refusal is not None:
            return refusal
        return no_store_after_post(request, super().dispatch(request, *args, **kwargs))

    def form_valid(self, form):
        ronde = self.get_ronde()
        if ronde is not None:
            services.registratie_request_new_link(
                ronde=ronde, ondernemingsnummer=form.cleaned_data["ondernemingsnummer"],
                email=form.cleaned_data["contact_email"], request=self.request)
        return render(self.request, "registraties/link_kwijt_verstuurd.html", {"ronde": ronde})


@never_cache
@require_GET
def altcha_challenge(request):
    """A fresh proof-of-work challenge for the form's ALTCHA widget."""
    return JsonResponse(spamcontrole.new_challenge())
