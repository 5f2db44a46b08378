"""The Actions retenues tab: a selector of the chosen action at the top, then its questions,
method plan, calendar and sheet (full width, the plan is a wide table)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.scoring import shortlist_message
from desktop_app.services.actions import GridData
from desktop_app.ui.views.actions.grid_tab import STATE_COLORS
from desktop_app.ui.views.actions.models import number
from desktop_app.ui.views.actions.plan_panel import PlanPanel
from desktop_app.ui.views.common import card


class ChosenTab(QWidget):
    def __init__(self, ctx, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx, self.evaluation_id = ctx, evaluation_id
        self.selector = QComboBox()
        self.selector.setObjectName("chosenSelector")
        self.selector.setAccessibleName("Action retenue")
        self.selector.setMinimumWidth(460)
        self.selector.currentIndexChanged.connect(self._on_current)
        self.prev_button = QPushButton("◀")
        self.prev_button.setToolTip("Action retenue précédente")
        self.prev_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # its text's width
        self.prev_button.clicked.connect(lambda: self._step(-1))
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Action retenue suivante")
        self.next_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # its text's width
        self.next_button.clicked.connect(lambda: self._step(+1))
        self.count = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("Action :"))
        top.addWidget(self.selector, 1)
        top.addWidget(self.prev_button)
        top.addWidget(self.next_button)
        top.addSpacing(16)
        top.addWidget(self.count)

        self.panel = PlanPanel(ctx, evaluation_id)
        empty, inner = card()
        title = QLabel("Aucune action retenue")
        title.setObjectName("sectionTitle")
        text = QLabel("Dans la grille de choix, cochez « Retenue » pour les trois à six actions à évaluer en "
                      "profondeur. Chacune aura ici ses questions évaluatives, son plan d'évaluation et son calendrier.")
        text.setWordWrap(True)
        inner.addWidget(title)
        inner.addWidget(text)
        empty_page = QWidget()
        el = QVBoxLayout(empty_page)
        el.addWidget(empty)
        el.addStretch(1)
        page = QWidget()
        pl = QVBoxLayout(page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addLayout(top)
        pl.addWidget(self.panel, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(page)
        self.stack.addWidget(empty_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.stack, 1)

    def set_grid(self, grid: GridData) -> None:
        self.panel.set_grid(grid)
        current = self.current_id()
        chosen = grid.chosen
        self.selector.blockSignals(True)
        self.selector.clear()
        for row in chosen:
            a = row.action
            self.selector.addItem(f"{a.title} — {a.carrier} (rang {row.rank.label}, {number(row.total)} pts)", a.id)
        self.selector.blockSignals(False)
        state, text = shortlist_message(len(chosen), grid.shortlist_min, grid.shortlist_max)
        self.count.setText(text)
        self.count.setStyleSheet(f"color: {STATE_COLORS[state]};")
        if not chosen:
            self.stack.setCurrentIndex(1)
            self.panel.action_id = None
            return
        self.stack.setCurrentIndex(0)
        ids = [r.action.id for r in chosen]
        self.select(current if current in ids else ids[0], force=True)

    def current_id(self) -> str | None:
        return self.selector.currentData()

    def select(self, action_id: str, force: bool = False) -> None:
        i = self.selector.findData(action_id)
        if i < 0:
            return
        if self.selector.currentIndex() == i:
            if force:
                self.panel.show_action(action_id)
        else:
            self.selector.setCurrentIndex(i)
        self._update_buttons()

    def _step(self, delta: int) -> None:
        i = self.selector.currentIndex() + delta
        if 0 <= i < self.selector.count():
            self.selector.setCurrentIndex(i)

    def _update_buttons(self) -> None:
        i = self.selector.currentIndex()
        self.prev_button.setEnabled(i > 0)
        self.next_button.setEnabled(0 <= i < self.selector.count() - 1)

    def _on_current(self, index: int) -> None:
        if index >= 0:
            self.panel.show_action(self.selector.itemData(index))
        self._update_buttons()

    def flush(self) -> None:
        self.panel.flush()
