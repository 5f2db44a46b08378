"""Charts painted by Qt for the screens: bars, stacked bars and a radar, as QImage.

The screens used to show the deliverables' matplotlib charts (PNG). Loading matplotlib in the
window cost 0.5 s at the first chart of a session and about 50 MB of memory for the rest of it,
and each chart 0.1–0.3 s on a worker holding the interpreter lock the window needs. The same
pictures (colours, order, values written beside the bars, legends) are painted here in a few
milliseconds; the deliverables keep matplotlib (`desktop_app.exports.charts`), with the same data.

QImage and QPainter: usable from a background task as well as from the GUI thread.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF

ACCENT = "#1f5f8b"  # the first colour of the deliverables' palette
OTHER = "#b9c7d2"
TEXT = "#1d2a35"
GRID = "#dfe4e8"
MUTED = "#7a8894"
LEFT = Qt.AlignmentFlag.AlignLeft
RIGHT = Qt.AlignmentFlag.AlignRight
HCENTER = Qt.AlignmentFlag.AlignHCenter
VCENTER = Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def font(px: int, bold: bool = False) -> QFont:
    f = QFont("DejaVu Sans")
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def number(value: float, decimals: int = 0) -> str:
    """French figures: a decimal comma, a narrow space between thousands."""
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def ink(hex_color: str) -> str:
    """The text colour readable on a `hex_color` background."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.58 else TEXT


def wrap(text: str, chars: int, lines: int = 2) -> list[str]:
    """`text` on at most `lines` lines of about `chars` characters (« … » when cut)."""
    out = textwrap.wrap(str(text), chars) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1].rstrip() + "…"
    return out


def _ticks(top: float, count: int = 5, whole: bool = False) -> list[float]:
    """Round steps along an axis (1, 2 or 5 × 10ⁿ), about `count` of them (whole numbers only
    when `whole`: counts)."""
    raw = top / count if top > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(1, round(step))
    return [i * step for i in range(int(top / step + 1e-9) + 1)]


