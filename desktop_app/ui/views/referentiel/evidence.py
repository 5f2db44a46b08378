"""Evidence of the référentiel's indicators: the panel beside the grid (what backs the indicator
being edited) and the dialog to link workshops, testimonies, questionnaire results, documents."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from desktop_app.services.synthesis_referentiel import EVIDENCE_KINDS, EvidenceCandidate
from desktop_app.ui.context import AppContext

KIND_MARKS = {"atelier": "◆", "terrain": "▲", "questionnaire": "✎", "resultats": "▦", "actions": "★", "document": "▤", "autre": "•"}


class EvidenceDialog(QDialog):
    """Pick one or more things recorded in the evaluation to back up an indicator."""

    def __init__(self, ctx: AppContext, evaluation_id: str, indicator_label: str, already: set[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.setWindowTitle(self.tr("Lier une preuve"))
        self.resize(640, 560)
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{indicator_label}</b>")
        title.setWordWrap(True)
        layout.addWidget(title)
        hint = QLabel(self.tr("Choisissez ce qui étaye cet indicateur : ateliers, immersions, témoignages, résultats de "
                              "questionnaires, actions ou documents enregistrés dans l'évaluation."))
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filtrer…"))
        self.search.textChanged.connect(self._filter)
        layout.addWidget(self.search)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Élément"), self.tr("Détail")])
        self.tree.setColumnWidth(0, 430)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        self.tree.itemDoubleClicked.connect(lambda item, _c: self.accept() if item.data(0, Qt.ItemDataRole.UserRole) else None)
        layout.addWidget(self.tree, 1)
        self.add_file = QPushButton(self.tr("Ajouter un document depuis l'ordinateur…"))
        self.add_file.clicked.connect(self._add_document)
        layout.addWidget(self.add_file, 0, Qt.AlignmentFlag.AlignLeft)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Lier"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuler"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._already = already
        self._load()

    def _load(self, select: tuple[str, str] | None = None) -> None:
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for cand in self.ctx.services.referentiel.evidence_candidates(self.evaluation_id):
            group = groups.get(cand.kind)
            if group is None:
                group = QTreeWidgetItem([f"{KIND_MARKS.get(cand.kind, '•')}  {EVIDENCE_KINDS.get(cand.kind, cand.kind)}"])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                self.tree.addTopLevelItem(group)
                groups[cand.kind] = group
            item = QTreeWidgetItem([cand.label, cand.detail])
            item.setData(0, Qt.ItemDataRole.UserRole, cand)
            item.setToolTip(0, cand.label)
            if (cand.target_type, cand.target_id) in self._already:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setText(1, self.tr("déjà liée"))
            group.addChild(item)
            if select == (cand.target_type, cand.target_id):
                item.setSelected(True)
        self.tree.expandAll()
        if not groups:
            empty = QTreeWidgetItem([self.tr("Rien n'est encore enregistré : ajoutez un document, ou saisissez d'abord ateliers et questionnaires.")])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.tree.addTopLevelItem(empty)

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            visible = 0
            for j in range(group.childCount()):
                child = group.child(j)
                hay = f"{child.text(0)} {child.text(1)}".casefold()
                shown = all(w in hay for w in words)
                child.setHidden(not shown)
                visible += shown
            group.setHidden(visible == 0 and bool(words))

    def _add_document(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Ajouter un document"))
        if not path:
            return
        ref = self.ctx.services.referentiel.referentiel(self.evaluation_id)
        change = self.ctx.apply(
            lambda: self.ctx.services.attachments.add_file(self.evaluation_id, "referentiel", ref.id, Path(path))
        )
        if change is not None:
            self._load(select=("attachment", change.id))

    def selected(self) -> list[EvidenceCandidate]:
        out = []
        for item in self.tree.selectedItems():
            cand = item.data(0, Qt.ItemDataRole.UserRole)
            if isinstance(cand, EvidenceCandidate):
                out.append(cand)
        return out


class EvidencePanel(QFrame):
    """The evidence of one indicator (chosen in the list, or followed from the grid's focus)."""

    indicatorChosen = Signal(str)
    countChanged = Signal(int)  # evidence linked to the current indicator

    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.setObjectName("evidencePanel")
        self.setStyleSheet("QFrame#evidencePanel { background: white; border-left: 1px solid #dde2e7; }")
        self.setMinimumWidth(260)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        title = QLabel(self.tr("Preuves liées"))
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        hint = QLabel(self.tr("Ce qui étaye l'indicateur : ateliers, témoignages, résultats de questionnaires, documents."))
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.indicator = QComboBox()
        self.indicator.setAccessibleName(self.tr("Indicateur"))
        self.indicator.currentIndexChanged.connect(self._on_indicator)
        layout.addWidget(self.indicator)
        self.links = QListWidget()
        self.links.setWordWrap(True)
        self.links.setAccessibleName(self.tr("Preuves liées à l'indicateur"))
        self.links.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.links, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Lier une preuve…"))
        self.add_button.setObjectName("primary")
        self.add_button.clicked.connect(self.add_evidence)
        self.remove_button = QPushButton(self.tr("Retirer"))
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self._targets: dict[str, str] = {}
        self._update_buttons()

    # -- indicators ----------------------------------------------------------------------------
    def set_indicators(self, items: list[tuple[str, str]], current: str | None = None) -> None:
        """(indicator id, label) of the question shown in the grid."""
        self.indicator.blockSignals(True)
        self.indicator.clear()
        for ind_id, label in items:
            self.indicator.addItem(label, ind_id)
            self.indicator.setItemData(self.indicator.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        self.indicator.blockSignals(False)
        self.select_indicator(current or (items[0][0] if items else ""))

    def select_indicator(self, indicator_id: str) -> None:
        index = self.indicator.findData(indicator_id)
        if index >= 0 and index != self.indicator.currentIndex():
            self.indicator.setCurrentIndex(index)
        else:
            self.reload()

    def current_indicator(self) -> str:
        return self.indicator.currentData() or ""

    def _on_indicator(self, _index: int) -> None:
        self.reload()
        self.indicatorChosen.emit(self.current_indicator())

    # -- links ---------------------------------------------------------------------------------
    def reload(self) -> None:
        self.links.clear()
        ind = self.current_indicator()
        if not ind:
            return
        for e in self.ctx.services.referentiel.evidence(self.evaluation_id, ind):
            text = f"{KIND_MARKS.get(e.kind, '•')}  {e.label}"
            if not e.available:
                text += self.tr(" (supprimé depuis)")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, e.id)
            item.setToolTip(f"{EVIDENCE_KINDS.get(e.kind, e.kind)} — {e.label}")
            self.links.addItem(item)
        self.countChanged.emit(self.links.count())
        if not self.links.count():
            item = QListWidgetItem(self.tr("Aucune preuve liée pour l'instant."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.links.addItem(item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(bool(self.current_indicator()))
        self.remove_button.setEnabled(any(i.data(Qt.ItemDataRole.UserRole) for i in self.links.selectedItems()))

    def add_evidence(self) -> None:
        ind = self.current_indicator()
        if not ind:
            return
        already = {(e.target_type, e.target_id) for e in self.ctx.services.referentiel.evidence(self.evaluation_id, ind)}
        dialog = EvidenceDialog(self.ctx, self.evaluation_id, self.indicator.currentText(), already, self)
        if dialog.exec():
            for cand in dialog.selected():
                self.ctx.apply(
                    lambda c=cand: self.ctx.services.referentiel.add_evidence(
                        self.evaluation_id, ind, c.target_type, c.target_id, c.label
                    )
                )
            self.reload()

    def remove_selected(self) -> None:
        for item in self.links.selectedItems():
            link_id = item.data(Qt.ItemDataRole.UserRole)
            if link_id:
                self.ctx.apply(lambda lid=link_id: self.ctx.services.referentiel.remove_evidence(lid))
        self.reload()

