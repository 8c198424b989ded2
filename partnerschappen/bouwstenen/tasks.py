"""The building blocks as a worker job: the page asks, the worker builds, the page offers them.

The request only stores a ``Bouwstenendocument`` and queues ``bouwstenen_build_task``; the worker
claims the row (one conditional UPDATE: a token and a deadline its heartbeat renews, as
berichten/worker.py describes), records its steps and stores both files. A job whose task was
lost or whose worker died is taken up by any worker's sweep (``bouwstenen_recover``,
registered in PartnerschappenConfig.ready()); building again from the database is harmless.
``manage.py bouwstenen`` builds the same files without a job (``bouwstenen_build_files``).
"""
import logging
from collections.abc import Callable

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from berichten import worker
from verkenning.models import Ronde

from .content import document_content
from .docx import document_docx
from .figures import round_figures
from .models import Bouwstenendocument, DocumentStatus
from .pdf import document_pdf

logger = logging.getLogger(__name__)

# Documents kept per round: the newest few (each a few hundred kB); older ones go when a new
# one is asked.
KEEP_PER_ROUND = 5
# Jobs one sweep takes up at most; the next sweep takes the rest.
RECOVER_PER_SWEEP = 2


def bouwstenen_build_files(*, ronde: Ronde, pdf: bool = True, docx: bool = True,
                           progress: Callable[[int, str], None] = lambda percent, step: None,
                           ) -> tuple[bytes, bytes]:
    """(PDF, Word file) of ``ronde``'s building blocks; b"" for a form not asked."""
    progress(5, _("cijfers van de ronde"))
    figures = round_figures(ronde=ronde)
    progress(25, _("inhoud"))
    document = document_content(figures)
    pdf_bytes = docx_bytes = b""
    if pdf:
        progress(35, _("PDF"))
        pdf_bytes = document_pdf(document)
    if docx:
        progress(85, _("Word-bestand"))
        docx_bytes = document_docx(document)
    return pdf_bytes, docx_bytes


def bouwstenen_request(*, ronde: Ronde, user) -> Bouwstenendocument:
    """Queue a new document of ``ronde``; while one is waiting or being built, that one (a
    second press starts nothing)."""
    busy = Bouwstenendocument.objects.filter(
        ronde=ronde, status__in=[DocumentStatus.WACHTEND, DocumentStatus.BEZIG]).first()
    if busy is not None:
        return busy
    document = Bouwstenendocument.objects.create(
        ronde=ronde, door=user if user is not None and user.is_authenticated else None)
    old = list(Bouwstenendocument.objects.filter(ronde=ronde).exclude(
        status__in=[DocumentStatus.WACHTEND, DocumentStatus.BEZIG])
        .order_by("-aangemaakt_op", "-pk").values_list("pk", flat=True)[KEEP_PER_ROUND:])
    Bouwstenendocument.objects.filter(pk__in=old).delete()
    bouwstenen_build_task.enqueue(document.pk)
    return document


def _claimable(now) -> Q:
    return Q(status=DocumentStatus.WACHTEND) | (Q(status=DocumentStatus.BEZIG) & worker.claimable(now))


def _claim(pk: int) -> Bouwstenendocument | None:
    now = timezone.now()
    claimed = Bouwstenendocument.objects.filter(_claimable(now), pk=pk).update(
        status=DocumentStatus.BEZIG, gestart_op=now, voortgang=0, stap="",
        bezig_tot=now + worker.claim_duration(), bezig_door=worker.new_claim_token())
    if not claimed:
        return None
    return Bouwstenendocument.objects.select_related("ronde").get(pk=pk)


def bouwstenen_build(pk: int) -> bool:
    """Build a waiting document; False when another run holds it (or it is no longer waiting)."""
    document = _claim(pk)
    if document is None:
        return False

    def progress(percent: int, step: str) -> None:
        Bouwstenendocument.objects.filter(pk=pk, bezig_door=document.bezig_door).update(
            voortgang=percent, stap=step[:100])

    with worker.holding(Bouwstenendocument, pk, document.bezig_door):
        try:
            pdf, docx = bouwstenen_build_files(ronde=document.ronde, progress=progress)
        except Exception:
            logger.exception("Bouwstenen %s mislukt", pk)
            Bouwstenendocument.objects.filter(pk=pk).update(
                status=DocumentStatus.MISLUKT, klaar_op=timezone.now(), bezig_tot=None,
                bezig_door="", fout=_("Het maken van het document liep onverwacht fout. "
                                      "Probeer het opnieuw, en meld het aan de beheerder van "
                                      "het portaal als het blijft mislukken."))
            raise
        Bouwstenendocument.objects.filter(pk=pk).update(
            status=DocumentStatus.KLAAR, voortgang=100, stap="", pdf=pdf, docx=docx,
            klaar_op=timezone.now(), bezig_tot=None, bezig_door="")
    return True


def bouwstenen_recover(should_continue=lambda: True) -> int:
    """The sweep of every worker: documents waiting longer than a claim lasts (their task was
    lost) or whose worker died are built again."""
    jobs = worker.jobs_to_retake(Bouwstenendocument, waiting=DocumentStatus.WACHTEND,
                                 busy=DocumentStatus.BEZIG, fields=("pk",),
                                 limit=RECOVER_PER_SWEEP)
    return worker.retake(jobs, bouwstenen_build, label="Bouwstenendocument",
                         should_continue=should_continue)


@task()
def bouwstenen_build_task(bouwstenendocument_id: int) -> None:
    bouwstenen_build(bouwstenendocument_id)
