"""The Excel import as background jobs: the upload is stored, the worker previews and imports.

No web request reads a spreadsheet row: the request checks the limits (``reader.check_file``,
bounded memory), stores the file in an ``Importbestand`` and queues the preview; the worker
(``manage.py db_worker``) runs it and records progress and the result, which the admin page
shows. "Import bevestigen" queues the import, again in the worker, all or nothing.
"""
import hashlib
import logging
import time
from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from berichten import worker
from verkenning.models import Ronde

from ..models import Importbestand, ImportStatus
from .imports import ImportResult, registraties_import, strip_values
from .reader import check_file

logger = logging.getLogger(__name__)

# An upload nobody confirmed loses its bytes, and its preview the answers it showed (old →
# new), after this long: they hold personal data.
KEEP_UNCONFIRMED = timedelta(days=1)


def importbestand_upload(*, ronde: Ronde, user, name: str, content: bytes) -> Importbestand:
    """Check the limits, store the file and queue its preview.

    Raises ``reader.ImportFileError`` (a Dutch message) for a file over the limits or not an
    .xlsx; then nothing is stored.
    """
    rows = check_file(content)
    bestand = Importbestand.objects.create(
        ronde=ronde, door=user if user and user.is_authenticated else None,
        bestandsnaam=name[:255], inhoud=content, grootte=len(content),
        sha256=hashlib.sha256(content).hexdigest(), totaal=rows)
    _forget_old_uploads()
    importbestand_preview_task.enqueue(bestand.pk)
    return bestand


def _forget_old_uploads() -> None:
    """Wipe the bytes and the shown answers of uploads older than KEEP_UNCONFIRMED."""
    old = Importbestand.objects.filter(
        aangemaakt_op__lt=timezone.now() - KEEP_UNCONFIRMED,
        status__in=[ImportStatus.VOORVERTOOND, ImportStatus.MISLUKT, ImportStatus.GEIMPORTEERD])
    old.update(inhoud=b"")
    for pk, resultaat in old.filter(resultaat__has_key="rows").values_list("pk", "resultaat"):
        stripped = strip_values(resultaat)
        if stripped != resultaat:
            Importbestand.objects.filter(pk=pk).update(resultaat=stripped)


def importbestand_confirm(*, bestand: Importbestand) -> bool:
    """Queue the import of a preview without errors; False when that is not (or no longer)
    possible, e.g. a second click or a preview with errors."""
    if ImportResult.from_json(bestand.resultaat).has_errors:
        return False
    claimed = Importbestand.objects.filter(
        pk=bestand.pk, status=ImportStatus.VOORVERTOOND, bevestigd=False,
    ).update(bevestigd=True, status=ImportStatus.WACHTEND, verwerkt=0,
             in_wachtrij_op=timezone.now())
    if claimed:
        importbestand_import_task.enqueue(bestand.pk)
    return bool(claimed)


def _claimable(now) -> Q:
    """Waiting, or busy in a worker that stopped renewing its claim (it died mid-job)."""
    return Q(status=ImportStatus.WACHTEND) | (Q(status=ImportStatus.BEZIG) & worker.claimable(now))


def _claim(pk: int, *, bevestigd: bool) -> Importbestand | None:
    """Move a waiting file to 'bezig' with this worker's claim; None when another run holds it.

    A job whose worker died is started again from the stored file: a preview changes nothing,
    and an import is one transaction, so the dead worker's half was never committed.
    """
    now = timezone.now()
    claimed = Importbestand.objects.filter(_claimable(now), pk=pk, bevestigd=bevestigd).update(
        status=ImportStatus.BEZIG, gestart_op=now, verwerkt=0,
        bezig_tot=now + worker.claim_duration(), bezig_door=worker.new_claim_token())
    if not claimed:
        return None
    return Importbestand.objects.select_related("ronde", "door").get(pk=pk)


# The page refreshes every 2 s: writing the progress more often only costs commits (on
# SQLite, a sync to disk each).
PROGRESS_SECONDS = 1.0


def _progress(pk: int):
    last = -PROGRESS_SECONDS

    def report(done: int) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_SECONDS:
            last = time.monotonic()
            Importbestand.objects.filter(pk=pk).update(verwerkt=done)
    return report


