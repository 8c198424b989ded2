"""Excel export/import in the registration admin: the filtered list, a batch action, an import."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portaal.excel import xlsx_response
from portaal.text import TextAnswersMixin
from verkenning.models import Ronde

from ..excel import reader
from ..excel.export import PERSONAL_DATA_NOTICE, registraties_export
from ..excel.imports import NEW, UPDATE, ImportResult
from ..excel.reader import ImportFileError, check_size
from ..excel.tasks import importbestand_confirm, importbestand_upload
from ..models import Importbestand, ImportStatus

EXPORT_PERMISSION = "registraties.export_registratie"
# While the worker is busy, the page reloads itself this often (seconds; no script needed).
REFRESH_SECONDS = 2


def can_export(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm(EXPORT_PERMISSION)


def can_import(user) -> bool:
    return (user.is_active and user.is_staff and user.has_perm("registraties.add_registratie")
            and user.has_perm("registraties.change_registratie"))


class ImportUploadForm(TextAnswersMixin, forms.Form):
    ronde = forms.ModelChoiceField(
        label=_("Ronde"), queryset=Ronde.objects.all(),
        help_text=_("Nieuwe registraties komen in deze ronde; bestaande worden herkend aan hun "
                    "ondernemingsnummer binnen deze ronde."),
        error_messages={"required": _("Kies de ronde waarin u importeert.")},
    )
    bestand = forms.FileField(
        label=_("Excel-bestand (.xlsx)"),
        help_text=_("Met dezelfde kolomnamen als de export. Een rij per organisatie."),
        error_messages={"required": _("Kies een Excel-bestand om te importeren."),
                        "empty": _("Het bestand is leeg. Kies het Excel-bestand (.xlsx) met de "
                                   "registraties.")},
    )

    def clean_bestand(self):
        upload = self.cleaned_data["bestand"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Kies een Excel-bestand dat eindigt op .xlsx."),
                                        code="extensie")
        # The size first: a file over the limit is never read into memory.
        try:
            check_size(upload.size)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc), code="te_groot") from exc
        return upload


def export_filename(suffix: str = "") -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"registraties{suffix}-{stamp}.xlsx"


class ExcelAdminMixin:
    """Mixed into RegistratieAdmin: export of the filtered list, batch export, import.

    The changelist links to the export with its own query string (filters, search,
    ordering), so the file holds exactly the list on screen, across all its pages.
    """

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [
            path("excel/export/", self.admin_site.admin_view(self.excel_export_view),
                 name=f"{info[0]}_{info[1]}_excel_export"),
            path("excel/import/", self.admin_site.admin_view(self.excel_import_view),
                 name=f"{info[0]}_{info[1]}_excel_import"),
            path("excel/import/<int:pk>/", self.admin_site.admin_view(self.excel_import_status_view),
                 name=f"{info[0]}_{info[1]}_excel_import_status"),
        ]
        return urls + super().get_urls()

    def get_actions(self, request):
        actions = super().get_actions(request)
        if can_export(request.user):
            actions["excel_export_selected"] = self.get_action("excel_export_selected")
        return actions

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context.update(self.excel_context(request))
        return super().changelist_view(request, extra_context=extra_context)

    def excel_context(self, request) -> dict:
        """Links for the changelist template (see templates/admin/registraties/excel_links.html)."""
        query = request.GET.urlencode()
        context = {"excel_export_url": None, "excel_import_url": None}
        if can_export(request.user):
            url = reverse("admin:registraties_registratie_excel_export")
            context["excel_export_url"] = f"{url}?{query}" if query else url
        if can_import(request.user):
            context["excel_import_url"] = reverse("admin:registraties_registratie_excel_import")
        return context

    # -- export ----------------------------------------------------------------------------

    def excel_export_view(self, request):
        """GET: the notice and the row count; POST: the file of the list as filtered."""
        if not can_export(request.user):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            messages.error(request, _("De filters van de lijst zijn ongeldig; kies ze opnieuw."))
            return HttpResponseRedirect(reverse("admin:registraties_registratie_changelist"))
        if request.method == "POST":
            return xlsx_response(registraties_export, queryset=queryset,
                                 filename=export_filename())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Exporteren naar Excel"),
            "count_text": registraties_count_text(queryset.count()),
            "notice": PERSONAL_DATA_NOTICE,
            "changelist_url": self._changelist_url(request),
        }
        return TemplateResponse(request, "admin/registraties/excel_export.html", context)

    @admin.action(description=_("Geselecteerde registraties exporteren naar Excel"))
    def excel_export_selected(self, request, queryset):
        return batch_export(self, request, queryset, export=registraties_export,
                            filename=export_filename("-selectie"), action="excel_export_selected",
                            title=_("Geselecteerde registraties exporteren naar Excel"),
                            count_text=registraties_count_text(queryset.count()))

    def _changelist_url(self, request) -> str:
        url = reverse("admin:registraties_registratie_changelist")
        query = request.GET.urlencode()
        return f"{url}?{query}" if query else url

    # -- import ----------------------------------------------------------------------------

    def excel_import_view(self, request):
        """Upload: the limits are checked and the file is stored; the worker previews it."""
        if not can_import(request.user):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None,
                                initial={"ronde": Ronde.objects.current()})
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["bestand"]
            try:
                bestand = importbestand_upload(
                    ronde=form.cleaned_data["ronde"], user=request.user, name=upload.name,
                    content=upload.read(reader.MAX_UPLOAD_BYTES + 1))
            except ImportFileError as exc:
                form.add_error("bestand", forms.ValidationError(str(exc), code="ongeldig"))
            else:
                return HttpResponseRedirect(reverse(
                    "admin:registraties_registratie_excel_import_status", args=[bestand.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Registraties importeren uit Excel"),
            "notice": PERSONAL_DATA_NOTICE,
            "form": form,
            "limits": import_limits(),
            "recent": Importbestand.objects.select_related("ronde", "door")
            .defer("inhoud", "resultaat")[:5],
        }
        return TemplateResponse(request, "admin/registraties/excel_import.html", context)

    def excel_import_status_view(self, request, pk):
        """Progress while the worker runs, then the preview (confirm) or the import's result."""
        if not can_import(request.user):
            raise PermissionDenied
        if pk > 2**63 - 1:  # beyond any id; PostgreSQL would refuse the query itself
            raise Http404
        bestand = get_object_or_404(Importbestand.objects.select_related("ronde").defer("inhoud"),
                                    pk=pk)
        url = reverse("admin:registraties_registratie_excel_import_status", args=[bestand.pk])
        if request.method == "POST" and "bevestigen" in request.POST:
            if importbestand_confirm(bestand=bestand):
                messages.info(request, _("De import is gestart. Deze pagina toont de voortgang."))
            else:
                messages.error(request, _("Deze voorvertoning kan niet (meer) bevestigd worden. "
                                          "Laad het bestand opnieuw."))
            return HttpResponseRedirect(url)
        result = None if bestand.busy else ImportResult.from_json(bestand.resultaat)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Registraties importeren uit Excel"),
            "notice": PERSONAL_DATA_NOTICE,
            "bestand": bestand,
            "ronde": bestand.ronde,
            "result": result,
            "refresh_seconds": REFRESH_SECONDS if bestand.busy else None,
            "can_confirm": (bestand.status == ImportStatus.VOORVERTOOND and not bestand.bevestigd
                            and result is not None and not result.has_errors),
            "counts": result.counts if result else None,
            "upload_url": reverse("admin:registraties_registratie_excel_import"),
        }
        if bestand.status == ImportStatus.GEIMPORTEERD and result is not None:
            new, updated = result.count(NEW), result.count(UPDATE)
            context["summary"] = " ".join([
                ngettext("%(count)d nieuwe registratie geïmporteerd.",
                         "%(count)d nieuwe registraties geïmporteerd.", new) % {"count": new},
                ngettext("%(count)d registratie bijgewerkt.",
                         "%(count)d registraties bijgewerkt.", updated) % {"count": updated},
            ])
        return TemplateResponse(request, "admin/registraties/excel_import_status.html", context)


