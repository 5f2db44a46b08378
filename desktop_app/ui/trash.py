"""The Corbeille (Édition › Corbeille…): the records of the open evaluation the user deleted,
with « Restaurer » and « Vider la corbeille ».

Emptying keeps the deletions as tombstones (so the other computers learn of them) but the
records can no longer be restored, and their personal content is erased (`services.trash`).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop_app.ui.context import AppContext

HEADERS = ("Type", "Élément", "Supprimé le")


class TrashDialog(QDialog):
    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx, self.evaluation_id = ctx, evaluation_id
        self.setWindowTitle("Corbeille")
        self.resize(760, 460)
        self.intro = QLabel(
            "Les éléments de cette évaluation supprimés sur cet ordinateur restent ici jusqu'à ce que vous "
            "vidiez la corbeille. Sélectionnez-en un ou plusieurs puis « Restaurer »."
        )
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setAccessibleName("Éléments supprimés")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        self.restore_button = QPushButton("Restaurer")
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        self.empty_button = QPushButton("Vider la corbeille…")
        self.empty_button.clicked.connect(lambda: self.empty())
        self.status = QLabel("")
        self.status.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.restore_button)
        row.addWidget(self.empty_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.items = []
        self.refresh()

    def refresh(self) -> None:
        try:
            self.items = self.ctx.services.trash.items(self.evaluation_id)
        except Exception as exc:  # never a traceback: say what happened
            self.items = []
            self.status.setText(f"La corbeille n'a pas pu être lue : {exc}")
        self.table.setRowCount(len(self.items))
        for r, item in enumerate(self.items):
            when = item.deleted_at.astimezone()
            for c, text in enumerate((item.kind, item.title, when.strftime("%d/%m/%Y à %H:%M"))):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(r, c, cell)
        if not self.items:
            self.intro.setText("La corbeille est vide : aucun élément supprimé dans cette évaluation.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(bool(self.table.selectionModel().selectedRows()))
        self.empty_button.setEnabled(bool(self.items))

    def selected(self) -> list:
        return [self.items[i.row()] for i in sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())]

    def select(self, entity: str, record_id: str) -> None:
        for r, item in enumerate(self.items):
            if (item.entity, item.id) == (entity, record_id):
                flags = QItemSelectionModel.SelectionFlag
                self.table.selectionModel().select(self.table.model().index(r, 0),
                                                   flags.ClearAndSelect | flags.Rows)

    def restore_selected(self) -> None:
        chosen = self.selected()
        done = 0
        for item in chosen:
            if self.ctx.apply(lambda i=item: self.ctx.services.trash.restore(i.entity, i.id)) is not None:
                done += 1
        if done:
            self.status.setText(f"{done} élément{'s' if done > 1 else ''} restauré{'s' if done > 1 else ''}.")
        elif chosen:
            self.status.setText("La restauration n'a pas abouti : voir le message dans la barre d'état.")
        self.refresh()

    def empty(self, confirm: bool = True) -> None:
        n = len(self.items)
        if not n:
            return
        if confirm:
            answer = QMessageBox.warning(
                self, "Vider la corbeille",
                f"Vider la corbeille ? Les {n} élément(s) qu'elle contient ne pourront plus être restaurés, "
                "et les noms, témoignages, photos et enregistrements qu'ils contiennent seront effacés.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        if self.ctx.apply(lambda: self.ctx.services.trash.empty(self.evaluation_id)) is not None:
            self.ctx.undo_stack.clear()  # an undo must not bring back what was emptied
            self.status.setText(f"Corbeille vidée ({n} élément{'s' if n > 1 else ''}).")
        self.refresh()
