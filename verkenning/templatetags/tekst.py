"""Renders a round's plain-text content blocks as paragraphs and lists, escaping everything."""
from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def regels(value: str) -> list[str]:
    """Non-empty lines of a text block."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@register.filter
def alineas(value: str):
    """Blank-line separated paragraphs as <p> elements."""
    blocks = [b.strip() for b in (value or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    return format_html_join("\n", "<p>{}</p>", ((b,) for b in blocks))


@register.filter
def titel_uitleg(value: str) -> tuple[str, str]:
    """'Titel: uitleg' split in two; without a colon the whole line is the title."""
    title, sep, rest = value.partition(":")
    return (title.strip(), rest.strip()) if sep else (value.strip(), "")


@register.simple_tag
def lijst(value: str, css_class: str = ""):
    items = regels(value)
    if not items:
        return mark_safe("")  # noqa: S308 - constant empty string
    return format_html('<ul class="{}">{}</ul>', css_class,
                       format_html_join("", "<li>{}</li>", ((i,) for i in items)))
