"""The lookup the interest form asks while an enterprise number is typed (JSON)."""
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from portaal import extensions
from portaal.ratelimits import seconds_to_wait

from .ondernemingsnummer import compact, display
from .selectors import kbo_lookup


def _contributed(nummer: str) -> dict:
    """What other apps add to every answer (portaal/extensions.py: KBO_LOOKUP_ANSWERS); the
    register itself knows no other app."""
    number = compact(nummer or "")
    answer = {}
    for contribution in extensions.items(extensions.KBO_LOOKUP_ANSWERS):
        answer.update(contribution(number))
    return answer


# Lookups per client address: the form asks once a number is typed (again after a typo);
# several organisations behind one office address stay well below this, a scraper does not.
LOOKUP_RATE = "30/10m"


@require_GET
def kbo_lookup_json(request, nummer: str):
    """Name, registered office and whether it is active, of a legal person; for anything else
    (a natural person, an unknown or invalid number, no register loaded) the very same "not
    found" answer, so the endpoint tells nothing about natural persons. Both say what other
    apps contribute (whether the number registered in the current round: yes or no, never who)."""
    wait = seconds_to_wait(request, group="kbo-opzoeken", rate=LOOKUP_RATE, methods=("GET",))
    if wait is not None:
        # The form then simply offers nothing: the visitor types name and address as before.
        response = JsonResponse({"gevonden": False, "opnieuw_over": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    entry = kbo_lookup(nummer)
    extra = _contributed(nummer)
    if entry is None or not entry.rechtspersoon:
        response = JsonResponse({"gevonden": False, **extra}, status=404)
    else:
        response = JsonResponse({
            "gevonden": True,
            "ondernemingsnummer": display(entry.ondernemingsnummer),
            "naam": entry.naam,
            "straat": entry.straat,
            "postcode": entry.postcode,
            "gemeente": entry.gemeente,
            "land": entry.land,
            # A stopped enterprise is not offered to fill in: the form says why.
            "actief": entry.actief,
            **extra,
        })
    # Never kept, not even in the visitor's own browser: the answer says whether the number
    # registered, which changes the moment the visitor sends the form (kept for an hour, the
    # form offered the name again to the one who had just registered). "private" also keeps
    # the numbers one visitor typed out of shared caches.
    add_never_cache_headers(response)
    return response
