"""Public pages rendered once per version of what they show, then served from memory.

The landing page and the empty interest form are the same for every visitor: only the CSRF
token differs. Rendering them (the form's thirty fields through crispy-forms above all) cost
far more than the rest of the request, so each page is rendered once per *key* and kept in
the ``pagina`` cache. The key holds everything the page shows that can change while the
portal runs: the round, its ``gewijzigd_op`` (saved by every edit in the admin, contact
persons included), whether it is open and how many days are left. The view reads those from
the database on every request, so an edit shows on the next request in every process.

The cache is this process's own memory on purpose. It holds no state of its own: each
process would render exactly the same bytes from the same key, and a new release (other
templates or code) starts with an empty cache instead of serving pages of the old one.
"""
import hashlib
import secrets
from collections.abc import Callable, Hashable

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils.translation import get_language

CACHE_ALIAS = "pagina"
# Stands in for the CSRF token in the stored page; every request puts its own token there.
# Random per process, so no text on the page can ever look like it.
CSRF_PLACEHOLDER = f"csrf{secrets.token_hex(16)}"


def _storable(request) -> bool:
    # A page with a message for this visitor (after an edit, say) is about that visitor.
    return request.method in ("GET", "HEAD") and not len(get_messages(request))


def render_page(request, template_name: str, *, key: tuple[Hashable, ...],
                context: Callable[[], dict]) -> HttpResponse:
    """The page ``template_name`` for ``key``: from the cache, or rendered and stored.

    ``context`` is only called when the page must be rendered; the template renders without
    the request (no context processors), so nothing about this visitor ends up in the stored
    page. A ``{% csrf_token %}`` in the template gets this request's token.
    """
    if not _storable(request):
        return HttpResponse(loader.render_to_string(template_name, context(), request))
    cache = caches[CACHE_ALIAS]
    cache_key = hashlib.sha256(repr((template_name, get_language(), *key)).encode()).hexdigest()
    body = cache.get(cache_key)
    if body is None:
        body = loader.render_to_string(template_name, {**context(), "csrf_token": CSRF_PLACEHOLDER})
        cache.set(cache_key, body)
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    return HttpResponse(body)
