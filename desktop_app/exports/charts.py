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


PRINT_FONT = 7.5  # points, at print size: never under 7 on paper (the radar drawn for the PDF)
