"""The « Résultats » tab: response rate, then per section one card per question with its chart.

Filters: the respondent type (when a questionnaire has several) and whether drafts count.
The results are computed in the background (« Calcul des résultats… » until the first are
shown). The page then shows the rate and the first question cards at once; the other cards are
added by short batches as the page is scrolled towards them, half a screen ahead (« Chargement des
questions… » at the end of the page meanwhile; jumping to a section builds it at once), so
opening the step does not pay for cards nobody scrolls to. Charts are drawn and decoded in the
background too, the visible ones first (`result_charts`). The export of all responses is here too.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QRect, Qt, QTimer
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

from desktop_app.core.questionnaire_respondents import type_label
from desktop_app.services.base import ServiceError
from desktop_app.ui.views.common import section_title
from desktop_app.ui.views.questionnaires.common import (
    muted,
    remember_folder,
    remembered_folder,
    run_with_progress,
)
from desktop_app.ui.views.questionnaires.result_cards import LINK_STYLE, QuestionCard, RateCard
from desktop_app.ui.views.questionnaires.result_charts import CardCharts, settle_layout
from desktop_app.ui.widgets.background import BackgroundLoad

MARGIN = 700  # pixels below the visible area whose charts are drawn in advance
FIRST = 6  # question cards built with the page (about what a window shows), and charts drawn at once
BATCH_MS = 12  # then cards are added by batches of about this long, between which the window stays live
AHEAD = 400  # pixels: the cards are built as the page is scrolled, this far below the visible area
LOADING = "Calcul des résultats…"
BUILDING = "Chargement des questions… ({done} sur {total})"


class ResultsTab(QWidget):
    def __init__(self, ctx, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.service = ctx.services.questionnaires
        self.info = None
        self.stale = True
        self.cards: list[QuestionCard] = []
        self.section_labels: list[QLabel] = []
        self.rate_card: RateCard | None = None
        self._loader = BackgroundLoad(self, ctx.tasks)
        self._kinds_known = False  # the respondent types come with the first results
        self.charts = CardCharts(self, ctx.tasks, lambda: self.cards)
        self._pending: list = []  # (section index or None, question) still to be built on the page
        self._column: QVBoxLayout | None = None
        self._in_section = 0  # cards built in the section being built (two a row)
        self._progress: QLabel | None = None
        self._total = 0

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
        self._builder = QTimer(self)  # adds the next batch of cards once the window had its turn
        self._builder.setSingleShot(True)
        self._builder.setInterval(0)
        self._builder.timeout.connect(self._build_batch)

    # ------------------------------------------------------------------ state

    def set_questionnaire(self, info, load: bool = False) -> None:
        self.info = info
        # the respondent types present are read with the results; until then, the questionnaire's own
        self._set_kinds([info.respondent_type], known=False)
        self.stale = True
        self.rate_card = None  # the next refresh says it computes (another questionnaire's results are shown)
        if load:
            self.ensure_loaded()

    def _set_kinds(self, kinds: list[str], known: bool = True) -> None:
        current = self.kind.currentData() if self._kinds_known else None
        self._kinds_known = known
        self.kind.blockSignals(True)
        self.kind.clear()
        if len(kinds) > 1:
            self.kind.addItem("Tous les répondants", None)
        for kind in kinds:
            self.kind.addItem(type_label(kind, plural=True), kind)
        index = self.kind.findData(current)
        self.kind.setCurrentIndex(max(index, 0))
        self.kind.setEnabled(len(kinds) > 1)
        self.kind.blockSignals(False)

    def mark_stale(self) -> None:
        self.stale = True

    def ensure_loaded(self) -> None:
        if self.stale and self.info is not None:
            self.refresh()

    def loading(self) -> bool:
        """Results being computed."""
        return self._loader.pending

    def pending_cards(self) -> int:
        """Question cards not on the page yet (built as the page is scrolled towards them)."""
        return sum(1 for section, _ in self._pending if section is None)

    # ------------------------------------------------------------------ building

    def refresh(self) -> None:
        """Compute the results in the background (« Calcul des résultats… » the first time), then
        show them."""
        if self.info is None:
            return
        self.stale = False
        service, eid, tool_id = self.service, self.evaluation_id, self.info.tool_id
        # all respondents until their types are known (one type only: the same results)
        kind, drafts = self.kind.currentData() if self._kinds_known else None, self.drafts.isChecked()

        def work(_progress):
            kinds = service.respondent_types(eid, tool_id)
            return kinds, kind, service.results(eid, tool_id, kind, drafts), service.rate(eid, tool_id)

        def failed(exc: Exception) -> None:
            self.charts.reset()
            self._stop_building()
            self.cards = []
            self.rate_card = None
            message = str(exc) if isinstance(exc, ServiceError) else f"Calcul des résultats impossible : {exc}"
            self.scroll.setWidget(muted(message))

        if self.rate_card is None:
            self.scroll.setWidget(muted(LOADING))
        self._loader.run(work, self._show, failed)

    def _show(self, data) -> None:
        """The page with the response rate and the first cards at once; the others follow by
        batches (`_build_batch`), « Chargement des questions… » at the bottom meanwhile."""
        kinds, kind, results, rate = data
        self._set_kinds(kinds or [self.info.respondent_type])
        if len(kinds) > 1 and self.kind.currentData() != kind:  # the type chosen has no response any more
            self.refresh()
            return
        self.charts.reset()
        self._stop_building()
        page = QWidget()
        page.setObjectName("page")
        page.setStyleSheet(LINK_STYLE)
        column = QVBoxLayout(page)
        column.setContentsMargins(4, 4, 12, 12)
        column.setSpacing(10)
        self._column = column
        self.rate_card = RateCard(rate, results.respondents, results.complete)
        column.addWidget(self.rate_card)
        self.cards = []
        self.section_labels = []
        self.jump.clear()
        if not results.respondents:
            column.addWidget(muted("Aucune réponse pour l'instant : saisissez-en dans l'onglet « Réponses » ou importez "
                                   "les fichiers Excel renvoyés dans l'onglet « Diffusion Excel »."))
        else:
            for number, section in enumerate(results.sections):
                self.jump.addItem(f"{section.number}. {section.title}")
                self._pending.append((number, section))
                self._pending.extend((None, q) for q in section.questions)
        self._total = sum(1 for section, _ in self._pending if section is None)
        self._progress = muted(BUILDING.format(done=0, total=self._total)) if self._total else None
        if self._progress is not None:
            column.addWidget(self._progress)
        column.addStretch(1)
        self._build(FIRST)
        self.scroll.setWidget(page)
        for index, card in enumerate(self.cards):
            if len(self.charts.requested) >= FIRST:
                break
            self.charts.request(index, card)
        self._schedule()

    def _build(self, cards: int | None = None, until_section: int | None = None, budget_ms: float | None = None) -> None:
        """Add pending cards to the page: `cards` of them, or up to the section `until_section`
        included, or as many as fit in `budget_ms` (at least a row); whole rows of two cards.

        The cards of one call go into a block (a heading, a grid) filled before it is shown, then
        shown at once: showing each card on a visible page would lay the whole page out each time.
        """
        start = time.perf_counter()
        built = 0
        blocks: list[QWidget] = []
        grid: QGridLayout | None = None
        while self._pending:
            section, item = self._pending[0]
            if built and (section is not None or self._in_section % 2 == 0):  # stop between rows only
                if cards is not None and built >= cards:
                    break
                if budget_ms is not None and (time.perf_counter() - start) * 1000 > budget_ms:
                    break
            if section is not None:
                if until_section is not None and section > until_section:
                    break
                self._pending.pop(0)
                heading = section_title(f"{item.number}. {item.title}")
                self.section_labels.append(heading)
                grid = self._block(blocks, heading)
                self._in_section = 0
                continue
            self._pending.pop(0)
            if grid is None:
                grid = self._block(blocks)
            card = QuestionCard(item)
            self.cards.append(card)
            row_in_block = grid.count()
            grid.addWidget(card, row_in_block // 2, row_in_block % 2, Qt.AlignmentFlag.AlignTop)
            self._in_section += 1
            built += 1
        if self._column.parentWidget().isVisible():
            for block in blocks:
                block.show()  # one layout of the page for the whole block
        if self._progress is not None:
            if self._pending:
                self._progress.setText(BUILDING.format(done=len(self.cards), total=self._total))
            else:
                self._column.removeWidget(self._progress)
                self._progress.hide()
                self._progress.deleteLater()
                self._progress = None

    def _block(self, blocks: list[QWidget], heading: QLabel | None = None) -> QGridLayout:
        """A new block on the page, above the progress line: a section's heading and/or a grid of cards."""
        block = QWidget()
        box = QVBoxLayout(block)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(10)
        if heading is not None:
            box.addWidget(heading)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        box.addLayout(grid)
        at = self._column.count() - (2 if self._progress is not None else 1)  # above the progress and the stretch
        self._column.insertWidget(at, block)
        blocks.append(block)
        return grid

    def _build_batch(self) -> None:
        self._build(budget_ms=BATCH_MS)
        self._schedule()  # once laid out: charts for the new cards on screen, more cards if still short

    def _continue(self) -> None:
        """More cards if the end of the page (the progress line) is close to the visible area."""
        if not self._pending or self._progress is None or not self.isVisible():
            return
        bar = self.scroll.verticalScrollBar()
        end = self._progress.mapTo(self.scroll.widget(), self._progress.rect().topLeft()).y()
        if end < bar.value() + self.scroll.viewport().height() + AHEAD:
            self._builder.start()

    def _stop_building(self) -> None:
        self._builder.stop()
        self._pending = []
        self._progress = None
        self._column = None

    def settle(self) -> None:
        """Every card on the page and the visible charts asked for now (before a screenshot)."""
        if self._pending:
            self._build()
        settle_layout()
        self.request_visible()

    def _jump(self, index: int) -> None:
        if self._pending:  # the section may not be on the page yet
            self._build(until_section=index)
            self._continue()
            settle_layout()
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

    def request_visible(self) -> None:
        """Draw the charts of the cards in (or near) the visible area that are not drawn yet, and
        build the next cards if the page is scrolled close to its end."""
        self._continue()
        if not self.cards or not self.isVisible():
            return
        viewport = self.scroll.viewport()
        top = self.scroll.verticalScrollBar().value()
        area = QRect(0, top, viewport.width(), viewport.height() + MARGIN)
        content = self.scroll.widget()
        for index, card in enumerate(self.cards):
            if index in self.charts.requested or card.chart is None:
                continue
            if area.intersects(QRect(card.mapTo(content, card.rect().topLeft()), card.size())):
                self.charts.request(index, card)

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
            return self.ctx.services.exports.questionnaire_responses(
                self.evaluation_id, path, include_sensitive=sensitive, include_drafts=drafts)

        run_with_progress(self, self.ctx, "Export des réponses…", work,
                          lambda written: QMessageBox.information(self, "Export", f"Réponses exportées :\n{written}"))
