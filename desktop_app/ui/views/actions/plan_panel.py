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
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.action_plan import criterion_of, question_count_message
from desktop_app.core.scoring import qpv_label
from desktop_app.exports.actions_charts import milestone_legend, timeline_chart
from desktop_app.services.actions_plan import PlanData
from desktop_app.ui.views.actions.models import PlanModel, number
from desktop_app.ui.views.actions.widgets import ChoiceDelegate, DateDelegate, MethodsDelegate
from desktop_app.ui.widgets.chart_view import ChartView

COUNT_COLORS = {"ok": "#2e7d32", "low": "#b26a00", "high": "#c62828"}


class WrapLabel(QLabel):
    """A wrapped label that toggles its check box when clicked."""

    def __init__(self, text: str, box: QCheckBox):
        super().__init__(text)
        self.box = box
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.box.click()
        super().mousePressEvent(event)


class QuestionsPage(QWidget):
    """The bank of evaluative questions by criterion, as check boxes, and the user's own."""

    def __init__(self, panel: PlanPanel):
        super().__init__()
        self.panel = panel
        self.boxes: dict[str, QCheckBox] = {}  # bank question id -> box
        self.own_boxes: dict[str, QCheckBox] = {}  # plan row uid -> box
        self.headers: dict[str, QToolButton] = {}
        self._section_titles: dict[str, str] = {}
        self._bank_key: object = None
        self.count = QLabel()
        self.count.setWordWrap(True)
        hint = QLabel("Cochez les questions qui éclairent la décision à prendre : chaque question cochée devient une "
                      "ligne du plan d'évaluation. Survolez une question pour savoir comment y répondre.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        self.body = QWidget()
        self.body.setObjectName("questionBank")
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(4, 4, 12, 4)
        self.body_layout.setSpacing(2)
        self.own_host = QWidget()
        self.own_layout = QVBoxLayout(self.own_host)
        self.own_layout.setContentsMargins(22, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        scroll.setObjectName("questionScroll")
        self.own_text = QLineEdit()
        self.own_text.setPlaceholderText("Votre question évaluative…")
        self.own_text.setAccessibleName("Votre question évaluative")
        self.own_text.returnPressed.connect(self._add_own)
        self.own_criterion = QComboBox()
        self.own_criterion.setAccessibleName("Critère de votre question")
        self.add_button = QPushButton("Ajouter ma question")
        self.add_button.clicked.connect(self._add_own)
        row = QHBoxLayout()
        row.addWidget(self.own_text, 1)
        row.addWidget(self.own_criterion)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count)
        layout.addWidget(hint)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)

    def _build(self, bank) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            if item.widget() and item.widget() is not self.own_host:
                item.widget().deleteLater()
        self.boxes.clear()
        self.headers.clear()
        for section in bank:
            self._section_titles[section.id] = section.title
            content = QWidget()
            lay = QVBoxLayout(content)
            lay.setContentsMargins(22, 0, 0, 6)
            lay.setSpacing(3)
            if section.description:
                desc = QLabel(section.description)
                desc.setObjectName("muted")
                desc.setWordWrap(True)
                lay.addWidget(desc)
            for q in section.questions:
                box = QCheckBox()
                box.setAccessibleName(q.label)
                box.setToolTip(q.help)
                box.toggled.connect(lambda on, ref=q.id: self._on_bank(ref, on))
                label = WrapLabel(q.label, box)
                label.setToolTip(q.help)
                line = QHBoxLayout()
                line.setSpacing(6)
                line.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
                line.addWidget(label, 1)
                lay.addLayout(line)
                self.boxes[q.id] = box
            self._add_section(section.id, section.title, content, expanded=False)
        own = QWidget()
        lay = QVBoxLayout(own)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.own_host)
        self._add_section("_own", "Vos questions", own, expanded=True)
        self.body_layout.addStretch(1)

    def _add_section(self, key: str, title: str, content: QWidget, expanded: bool) -> None:
        header = QToolButton()
        header.setText(title)
        header.setCheckable(True)
        header.setChecked(expanded)
        header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        header.setStyleSheet("QToolButton { border: none; font-weight: 600; padding: 4px 0; }")
        header.toggled.connect(lambda on, h=header, c=content: (c.setVisible(on), h.setArrowType(
            Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)))
        content.setVisible(expanded)
        self.headers[key] = header
        self.body_layout.addWidget(header)
        self.body_layout.addWidget(content)

    def load(self, plan: PlanData) -> None:
        svc = self.panel.ctx.services.actions
        eid = self.panel.evaluation_id
        bank = svc.question_bank(eid)
        key = tuple((s.id, tuple(q.id for q in s.questions)) for s in bank)
        first = key != self._bank_key
        if first:
            self._bank_key = key
            self._build(bank)
        labels = svc.criterion_labels(eid)
        refs = plan.refs
        for ref, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(ref in refs)
            box.blockSignals(False)
        for section in bank:
            picked = sum(1 for q in section.questions if q.id in refs)
            header = self.headers[section.id]
            header.setText(f"{section.title}  ({picked} retenue{'s' if picked > 1 else ''})" if picked else section.title)
            if picked and not header.isChecked():
                header.setChecked(True)
        # the user's own questions
        while self.own_layout.count():
            item = self.own_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
            elif item.layout():
                _clear(item.layout())
        self.own_boxes.clear()
        own = [r for r in plan.rows if not r.get("ref")]
        for r in own:
            crit = criterion_of(r)
            box = QCheckBox()
            box.setChecked(True)
            box.setToolTip("Décochez pour retirer cette question du plan")
            box.setAccessibleName(r.get("question", ""))
            box.toggled.connect(lambda on, uid=r.get("uid"): self._on_own(uid, on))
            label = WrapLabel(r.get("question", "") + (f"  — {labels.get(crit, crit)}" if crit else ""), box)
            line = QHBoxLayout()
            line.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
            line.addWidget(label, 1)
            self.own_layout.addLayout(line)
            self.own_boxes[str(r.get("uid"))] = box
        if not own:
            none = QLabel("Aucune pour l'instant : écrivez-la ci-dessous, avec son critère.")
            none.setObjectName("muted")
            self.own_layout.addWidget(none)
        self.headers["_own"].setText(f"Vos questions ({len(own)})" if own else "Vos questions")
        current = self.own_criterion.currentData()
        self.own_criterion.clear()
        self.own_criterion.addItem("Critère…", "")
        for section in bank:
            self.own_criterion.addItem(section.title, section.id)
        self.own_criterion.setCurrentIndex(max(self.own_criterion.findData(current), 0))
        state, text = question_count_message(len(plan.rows))
        self.count.setText(text)
        self.count.setStyleSheet(f"color: {COUNT_COLORS[state]}; font-weight: 600;")

    def _on_bank(self, ref: str, on: bool) -> None:
        svc = self.panel.ctx.services.actions
        action_id = self.panel.action_id
        if not on and not self.panel.confirm_remove(ref=ref):
            box = self.boxes[ref]
            box.blockSignals(True)
            box.setChecked(True)
            box.blockSignals(False)
            return
        self.panel.ctx.apply(lambda: svc.set_bank_question(action_id, ref, on))

    def _on_own(self, uid: str, on: bool) -> None:
        if on:
            return
        if not self.panel.confirm_remove(uid=uid):
            box = self.own_boxes[uid]
            box.blockSignals(True)
            box.setChecked(True)
            box.blockSignals(False)
            return
        svc = self.panel.ctx.services.actions
        action_id = self.panel.action_id
        self.panel.ctx.apply(lambda: svc.remove_question(action_id, uid))

    def _add_own(self) -> None:
        text = self.own_text.text().strip()
        if not text:
            self.own_text.setFocus()
            return
        svc = self.panel.ctx.services.actions
        action_id, crit = self.panel.action_id, self.own_criterion.currentData() or ""
        if self.panel.ctx.apply(lambda: svc.add_question(action_id, text, crit)) is not None:
            self.own_text.clear()


