"""Horizontal bar charts drawn by reportlab itself, as vector graphics and real text, at their
print size: the questionnaires' results, the actions' ranking, the consolidation's shares.

They replace matplotlib pictures of the same layout (one band per bar as tall as its wrapped
label, the value written after each bar, a value axis with French numbers underneath): no
picture to rasterise, compress and decode, the text stays 7.5 pt on paper whatever the zoom,
can be searched and copied, and is set in the document's own embedded font (DejaVu Sans, the
font matplotlib drew them in).

    flowable = PrintBars(labels, values, width_pt, unit=" %", max_value=100)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable

from desktop_app.exports import pdf_style as st

PRINT_FONT = 7.5  # points on paper: never under 7
BAR = colors.HexColor("#1f5f8b")
BAR_MUTED = colors.HexColor("#b9c7d2")
GRID = colors.HexColor("#dfe4e8")
INK = colors.HexColor("#1d2a35")

_TOP, _BOTTOM = 4.32, 21.6  # points above the first band, below the last one (the value axis)
_MIN_ROW = 14.4  # a band is never thinner than this
_ROW_PAD = 5.04  # added to the lines of a band's label
_MAX_BAR = 11.52  # a bar is never thicker than this
_LABEL_GAP = 4  # between the labels' column and the axis


def french_number(value: float, decimals: int = 0) -> str:
    """1234.5 -> « 1 234,5 » (narrow no-break space between thousands, decimal comma)."""
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def nice_ticks(top: float, length_pt: float, font: float) -> list[float]:
    """Ticks from 0 to `top` at a round step (1, 2, 2.5, 5 × 10^k), as many as fit along
    `length_pt` with room for their labels (matplotlib's automatic locator does the same)."""
    if top <= 0:
        return [0.0]
    bins = max(1, min(9, int(length_pt // (font * 3))))
    raw = top / bins
    scale = 10 ** math.floor(math.log10(raw))
    step = next((s * scale for s in (1, 2, 2.5, 5, 10) if s * scale >= raw - 1e-12), 10 * scale)
    count = int(math.floor(top / step + 1e-9))
    return [round(i * step, 10) for i in range(count + 1)]


class PrintBars(Flowable):
    """Horizontal bars, first item on top, `width_pt` wide, every text `font` points; labels
    wrapped (never cut) in the left `label_share` of the width. `highlight`: bars in colour
    (True) or grey (False). Placed like a picture (`fit`): scaled down only when it does not
    fit, its text then shrinking in proportion."""

    def __init__(
        self,
        labels: Sequence[str],
        values: Sequence[float],
        width_pt: float,
        unit: str = "",
        max_value: float | None = None,
        decimals: int = 0,
        font: float = PRINT_FONT,
        highlight: Sequence[bool] | None = None,
        label_share: float = 0.44,
    ):
        super().__init__()
        st.register_fonts()
        self.values = [float(v) for v in values]
        self.unit, self.decimals, self.font = unit, decimals, font
        self.colours = [BAR if not highlight or highlight[i] else BAR_MUTED for i in range(len(self.values))]
        self.chart_width = float(width_pt)
        label_pt = width_pt * label_share
        self.axis_left = label_pt + _LABEL_GAP
        self.axis_right = width_pt * 0.98
        self.lines = [simpleSplit(str(label), st.SANS, font, label_pt - 3.5) or [str(label)] for label in labels]
        self.rows = [max(len(lines) * font * 1.22 + _ROW_PAD, _MIN_ROW) for lines in self.lines]
        self.chart_height = _TOP + _BOTTOM + sum(self.rows)
        self.top = max_value if max_value is not None else (max(self.values) if self.values else 1) or 1
        self.limit = self.top * 1.2
        self.scale = 1.0
        self.hAlign = "LEFT"

    def fit(self, width: float, max_height: float) -> PrintBars:
        """At most `width` wide and `max_height` tall (never enlarged)."""
        self.scale = min(1.0, width / self.chart_width, max_height / self.chart_height)
        return self

    def wrap(self, available_width, available_height):
        self.width, self.height = self.chart_width * self.scale, self.chart_height * self.scale
        return self.width, self.height

    def _x(self, value: float) -> float:
        return self.axis_left + (self.axis_right - self.axis_left) * value / self.limit

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        if self.scale != 1.0:
            c.scale(self.scale, self.scale)
        font, bottom, top_y = self.font, _BOTTOM, self.chart_height - _TOP
        ticks = nice_ticks(self.limit, self.axis_right - self.axis_left, font)
        # grid behind the bars, then the two visible spines
        c.setStrokeColor(GRID)
        c.setLineWidth(0.5)
        for t in ticks:
            c.line(self._x(t), bottom, self._x(t), top_y)
        c.setLineWidth(0.8)
        c.line(self.axis_left, bottom, self.axis_left, top_y)
        c.line(self.axis_left, bottom, self.axis_right, bottom)
        # value axis: tick marks and French numbers
        c.setStrokeColor(INK)
        c.setFillColor(INK)
        c.setFont(st.SANS, font)
        for t in ticks:
            x = self._x(t)
            c.line(x, bottom, x, bottom - 2)
            c.drawCentredString(x, bottom - 5.5 - font * 0.76, french_number(t))
        # one band per bar, as tall as its label, the first item on top
        y = top_y
        label_right = self.axis_left - 3.5
        for lines, row, value, colour in zip(self.lines, self.rows, self.values, self.colours, strict=True):
            centre = y - row / 2
            bar = min(0.62 * row, _MAX_BAR)
            c.setFillColor(colour)
            c.rect(self.axis_left, centre - bar / 2, self._x(value) - self.axis_left, bar, stroke=0, fill=1)
            c.setFillColor(INK)
            leading = font * 1.22
            first = centre + (len(lines) - 1) * leading / 2 - font * 0.35
            for i, line in enumerate(lines):
                c.drawRightString(label_right, first - i * leading, line)
            c.drawString(self._x(value + self.top * 0.015), centre - font * 0.35, f"{french_number(value, self.decimals)}{self.unit}")
            y -= row
        c.restoreState()

