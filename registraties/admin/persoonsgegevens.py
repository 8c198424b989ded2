"""/beheer/persoonsgegevens/: a coordinator answers a GDPR request about one contact person.

Everything goes by POST, so the e-mail address never lands in a URL or an access log.
The rules live in registraties/privacy.py.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from portaal.text import TextAnswersMixin

from ..privacy import (
    contact_person_erase,
    contact_person_export,
    contact_person_find,
    may_erase,
    may_export,
)


class ZoekForm(TextAnswersMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mailadres van de contactpersoon"), max_length=254,
        error_messages={"required": _("Vul het e-mailadres in waarover de vraag gaat."),
                        "invalid": _("Dit is geen geldig e-mailadres. Controleer het, "
                                     "bijvoorbeeld naam@organisatie.be.")})


class WisForm(ZoekForm):
    bevestigd = forms.BooleanField(
        label=_("Ik begrijp dat dit niet ongedaan kan worden."),
        error_messages={"required": _("Vink aan dat u begrijpt dat wissen niet ongedaan "
                                      "kan worden.")})


@never_cache
def persoonsgegevens_view(request):
    if not may_export(request.user):
        raise PermissionDenied
    context = {**admin.site.each_context(request),
               "title": _("Persoonsgegevens van een contactpersoon"),
               "may_erase": may_erase(request.user)}
    if request.method != "POST":
        return TemplateResponse(request, "admin/registraties/persoonsgegevens.html",
                                {**context, "form": ZoekForm()})
    action = request.POST.get("actie", "zoeken")
    form = (WisForm if action == "wissen_bevestigd" else ZoekForm)(request.POST)
    if not form.is_valid():
        template = ("admin/registraties/persoonsgegevens_wissen.html"
                    if action == "wissen_bevestigd" else "admin/registraties/persoonsgegevens.html")
        return TemplateResponse(request, template, {**context, "form": form})
    email = form.cleaned_data["email"]
    if action == "downloaden":
        _data, payload = contact_person_export(email=email, by=request.user)
        response = HttpResponse(payload, content_type="application/json; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="persoonsgegevens-{stamp}.json"'
        return response
    if action in ("wissen", "wissen_bevestigd") and not may_erase(request.user):
        raise PermissionDenied
    if action == "wissen":
        return TemplateResponse(request, "admin/registraties/persoonsgegevens_wissen.html",
                                {**context, "form": WisForm(initial={"email": email}),
                                 "data": contact_person_find(email=email)})
    if action == "wissen_bevestigd":
        result = contact_person_erase(email=email, by=request.user)
        messages.success(request, _(
            "De contactpersoon is gewist: %(registraties)d registratie(s), %(history)d "
            "versie(s) in de geschiedenis, %(berichten)d bericht(en). Het logboek van elke "
            "registratie vermeldt het.") % {"registraties": result.registraties,
                                            "history": result.history_rows,
                                            "berichten": result.berichten})
        return redirect("admin:persoonsgegevens")
    return TemplateResponse(request, "admin/registraties/persoonsgegevens.html",
                            {**context, "form": form, "data": contact_person_find(email=email)})
