"""Charts rendered to PNG bytes with matplotlib (Agg): the same picture in the GUI, the PDF
summary and the Excel workbooks. Qt-free; matplotlib is imported lazily to keep start-up fast.

Every function takes plain data and returns PNG bytes.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Sequence
from functools import wraps

PALETTE = ["#1f5f8b", "#4f9bc9", "#f0a04b", "#7bb662", "#c75b5b", "#8e6cb5", "#5fb3a8", "#d4a72c"]
TEXT = "#1d2a35"
GRID = "#dfe4e8"


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.edgecolor": GRID,
            "axes.labelcolor": TEXT,
            "xtick.color": TEXT,
            "ytick.color": TEXT,
            "axes.titleweight": "bold",
            "axes.titlesize": 10.5,
            "axes.titlelocation": "left",
            "figure.dpi": 100,
        }
    )
    return plt


# pyplot keeps global state (current figure, rcParams): charts are drawn one at a time, whichever
# thread asks (the GUI's background tasks and an export may draw at the same moment).
_LOCK = threading.RLock()


def _serialised(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        with _LOCK:
            return fn(*args, **kwargs)

    return wrapper


def _wrap(label: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def _fr(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def _png(fig, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    _plt().close(fig)
    return buf.getvalue()


@_serialised
def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    title: str = "",
    highlight: Sequence[bool] | None = None,
    unit: str = "",
    decimals: int = 0,
    width: float = 7.0,
    max_value: float | None = None,
) -> bytes:
    """Horizontal bars, first item on top (a ranking, counts per choice…)."""
    plt = _plt()
    n = max(len(labels), 1)
    fig, ax = plt.subplots(figsize=(width, 0.9 + 0.34 * n))
    colors = [PALETTE[0] if not highlight or highlight[i] else "#b9c7d2" for i in range(len(values))]
    y = list(range(len(values)))[::-1]
    ax.barh(y, values, color=colors, height=0.62)
    ax.set_yticks(y, [_wrap(lbl, 42) for lbl in labels])
    top = max_value if max_value is not None else (max(values) if values else 1) or 1
    ax.set_xlim(0, top * 1.15)
    for yi, v in zip(y, values, strict=False):
        ax.text(v + top * 0.01, yi, f"{_fr(v, decimals)}{unit}", va="center", fontsize=8, color=TEXT)
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title)
    return _png(fig)


@_serialised
def column_chart(labels: Sequence[str], values: Sequence[float], title: str = "", unit: str = "") -> bytes:
    """Vertical columns (distributions, histograms)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(labels) + 2), 3.2))
    x = range(len(values))
    ax.bar(x, values, color=PALETTE[0], width=0.65)
    ax.set_xticks(list(x), [_wrap(lbl, 12) for lbl in labels], fontsize=8)
    for xi, v in zip(x, values, strict=False):
        ax.text(xi, v, f"{_fr(v)}{unit}", ha="center", va="bottom", fontsize=8)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title)
    return _png(fig)


