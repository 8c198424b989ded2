"""Mails whose body the worker writes when it sends them: one renderer per kind of mail.

The app that owns a kind registers its renderer and the kind's Dutch name (in its
AppConfig.ready()); the request that queues such a mail only stores the data it is rendered
from (``Bericht.gegevens``), so no web request renders mail templates or calendar entries.
"""
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Bijlage:
    """A text attachment: ``type`` is the full content type, parameters included."""

    naam: str
    type: str
    inhoud: str


@dataclass(frozen=True)
class Rendered:
    """What a renderer writes: the text, the HTML and at most one text attachment."""

    tekst: str
    html: str
    bijlage: Bijlage | None = None


# A renderer gets a mail's kind and data and returns a Rendered, or (text, html).
Renderer = Callable[[str, dict], "Rendered | tuple[str, str]"]

_renderers: dict[str, Renderer] = {}
_labels: dict[str, str] = {}


def register(soorten: Mapping[str, str] | Iterable[str], renderer: Renderer | None = None) -> None:
    """Register the kinds an app sends: {kind: Dutch name}, rendered by ``renderer``.

    Without a renderer the kinds only get their name (mails queued with a body).
    """
    if isinstance(soorten, Mapping):
        _labels.update(soorten)
    if renderer is not None:
        for soort in soorten:
            _renderers[soort] = renderer


def label(soort: str) -> str:
    """The Dutch name staff read for a kind of mail; the key itself when nobody named it."""
    return str(_labels.get(soort, soort))


def labels() -> dict[str, str]:
    return {soort: str(name) for soort, name in _labels.items()}


def render(soort: str, gegevens: dict) -> Rendered:
    """The body of a mail of kind ``soort``; LookupError when no app renders that kind."""
    try:
        renderer = _renderers[soort]
    except KeyError:
        raise LookupError(f"Geen sjabloon voor berichten van soort '{soort}'") from None
    rendered = renderer(soort, gegevens)
    if isinstance(rendered, Rendered):
        return rendered
    tekst, html = rendered
    return Rendered(tekst=tekst, html=html)
