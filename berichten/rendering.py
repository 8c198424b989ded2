"""Mails whose body the worker writes when it sends them: one renderer per kind of mail.

The app that owns a kind registers its renderer (in its AppConfig.ready()); the request that
queues such a mail only stores the data it is rendered from (``Bericht.gegevens``), so no web
request renders mail templates.
"""
from collections.abc import Callable, Iterable

# (text, html) from a mail's kind and data.
Renderer = Callable[[str, dict], tuple[str, str]]

_renderers: dict[str, Renderer] = {}


def register(soorten: Iterable[str], renderer: Renderer) -> None:
    for soort in soorten:
        _renderers[soort] = renderer


def render(soort: str, gegevens: dict) -> tuple[str, str]:
    """The body of a mail of kind ``soort``; LookupError when no app renders that kind."""
    try:
        renderer = _renderers[soort]
    except KeyError:
        raise LookupError(f"Geen sjabloon voor berichten van soort '{soort}'") from None
    return renderer(soort, gegevens)