def _canvas(width: int, height: int) -> tuple[QImage, QPainter]:
    image = QImage(max(width, 1), max(height, 1), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    return image, p


def _legend(p: QPainter, items: Sequence[tuple[str, str]], right: float, top: float, f: QFont) -> None:
    """Coloured squares and their labels, right-aligned at `right`."""
    fm = QFontMetricsF(f)
    p.setFont(f)
    x = right
    box = fm.height() * 0.7
    for label, colour in reversed(items):
        w = fm.horizontalAdvance(label)
        x -= w
        p.setPen(QColor(TEXT))
        p.drawText(QRectF(x, top, w + 2, fm.height()), LEFT | VCENTER, label)
        x -= box + 6
        p.fillRect(QRectF(x, top + (fm.height() - box) / 2, box, box), QColor(colour))
        x -= 16


def bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    width: int,
    max_value: float | None = None,
    unit: str = "",
    decimals: int = 0,
    colors: Sequence[str] | None = None,
    bold: Sequence[bool] | None = None,
    title: str = "",
    legend: Sequence[tuple[str, str]] = (),
    font_px: int = 11,
    row_px: int = 0,
    wrap_chars: int = 42,
    headroom: float = 1.15,
) -> QImage:
    """Horizontal bars, first item on top, each ending with its value (`unit` after it)."""
    f, small = font(font_px), font(max(font_px - 1, 8))
    fm, fm_small = QFontMetricsF(f), QFontMetricsF(small)
    title_font = font(round(font_px * 1.2), bold=True)
    room = width * 0.45  # at most for the labels: narrower lines when they would not fit
    while True:
        lines = [wrap(label, wrap_chars, lines=2 if wrap_chars > 24 else 3) for label in labels]
        widest = max((fm.horizontalAdvance(s) for ls in lines for s in ls), default=0)
        if widest + 12 <= room or wrap_chars <= 14:
            break
        wrap_chars = max(14, int(wrap_chars * room / (widest + 12)) - 1)
    line_h = fm.height()
    row = max(row_px, line_h * max((len(ls) for ls in lines), default=1) + 8)
    label_w = min(room, widest + 12)
    top_value = max_value if max_value is not None else (max(values) if values else 1)
    top_value = (top_value or 1) * headroom
    value_w = fm.horizontalAdvance(number(top_value, decimals) + unit) + 8
    title_h = QFontMetricsF(title_font).height() + 8 if title else 0
    legend_h = fm_small.height() + 6 if legend else 0
    axis_h = fm_small.height() + 6
    pad = max(6, font_px // 2)
    height = round(pad + title_h + row * len(values) + axis_h + legend_h + pad)
    x0, x1 = pad + label_w, width - pad - value_w
    span = max(x1 - x0, 10)

    def x_of(v: float) -> float:
        return x0 + span * max(v, 0) / top_value

    image, p = _canvas(width, height)
    y = pad
    if title:
        p.setFont(title_font)
        p.setPen(QColor(TEXT))
        p.drawText(QRectF(pad, y, width - 2 * pad, title_h), LEFT, title)
        y += title_h
    bars_top, bars_bottom = y, y + row * len(values)
    p.setFont(small)
    whole = decimals == 0 and all(float(v).is_integer() for v in values)
    for tick in _ticks(top_value, whole=whole):
        x = x_of(tick)
        p.setPen(QPen(QColor(GRID), 1))
        p.drawLine(QPointF(x, bars_top), QPointF(x, bars_bottom))
        p.setPen(QColor(TEXT))
        p.drawText(QRectF(x - 40, bars_bottom + 3, 80, axis_h), HCENTER, number(tick, 0))
    p.setPen(QPen(QColor(GRID), 1))
    p.drawLine(QPointF(x0, bars_bottom), QPointF(x0 + span, bars_bottom))
    for i, value in enumerate(values):
        colour = colors[i] if colors else ACCENT
        bar = QRectF(x0, y + row * 0.19, x_of(value) - x0, row * 0.62)
        p.fillRect(bar, QColor(colour))
        p.setPen(QColor(TEXT))
        p.setFont(f)
        p.drawText(QRectF(pad, y, label_w - 8, row), RIGHT | VCENTER, "\n".join(lines[i]))
        p.setFont(font(font_px, bold=bool(bold and bold[i])))
        p.drawText(
            QRectF(bar.right() + 4, y, value_w + 40, row), LEFT | VCENTER, number(value, decimals) + unit
        )
        y += row
    if legend:
        _legend(p, legend, width - pad, bars_bottom + axis_h + 2, small)
    p.end()
    return image


def stacked_bars(
    categories: Sequence[str],
    levels: Sequence[tuple[str, str, str]],
    counts: Sequence[dict[str, int]],
    *,
    width: int,
    axis_label: str = "",
    font_px: int = 12,
    wrap_chars: int = 26,
) -> QImage:
    """One horizontal bar per category, split by level (value, label, colour), the count written
    in each segment; the legend above the bars."""
    f, small = font(font_px), font(font_px - 1)
    fm, fm_small = QFontMetricsF(f), QFontMetricsF(small)
    lines = [wrap(c, wrap_chars, lines=3) for c in categories]
    row = max(fm.height() * max((len(ls) for ls in lines), default=1) + 10, font_px * 2.6)
    label_w = min(width * 0.4, max((fm.horizontalAdvance(s) for ls in lines for s in ls), default=0) + 12)
    totals = [sum(c.get(v, 0) for v, _, _ in levels) for c in counts]
    top = max(totals or [1]) * 1.02 or 1
    pad = 8
    legend_h = fm_small.height() + 10
    axis_h = fm_small.height() + 6 + (fm_small.height() + 4 if axis_label else 0)
    height = round(pad + legend_h + row * len(categories) + axis_h + pad)
    x0, x1 = pad + label_w, width - pad
    span = max(x1 - x0, 10)
    image, p = _canvas(width, height)
    _legend(p, [(label, colour or ACCENT) for _, label, colour in levels], x1, pad, small)
    y = pad + legend_h
    bars_bottom = y + row * len(categories)
    p.setFont(small)
    for tick in _ticks(top, whole=True):
        x = x0 + span * tick / top
        p.setPen(QColor(TEXT))
        p.drawLine(QPointF(x, bars_bottom), QPointF(x, bars_bottom + 3))
        p.drawText(QRectF(x - 40, bars_bottom + 3, 80, fm_small.height()), HCENTER, number(tick))
    p.drawLine(QPointF(x0, y), QPointF(x0, bars_bottom))
    p.drawLine(QPointF(x0, bars_bottom), QPointF(x1, bars_bottom))
    if axis_label:
        p.drawText(
            QRectF(x0, bars_bottom + 4 + fm_small.height(), span, fm_small.height() + 4), HCENTER, axis_label
        )
    for i, c in enumerate(counts):
        p.setFont(f)
        p.setPen(QColor(TEXT))
        p.drawText(QRectF(pad, y, label_w - 8, row), RIGHT | VCENTER, "\n".join(lines[i]))
        left = 0.0
        for value, _, colour in levels:
            v = c.get(value, 0)
            if not v:
                continue
            colour = colour or ACCENT
            seg = QRectF(x0 + span * left / top, y + row * 0.21, span * v / top, row * 0.58)
            p.fillRect(seg, QColor(colour))
            p.setPen(QPen(QColor("white"), 1))
            p.drawRect(seg)
            p.setPen(QColor(ink(colour)))
            p.drawText(seg, CENTER, str(v))
            left += v
        y += row
    p.end()
    return image


def radar(
    labels: Sequence[str], values: Sequence[float], max_value: float, *, width: int, font_px: int = 11
) -> QImage:
    """A profile: one axis per domain from the centre (0) to `max_value`, the first on top and
    the others clockwise, a ring per level, the values joined and filled."""
    n = max(len(labels), 1)
    f, small = font(font_px), font(max(font_px - 1, 8))
    fm = QFontMetricsF(f)
    height = round(width * 0.9)
    lines = [wrap(label, 16, lines=3) for label in labels]
    margin = max((fm.horizontalAdvance(s) for ls in lines for s in ls), default=0) + 14
    radius = max(min(width / 2 - margin, height / 2 - fm.height() * 3 - 8), 20)
    cx, cy = width / 2, height / 2
    top = max_value or 1

    def point(i: int, v: float) -> QPointF:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * max(v, 0) / top
        return QPointF(cx + r * math.cos(angle), cy + r * math.sin(angle))

    image, p = _canvas(width, height)
    p.setPen(QPen(QColor(GRID), 1))
    for level in range(1, int(top) + 1):
        p.drawEllipse(QPointF(cx, cy), radius * level / top, radius * level / top)
    for i in range(n):
        p.drawLine(QPointF(cx, cy), point(i, top))
    p.setFont(small)
    p.setPen(QColor(MUTED))
    for level in range(0, int(top) + 1):
        p.drawText(QRectF(cx + 3, cy - radius * level / top, 30, fm.height()), LEFT, str(level))
    shape = QPolygonF([point(i, v) for i, v in enumerate(values)])
    fill = QColor(ACCENT)
    fill.setAlphaF(0.25)
    p.setBrush(fill)
    p.setPen(QPen(QColor(ACCENT), 2))
    p.drawPolygon(shape)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setFont(f)
    p.setPen(QColor(TEXT))
    for i, ls in enumerate(lines):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        w = max(fm.horizontalAdvance(s) for s in ls) + 4
        h = fm.height() * len(ls)
        ax, ay = cx + (radius + 8) * math.cos(angle), cy + (radius + 8) * math.sin(angle)
        c, s = math.cos(angle), math.sin(angle)
        x = ax - w / 2 + c * w / 2
        y = ay - h / 2 + s * h / 2
        align = (RIGHT if c < -0.2 else LEFT if c > 0.2 else HCENTER) | VCENTER
        p.drawText(QRectF(x, y, w, h), align, "\n".join(ls))
    p.end()
    return image
