"""The scope of the evaluation: which kit tools are used, grouped by step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop_app.core.steps import STEPS
from desktop_app.kit.loader import Kit


class ScopeTree(QWidget):
    scopeChanged = Signal(list)
    previewRequested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("scopeTree")
        self.tree.setHeaderLabels(["Outil du kit", "Rôle"])
        self.tree.setColumnWidth(0, 380)
        self.tree.setAccessibleName("Outils du kit utilisés")
        self.tree.itemChanged.connect(self._changed)
        self.tree.itemActivated.connect(self._activated)
        help_label = QLabel(
            "Cochez les outils du kit que l'évaluation utilise. Double-cliquez sur un outil (ou Entrée) "
            "pour en voir l'aperçu : objectifs, mode d'emploi et questions."
        )
        help_label.setObjectName("muted")
        help_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(help_label)
        layout.addWidget(self.tree)
        self._loading = False

    def set_kit(self, kit: Kit, scope: list[str]) -> None:
        self._loading = True
        self.tree.clear()
        chosen = set(scope)
        for step in STEPS:
            tools = kit.tools_for_step(step.id)
            if not tools:
                continue
            parent = QTreeWidgetItem(self.tree, [step.label, ""])
            parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for tool in tools:
                label = f"{tool.number}. {tool.title}" if tool.number else tool.title
                item = QTreeWidgetItem(parent, [label, tool.purpose.split(". ")[0].rstrip(".") + "."])
                item.setToolTip(1, tool.purpose)
                item.setData(0, Qt.ItemDataRole.UserRole, tool.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Checked if tool.id in chosen else Qt.CheckState.Unchecked)
            parent.setExpanded(True)
        self._loading = False

    def scope(self) -> list[str]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            parent = self.tree.topLevelItem(i)
            for j in range(parent.childCount()):
                item = parent.child(j)
                if item.checkState(0) == Qt.CheckState.Checked:
                    out.append(item.data(0, Qt.ItemDataRole.UserRole))
        return out

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        tool_id = item.data(0, Qt.ItemDataRole.UserRole)
        if tool_id:
            self.previewRequested.emit(tool_id)

    def _changed(self, item: QTreeWidgetItem, column: int) -> None:
        if not self._loading and column == 0 and item.data(0, Qt.ItemDataRole.UserRole):
            self.scopeChanged.emit(self.scope())
