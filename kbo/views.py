"""The lookup the interest form asks while an enterprise number is typed (JSON)."""
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from .layout import format_number
from .selectors import kbo_lookup

# The register changes once a month; an hour in the visitor's own browser is plenty, and
# "private" keeps the numbers one visitor typed out of shared caches.
CACHE_SECONDS = 3600


@require_GET
def kbo_lookup_json(request, nummer: str):
    """Name and registered office of a legal person; for anything else (a natural person, an
    unknown or invalid number, no register loaded) the very same "not found" answer, so the
    endpoint tells nothing about natural persons."""
    entry = kbo_lookup(nummer)
    if entry is None or not entry.rechtspersoon:
        response = JsonResponse({"gevonden": False}, status=404)
    else:
        response = JsonResponse({
            "gevonden": True,
            "ondernemingsnummer": format_number(entry.ondernemingsnummer),
            "naam": entry.naam,
            "straat": entry.straat,
            "postcode": entry.postcode,
            "gemeente": entry.gemeente,
            "land": entry.land,
        })
    patch_cache_control(response, private=True, max_age=CACHE_SECONDS)
    return response
