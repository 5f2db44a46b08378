"""An editable table of Cadrage rows: add, edit in place, delete; problems listed under it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.cadrage import TableSpec
from desktop_app.ui.models.rows_model import RowsModel
from desktop_app.ui.widgets.delete_key import DELETE_HELP, bind_delete_key


class _ChoiceDelegate(QStyledItemDelegate):
    def __init__(self, choices: dict[str, str], parent=None):
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        for value, label in self.choices.items():
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor: QComboBox, index: QModelIndex) -> None:
        i = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(i, 0))

    def setModelData(self, editor: QComboBox, model, index: QModelIndex) -> None:
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class RowsTable(QWidget):
    """Callbacks: add() -> new row id | None, edit(row_id, key, value) -> bool, delete(row_id) -> bool."""

    rowsChanged = Signal()

    def __init__(
        self,
        spec: TableSpec,
        add: Callable[[], str | None],
        edit: Callable[[str, str, object], bool],
        delete: Callable[[str], bool],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.spec = spec
        self._add, self._delete = add, delete
        self.model = RowsModel(spec, edit, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setObjectName(f"table_{spec.entity}")
        self.view.setAccessibleName(spec.title)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setDefaultSectionSize(28)
        self.view.setTabKeyNavigation(True)
        header = self.view.horizontalHeader()
        for i, col in enumerate(spec.columns):
            self.view.setColumnWidth(i, col.width)
            if col.choices:
                self.view.setItemDelegateForColumn(i, _ChoiceDelegate(dict(col.choices), self.view))
        header.setSectionResizeMode(len(spec.columns) - 1, QHeaderView.ResizeMode.Stretch)

        help_label = QLabel(f"{spec.help} {DELETE_HELP}")
        help_label.setObjectName("muted")
        help_label.setWordWrap(True)
        self.add_button = QPushButton(f"Ajouter {spec.singular}")
        self.add_button.setToolTip("Ajouter une ligne (Ctrl+Entrée)")
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.setToolTip("Supprimer la ligne sélectionnée (Suppr)")
        self.add_button.clicked.connect(self.add_row)
        self.delete_button.clicked.connect(self.delete_selected)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.add_row)
        bind_delete_key(self.view, self.delete_selected)
        self.problems_label = QLabel()
        self.problems_label.setObjectName("error")
        self.problems_label.setWordWrap(True)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(help_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problems_label)
        layout.addLayout(buttons)
        self.model.dataChanged.connect(self._refresh_labels)
        self.model.modelReset.connect(self._refresh_labels)

    def add_footer(self, widget: QWidget) -> None:
        """A widget under the table and its problems, above the buttons (e.g. the repairs of its
        codes); Tab reaches it after the table."""
        layout = self.layout()
        layout.insertWidget(layout.count() - 1, widget)

    def set_rows(self, rows: list[dict]) -> None:
        self.model.set_rows(rows)

    def set_cross_problems(self, problems: dict[str, dict[str, str]]) -> None:
        self.model.set_cross_problems(problems)

    def _refresh_labels(self, *args) -> None:
        problems = self.model.problems()
        shown = problems[:4] + ([f"… et {len(problems) - 4} autre(s)"] if len(problems) > 4 else [])
        self.problems_label.setText("\n".join(shown))
        self.problems_label.setVisible(bool(problems))
        n = self.model.rowCount()
        self.count_label.setText(f"{n} ligne{'s' if n > 1 else ''}")
        self.rowsChanged.emit()

    def add_row(self) -> None:
        new_id = self._add()
        if not new_id:
            return
        for r in range(self.model.rowCount()):
            if self.model.row_id(r) == new_id:
                index = self.model.index(r, 0)
                self.view.setCurrentIndex(index)
                self.view.setFocus()
                self.view.edit(index)
                break

    def delete_selected(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            return
        row = self.model.rows[index.row()]
        label = " — ".join(str(row.get(c.key) or "") for c in self.spec.columns[:2] if row.get(c.key))
        answer = QMessageBox.question(
            self,
            "Supprimer",
            f"Supprimer cette ligne ({label or 'vide'}) ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._delete(row["id"])
