"""/beheer/bouwstenen/: the building blocks of the subsidy call of one round.

A coordinator presses "Bouwstenen maken": the request only queues the job (tasks.py), the page
shows its progress (static/admin-portaal/bouwstenen.js fetches it again in place: no timed
reload) and offers the PDF and the Word file when they are ready.
Reviewers read: they see and download the documents, but only coordinators make them
(``partnerschappen.add_bouwstenendocument``, which the coordinator role holds).
"""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verkenning.models import Ronde

from ..bouwstenen.models import Bouwstenendocument, DocumentStatus
from ..bouwstenen.tasks import bouwstenen_request

REFRESH_SECONDS = 2
SHOWN = 5
FORMS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


def can_read(user) -> bool:
    return user.has_perm("partnerschappen.view_partnerschap")


def can_make(user) -> bool:
    return user.has_perm("partnerschappen.add_bouwstenendocument")


def overview_links(request, ronde) -> list[tuple[str, str]]:
    """The overview's link to this page, for who may read it."""
    if not can_read(request.user):
        return []
    return [(str(_("Bouwstenen voor de subsidieoproep")),
             f"{reverse('admin:bouwstenen')}?ronde={ronde.pk}")]


def _ronde(request) -> tuple[list[Ronde], Ronde | None]:
    rondes = list(Ronde.objects.order_by("-opent_op"))
    chosen = request.POST.get("ronde") or request.GET.get("ronde", "")
    return rondes, next((r for r in rondes if str(r.pk) == chosen), None) or Ronde.objects.current()


def bouwstenen_view(request):
    """The round's documents (newest first), their progress, the button and the downloads."""
    if not can_read(request.user):
        raise PermissionDenied
    rondes, ronde = _ronde(request)
    url = reverse("admin:bouwstenen")
    if request.method == "POST":
        if not can_make(request.user):
            raise PermissionDenied
        if ronde is None:
            raise Http404
        bouwstenen_request(ronde=ronde, user=request.user)
        messages.info(request, _("De bouwstenen worden gemaakt. Deze pagina toont de voortgang "
                                 "en biedt de bestanden aan zodra ze klaar zijn."))
        return HttpResponseRedirect(f"{url}?ronde={ronde.pk}")
    documents = list(Bouwstenendocument.objects.filter(ronde=ronde).select_related("door")
                     .defer("pdf", "docx")[:SHOWN]) if ronde else []
    busy = any(document.busy for document in documents)
    context = {
        **admin.site.each_context(request),
        "title": _("Bouwstenen voor de subsidieoproep"),
        "rondes": rondes,
        "ronde": ronde,
        "documents": documents,
        "can_make": can_make(request.user) and ronde is not None,
        "busy": busy,
        "refresh_seconds": REFRESH_SECONDS,
        "overview_url": reverse("admin:overzicht"),
    }
    return TemplateResponse(request, "bouwstenen/pagina.html", context)


def bouwstenen_download_view(request, pk: int, form: str):
    """One ready document as a download (PDF or Word)."""
    if not can_read(request.user):
        raise PermissionDenied
    if form not in FORMS or pk > 2**63 - 1:
        raise Http404
    document = get_object_or_404(Bouwstenendocument.objects.select_related("ronde").only(
        "pk", "status", "klaar_op", "ronde__slug", form), pk=pk, status=DocumentStatus.KLAAR)
    content = bytes(getattr(document, form))
    if not content:
        raise Http404
    content_type, suffix = FORMS[form]
    day = timezone.localtime(document.klaar_op).strftime("%Y%m%d")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (f'attachment; filename="bouwstenen-{document.ronde.slug}-'
                                       f'{day}.{suffix}"')
    return response
