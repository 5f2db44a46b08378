"""The « Résultats » tab: response rate, then per section one card per question with its chart.

Filters: the respondent type (when a questionnaire has several) and whether drafts count.
The results are computed in the background (« Calcul des résultats… » until the first are
shown), and so are the charts, the visible ones first, kept in a cache so going back and forth
between filters is instant. The export of all responses is here too.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop_app.core.questionnaire_respondents import type_label
from desktop_app.services.base import ServiceError
from desktop_app.ui.views.common import section_title
from desktop_app.ui.views.questionnaires.common import (
    muted,
    remember_folder,
    remembered_folder,
    run_with_progress,
)
from desktop_app.ui.views.questionnaires.result_cards import QuestionCard, RateCard
from desktop_app.ui.widgets.background import BackgroundLoad

CACHE_SIZE = 400
MARGIN = 700  # pixels below the visible area whose charts are drawn in advance
FIRST = 6  # charts drawn at once, before the layout is known
LOADING = "Calcul des résultats…"


def _settle() -> None:
    """Lay out now what a new chart changed (card, page, scroll area), not at the next event loop
    pass: the page is right at once, and so is an offscreen screenshot taken right after."""
    for _ in range(6):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


class ResultsTab(QWidget):
    def __init__(self, ctx, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.service = ctx.services.questionnaires
        self.info = None
        self.stale = True
        self.cards: list[QuestionCard] = []
        self.rate_card: RateCard | None = None
        self._generation = 0
        self._loader = BackgroundLoad(self, ctx.tasks)
        self._requested: set[int] = set()
        self._cache: OrderedDict[str, bytes | None] = OrderedDict()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Répondants :"))
        self.kind = QComboBox()
        self.kind.setAccessibleName("Type de répondant")
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind.setMinimumContentsLength(12)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        bar.addWidget(self.kind)
        self.drafts = QCheckBox("Compter les brouillons")
        self.drafts.setChecked(True)
        self.drafts.setToolTip("Les réponses en brouillon (incomplètes) comptent pour les questions auxquelles elles répondent.")
        self.drafts.toggled.connect(lambda _c: self.refresh())
        bar.addWidget(self.drafts)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Aller à :"))
        self.jump = QComboBox()
        self.jump.setAccessibleName("Aller à la section")
        self.jump.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.jump.setMinimumContentsLength(18)
        self.jump.activated.connect(self._jump)
        bar.addWidget(self.jump)
        bar.addStretch(1)
        self.export_button = QPushButton("Exporter les réponses…")
        self.export_button.setToolTip("Toutes les réponses dans un classeur Excel : une ligne par réponse, une colonne par question, et le dictionnaire des codes.")
        self.export_button.clicked.connect(self.export)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _v: self._schedule())
        layout.addWidget(self.scroll, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(60)
        self._timer.timeout.connect(self.request_visible)

    # ------------------------------------------------------------------ state

    def set_questionnaire(self, info, load: bool = False) -> None:
        self.info = info
        self.kind.blockSignals(True)
        self.kind.clear()
        kinds = self.service.respondent_types(self.evaluation_id, info.tool_id) or [info.respondent_type]
        if len(kinds) > 1:
            self.kind.addItem("Tous les répondants", None)
        for kind in kinds:
            self.kind.addItem(type_label(kind, plural=True), kind)
        self.kind.setEnabled(len(kinds) > 1)
        self.kind.blockSignals(False)
        self.stale = True
        self.rate_card = None  # the next refresh says it computes (another questionnaire's results are shown)
        if load:
            self.ensure_loaded()

    def mark_stale(self) -> None:
        self.stale = True

    def ensure_loaded(self) -> None:
        if self.stale and self.info is not None:
            self.refresh()

    # ------------------------------------------------------------------ building

    def refresh(self) -> None:
        """Compute the results in the background (« Calcul des résultats… » the first time), then
        show them."""
        if self.info is None:
            return
        self.stale = False
        service, eid, tool_id = self.service, self.evaluation_id, self.info.tool_id
        kind, drafts = self.kind.currentData(), self.drafts.isChecked()

        def work(_progress):
            return service.results(eid, tool_id, kind, drafts), service.rate(eid, tool_id)

        def failed(exc: Exception) -> None:
            self._generation += 1
            self._requested.clear()
            self.cards = []
            self.rate_card = None
            message = str(exc) if isinstance(exc, ServiceError) else f"Calcul des résultats impossible : {exc}"
            self.scroll.setWidget(muted(message))

        if self.rate_card is None:
            self.scroll.setWidget(muted(LOADING))
        self._loader.run(work, self._show, failed)

    def _show(self, data) -> None:
        results, rate = data
        self._generation += 1
        self._requested.clear()
        page = QWidget()
        page.setObjectName("page")
        column = QVBoxLayout(page)
        column.setContentsMargins(4, 4, 12, 12)
        column.setSpacing(10)
        self.rate_card = RateCard(rate, results.respondents, results.complete)
        column.addWidget(self.rate_card)
        self.cards = []
        self.section_labels = []
        self.jump.clear()
        if not results.respondents:
            column.addWidget(muted("Aucune réponse pour l'instant : saisissez-en dans l'onglet « Réponses » ou importez "
                                   "les fichiers Excel renvoyés dans l'onglet « Diffusion Excel »."))
        else:
            for section in results.sections:
                heading = section_title(f"{section.number}. {section.title}")
                self.section_labels.append(heading)
                self.jump.addItem(f"{section.number}. {section.title}")
                column.addWidget(heading)
                grid = QGridLayout()
                grid.setHorizontalSpacing(10)
                grid.setVerticalSpacing(10)
                for i, q in enumerate(section.questions):
                    card = QuestionCard(q)
                    self.cards.append(card)
                    grid.addWidget(card, i // 2, i % 2, Qt.AlignmentFlag.AlignTop)
                grid.setColumnStretch(0, 1)
                grid.setColumnStretch(1, 1)
                column.addLayout(grid)
        column.addStretch(1)
        self.scroll.setWidget(page)
        for index, card in enumerate(self.cards):
            if len(self._requested) >= FIRST:
                break
            if card.chart is not None:
                self._requested.add(index)
                self._draw(index, card)
        self._schedule()

    def _jump(self, index: int) -> None:
        if 0 <= index < len(self.section_labels):
            heading = self.section_labels[index]
            y = heading.mapTo(self.scroll.widget(), heading.rect().topLeft()).y()
            self.scroll.verticalScrollBar().setValue(max(0, y - 6))

    def _schedule(self) -> None:
        self._timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._schedule()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._schedule()

    # ------------------------------------------------------------------ charts

    @staticmethod
    def _key(result) -> str:
        payload = repr((result.field_id, result.label, result.options, result.distribution))
        return hashlib.sha1(payload.encode()).hexdigest()

    def request_visible(self) -> None:
        """Draw the charts of the cards in (or near) the visible area that are not drawn yet."""
        if not self.cards or not self.isVisible():
            return
        viewport = self.scroll.viewport()
        top = self.scroll.verticalScrollBar().value()
        area = QRect(0, top, viewport.width(), viewport.height() + MARGIN)
        content = self.scroll.widget()
        for index, card in enumerate(self.cards):
            if index in self._requested or card.chart is None:
                continue
            pos = card.mapTo(content, card.rect().topLeft())
            if not area.intersects(QRect(pos, card.size())):
                continue
            self._requested.add(index)
            self._draw(index, card)

    def _draw(self, index: int, card: QuestionCard) -> None:
        key = self._key(card.result)
        if key in self._cache:
            card.set_chart(self._cache[key])
            return
        generation = self._generation
        result = card.result

        def work(_progress):
            from desktop_app.exports.questionnaire_charts import question_chart

            return question_chart(result)

        def done(png) -> None:
            self._cache[key] = png
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
            if not isValid(self) or not isValid(card):
                return  # the view was closed while the chart was drawn
            if generation == self._generation and index < len(self.cards) and self.cards[index] is card:
                card.set_chart(png)
                _settle()

        def failed(_exc) -> None:
            if isValid(self) and isValid(card) and generation == self._generation and self.cards[index:index + 1] == [card]:
                card.set_chart(None)

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    # ------------------------------------------------------------------ export

    def export(self) -> None:
        summary = self.ctx.services.evaluations.get(self.evaluation_id)
        default = Path(remembered_folder(self.ctx)) / f"Réponses aux questionnaires - {summary.territory_name or 'évaluation'}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "Exporter toutes les réponses", str(default), "Classeur Excel (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        remember_folder(self.ctx, path)
        drafts = self.drafts.isChecked()
        sensitive = QMessageBox.question(
            self, "Données personnelles",
            "Inclure les réponses signalées comme données personnelles (coordonnées, témoignages) ?\n\n"
            "Répondez « Non » pour un fichier à transmettre.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        ) == QMessageBox.StandardButton.Yes

        def work(_progress):
            from desktop_app.exports.questionnaire_responses_xlsx import write_responses

            return write_responses(self.ctx.services, self.evaluation_id, path, include_sensitive=sensitive, include_drafts=drafts)

        run_with_progress(self, self.ctx, "Export des réponses…", work,
                          lambda written: QMessageBox.information(self, "Export", f"Réponses exportées :\n{written}"))
