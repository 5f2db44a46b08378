"""One chosen action's evaluation (kit tools 5 and 6): its evaluative questions picked in the
kit's bank by criterion (plus the facilitator's own), the method plan (indicators, sources,
collection methods, who, when), the plan's timeline against the Cadrage's calendar, and the rest
of the method sheet rendered by the form renderer."""

from __future__ import annotations

import dataclasses
from html import escape

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.scoring import qpv_label
from desktop_app.services.actions_data import GridData
from desktop_app.services.actions_plan import PlanData
from desktop_app.services.charts import milestone_legend, timeline_chart
from desktop_app.ui.views.actions.models import PlanModel, number
from desktop_app.ui.views.actions.questions_page import QuestionsPage
from desktop_app.ui.views.actions.widgets import ChoiceDelegate, DateDelegate, MethodsDelegate
from desktop_app.ui.widgets.chart_view import ChartView
from desktop_app.ui.widgets.completion import CompleteDialog


class PlanPage(QWidget):
    """The method plan: one row per question, edited in place."""

    def __init__(self, panel: PlanPanel):
        super().__init__()
        self.panel = panel
        hint = QLabel("Pour chaque question : ce que l'on va compter ou observer, où trouver l'information, "
                      "comment la recueillir, qui s'en charge et quand. Double-cliquez une cellule pour la modifier.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        self.model = PlanModel(self._edit, self, on_draft=self._save_draft)
        self.table = QTableView()
        self.table.setObjectName("planTable")
        self.table.setAccessibleName("Plan d'évaluation")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setMinimumSectionSize(40)
        self.table.setStyleSheet("QTableView::item { padding: 3px; }")
        date_width = self.table.fontMetrics().horizontalAdvance("30/09/2026") + 16  # a whole date, not « 13/03/2… »
        for i, (key, _l, width) in enumerate(PlanModel.COLUMNS):
            self.table.setColumnWidth(i, max(width, date_width) if key in PlanModel.DATES else width)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setItemDelegateForColumn(0, ChoiceDelegate(self._criteria_choices, self.table))
        self.table.setItemDelegateForColumn(4, MethodsDelegate(lambda: self.model.methods, self.table))
        self.table.setItemDelegateForColumn(6, DateDelegate(self.table))
        self.table.setItemDelegateForColumn(7, DateDelegate(self.table))
        up = QPushButton("Monter")
        up.clicked.connect(lambda: self._move(-1))
        down = QPushButton("Descendre")
        down.clicked.connect(lambda: self._move(+1))
        remove = QPushButton("Retirer la question")
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(up)
        buttons.addWidget(down)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def load(self, plan: PlanData) -> None:
        svc = self.panel.ctx.services.actions
        eid = self.panel.evaluation_id
        current = self.table.currentIndex()
        self.model.drafts = self._read_drafts(plan)
        self.model.set_rows(plan.rows, svc.criterion_labels(eid), svc.plan_choices(eid).get("methods", {}))
        if current.isValid() and current.row() < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))

    # -- drafts: a date typed that is not one, kept with the plan's sheet as « @<question uid>.<key> »
    DRAFT_PREFIX = "@"

    def _read_drafts(self, plan: PlanData) -> dict[tuple[str, str], str]:
        uids = {str(r.get("uid") or "") for r in plan.rows}
        out = {}
        for key, text in self.panel.ctx.services.forms.get(plan.response_id).drafts.items():
            if key.startswith(self.DRAFT_PREFIX) and "." in key:
                uid, field = key[len(self.DRAFT_PREFIX):].rsplit(".", 1)
                if uid in uids:
                    out[(uid, field)] = text
        return out

    def _save_draft(self, uid: str, key: str, text: str | None) -> None:
        ctx, action_id = self.panel.ctx, self.panel.action_id
        forms, svc = ctx.services.forms, ctx.services.actions
        draft_key = f"{self.DRAFT_PREFIX}{uid}.{key}"
        ctx.apply(lambda: forms.set_draft(svc.plan(action_id).response_id, draft_key, text),
                  key=("action_plan", action_id, draft_key))
        self.mark()

    def mark(self) -> None:
        """Its tab shows whether a date is kept « à corriger »."""
        from desktop_app.ui.widgets.completion import mark_tab

        mark_tab(self.panel.tabs, self, bool(self.model.drafts))

    def fields_to_correct(self) -> list[tuple[str, str]]:
        """(key, French line) of every date kept « à corriger » in the plan (the closing check)."""
        labels = {k: label for k, label, _w in PlanModel.COLUMNS}
        out = []
        for r, row in enumerate(self.model.rows):
            uid = self.model.uid(r)
            for key in PlanModel.DATES:
                text = self.model.drafts.get((uid, key))
                if text is not None:
                    out.append((f"{uid}.{key}", f"Plan d'évaluation, question « {row.get('question', '')} », "
                                f"« {labels[key]} » (saisi : « {text} ») : {self.model.draft_message(uid, key)}"))
        return out

    def go_to_field(self, key: str) -> None:
        uid, field = key.rsplit(".", 1)
        self.panel.tabs.setCurrentWidget(self)
        column = next(i for i, (k, _l, _w) in enumerate(PlanModel.COLUMNS) if k == field)
        for r in range(self.model.rowCount()):
            if self.model.uid(r) == uid:
                self.table.setCurrentIndex(self.model.index(r, column))
                self.table.setFocus()

    def _criteria_choices(self, index: QModelIndex) -> list[tuple[str, object]]:
        choices = self.panel.ctx.services.actions.plan_choices(self.panel.evaluation_id).get("criterion", {})
        return [("—", None)] + [(label, value) for value, label in choices.items()]

    def _edit(self, uid: str, key: str, value) -> bool:
        svc = self.panel.ctx.services.actions
        action_id = self.panel.action_id
        return self.panel.ctx.apply(lambda: svc.update_question(action_id, uid, key, value)) is not None

    def _current_uid(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.uid(index.row()) if index.isValid() else None

    def _move(self, delta: int) -> None:
        uid = self._current_uid()
        if not uid:
            return
        svc = self.panel.ctx.services.actions
        action_id = self.panel.action_id
        column = self.table.currentIndex().column()
        if not 0 <= self.table.currentIndex().row() + delta < self.model.rowCount():
            return  # already first or last: nothing to move (nor to undo)
        if self.panel.ctx.apply_undoable("le déplacement de la question", lambda: svc.move_question(action_id, uid, delta),
                                         lambda: svc.move_question(action_id, uid, -delta)) is not None:
            for r in range(self.model.rowCount()):
                if self.model.uid(r) == uid:
                    self.table.setCurrentIndex(self.model.index(r, column))

    def _remove(self) -> None:
        uid = self._current_uid()
        if uid and self.panel.confirm_remove(uid=uid):
            svc = self.panel.ctx.services.actions
            action_id = self.panel.action_id
            self.panel.ctx.apply(lambda: svc.remove_question(action_id, uid))


class CalendarPage(QWidget):
    def __init__(self, panel: PlanPanel):
        super().__init__()
        self.panel = panel
        self.chart = ChartView(max_width=1300)
        self.chart.setAccessibleName("Calendrier du plan d'évaluation")
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.addWidget(self.chart)
        lay.addWidget(self.warnings)
        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def load(self) -> None:
        svc = self.panel.ctx.services.actions
        tl = svc.timeline(self.panel.evaluation_id, self.panel.action_id)
        self._seq = getattr(self, "_seq", 0) + 1
        seq = self._seq

        def done(png: bytes) -> None:
            if seq == self._seq:
                try:
                    self.chart.set_png(png)
                except RuntimeError:  # closed meanwhile
                    pass

        self.panel.ctx.tasks.run(
            lambda _p: timeline_chart(tl.spans, tl.milestones, tl.start, tl.end,
                                      title="Périodes de collecte et jalons de l'évaluation", width=9),
            on_done=done, owner=self.chart)
        if tl.warnings:
            items = "".join(f"<li>{escape(w)}</li>" for w in tl.warnings)
            text = f"<b style='color:#b26a00'>Points d'attention</b><ul>{items}</ul>"
        elif tl.spans:
            text = "<p style='color:#2e7d32'>✔ Les collectes tiennent dans le calendrier de l'évaluation.</p>"
        else:
            text = "<p>Renseignez les dates de début et de fin dans le plan d'évaluation pour voir le calendrier.</p>"
        if tl.milestones:
            marks = "<br>".join(escape(m) for m in milestone_legend(tl.milestones))
            text += f"<p><b>Jalons du cadrage</b> (en pointillés, numérotés sur le graphique)<br>{marks}</p>"
        else:
            text += "<p>Ajoutez les jalons de l'évaluation (COPIL, ateliers…) dans le Cadrage pour les voir ici.</p>"
        self.warnings.setText(text)


class PlanPanel(QWidget):
    def __init__(self, ctx, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx, self.evaluation_id = ctx, evaluation_id
        self.action_id: str | None = None
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setObjectName("muted")
        self.meta.setWordWrap(True)
        self.complete = QCheckBox("Plan validé (fiche complète)")
        self.complete.setToolTip("Cochez quand le plan a été présenté au porteur et validé")
        self.complete.toggled.connect(self._on_complete)
        self.note_label = QLabel()  # « validé quand même » : the reason given
        self.note_label.setObjectName("completionNote")
        self.note_label.setStyleSheet("QLabel#completionNote { color: #6b4500; }")
        self.note_label.setWordWrap(True)
        self.note_label.hide()
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.meta)
        titles.addWidget(self.note_label)
        head.addLayout(titles, 1)
        head.addWidget(self.complete, 0, Qt.AlignmentFlag.AlignTop)
        self.tabs = QTabWidget()
        self.questions = QuestionsPage(self)
        self.plan_page = PlanPage(self)
        self.calendar = CalendarPage(self)
        self.sheet_host = QWidget()
        QVBoxLayout(self.sheet_host).setContentsMargins(0, 0, 0, 0)
        self.renderer = None
        self.tabs.addTab(self.questions, "Questions évaluatives")
        self.tabs.addTab(self.plan_page, "Plan d'évaluation")
        self.tabs.addTab(self.calendar, "Calendrier")
        self.tabs.addTab(self.sheet_host, "Fiche de l'action")
        self.tabs.currentChanged.connect(lambda _i: self._load_tab())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.tabs, 1)
        self._loading = False
        self.grid: GridData | None = None  # the grid the screen shows (`set_grid`)

    def set_grid(self, grid: GridData | None) -> None:
        self.grid = grid

    def show_action(self, action_id: str) -> None:
        if self.renderer is not None and action_id != self.action_id:
            self.renderer.flush()
            self.renderer.setParent(None)
            self.renderer.deleteLater()
            self.renderer = None
        self.action_id = action_id
        self.refresh()

    def refresh(self) -> None:
        if not self.action_id:
            return
        svc = self.ctx.services.actions
        action = svc.get(self.action_id)
        # the rank and score: from the grid the screen has read (computing it again for one
        # action was 0.35 s of frozen window at 3,000 actions), else read here
        grid = self.grid
        row = grid.rows_by_id().get(self.action_id) if grid is not None else None
        if row is None:
            grid = svc.grid(self.evaluation_id)
            row = grid.row(self.action_id)
        self.title.setText(action.title)
        parts = [action.carrier, action.pillar, qpv_label(action.qpv, svc.qpv_names(self.evaluation_id)),
                 f"rang {row.rank.label} · score {number(row.total)} sur {number(grid.max_total)}"]
        self.meta.setText(" · ".join(p for p in parts if p))
        plan = svc.plan(self.action_id)
        self._loading = True
        self.complete.setChecked(plan.status == "complete")
        self._loading = False
        note = self.ctx.services.forms.get(plan.response_id).status_comment if plan.status == "complete" else ""
        self.note_label.setText(f"Validé avec des manques : {note}" if note else "")
        self.note_label.setVisible(bool(note))
        self.questions.load(plan)
        self.plan_page.load(plan)
        self.tabs.setTabText(1, f"Plan d'évaluation ({len(plan.rows)})")
        self.plan_page.mark()
        self._load_tab()

    def _load_tab(self) -> None:
        if not self.action_id:
            return
        if self.tabs.currentWidget() is self.calendar:
            self.calendar.load()
        elif self.tabs.currentWidget() is self.sheet_host and self.renderer is None:
            self._build_renderer()

    def _build_renderer(self) -> None:
        from desktop_app.ui.widgets.form_renderer import FormRenderer

        svc = self.ctx.services.actions
        form = svc.sheet_form(self.evaluation_id)
        # the plan's rows are edited in the table above, not in the form
        form = dataclasses.replace(form, pages=tuple(p for p in form.pages if not any(f.role == "plan_rows" for f in p.fields)))
        plan = svc.plan(self.action_id)
        self.renderer = FormRenderer(form, plan.answers, mode="scroll")
        action_id = self.action_id
        self.renderer.answerChanged.connect(
            lambda key, value: self.ctx.apply(
                lambda: svc.set_sheet_answer(action_id, key, value), key=("action_plan", action_id, key)))
        self.ctx.follow_saves(self.renderer, ("action_plan", action_id), self.renderer.mark_unsaved)
        from desktop_app.ui.widgets.completion import bind_drafts

        bind_drafts(self.ctx, self.renderer, plan.response_id, save_scope=("action_plan", action_id))
        self.sheet_host.layout().addWidget(self.renderer)

    def _on_complete(self, on: bool) -> None:
        """Validating the plan follows the one rule of every form: what is missing is listed,
        and the plan is validated only in full or « quand même » with a reason, shown under its
        title."""
        if self._loading or not self.action_id:
            return
        svc = self.ctx.services.actions
        action_id = self.action_id
        note = ""
        if on:
            items = svc.plan_missing(action_id)
            if items:
                dialog = CompleteDialog(items, "la fiche de l'action", self)
                note = dialog.note() if dialog.exec() else ""
                if not note:  # « Revenir à la fiche »: the plan stays to complete
                    self._loading = True
                    self.complete.setChecked(False)
                    self._loading = False
                    return
        self.ctx.apply(lambda: svc.set_plan_complete(action_id, on, note))
        self.note_label.setText(f"Validé avec des manques : {note}" if note else "")
        self.note_label.setVisible(bool(note))

    def confirm_remove(self, ref: str | None = None, uid: str | None = None) -> bool:
        """Ask before dropping a question whose method is already filled in."""
        plan = self.ctx.services.actions.plan(self.action_id)
        row = next((r for r in plan.rows if (uid and r.get("uid") == uid) or (ref and r.get("ref") == ref)), None)
        if row is None:
            return True
        filled = [k for k in ("indicators", "data_sources", "methods", "who", "start", "end") if row.get(k)]
        if not filled:
            return True
        box = QMessageBox(QMessageBox.Icon.Question, "Retirer la question",
                          f"« {row.get('question', '')} »\n\nLa méthode de cette question est déjà renseignée (indicateurs, "
                          "sources…). La retirer du plan efface aussi ces informations. Continuer ?", parent=self)
        remove = box.addButton("Retirer", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Garder", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        return clicked is remove

    def flush(self) -> None:
        if self.renderer is not None:
            self.renderer.flush()