def _finish(bestand: Importbestand, *, status: str, result: ImportResult,
            wipe: bool, keep_values: bool = False) -> None:
    """Record the result and release the claim; ``wipe``: the file's bytes go. The answers the
    preview showed (old → new) go with them, unless ``keep_values``: a preview with errors
    keeps them for the page that explains the errors (at most KEEP_UNCONFIRMED)."""
    resultaat = result.as_json()
    fields = {"status": status, "resultaat": resultaat if keep_values or not wipe
              else strip_values(resultaat), "klaar_op": timezone.now(),
              "verwerkt": F("totaal") if status != ImportStatus.MISLUKT else F("verwerkt"),
              "bezig_tot": None, "bezig_door": ""}
    if wipe:
        fields["inhoud"] = b""
    Importbestand.objects.filter(pk=bestand.pk).update(**fields)


def _crashed(bestand: Importbestand) -> ImportResult:
    logger.exception("Excel-import %s mislukt", bestand.pk)
    return ImportResult(rows=[], file_errors=[_(
        "De verwerking van het bestand liep onverwacht fout; er werd niets geïmporteerd. "
        "Probeer het opnieuw, en meld het aan de beheerder van het portaal als het blijft "
        "mislukken.")])


def importbestand_preview(pk: int) -> bool:
    """Preview a waiting file; False when another run holds it (or it is no longer waiting)."""
    bestand = _claim(pk, bevestigd=False)
    if bestand is None:
        return False
    with worker.holding(Importbestand, pk, bestand.bezig_door):
        try:
            result = registraties_import(ronde=bestand.ronde, source=bytes(bestand.inhoud),
                                         dry_run=True, progress=_progress(pk))
        except Exception:
            _finish(bestand, status=ImportStatus.MISLUKT, result=_crashed(bestand), wipe=True)
            raise
        # A preview with errors can never be confirmed: its bytes are no longer needed.
        _finish(bestand, status=ImportStatus.VOORVERTOOND, result=result,
                wipe=result.has_errors, keep_values=True)
    return True


def importbestand_import(pk: int) -> bool:
    """Import a confirmed file; False when another run holds it (or it is no longer waiting)."""
    bestand = _claim(pk, bevestigd=True)
    if bestand is None:
        return False
    with worker.holding(Importbestand, pk, bestand.bezig_door):
        if not bestand.inhoud:
            _finish(bestand, status=ImportStatus.MISLUKT, wipe=True, result=ImportResult(
                rows=[], file_errors=[_("De voorvertoning is verlopen: er werd niets "
                                        "geïmporteerd. Laad het bestand opnieuw.")]))
            return True
        expected = ImportResult.from_json(bestand.resultaat).actions
        try:
            result = registraties_import(ronde=bestand.ronde, source=bytes(bestand.inhoud),
                                         dry_run=False, expected_actions=expected,
                                         user=bestand.door, progress=_progress(pk))
        except Exception:
            _finish(bestand, status=ImportStatus.MISLUKT, result=_crashed(bestand), wipe=True)
            raise
        _finish(bestand, status=ImportStatus.GEIMPORTEERD if result.saved
                else ImportStatus.MISLUKT, result=result, wipe=True)
    return True


# Files one sweep takes up at most (each may take minutes); the next sweep takes the rest.
RECOVER_PER_SWEEP = 3


def importbestanden_recover(should_continue=lambda: True) -> int:
    """The sweep of every worker (berichten/worker.py): previews and imports that wait longer
    than a claim lasts (their task was lost) or whose worker died, run again from the file."""
    jobs = worker.jobs_to_retake(Importbestand, waiting=ImportStatus.WACHTEND,
                                 busy=ImportStatus.BEZIG, fields=("pk", "bevestigd"),
                                 limit=RECOVER_PER_SWEEP)
    return worker.retake(jobs, _run_again, label="Excel-import",
                         should_continue=should_continue)


def _run_again(pk: int, bevestigd: bool) -> bool:
    return (importbestand_import if bevestigd else importbestand_preview)(pk)


@task()
def importbestand_preview_task(importbestand_id: int) -> None:
    importbestand_preview(importbestand_id)


@task()
def importbestand_import_task(importbestand_id: int) -> None:
    importbestand_import(importbestand_id)


# The tasks' names until issue 18: rows queued before the upgrade name these paths, and the
# worker imports what a row names. Remove after the next release.
importbestand_voorvertonen = importbestand_preview_task
importbestand_importeren = importbestand_import_task
