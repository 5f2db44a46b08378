"""Charts of the results tab's question cards: painted by Qt (`widgets.qt_charts`, the same bars
as the deliverables' matplotlib charts) in background tasks, the cards asked for first, kept in a
cache so going back and forth between filters is instant."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from desktop_app.ui.views.questionnaires.result_cards import CHART_SCALE, QuestionCard
from desktop_app.ui.widgets import qt_charts

CACHE_SIZE = 400
CARD_CHART_WIDTH = round(5.4 * 150 * CHART_SCALE)  # pixels: as the deliverables' chart once shown


def _short(label: str, limit: int = 60) -> str:
    """Long choice labels shortened for the axis (« Associée : nous sommes… » → « Associée »), as
    the deliverables' charts do."""
    if len(label) > limit and " : " in label:
        label = label.split(" : ", 1)[0]
    return label if len(label) <= limit else label[: limit - 1] + "…"


def question_image(result):
    """The chart of one question's results, None when it has none (free text, no answer): the
    share of respondents per answer, or the number of respondents per class of value."""
    if not result.has_chart:
        return None
    if result.kind == "number":
        labels = [label for label, _ in result.distribution]
        values = [float(count) for _, count in result.distribution]
        unit, top = "", None
    else:
        labels = [_short(o.label) for o in result.options]
        values = [o.percent for o in result.options]
        unit, top = " %", 100.0
    return qt_charts.bars(labels, values, width=CARD_CHART_WIDTH, max_value=top, unit=unit, font_px=11)


def settle_layout() -> None:
    """Lay out now what was added to the page (cards, charts), not at the next event loop pass:
    positions are right at once (jumping to a section, a screenshot taken right after)."""
    for _ in range(6):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def _key(result) -> str:
    payload = repr((result.field_id, result.label, result.options, result.distribution))
    return hashlib.sha1(payload.encode()).hexdigest()


class CardCharts:
    """Charts asked for by index of card; `reset()` when the cards are replaced (charts of the
    previous cards still being drawn are then only cached)."""

    def __init__(self, owner: QWidget, tasks, cards: Callable[[], list[QuestionCard]]):
        self.owner = owner
        self.tasks = tasks
        self.cards = cards  # the cards shown now
        self.generation = 0
        self.requested: set[int] = set()
        self.cache: OrderedDict[str, object] = OrderedDict()  # QImage or None
        self._relayout = QTimer(owner)  # one layout pass for the charts arrived since the last one
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(settle_layout)

    def reset(self) -> None:
        self.generation += 1
        self.requested.clear()

    def request(self, index: int, card: QuestionCard) -> None:
        """Draw the chart of a card, unless it has none or it was asked for already."""
        if index in self.requested or card.chart is None:
            return
        self.requested.add(index)
        key = _key(card.result)
        cached = self.cache.get(key)
        generation = self.generation
        result = card.result

        def current() -> bool:
            return (isValid(self.owner) and isValid(card) and generation == self.generation
                    and self.cards()[index:index + 1] == [card])

        def work(_progress):
            return cached if cached is not None else question_image(result)

        def done(image) -> None:
            self.cache[key] = image
            self.cache.move_to_end(key)
            while len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)
            if current():  # not closed nor replaced while it was drawn
                card.set_chart(image)
                # the page laid out at once rather than level by level over several event loop
                # passes (right for a screenshot taken right after, too)
                self._relayout.start()

        def failed(_exc) -> None:
            if current():
                card.set_chart(None)

        self.tasks.run(work, on_done=done, on_error=failed, owner=self.owner)
