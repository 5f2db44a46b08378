"""Charts of the synthesis chapters that `desktop_app.exports.charts` does not draw: the
evaluation's timeline and the distribution of appreciations. PNG bytes, matplotlib (Agg).
Qt-free; also used by the screens (through `ui/widgets/chart_view.ChartView`).
"""

from __future__ import annotations

import datetime as dt
import textwrap
import threading
from collections.abc import Sequence

from desktop_app.exports.charts import GRID, PALETTE, TEXT, _plt, _png

# pyplot is not thread-safe: the synthesis' charts are drawn one at a time (exports run on a
# worker thread while a screen may draw its own chart)
CHART_LOCK = threading.RLock()

KIND_COLORS = {
    "copil": "#1f5f8b",
    "cotech": "#4f9bc9",
    "atelier": "#f0a04b",
    "groupe_travail": "#7bb662",
    "temps_fort": "#c75b5b",
    "immersion": "#8e6cb5",
    "rendu": "#143f5e",
}


def timeline(items: Sequence[tuple[str, str, str]], kind_labels: dict[str, str] | None = None) -> bytes | None:
    """(ISO date, kind, label) milestones on a dated line, labels staggered above and below."""
    with CHART_LOCK:
        return _timeline(items, kind_labels)


def radar(labels: Sequence[str], values: Sequence[float], max_value: float, compare: Sequence[float] | None = None,
          compare_label: str = "", label: str = "", width_pt: float | None = None) -> bytes:
    """`charts.radar_chart`, drawn under the lock; at its print size when `width_pt` is given
    (text 7.5 pt on paper)."""
    from desktop_app.exports import charts

    kw = {}
    if width_pt:
        w = width_pt / 72 * 0.8  # the domain labels stick out of the polar axes: leave them room
        kw = {"size": (w, w * 0.9), "font": charts.PRINT_FONT}
    with CHART_LOCK:
        return charts.radar_chart(labels, values, max_value, compare=compare, compare_label=compare_label, label=label, **kw)


def _timeline(items: Sequence[tuple[str, str, str]], kind_labels: dict[str, str] | None = None) -> bytes | None:
    plt = _plt()
    points = []
    for iso, kind, label in items:
        try:
            points.append((dt.date.fromisoformat(iso), kind, label))
        except (TypeError, ValueError):
            continue
    if not points:
        return None
    points.sort()
    import matplotlib.dates as mdates

    fig, ax = plt.subplots(figsize=(7.4, 3.6))
    dates = [p[0] for p in points]
    heights = (0.7, 1.9, 3.1)
    levels = [(1.0 if i % 2 == 0 else -1.0) * heights[(i // 2) % 3] for i in range(len(points))]
    ax.axhline(0, color="#9aa7b2", linewidth=1.2, zorder=1)
    for d, lvl, (_, kind, label) in zip(dates, levels, points, strict=True):
        color = KIND_COLORS.get(kind, "#5f6b76")
        ax.vlines(d, 0, lvl, color=GRID, linewidth=1, zorder=0)
        ax.plot(d, 0, "o", color=color, markersize=6, zorder=2)
        text = "\n".join(textwrap.wrap(label, 24)[:3])
        ax.annotate(
            f"{d:%d/%m}\n{text}",
            xy=(d, lvl),
            xytext=(0, 3 if lvl > 0 else -3),
            textcoords="offset points",
            ha="center",
            va="bottom" if lvl > 0 else "top",
            fontsize=8,
            color=TEXT,
            linespacing=1.05,
        )
    span = (dates[-1] - dates[0]).days or 30
    pad = dt.timedelta(days=max(10, span // 14))
    ax.set_xlim(dates[0] - pad, dates[-1] + pad)
    ax.set_ylim(-4.6, 4.6)
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: months[mdates.num2date(x).month - 1]))
    ax.tick_params(axis="x", labelsize=8.5)
    ax.yaxis.set_visible(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_position(("data", -4.6))
    ax.spines["bottom"].set_color(GRID)
    kinds = []
    for _, kind, _ in points:
        if kind not in kinds:
            kinds.append(kind)
    if kind_labels:
        from matplotlib.lines import Line2D

        handles = [
            Line2D([0], [0], marker="o", color="white", markerfacecolor=KIND_COLORS.get(k, "#5f6b76"), markersize=6, label=kind_labels.get(k, k))
            for k in kinds
        ]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=min(len(handles), 4), frameon=False, fontsize=8.5)
    return _png(fig)


def appreciation_bars(
    categories: Sequence[str], levels: Sequence[tuple[str, str, str]], counts: Sequence[dict[str, int]], width: float = 7.2
) -> bytes:
    """One horizontal bar per question, split by appreciation level (label, colour), in counts
    of indicators, with the count written in each segment."""
    with CHART_LOCK:
        return _appreciation_bars(categories, levels, counts, width)


def _appreciation_bars(categories, levels, counts, width) -> bytes:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(width, 0.75 + 0.42 * max(len(categories), 1)))
    y = list(range(len(categories)))[::-1]
    left = [0] * len(categories)
    for value, label, color in levels:
        color = color or PALETTE[0]
        vals = [c.get(value, 0) for c in counts]
        ax.barh(y, vals, left=left, color=color, label=label, height=0.58, edgecolor="white", linewidth=0.8)
        for yi, left_i, v in zip(y, left, vals, strict=True):
            if v:
                ax.text(left_i + v / 2, yi, str(v), ha="center", va="center", fontsize=9, color=_ink(color))
        left = [a + b for a, b in zip(left, vals, strict=True)]
    ax.set_yticks(y, [textwrap.fill(c, 26) for c in categories], fontsize=9)
    ax.set_xlim(0, max(left or [1]) * 1.02)
    # the legend above the bars: below, it would meet the axis and its label
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(len(levels), 5), frameon=False, fontsize=9)
    ax.set_xlabel("nombre d’indicateurs", fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=9)
    return _png(fig)


def _ink(hex_color: str) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.58 else TEXT
