"""A tile map of Flanders's five provinces and Brussels: one square per province, roughly where
it lies (west to east, Brussels and Flemish Brabant below), shaded by a number.

No geodata: the layout is six fixed tiles, so the map draws the same everywhere and the numbers
stay readable on every tile. The SVG is an image with a text alternative that names every
number; the document puts the same numbers in a table beside it.
"""
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from registraties.constants import Provincie

# (column, row) of each tile.
LAYOUT = {
    Provincie.WEST_VLAANDEREN: (0, 0),
    Provincie.OOST_VLAANDEREN: (1, 0),
    Provincie.ANTWERPEN: (2, 0),
    Provincie.LIMBURG: (3, 0),
    Provincie.BRUSSEL: (1, 1),
    Provincie.VLAAMS_BRABANT: (2, 1),
}
SHORT_NAMES = {
    Provincie.WEST_VLAANDEREN: "West-Vlaanderen",
    Provincie.OOST_VLAANDEREN: "Oost-Vlaanderen",
    Provincie.ANTWERPEN: "Antwerpen",
    Provincie.LIMBURG: "Limburg",
    Provincie.BRUSSEL: "Brussel",
    Provincie.VLAAMS_BRABANT: "Vlaams-Brabant",
}
TILE = 120
GAP = 6
# From light to dark: five steps of the portal's blue; text turns white on the dark ones.
SHADES = ("#eef3fa", "#c9d9ee", "#8fb0dc", "#3f74b8", "#1f4f8a")
EMPTY = "#ffffff"


def shade(value: int, maximum: int) -> str:
    if not value or not maximum:
        return EMPTY
    step = min(len(SHADES) - 1, int(len(SHADES) * value / (maximum + 1)))
    return SHADES[step]


def tile_map(values: dict[str, int], *, title: str, unit: str) -> SafeString:
    """The SVG of ``values`` (province code -> number): each tile names its province and number."""
    maximum = max(values.values(), default=0)
    width = 4 * TILE + 3 * GAP
    height = 2 * TILE + GAP
    summary = "; ".join(f"{SHORT_NAMES[code]}: {values.get(code, 0)} {unit}" for code in LAYOUT)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}. '
        f'{escape(summary)}.">',
        f"<title>{escape(title)}</title>",
    ]
    for code, (column, row) in LAYOUT.items():
        x, y = column * (TILE + GAP), row * (TILE + GAP)
        value = values.get(code, 0)
        fill = shade(value, maximum)
        ink = "#ffffff" if fill in SHADES[3:] else "#1b1b1b"
        parts.append(
            f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" fill="{fill}" '
            f'stroke="#1f4f8a" stroke-width="1.5"/>'
            f'<text x="{x + TILE / 2}" y="{y + 48}" text-anchor="middle" font-size="13" '
            f'font-family="DejaVu Sans, sans-serif" fill="{ink}">{escape(SHORT_NAMES[code])}</text>'
            f'<text x="{x + TILE / 2}" y="{y + 80}" text-anchor="middle" font-size="24" '
            f'font-weight="bold" font-family="DejaVu Sans, sans-serif" fill="{ink}">{value}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