@_serialised
def stacked_bar(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str | None]],
    title: str = "",
    percent: bool = True,
) -> bytes:
    """One horizontal bar per category, split by series (label, values, colour)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.4 * max(len(categories), 1)))
    y = list(range(len(categories)))[::-1]
    left = [0.0] * len(categories)
    totals = [sum(s[1][i] for s in series) or 1 for i in range(len(categories))]
    for i, (label, values, color) in enumerate(series):
        vals = [v / totals[j] * 100 if percent else v for j, v in enumerate(values)]
        ax.barh(y, vals, left=left, color=color or PALETTE[i % len(PALETTE)], label=label, height=0.6)
        left = [a + b for a, b in zip(left, vals, strict=False)]
    ax.set_yticks(y, [_wrap(c, 40) for c in categories])
    if percent:
        ax.set_xlim(0, 100)
        # the unit in the tick labels: an axis label under them would meet the legend
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{_fr(x)}\u00a0%"))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(len(series), 5), frameon=False, fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title)
    return _png(fig)


@_serialised
def radar_chart(labels: Sequence[str], values: Sequence[float], max_value: float, title: str = "", compare: Sequence[float] | None = None, compare_label: str = "",
                label: str = "", size: tuple[float, float] = (5.6, 5.0), font: float = 8) -> bytes:
    """Maturity profiles: one axis per domain, 0..max_value. With `compare`, the legend names
    both series (`label` and `compare_label`). `size` in inches and `font` in points: a
    document draws the chart at its print size so the text keeps its size on paper."""
    import math

    plt = _plt()
    n = len(labels)
    angles = [2 * math.pi * i / n for i in range(n)] + [0]
    fig = plt.figure(figsize=size)
    ax = fig.add_subplot(111, polar=True)
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_xticks(angles[:-1], [_wrap(lbl, 16) for lbl in labels], fontsize=font)
    ax.set_ylim(0, max_value)
    ax.set_yticks(range(0, int(max_value) + 1))
    ax.tick_params(axis="y", labelsize=max(7, font - 1), colors="#7a8894")
    if compare is not None:
        cv = list(compare) + [compare[0]]
        ax.plot(angles, cv, color="#9aa7b2", linewidth=1, linestyle="--", label=compare_label)
    vals = list(values) + [values[0]]
    ax.plot(angles, vals, color=PALETTE[0], linewidth=2, label=label or "_")
    ax.fill(angles, vals, color=PALETTE[0], alpha=0.25)
    ax.grid(color=GRID)
    if compare is not None and compare_label:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, fontsize=font, frameon=False)
    if title:
        ax.set_title(title, pad=18)
    return _png(fig)


PRINT_FONT = 7.5  # points, at print size: never under 7 on paper
PRINT_DPI = 200


def wrap_to(label: str, width_pt: float, font_pt: float = PRINT_FONT) -> str:
    """`label` wrapped (never cut) to lines of about `width_pt` points in DejaVu Sans at `font_pt`."""
    chars = max(8, int(width_pt / (font_pt * 0.56)))
    return "\n".join(textwrap.wrap(str(label), chars, break_long_words=False)) or str(label)


@_serialised
def print_bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    width_pt: float,
    unit: str = "",
    max_value: float | None = None,
    decimals: int = 0,
    font: float = PRINT_FONT,
    highlight: Sequence[bool] | None = None,
    label_share: float = 0.44,
) -> bytes:
    """Horizontal bars drawn at their print size: `width_pt` points wide once placed at 100 %
    in a document, every text `font` points (7.5 by default), labels wrapped instead of cut.
    The PNG carries PRINT_DPI pixels per inch; place it `width_pt` wide. `highlight`: bars in
    colour (True) or grey (False); `label_share`: the part of the width given to the labels."""
    plt = _plt()
    width_in = width_pt / 72
    label_pt = width_pt * label_share
    wrapped = [wrap_to(lbl, label_pt, font) for lbl in labels]
    line_in = font * 1.22 / 72
    rows = [max(1, w.count("\n") + 1) * line_in + 0.07 for w in wrapped]
    top_in, bottom_in = 0.06, 0.3  # room for the value axis
    height_in = top_in + bottom_in + sum(max(r, 0.2) for r in rows)
    fig = plt.figure(figsize=(width_in, height_in), dpi=PRINT_DPI)
    left = (label_pt + 4) / width_pt
    ax = fig.add_axes((left, bottom_in / height_in, 1 - left - 0.02, 1 - (top_in + bottom_in) / height_in))
    # one band per bar, as tall as its label
    centres, y = [], 0.0
    for r in reversed([max(r, 0.2) for r in rows]):
        centres.append(y + r / 2)
        y += r
    centres = centres[::-1]
    heights = [min(0.62 * max(r, 0.2), 0.16) for r in rows]
    colors = [PALETTE[0] if not highlight or highlight[i] else "#b9c7d2" for i in range(len(values))]
    ax.barh(centres, values, height=heights, color=colors)
    ax.set_ylim(0, y)
    ax.set_yticks(centres, wrapped, fontsize=font, linespacing=1.05)
    top = max_value if max_value is not None else (max(values) if values else 1) or 1
    ax.set_xlim(0, top * 1.2)
    for yi, v in zip(centres, values, strict=False):
        ax.text(v + top * 0.015, yi, f"{_fr(v, decimals)}{unit}", va="center", fontsize=font, color=TEXT)
    ax.tick_params(axis="x", labelsize=font, length=2)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_formatter(_plt().FuncFormatter(lambda x, _: _fr(x)))
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PRINT_DPI, facecolor="white")  # no "tight" crop: the size is the print size
    plt.close(fig)
    return buf.getvalue()
