"""Limits per client address, counted in the shared cache (settings.RATELIMIT_*), so that they
hold across every process and machine: the public form, "link kwijt" and the register lookup."""
from django_ratelimit.core import get_usage


def seconds_to_wait(request, *, group: str, rate: str, methods=("POST",)) -> int | None:
    """Count this request against its address's limit for ``group``; the seconds until the
    address may try again when it is over the limit, else None (also with limits switched
    off: RATELIMIT_ENABLE=false)."""
    if request.method not in methods:
        return None
    usage = get_usage(request, group=group, key="ip", rate=rate, method=list(methods),
                      increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])
