"""The evaluative questions of a chosen action (kit tool 5): the kit's bank by criterion as
check boxes with wrapped labels, and the facilitator's own questions. Each ticked question is a
row of the method plan."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.action_plan import criterion_of, question_count_message
from desktop_app.services.actions_plan import PlanData

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
    """The bank of evaluative questions by criterion, as check boxes, and the user's own.
    `panel` is the `plan_panel.PlanPanel` that holds this page (not imported here: the panel
    imports this module)."""

    def __init__(self, panel: QWidget):
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
