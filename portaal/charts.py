"""Charts of the staff overviews as server-side SVG: no script, no CDN, each bar a link to
the list it counts. Each app builds its ``Chart``s and says what its numbers count
(``count_label``) and what an empty chart says (``empty``)."""
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    params: dict  # query parameters of the list showing exactly these rows
    colour: str = ""


@dataclass
class Chart:
    key: str
    title: str
    bars: list[Bar] = field(default_factory=list)
    columns: bool = False  # vertical columns over time instead of horizontal bars

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)

    @property
    def maximum(self) -> int:
        return max((bar.count for bar in self.bars), default=0)


DEFAULT_COLOUR = "#1f5fa8"
ROW_HEIGHT = 26
LABEL_WIDTH = 250
BAR_AREA = 300
WIDTH = LABEL_WIDTH + BAR_AREA + 60
MAX_LABEL = 40


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def list_url(base_url: str, params: dict) -> str:
    return f"{base_url}?{urlencode(params)}"


def _summary(chart: Chart, empty: str) -> str:
    parts = ", ".join(f"{bar.label}: {bar.count}" for bar in chart.bars if bar.count or
                      not chart.columns)
    return f"{chart.title}. {parts}." if parts else f"{chart.title}. {empty}"


def bar_chart(chart: Chart, *, base_url: str, empty: str) -> SafeString:
    """Horizontal bars with label and count; a bar links to the list filtered on it."""
    scale = BAR_AREA / chart.maximum if chart.maximum else 0
    height = ROW_HEIGHT * len(chart.bars) + 4
    rows = []
    for index, bar in enumerate(chart.bars):
        y = index * ROW_HEIGHT + 2
        width = max(bar.count * scale, 2 if bar.count else 0)
        rows.append(format_html(
            '<a href="{url}" class="portaal-bar"><title>{label}: {count}</title>'
            '<text x="{lx}" y="{ty}" text-anchor="end">{short}</text>'
            '<rect x="{bx}" y="{y}" width="{w}" height="{h}" rx="3" fill="{colour}"/>'
            '<text x="{cx}" y="{ty}" class="portaal-bar-count">{count}</text></a>',
            url=list_url(base_url, bar.params), label=bar.label, count=bar.count,
            short=_short(bar.label), lx=LABEL_WIDTH - 8, ty=y + ROW_HEIGHT / 2 + 4,
            bx=LABEL_WIDTH, y=y + 3, w=round(width, 1), h=ROW_HEIGHT - 8,
            colour=bar.colour or DEFAULT_COLOUR, cx=round(LABEL_WIDTH + width + 6, 1),
        ))
    return _svg(chart, width=WIDTH, height=height, empty=empty,
                body=mark_safe("".join(rows)))  # noqa: S308


def column_chart(chart: Chart, *, base_url: str, empty: str) -> SafeString:
    """Columns per day; every seventh day is labelled under the axis."""
    column = 14 if len(chart.bars) <= 60 else 6
    plot_height = 140
    width = max(len(chart.bars) * column + 70, 200)
    scale = plot_height / chart.maximum if chart.maximum else 0
    parts = [format_html('<line x1="30" y1="{y}" x2="{x2}" y2="{y}" class="portaal-axis"/>'
                         '<text x="26" y="{y}" text-anchor="end">0</text>'
                         '<text x="26" y="12" text-anchor="end">{top}</text>',
                         y=plot_height + 4, x2=width, top=chart.maximum)]
    for index, bar in enumerate(chart.bars):
        x = 32 + index * column
        h = bar.count * scale
        parts.append(format_html(
            '<a href="{url}" class="portaal-bar"><title>{label}: {count}</title>'
            '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}"/></a>',
            url=list_url(base_url, bar.params), label=bar.label, count=bar.count, x=x,
            y=round(plot_height + 4 - h, 1), w=column - 2, h=round(h, 1), colour=DEFAULT_COLOUR,
        ))
        if index % 7 == 0:
            parts.append(format_html('<text x="{x}" y="{y}">{label}</text>', x=x,
                                     y=plot_height + 20, label=bar.label[:5]))
    return _svg(chart, width=width, height=plot_height + 26, empty=empty,
                body=mark_safe("".join(parts)))  # noqa: S308


def _svg(chart: Chart, *, width: int, height: int, empty: str, body: SafeString) -> SafeString:
    # A group, not an image: its bars are links, and an image may hold nothing interactive.
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="portaal-chart" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="group" aria-label="{summary}">{body}</svg>',
        w=width, h=height, summary=_summary(chart, empty), body=body,
    )


def data_table(chart: Chart, *, base_url: str, count_label: str, empty: str) -> SafeString:
    """The chart's numbers as a table (for screen readers and for whoever prefers numbers);
    ``count_label`` heads the numbers ("Aantal registraties")."""
    bars = [bar for bar in chart.bars if bar.count] if chart.columns else chart.bars
    rows = format_html_join(
        "", '<tr><th scope="row">{}</th><td class="portaal-num"><a href="{}">{}</a></td></tr>',
        ((bar.label, list_url(base_url, bar.params), bar.count) for bar in bars),
    )
    head = _("Dag") if chart.columns else _("Waarde")
    return format_html(
        '<table class="portaal-chart-table"><caption>{caption}</caption><thead><tr>'
        '<th scope="col">{head}</th><th scope="col">{count}</th></tr></thead>'
        '<tbody>{rows}</tbody></table>',
        caption=chart.title, head=head, count=count_label,
        rows=rows or format_html('<tr><td colspan="2">{}</td></tr>', empty),
    )


def render(chart: Chart, *, base_url: str, count_label: str, empty: str) -> dict:
    """What the overview template shows for one chart: the chart, its SVG and its table.

    ``empty`` is the sentence a chart without numbers says ("Nog geen registraties.").
    """
    draw = column_chart if chart.columns else bar_chart
    return {"chart": chart, "svg": draw(chart, base_url=base_url, empty=str(empty)),
            "table": data_table(chart, base_url=base_url, count_label=count_label,
                                empty=empty),
            "escaped_title": escape(chart.title)}
