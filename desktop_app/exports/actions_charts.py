"""Charts of the actions structurantes step, as PNG bytes: the ranking of the weighted grid and
the timeline of the evaluation plans against the evaluation's calendar.

The same pictures are shown in the window (`ChartView`) and inserted in the Excel export. They
use matplotlib's object API (a `Figure` of their own, never pyplot's global state), so the
window can draw them on a worker thread while the user keeps typing.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from datetime import date, timedelta

from desktop_app.core.action_plan import Milestone, Span

ACCENT = "#1f5f8b"
OTHER = "#b9c7d2"
PALETTE = ["#1f5f8b", "#4f9bc9", "#f0a04b", "#7bb662", "#c75b5b", "#8e6cb5", "#5fb3a8", "#d4a72c"]
TEXT = "#1d2a35"
MUTED = "#5f6b76"
GRID = "#dfe4e8"
MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
MILESTONE_COLORS = {"copil": "#c75b5b", "cotech": "#d4a72c", "temps_fort": "#8e6cb5", "rendu": "#c75b5b"}


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.subplots()
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(GRID)
    ax.tick_params(colors=TEXT, labelsize=8)
    return fig, ax


def _png(fig, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def _title(ax, title: str) -> None:
    if title:
        ax.set_title(title, loc="left", fontsize=10, fontweight="bold", color=TEXT)


def milestone_legend(milestones: Sequence[Milestone]) -> list[str]:
    """"1. 20/01/2026 — COPIL de lancement…", numbered as on the timeline."""
    return [f"{i}. {m.day:%d/%m/%Y} — {m.label}" for i, m in enumerate(milestones, start=1)]


def ranking_chart(
    labels: Sequence[str], values: Sequence[float], chosen: Sequence[bool], max_value: float,
    title: str = "", width: float = 10.0, pitch: float = 0.27,
) -> bytes:
    """The ranking as horizontal bars, best on top; chosen actions in the accent colour, the
    others in grey-blue; each bar ends with its score."""
    n = max(len(values), 1)
    fig, ax = _figure(width, 0.75 + pitch * n + (0.3 if title else 0))
    y = list(range(len(values)))[::-1]
    ax.barh(y, values, color=[ACCENT if c else OTHER for c in chosen], height=0.68)
    short = [lbl if len(lbl) <= 78 else lbl[:77].rstrip() + "…" for lbl in labels]
    ax.set_yticks(y, short, fontsize=8.5)
    top = max_value or (max(values) if values else 1) or 1
    ax.set_xlim(0, top * 1.06)
    decimals = 0 if all(float(v).is_integer() for v in values) else 1
    for yi, v, c in zip(y, values, chosen, strict=True):
        ax.text(v + top * 0.006, yi, f"{v:.{decimals}f}".replace(".", ","), va="center", fontsize=8, color=TEXT,
                fontweight="bold" if c else "normal")
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=7.5)
    if any(chosen):
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=ACCENT, label="Retenue"), Patch(color=OTHER, label="Non retenue")],
                  loc="lower right", fontsize=7.5, frameon=False)
    _title(ax, title)
    return _png(fig)


def _wrap(text: str, width: int) -> str:
    lines = textwrap.wrap(text, width)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def timeline_chart(
    spans: Sequence[Span], milestones: Sequence[Milestone], start: date | None, end: date | None,
    title: str = "", width: float = 9.0,
) -> bytes:
    """One bar per collection period (grouped by action when `group` is set), the evaluation
    period shaded, the Cadrage's milestones as dashed vertical lines numbered 1, 2… in date
    order (the caller lists them with `milestone_legend`)."""
    dated = [s for s in spans if s.start or s.end]
    days = [d for s in dated for d in (s.start, s.end) if d] + [m.day for m in milestones]
    days += [d for d in (start, end) if d]
    if not days:
        days = [date.today()]
    lo, hi = min(days), max(days)
    if (hi - lo).days < 60:
        hi = lo + timedelta(days=60)
    pad = timedelta(days=max(7, (hi - lo).days // 40))
    lo, hi = lo - pad, hi + pad
    n = max(len(dated), 1)
    fig, ax = _figure(width, 1.5 + 0.45 * n)
    if start or end:
        ax.axvspan(start or lo, end or hi, color="#eef4f9", zorder=0)
    groups = list(dict.fromkeys(s.group for s in dated))
    y_labels = []
    for i, s in enumerate(dated):
        y = n - 1 - i
        first, last = s.start or s.end, s.end or s.start
        color = PALETTE[groups.index(s.group) % len(PALETTE)] if s.group else PALETTE[0]
        duration = max((last - first).days, 3)
        ax.barh(y, duration, left=first, height=0.55, color=color, zorder=3)
        if s.who:
            ax.text(first + timedelta(days=duration + 2), y, s.who, va="center", fontsize=7, color=MUTED, zorder=4)
        label = _wrap(s.label, 46)
        y_labels.append(f"{s.group[:28]} — {label}" if s.group and len(groups) > 1 else label)
    ax.set_yticks(list(range(n - 1, n - 1 - len(dated), -1)) if dated else [], y_labels, fontsize=7.5)
    ax.set_ylim(-0.8, n + 0.7)
    top_y = n + 0.35
    for number, m in enumerate(milestones, start=1):
        if lo <= m.day <= hi:
            color = MILESTONE_COLORS.get(m.kind, "#7a8894")
            ax.axvline(m.day, color=color, linewidth=1, linestyle="--", zorder=2)
            ax.text(m.day, top_y, str(number), fontsize=7, color="white", ha="center", va="center", zorder=6,
                    fontweight="bold", bbox={"boxstyle": "circle,pad=0.25", "facecolor": color, "edgecolor": "none"})
    ticks = []
    d = date(lo.year, lo.month, 1)
    while d <= hi:
        if d >= lo:
            ticks.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    ticks = ticks[:: max(1, len(ticks) // 12)]
    ax.set_xticks(ticks, [f"{MONTHS_FR[t.month - 1]}\n{t.year}" if t.month == 1 or t == ticks[0] else MONTHS_FR[t.month - 1]
                          for t in ticks], fontsize=7.5)
    ax.set_xlim(lo, hi)
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    if not dated:
        ax.text(lo + (hi - lo) / 2, (n - 1) / 2, "Aucune date de collecte renseignée dans le plan.",
                ha="center", va="center", color=MUTED, fontsize=9)
    _title(ax, title)
    return _png(fig)
