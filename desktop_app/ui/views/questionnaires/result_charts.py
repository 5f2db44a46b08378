"""Charts of the results tab's question cards: drawn with matplotlib and decoded to an image in
background tasks (the GUI thread only shows them), the cards asked for first, kept as PNG in a
cache so going back and forth between filters is instant."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from desktop_app.ui.views.questionnaires.result_cards import QuestionCard, chart_image

CACHE_SIZE = 400


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
        self.cache: OrderedDict[str, bytes | None] = OrderedDict()
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
            png = cached
            if png is None:
                from desktop_app.services.charts import question_chart

                png = question_chart(result)
            return png, chart_image(png)

        def done(drawn) -> None:
            png, image = drawn
            self.cache[key] = png
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
