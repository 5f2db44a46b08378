"""The end of a programmation import: what was imported, the reconciliation of the amounts
("19 256 523 € dans le fichier · 19 256 523 € importés · 0 € écartés"), the warnings, every
row left out with its reason and amount, and the remarks row by row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.actions_import import format_euros

WARN_STYLE = "color: #9a3412; background: #fff7ed; border: 1px solid #fdba74; border-radius: 4px; padding: 6px;"


def left_out_table(parent: QWidget | None = None) -> QTableWidget:
    table = QTableWidget(0, 3, parent)
    table.setHorizontalHeaderLabels(["Ligne", "Montant", "Raison"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAccessibleName("Lignes écartées")
    table.setColumnWidth(0, 90)
    table.setColumnWidth(1, 120)
    table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    return table


def fill_left_out(table: QTableWidget, rows: list[tuple[str, object, str]]) -> None:
    """rows: (row label, Decimal amount, reason)."""
    table.setRowCount(len(rows))
    for r, (where, amount, reason) in enumerate(rows):
        for c, text in enumerate((where, format_euros(amount) if amount else "—", reason)):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if c == 1:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class ImportResultDialog(QDialog):
    def __init__(self, report, parent=None):
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Import terminé")
        self.resize(880, 520)
        layout = QVBoxLayout(self)
        lines = report.summary().split("\n")
        self.summary = QLabel(lines[0])
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.reconciliation = QLabel(report.reconciliation())
        self.reconciliation.setAccessibleName("Rapprochement des montants")
        self.reconciliation.setStyleSheet("font-size: 15px; font-weight: 600; padding: 4px 0;")
        layout.addWidget(self.reconciliation)
        self.warnings = QLabel("\n".join(f"⚠ {w}" for w in report.warnings))
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARN_STYLE)
        self.warnings.setVisible(bool(report.warnings))
        layout.addWidget(self.warnings)

        tabs = QTabWidget()
        self.left_out = left_out_table()
        several = len({o.sheet for o in report.left_out}) > 1
        fill_left_out(self.left_out, [
            ((f"{o.sheet}, {o.row}" if several else str(o.row)), o.amount, o.reason) for o in report.left_out])
        tabs.addTab(self.left_out, f"Lignes écartées ({len(report.left_out)})")
        self.remarks = QPlainTextEdit("\n".join(report.errors))
        self.remarks.setReadOnly(True)
        self.remarks.setAccessibleName("Remarques ligne par ligne")
        tabs.addTab(self.remarks, f"Remarques ({len(report.errors)})")
        if not report.left_out and report.errors:
            tabs.setCurrentIndex(1)
        layout.addWidget(tabs, 1)
        buttons = QDialogButtonBox()
        close = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.AcceptRole)
        close.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.tabs = tabs
