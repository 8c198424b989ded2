"""The staff page with suggested partnerships for a round: read, drop a member, turn one into a partnership."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View

from registraties.constants import Actie
from verkenning.models import Ronde

from .. import selectors, services
from ..constants import Basis
from ..suggestions import Suggestion, describe_registraties, suggest_partnerships

SESSION_KEY = "partnerschappen_suggesties_weggelaten"

MSG_SUGGESTION_GONE = _("Deze suggestie bestaat niet meer: de gegevens zijn intussen gewijzigd. "
                  "Bekijk de bijgewerkte suggesties hieronder.")
MSG_CREATED = _("Partnerschap ‘%(naam)s’ aangemaakt met %(aantal)d leden. Kijk de "
                   "waarschuwingen na en vul aan waar nodig.")
MSG_MEMBER_DROPPED = _("%(naam)s weggelaten uit de suggestie.")
MSG_RESTORED = _("De suggestie is hersteld zoals berekend.")


class SuggestionsView(View):
    model_admin = None
    template_name = "admin/partnerschappen/suggesties.html"

    def _ronde(self, request) -> Ronde | None:
        pk = request.POST.get("ronde") or request.GET.get("ronde")
        if pk and str(pk).isdigit():
            return Ronde.objects.filter(pk=pk).first()
        return Ronde.objects.current()

    def _dropped(self, request, ronde: Ronde) -> dict[str, list[int]]:
        return request.session.get(SESSION_KEY, {}).get(str(ronde.pk), {})

    def _store_dropped(self, request, ronde: Ronde, dropped: dict[str, list[int]]) -> None:
        everything = request.session.get(SESSION_KEY, {})
        everything[str(ronde.pk)] = dropped
        request.session[SESSION_KEY] = everything

    def _suggestions(self, request, ronde: Ronde) -> list[Suggestion]:
        """The computed suggestions with the members staff dropped left out (and re-explained)."""
        dropped = self._dropped(request, ronde)
        result = []
        for suggestion in suggest_partnerships(ronde=ronde):
            gone = set(dropped.get(suggestion.key, []))
            if gone & set(suggestion.members):
                remaining = [r for r in suggestion.registraties if r.pk not in gone]
                changed = describe_registraties(remaining)
                changed.key, changed.cohesion = suggestion.key, suggestion.cohesion
                changed.dropped = [r for r in suggestion.registraties if r.pk in gone]
                suggestion = changed
            result.append(suggestion)
        return result

    def get(self, request):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        ronde = self._ronde(request)
        suggestions = self._suggestions(request, ronde) if ronde else []
        action_label = dict(Actie.choices)
        basis_label = dict(Basis.choices)
        rows = [{
            "suggestion": s,
            "basis_label": basis_label[s.basis],
            "cohesion_pct": round(100 * s.cohesion),
            "members": [{
                "registratie": r,
                "is_regisseur": r.pk == s.regisseur,
                "acties": [action_label[code] for code in Actie.values if code in (r.rollen or [])],
            } for r in s.registraties],
        } for s in suggestions]
        opts = self.model_admin.model._meta
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": _("Voorgestelde partnerschappen"),
            "opts": opts,
            "ronde": ronde,
            "rondes": Ronde.objects.order_by("-opent_op", "-pk"),
            "rows": rows,
            "can_add": self.model_admin.has_add_permission(request),
            "candidate_count": sum(s.size for s in suggestions),
        }
        return TemplateResponse(request, self.template_name, context)

    def post(self, request):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        ronde = self._ronde(request)
        if ronde is None:
            return HttpResponseRedirect(self._url())
        key = request.POST.get("suggestie", "")
        action = request.POST.get("actie")
        dropped = self._dropped(request, ronde)
        if action == "weglaten":
            member = request.POST.get("registratie", "")
            suggestion = self._find(request, ronde, key)
            if suggestion is not None and member.isdigit() and int(member) in suggestion.members:
                dropped.setdefault(key, []).append(int(member))
                self._store_dropped(request, ronde, dropped)
                messages.info(request, MSG_MEMBER_DROPPED % {"naam": suggestion.names[int(member)]})
        elif action == "herstellen":
            dropped.pop(key, None)
            self._store_dropped(request, ronde, dropped)
            messages.info(request, MSG_RESTORED)
        elif action == "aanmaken":
            if not self.model_admin.has_add_permission(request):
                raise PermissionDenied
            return self._create(request, ronde, key, dropped)
        return HttpResponseRedirect(self._url(ronde, key))

    def _find(self, request, ronde: Ronde, key: str) -> Suggestion | None:
        found = next((s for s in self._suggestions(request, ronde) if s.key == key), None)
        if found is None:
            messages.warning(request, MSG_SUGGESTION_GONE)
        return found

    def _create(self, request, ronde: Ronde, key: str, dropped: dict[str, list[int]]):
        suggestion = self._find(request, ronde, key)
        if suggestion is None:
            return HttpResponseRedirect(self._url(ronde))
        regisseur = next((r for r in suggestion.registraties if r.pk == suggestion.regisseur), None)
        try:
            partnerschap = services.partnerschap_create(
                ronde=ronde,
                naam=selectors.partnerschap_unique_name(ronde=ronde, naam=suggestion.naam),
                registraties=suggestion.registraties,
                regisseur=regisseur, basis=suggestion.basis, themas=suggestion.themas,
                notities="\n".join([str(_("Voorgesteld door het portaal omdat:")),
                                    *(f"- {line}" for line in suggestion.explanation)]),
                user=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self._url(ronde, key))
        dropped.pop(key, None)
        self._store_dropped(request, ronde, dropped)
        messages.success(request, MSG_CREATED % {"naam": partnerschap.naam,
                                                    "aantal": suggestion.size})
        return HttpResponseRedirect(
            reverse("admin:partnerschappen_partnerschap_change", args=[partnerschap.pk]))

    @staticmethod
    def _url(ronde: Ronde | None = None, key: str = "") -> str:
        url = reverse("admin:partnerschappen_partnerschap_suggesties")
        if ronde is not None:
            url += "?" + urlencode({"ronde": ronde.pk})
        return url + (f"#suggestie-{key}" if key else "")
