"""Charts of questionnaire results (PNG bytes), for the results view and any report.

One horizontal bar chart per question: the share of respondents for each answer (single and
multiple choice, yes / no, scale levels), or the number of respondents per class of value
(numbers). Built on `desktop_app.exports.charts`.
matplotlib's pyplot is not thread-safe: charts are drawn one at a time (a lock), so they can be
rendered from background tasks.

Qt-free.
"""

from __future__ import annotations

import threading

from desktop_app.core.questionnaire_results import QuestionResult
from desktop_app.exports import charts

_LOCK = threading.Lock()
CARD_WIDTH = 5.4  # inches, for a card of about half the window


def short(label: str, limit: int = 60) -> str:
    """Long choice labels shortened for a chart axis ("Associée : nous sommes…" -> "Associée")."""
    if len(label) > limit and " : " in label:
        label = label.split(" : ", 1)[0]
    return label if len(label) <= limit else label[: limit - 1] + "…"


def question_chart(result: QuestionResult, width: float = CARD_WIDTH) -> bytes | None:
    """The chart of one question, None when it has none (free text, no answer)."""
    if not result.has_chart:
        return None
    if result.kind == "number":
        labels = [label for label, _ in result.distribution]
        values = [float(count) for _, count in result.distribution]
        unit, top = "", None
    else:
        labels = [short(o.label) for o in result.options]
        values = [o.percent for o in result.options]
        unit, top = " %", 100.0
    # the axis labels stick out of the figure on the left: narrow the figure as much, so that
    # every chart comes out about as wide and keeps the same text size once shown
    longest = max((min(len(label), 42) for label in labels), default=0)
    width = max(2.6, width - 0.058 * longest + 0.35)
    with _LOCK:
        return charts.bar_chart(labels, values, unit=unit, width=width, max_value=top)