def import_limits() -> dict:
    return {"upload_mb": reader.MAX_UPLOAD_BYTES // (1024 * 1024),
            "uncompressed_mb": reader.MAX_UNCOMPRESSED_BYTES // (1024 * 1024),
            "rows": reader.MAX_ROWS, "columns": reader.MAX_COLUMNS,
            "cell_chars": reader.MAX_CELL_CHARS}


def registraties_count_text(count: int) -> str:
    return ngettext("Het bestand bevat %(count)d registratie.",
                    "Het bestand bevat %(count)d registraties.", count) % {"count": count}


def batch_export(modeladmin, request, queryset, *, export, filename: str, action: str, title,
                 count_text: str):
    """A batch action's Excel export: first the personal-data notice, which re-posts the
    selection, then the file. Coordinators only: the file holds contact persons."""
    if not can_export(request.user):
        raise PermissionDenied
    if request.POST.get("excel_bevestigd"):
        return xlsx_response(export, queryset=queryset, filename=filename)
    url = reverse(f"admin:{modeladmin.opts.app_label}_{modeladmin.opts.model_name}_changelist")
    query = request.GET.urlencode()
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": title,
        "count_text": count_text,
        "notice": PERSONAL_DATA_NOTICE,
        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action": action,
        "changelist_url": f"{url}?{query}" if query else url,
    }
    return TemplateResponse(request, "admin/registraties/excel_export.html", context)