def _clear(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget():
            item.widget().deleteLater()
        elif item.layout():
            _clear(item.layout())


class PlanPage(QWidget):
    """The method plan: one row per question, edited in place."""

    def __init__(self, panel: PlanPanel):
        super().__init__()
        self.panel = panel
        hint = QLabel("Pour chaque question : ce que l'on va compter ou observer, où trouver l'information, "
                      "comment la recueillir, qui s'en charge et quand. Double-cliquez une cellule pour la modifier.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        self.model = PlanModel(self._edit, self)
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
        for i, (_k, _l, width) in enumerate(PlanModel.COLUMNS):
            self.table.setColumnWidth(i, width)
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
        self.model.set_rows(plan.rows, svc.criterion_labels(eid), svc.plan_choices(eid).get("methodes", {}))
        if current.isValid() and current.row() < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))

    def _criteria_choices(self, index: QModelIndex) -> list[tuple[str, object]]:
        choices = self.panel.ctx.services.actions.plan_choices(self.panel.evaluation_id).get("critere", {})
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
        if self.panel.ctx.apply(lambda: svc.move_question(action_id, uid, delta)) is not None:
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
            on_done=done)
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
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.meta)
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
        self.questions.load(plan)
        self.plan_page.load(plan)
        self.tabs.setTabText(1, f"Plan d'évaluation ({len(plan.rows)})")
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
        form = dataclasses.replace(form, pages=tuple(p for p in form.pages if p.id != "plan"))
        plan = svc.plan(self.action_id)
        self.renderer = FormRenderer(form, plan.answers, mode="scroll")
        action_id = self.action_id
        self.renderer.answerChanged.connect(
            lambda key, value: self.ctx.apply(lambda: svc.set_sheet_answer(action_id, key, value)))
        self.sheet_host.layout().addWidget(self.renderer)

    def _on_complete(self, on: bool) -> None:
        if self._loading or not self.action_id:
            return
        svc = self.ctx.services.actions
        action_id = self.action_id
        self.ctx.apply(lambda: svc.set_plan_complete(action_id, on))

    def confirm_remove(self, ref: str | None = None, uid: str | None = None) -> bool:
        """Ask before dropping a question whose method is already filled in."""
        plan = self.ctx.services.actions.plan(self.action_id)
        row = next((r for r in plan.rows if (uid and r.get("uid") == uid) or (ref and r.get("ref") == ref)), None)
        if row is None:
            return True
        filled = [k for k in ("indicateurs", "sources", "methodes", "qui", "quand_debut", "quand_fin") if row.get(k)]
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
