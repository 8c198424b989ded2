"""Limits per client address, counted in the shared cache (settings.CACHES["default"]), so that
they hold across every process and machine: the public form, "link kwijt" and the register
lookup.

A sliding window: the window (10 minutes) is cut into ``SLOTS`` slots, each slot a counter in
the cache, and a request passes while the slots of the last window hold fewer requests than
the limit. A fixed window lets twice the limit through around its edge (20 just before it,
20 just after); here no stretch of the window's length ever holds more than the limit,
wherever it starts. A slot (5 seconds of a 10-minute window) counts whole, so the window is
at most one slot longer than it says: never more lenient. Only requests that pass are
counted, so an address that waits as long as ``Retry-After`` says gets in.
"""
import contextlib
import hashlib
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .middleware import client_address

SLOTS = 120
# The clock of the limits (a test sets it to a window's edge).
clock = time.time
RATE = re.compile(r"^(?P<limit>\d+)/(?P<count>\d*)(?P<unit>[smhd])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds

    @classmethod
    def parse(cls, rate: str) -> "Rate":
        """'20/10m': 20 requests per 10 minutes."""
        match = RATE.match(rate)
        if match is None:
            raise ValueError(f"Ongeldige limiet: {rate!r}")
        return cls(limit=int(match["limit"]),
                   window=int(match["count"] or 1) * UNIT_SECONDS[match["unit"]])


def seconds_to_wait(request, *, group: str, rate: str, methods=("POST",)) -> int | None:
    """Count this request against its address's limit for ``group``; the seconds until the
    address may try again when it is over the limit, else None (also with limits switched
    off: RATELIMIT_ENABLE=false)."""
    if request.method not in methods or not settings.RATELIMIT_ENABLE:
        return None
    return sliding_window_hit(key=f"{group}:{client_address(request)}", rate=Rate.parse(rate))


def sliding_window_hit(*, key: str, rate: Rate, now: float | None = None) -> int | None:
    """Let one request of ``key`` through (None) or say how many seconds it must wait.

    The past slots of the window only ever lose requests, so they are read once; the current
    slot is counted atomically (``incr``: a row lock in the database cache, INCR in Redis), and
    a request that finds the window full after counting takes its count back. Two processes
    at the limit at the same moment can both be refused, never both let through.
    """
    now = clock() if now is None else now
    width = rate.window / SLOTS
    current = int(now // width)
    # The slots that still end inside the window: SLOTS + 1 of them, the current one included.
    slots = range(current - SLOTS, current + 1)
    prefix = f"rl:{hashlib.sha256(key.encode()).hexdigest()[:32]}:{rate.window}"
    keys = {slot: f"{prefix}:{slot}" for slot in slots}
    counts = cache.get_many(keys.values())
    per_slot = {slot: counts.get(name, 0) for slot, name in keys.items()}
    past = sum(count for slot, count in per_slot.items() if slot != current)
    if past + per_slot[current] >= rate.limit:
        return _wait(per_slot, rate=rate, width=width, now=now)
    timeout = math.ceil(rate.window + 2 * width)
    name = keys[current]
    if cache.add(name, 1, timeout):
        counted = 1
    else:
        try:
            counted = cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.set(name, 1, timeout)
            counted = 1
    if past + counted <= rate.limit:
        return None
    with contextlib.suppress(ValueError):  # the slot expired meanwhile: nothing to take back
        cache.decr(name)
    return _wait({**per_slot, current: counted - 1}, rate=rate, width=width, now=now)


def _wait(per_slot: dict[int, int], *, rate: Rate, width: float, now: float) -> int:
    """Seconds until enough of the oldest requests left the window for one more."""
    excess = sum(per_slot.values()) - rate.limit + 1
    left = 0
    for slot in sorted(per_slot):
        left += per_slot[slot]
        if left >= excess:
            return max(1, math.ceil((slot + 1) * width + rate.window - now))
    return rate.window
