"""The ranking chart of the grid tab, painted by Qt on the GUI thread.

The same picture as the workbook's and the PDF's (`exports.actions_charts.ranking_chart`: bars
best on top, chosen actions in the accent colour, each bar ending with its score, a legend),
drawn with QPainter into a pixmap in a few milliseconds. Drawing it with matplotlib cost
0.3 s (0.6 s for the first figure of the session) on a worker thread, holding the interpreter
lock the window needs, each time the step opened or a filter changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap

ACCENT, OTHER, TEXT, GRID = "#1f5f8b", "#b9c7d2", "#1d2a35", "#dfe4e8"
WIDTH = 1500  # pixels, as the exported chart (10 in at 150 dpi); the view scales it to its width
ROW = 30  # pixels per bar
PAD = 16


def _number(v: float, decimals: int) -> str:
    return f"{v:.{decimals}f}".replace(".", ",")


def _ticks(top: float) -> list[float]:
    """Round steps along the axis (1, 2 or 5 × 10ⁿ), about five of them."""
    raw = top / 5 or 1
    power = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [i * step for i in range(int(top / step) + 1)]


def ranking_pixmap(
    labels: Sequence[str], values: Sequence[float], chosen: Sequence[bool], max_value: float, title: str = ""
) -> QPixmap:
    """The ranking as horizontal bars, best on top (first item first)."""
    font = QFont()
    font.setPixelSize(17)
    bold = QFont(font)
    bold.setBold(True)
    small = QFont(font)
    small.setPixelSize(15)
    title_font = QFont(bold)
    title_font.setPixelSize(21)
    fm, fm_small = QFontMetricsF(font), QFontMetricsF(small)
    short = [lbl if len(lbl) <= 78 else lbl[:77].rstrip() + "…" for lbl in labels]
    label_w = min(WIDTH * 0.45, max((fm.horizontalAdvance(s) for s in short), default=0) + 12)
    top_value = max_value or (max(values) if values else 1) or 1
    decimals = 0 if all(float(v).is_integer() for v in values) else 1
    title_h = QFontMetricsF(title_font).height() + 14 if title else 0
    legend_h = fm_small.height() + 10 if any(chosen) else 0
    axis_h = fm_small.height() + 8
    height = int(PAD + title_h + ROW * len(values) + axis_h + legend_h + PAD)
    x0, x1 = PAD + label_w, WIDTH - PAD - fm.horizontalAdvance("0000,0")
    span = x1 - x0

    def x_of(v: float) -> float:
        return x0 + span * v / (top_value * 1.06)

    pixmap = QPixmap(WIDTH, max(height, 1))
    pixmap.fill(QColor("white"))
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    y = PAD
    if title:
        p.setFont(title_font)
        p.setPen(QColor(TEXT))
        p.drawText(QRectF(PAD, y, WIDTH - 2 * PAD, title_h), Qt.AlignmentFlag.AlignLeft, title)
        y += title_h
    bars_top, bars_bottom = y, y + ROW * len(values)
    p.setFont(small)
    for tick in _ticks(top_value * 1.06):
        x = x_of(tick)
        p.setPen(QPen(QColor(GRID), 1))
        p.drawLine(int(x), int(bars_top), int(x), int(bars_bottom))
        p.setPen(QColor(TEXT))
        p.drawText(
            QRectF(x - 40, bars_bottom + 4, 80, axis_h), Qt.AlignmentFlag.AlignHCenter, _number(tick, 0)
        )
    p.setPen(QPen(QColor(GRID), 1))
    p.drawLine(int(x0), int(bars_bottom), int(x1), int(bars_bottom))
    for label, value, is_chosen in zip(short, values, chosen, strict=True):
        bar = QRectF(x0, y + ROW * 0.16, max(x_of(value) - x0, 0), ROW * 0.68)
        p.fillRect(bar, QColor(ACCENT if is_chosen else OTHER))
        p.setPen(QColor(TEXT))
        p.setFont(font)
        p.drawText(
            QRectF(PAD, y, label_w - 10, ROW),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            label,
        )
        p.setFont(bold if is_chosen else font)
        p.drawText(
            QRectF(bar.right() + 6, y, 120, ROW), Qt.AlignmentFlag.AlignVCenter, _number(value, decimals)
        )
        y += ROW
    if legend_h:
        p.setFont(small)
        x = x1
        for text, colour in (("Non retenue", OTHER), ("Retenue", ACCENT)):
            x -= fm_small.horizontalAdvance(text)
            ly = bars_bottom + axis_h + 6
            p.setPen(QColor(TEXT))
            p.drawText(
                QRectF(x, ly, fm_small.horizontalAdvance(text) + 2, legend_h),
                Qt.AlignmentFlag.AlignLeft,
                text,
            )
            x -= 30
            p.fillRect(QRectF(x, ly + 3, 22, fm_small.height() - 6), QColor(colour))
            x -= 24
    p.end()
    return pixmap
