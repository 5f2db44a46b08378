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
from desktop_app.ui.views.actions.models import PlanModel, number
from desktop_app.ui.views.actions.plan_panel import PlanPage, PlanPanel
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

    # -- the closing check: texts « à corriger » of the chosen actions not shown -------------------
    def fields_to_correct(self) -> list[tuple[str, str]]:
        """(key, French line) of the texts kept « à corriger » in the sheets and plans of the
        chosen actions other than the one shown (the panel's own widgets list that one's): a date
        typed wrong in another action's plan is not forgotten when the window closes."""
        from desktop_app.kit.forms import field_index
        from desktop_app.services.errors import ServiceError

        svc, forms = self.ctx.services.actions, self.ctx.services.forms
        labels = {k: label for k, label, _w in PlanModel.COLUMNS}
        out: list[tuple[str, str]] = []
        fields = None
        for i in range(self.selector.count()):
            action_id = self.selector.itemData(i)
            if action_id == self.panel.action_id:
                continue
            try:
                plan = svc.existing_plan(action_id)
                drafts = forms.get(plan.response_id).drafts if plan is not None else {}
            except ServiceError:
                continue
            if not drafts:
                continue
            title = svc.get(action_id).title
            questions = {str(r.get("uid")): str(r.get("question") or "") for r in plan.rows}
            for key, text in sorted(drafts.items()):
                if key.startswith(PlanPage.DRAFT_PREFIX) and "." in key:
                    uid, column = key[len(PlanPage.DRAFT_PREFIX):].rsplit(".", 1)
                    where = f"plan d'évaluation, question « {questions.get(uid, '?')} », « {labels.get(column, column)} »"
                else:
                    if fields is None:
                        fields = field_index(svc.sheet_form(self.evaluation_id))
                    field = fields.get(key.split("[")[0])
                    where = f"fiche, « {field.label if field else key} »"
                out.append((f"{action_id}|{key}", f"Action « {title} » — {where} (saisi : « {text} »)"))
        return out

    def go_to_field(self, key: str) -> None:
        """Show the action and its field kept « à corriger »."""
        action_id, draft_key = key.split("|", 1)
        self.select(action_id)
        if draft_key.startswith(PlanPage.DRAFT_PREFIX):
            self.panel.plan_page.go_to_field(draft_key[len(PlanPage.DRAFT_PREFIX):])
        else:
            self.panel.tabs.setCurrentWidget(self.panel.sheet_host)
            if self.panel.renderer is not None:
                self.panel.renderer.go_to_field(draft_key.split("[")[0])
