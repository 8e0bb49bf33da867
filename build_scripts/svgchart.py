"""A small SVG writer for horizontal bar charts, rendered at build time (no JavaScript, no CDN).

Labels are escaped (they are letter data: agency names, topic names) and drawn with the reader's
system fonts through CSS, so Chinese renders wherever the page does. Sizes are computed from the
label lengths: CJK characters count as one em, others as about half.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass

FONT_PX = 13
ROW_PX = 24
BAR_PX = 16
BAR_AREA_PX = 280
GAP_PX = 8
MAX_LABEL_PX = 320


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def text_width(text: str) -> float:
    """Approximate rendered width in px: wide (CJK) characters one em, others ~0.6 em."""
    return sum(FONT_PX * 1.05 if unicodedata.east_asian_width(c) in "WFA" else FONT_PX * 0.62 for c in text)


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fit(label: str) -> str:
    """Shorten a label that would not fit; the full label stays in the table beside the chart."""
    if text_width(label) <= MAX_LABEL_PX:
        return label
    out = ""
    for char in label:
        if text_width(out + char + "…") > MAX_LABEL_PX:
            break
        out += char
    return out + "…"


def bar_chart(bars: list[Bar], *, title: str, chart_id: str) -> str:
    """An accessible inline SVG (role=img with a title); one line, so Markdown leaves it alone."""
    labels = [_fit(b.label) for b in bars]
    label_px = int(max((text_width(label) for label in labels), default=0)) + GAP_PX * 2
    top = max((b.value for b in bars), default=0) or 1
    number_px = int(text_width(str(top))) + GAP_PX * 2
    width = label_px + BAR_AREA_PX + number_px
    height = ROW_PX * len(bars) + GAP_PX
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" '
         f'aria-labelledby="{_esc(chart_id)}-title" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'),
        f'<title id="{_esc(chart_id)}-title">{_esc(title)}</title>',
    ]
    for i, (bar, label) in enumerate(zip(bars, labels)):
        y = GAP_PX // 2 + i * ROW_PX
        length = round(BAR_AREA_PX * bar.value / top) if bar.value else 0
        middle = y + ROW_PX // 2
        parts.append(
            f'<g><title>{_esc(bar.label)}：{bar.value}</title>'
            f'<text x="{label_px - GAP_PX}" y="{middle}" text-anchor="end" dominant-baseline="middle">{_esc(label)}</text>'
            f'<rect class="bar" x="{label_px}" y="{middle - BAR_PX // 2}" width="{length}" height="{BAR_PX}" fill="#c62828" />'
            f'<text x="{label_px + length + GAP_PX // 2}" y="{middle}" dominant-baseline="middle">{bar.value}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
