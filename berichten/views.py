"""The monitoring check of the background work: /gezondheid/werker/ (JSON)."""
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .selectors import worker_health


@never_cache
@require_safe
def werker_gezondheid(request):
    """200 while a worker was seen in the last five minutes and no mail waits longer than
    fifteen; 503 otherwise. Times and counts only: no addresses, no personal data."""
    health = worker_health()
    return JsonResponse({
        "status": "ok" if health.healthy else "probleem",
        "problemen": health.problems,
        "werker_laatst_gezien": health.worker_seen.isoformat() if health.worker_seen else None,
        "seconden_sinds_werker": health.seconds_since_worker,
        "werkers_actief": health.workers_alive,
        "oudste_wachtende_bericht_seconden": health.oldest_waiting_seconds,
        "mislukte_berichten_laatste_dag": health.failed_last_day,
    }, status=200 if health.healthy else 503, json_dumps_params={"ensure_ascii": False})
