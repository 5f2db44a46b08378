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


class _PrintChart(Flowable):
    """What the print-size charts share: drawn at `chart_width` × `chart_height` points, scaled
    down (never up) to fit, values placed between `axis_left` and `axis_right` up to `limit`."""

    chart_width: float
    chart_height: float
    axis_left: float
    axis_right: float
    limit: float
    scale: float = 1.0

    def fit(self, width: float, max_height: float):
        """At most `width` wide and `max_height` tall (never enlarged)."""
        self.scale = min(1.0, width / self.chart_width, max_height / self.chart_height)
        return self

    def wrap(self, available_width, available_height):
        self.width, self.height = self.chart_width * self.scale, self.chart_height * self.scale
        return self.width, self.height

    def _x(self, value: float) -> float:
        return self.axis_left + (self.axis_right - self.axis_left) * value / self.limit


class PrintBars(_PrintChart):
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



class PrintStacked(_PrintChart):
    """One horizontal bar per category, split by series (label, values, colour), as shares of
    the category's total (`percent`) or as counts; the legend above, the value axis below;
    `width_pt` wide, every text `font` points. Placed like a picture (`fit`)."""

    def __init__(
        self,
        categories: Sequence[str],
        series: Sequence[tuple[str, Sequence[float], str | None]],
        width_pt: float,
        percent: bool = True,
        font: float = PRINT_FONT + 0.5,
        label_share: float = 0.28,
    ):
        super().__init__()
        st.register_fonts()
        self.font, self.percent, self.chart_width = font, percent, float(width_pt)
        palette = ["#1f5f8b", "#4f9bc9", "#f0a04b", "#7bb662", "#c75b5b", "#8e6cb5", "#5fb3a8", "#d4a72c"]
        self.series = [(str(label), [float(v) for v in values], colors.HexColor(colour or palette[i % len(palette)]))
                       for i, (label, values, colour) in enumerate(series)]
        n = len(categories)
        totals = [sum(s[1][i] for s in self.series) or 1.0 for i in range(n)]
        self.shares = [[v / totals[i] * 100 if percent else v for i, v in enumerate(values)] for _, values, _ in self.series]
        self.limit = 100.0 if percent else (max(totals) if n else 1.0) * 1.02 or 1.0
        label_pt = width_pt * label_share
        self.axis_left, self.axis_right = label_pt + _LABEL_GAP, width_pt * 0.98
        self.lines = [simpleSplit(str(c), st.SANS, font, label_pt - 3.5) or [str(c)] for c in categories]
        self.rows = [max(len(lines) * font * 1.22 + 8, 24.0) for lines in self.lines]  # bars thicker than single ones
        self.legend = self._legend_rows()
        self.legend_height = len(self.legend) * font * 1.6 + 4
        self.chart_height = self.legend_height + _TOP + sum(self.rows) + _BOTTOM
        self.scale = 1.0
        self.hAlign = "LEFT"

    def _legend_rows(self) -> list[list[tuple[str, colors.Color, float]]]:
        """The legend's items (label, colour, width) in rows no wider than the axis."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        rows: list[list[tuple[str, colors.Color, float]]] = [[]]
        room = self.axis_right - self.axis_left
        used = 0.0
        for label, _, colour in self.series:
            w = self.font * 2 + 4 + stringWidth(label, st.SANS, self.font) + self.font * 1.5
            if rows[-1] and used + w > room:
                rows.append([])
                used = 0.0
            rows[-1].append((label, colour, w))
            used += w
        return [r for r in rows if r]

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        if self.scale != 1.0:
            c.scale(self.scale, self.scale)
        font, bottom = self.font, _BOTTOM
        top_y = bottom + sum(self.rows)
        # legend, centred over the axis, one row under the other
        c.setFont(st.SANS, font)
        y = self.chart_height - font * 1.2
        middle = (self.axis_left + self.axis_right) / 2
        for row in self.legend:
            x = middle - sum(w for _, _, w in row) / 2
            for label, colour, w in row:
                c.setFillColor(colour)
                c.rect(x, y - font * 0.1, font * 2, font * 0.7, stroke=0, fill=1)
                c.setFillColor(INK)
                c.drawString(x + font * 2 + 4, y, label)
                x += w
            y -= font * 1.6
        # value axis: the two visible spines, ticks and numbers
        c.setStrokeColor(GRID)
        c.setLineWidth(0.8)
        c.line(self.axis_left, bottom, self.axis_left, top_y)
        c.line(self.axis_left, bottom, self.axis_right, bottom)
        c.setStrokeColor(INK)
        c.setFillColor(INK)
        for t in nice_ticks(self.limit, self.axis_right - self.axis_left, font):
            x = self._x(t)
            c.line(x, bottom, x, bottom - 2)
            c.drawCentredString(x, bottom - 5.5 - font * 0.76, french_number(t) + ("\u00a0%" if self.percent else ""))
        # one bar per category, its segments side by side, the first category on top
        y = top_y
        label_right = self.axis_left - 3.5
        for i, (lines, row) in enumerate(zip(self.lines, self.rows, strict=True)):
            centre = y - row / 2
            bar = min(0.62 * row, 16.0)
            left = 0.0
            for (_, _, colour), shares in zip(self.series, self.shares, strict=True):
                if shares[i] > 0:
                    c.setFillColor(colour)
                    c.rect(self._x(left), centre - bar / 2, self._x(left + shares[i]) - self._x(left), bar, stroke=0, fill=1)
                left += shares[i]
            c.setFillColor(INK)
            leading = font * 1.22
            first = centre + (len(lines) - 1) * leading / 2 - font * 0.35
            for k, line in enumerate(lines):
                c.drawRightString(label_right, first - k * leading, line)
            y -= row
        c.restoreState()
