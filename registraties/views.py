"""The public interest form: submit, confirmation, edit by private link and 'link kwijt'."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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

from kbo import ondernemingsnummer
from kbo.selectors import kbo_check
from portaal import extensions, pagecache
from portaal.ratelimits import seconds_to_wait
from portaal.views import too_many_requests_page
from verkenning.models import Ronde
from verkenning.views import RondeContextMixin

from . import eligibility, mails, services, spamcontrole
from .eligibility import Path
from .forms import (
    LinkKwijtForm,
    PubliekRegistratieForm,
    RegistratieForm,
    duplicate_message,
    same_answer,
    stored_answers,
)
from .models import Registratie
from .questions import ANSWER_FIELDS
from .selectors import registratie_answer_sections

# The confirmation shows contact details: on a shared computer it must not stay readable.
CONFIRMATION_SECONDS = 30 * 60
# The visitor's own last registration, in a signed cookie of its own rather than in the
# session: a submission then needs no session row (two queries less per POST).
CONFIRMATION_COOKIE = "laatste_registratie"
CONFIRMATION_SALT = "registraties.bevestiging"
# The cookie's value after an edit through the link: "<pk>.gewijzigd" (no mail was sent then).
EDITED = "gewijzigd"


def remember_for_confirmation(response, registratie, *, edited: bool = False):
    """Let this browser see ``registratie``'s confirmation for half an hour."""
    value = f"{registratie.pk}.{EDITED}" if edited else str(registratie.pk)
    response.set_signed_cookie(
        CONFIRMATION_COOKIE, value, salt=CONFIRMATION_SALT,
        max_age=CONFIRMATION_SECONDS, path=reverse("registraties:formulier"),
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
    return response


def _confirmation_cookie(request) -> tuple[int | None, bool]:
    value = request.get_signed_cookie(CONFIRMATION_COOKIE, default=None, salt=CONFIRMATION_SALT,
                                      max_age=CONFIRMATION_SECONDS) or ""
    pk, _dot, mark = value.partition(".")
    return (int(pk) if pk.isdigit() else None), mark == EDITED


def recent_registratie_pk(request) -> int | None:
    """The registration this browser saved in the last half hour (signed, so not forged)."""
    return _confirmation_cookie(request)[0]


def confirmation_redirect(registratie, *, edited: bool = False):
    return remember_for_confirmation(
        HttpResponseRedirect(reverse("registraties:bevestiging"), status=303), registratie,
        edited=edited)


# POSTs per client address (settings.RATELIMIT_*; the count lives in the shared cache).
# A form takes minutes to fill in and may come back a few times with errors: 20 in ten
# minutes lets several organisations behind one office address register one after another,
# while a script stops after 20. "Link kwijt" is asked for once, maybe with a typo: 5.
FORM_RATE = "20/10m"
LINK_KWIJT_RATE = "5/10m"


def refuse_when_limited(request, *, group: str, rate: str):
    """The calm 429 page when this address sent too many POSTs; None otherwise (and counted)."""
    wait = seconds_to_wait(request, group=group, rate=rate)
    if wait is None:
        return None
    return too_many_requests_page(retry_after=wait, template="registraties/te_veel_pogingen.html")


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
        # A GET needs the round's times only (the page is cached); a POST the whole round.
        ronde = self.get_stand() if request.method in ("GET", "HEAD") else self.get_ronde()
        if ronde is None or not ronde.is_open():
            return self.render_closed()
        return no_store_after_post(request, super().dispatch(request, *args, **kwargs))

    def get(self, request, *args, **kwargs):
        # The empty form is the same for every visitor of this round: rendered once per
        # version of the round, each request only adds its CSRF token.
        return pagecache.render_page(request, self.template_name,
                                     key=(self.get_stand().render_key(),),
                                     context=self.get_context_data)

    def form_invalid(self, form):
        # A double click sends the form twice; the second finds the first one's registration.
        # When this browser just saved it with the very same answers, the visitor sees that
        # confirmation; other answers get "already registered" and the way to the edit link.
        if self._double_click(form):
            return HttpResponseRedirect(reverse("registraties:bevestiging"), status=303)
        return super().form_invalid(form)

    def _double_click(self, form) -> bool:
        """The same answers as the registration this browser just saved, sent again."""
        pk = recent_registratie_pk(self.request)
        errors = form.errors.as_data()
        # Only "already registered" and a spent spam check: what a second click brings.
        if not pk or set(errors) - {"ondernemingsnummer", NON_FIELD_ERRORS} or any(
                error.code not in ("dubbel", "spamcontrole_hergebruikt")
                for error in [*errors.get("ondernemingsnummer", []),
                              *errors.get(NON_FIELD_ERRORS, [])]):
            return False
        try:
            # The duplicate error took the number out of cleaned_data; it was valid to get there.
            number = ondernemingsnummer.normalise(form.data.get("ondernemingsnummer", ""))
        except ValidationError:
            return False
        registratie = Registratie.objects.filter(pk=pk, ronde=self.get_ronde(),
                                                 ondernemingsnummer=number).first()
        if registratie is None:
            return False
        stored = stored_answers(registratie)
        return all(same_answer(form.cleaned_data.get(name), stored[name])
                   for name in ANSWER_FIELDS if name != "ondernemingsnummer")

    def render_closed(self):
        # A round that has yet to open is never "current"; tell the visitor when it opens.
        ronde = Ronde.objects.next_upcoming() or self.get_ronde()
        return render(self.request, "registraties/gesloten.html", {"ronde": ronde})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ronde": self.get_ronde()}

    def form_valid(self, form):
        def queue_mails(submission):
            mails.registratie_mails_after_submit(registratie=submission.registratie,
                                                 token=submission.token, request=self.request)

        try:
            # The registration and its two queued mails are saved together or not at all:
            # a crash in between cannot lose the confirmation with the edit link.
            registratie = services.registratie_submit(
                ronde=self.get_ronde(), data=form.cleaned_data, on_saved=queue_mails).registratie
        except services.DuplicateRegistration:
            form.add_error("ondernemingsnummer", ValidationError(duplicate_message(form.path),
                                                                 code="dubbel"))
            return self.form_invalid(form)
        except services.RoundClosed:
            return self.render_closed()
        return confirmation_redirect(registratie)


@method_decorator(never_cache, name="dispatch")
class BevestigingView(TemplateView):
    """Shows the visitor's own last registration, found through their own signed cookie only."""

    template_name = "registraties/bevestiging.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pk, edited = _confirmation_cookie(self.request)
        registratie = (Registratie.objects.select_related("ronde").filter(pk=pk).first()
                       if pk else None)
        context["registratie"] = registratie
        # After an edit through the link no mail goes out: the page says the changes are saved.
        context["gewijzigd"] = edited
        context["ronde"] = registratie.ronde if registratie else None
        context["answer_sections"] = registratie_answer_sections(registratie) \
            if registratie else []
        return context


def edit_page_sections(registratie) -> list[dict]:
    """What other apps add to the edit-link page and the dossier (portaal/extensions.py)."""
    return [{"template": section.template, **section.context(registratie)}
            for section in extensions.items(extensions.EDIT_PAGE_SECTIONS)]


def dossier_response(request, registratie, *, refused: bool = False, via_link: bool = False):
    """The read-only dossier: the registration's answers and what other apps add to it.

    The edit link shows it after the close (``refused``: a POST was turned away, 409); the
    link of an agreement mail (partnerschappen) shows it at any time (``via_link``: the page
    says that the answers are changed with the edit link, not this one).
    """
    return render(request, "registraties/dossier.html", {
        "registratie": registratie, "ronde": registratie.ronde,
        "sections": edit_page_sections(registratie), "refused": refused, "via_link": via_link,
        "answer_sections": registratie_answer_sections(registratie)},
        status=409 if refused else 200)


@method_decorator(never_cache, name="dispatch")
class WijzigenView(View):
    """The private link: the edit form while the round is open, then a read-only dossier
    (answers, partnerships, conversations, agreements to confirm) until retention wipes the
    link (its hash goes, so the link is unknown: 404)."""

    template_name = "registraties/wijzigen.html"

    def dispatch(self, request, token, *args, **kwargs):
        self.registratie = services.registratie_for_token(token)
        if self.registratie is None:
            raise Http404(_("Deze wijzigingslink is ongeldig."))
        if not services.edit_link_is_alive(self.registratie):
            return self.dossier(refused=request.method not in ("GET", "HEAD"))
        return super().dispatch(request, *args, **kwargs)

    def _sections(self) -> list[dict]:
        return edit_page_sections(self.registratie)

    def dossier(self, *, refused: bool):
        """After the close: nothing on this page changes the registration; a POST is refused."""
        return dossier_response(self.request, self.registratie, refused=refused)

    def _render(self, form, status=200):
        sections = self._sections()
        # What the rules keep rather than refuse (the register's remarks, a condition to look
        # at): told calmly, never a lock on the organisation's own answers.
        notices = form.notices if form.is_bound else eligibility.judge_stored(
            self.registratie, path=Path.EDIT_LINK,
            check=kbo_check(self.registratie.ondernemingsnummer)).notices
        return render(self.request, self.template_name,
                      {"form": form, "registratie": self.registratie,
                       "ronde": self.registratie.ronde, "sections": sections,
                       "notices": eligibility.notice_text(notices)}, status=status)

    def get(self, request):
        return self._render(RegistratieForm(instance=self.registratie, path=Path.EDIT_LINK))

    def post(self, request):
        form = RegistratieForm(request.POST, instance=self.registratie, path=Path.EDIT_LINK)
        if not form.is_valid():
            return self._render(form)
        try:
            services.registratie_update(registratie=self.registratie, data=form.answers())
        except services.DuplicateRegistration:
            form.add_error("ondernemingsnummer", ValidationError(duplicate_message(form.path),
                                                                 code="dubbel"))
            return self._render(form)
        if self.registratie.changed_answers:
            messages.success(request, _("Uw wijzigingen zijn bewaard."))
        else:
            messages.info(request, _("U wijzigde niets: uw registratie blijft zoals ze was."))
        if form.notices:
            messages.info(request, " ".join(eligibility.notice_text(form.notices)))
        return confirmation_redirect(self.registratie, edited=True)


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
