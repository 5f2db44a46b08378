"""The import report: what each file will do, every message per cell, then what was imported.

Files with errors import nothing unless « Importer les réponses valides » is ticked for them;
refused files (another evaluation, another questionnaire, unreadable…) say why.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.questionnaires import FileOutcome, FilePlan

COLORS = {"error": "#c62828", "warning": "#b26a00", "info": "#5f6b76", "ok": "#2e7d32"}
MARKS = {"error": "✘", "warning": "⚠", "info": "ℹ"}
PARTIAL_TEXT = "Importer les réponses valides"


def plan_status(plan: FilePlan) -> tuple[str, str, list[str]]:
    """(short status, colour key, explanations) of a file before import."""
    a = plan.analysis
    if plan.action == "refuse":
        return "Refusé", "error", [plan.reason]
    notes = []
    if plan.duplicate_of:
        notes.append(f"Ce répondant a déjà répondu ({', '.join(plan.duplicate_of[:2])}) : vous choisirez ensuite la "
                     "réponse à garder (onglet « Réponses »).")
    if a.has_errors:
        n = len(a.errors)
        return f"{n} erreur{'s' if n > 1 else ''} : rien ne sera importé", "error", notes
    if plan.replaces:
        text = f"Remplace {plan.replaces}"
    elif plan.after is not None:
        text = "Remplace la réponse d'un fichier précédent de la sélection (même répondant)"
    else:
        text = "Mise à jour de la réponse importée de ce fichier" if plan.action == "update" else "Nouvelle réponse"
    if not a.complete:
        text += " (brouillon : incomplète)"
    return text, "warning" if (plan.duplicate_of or a.warnings) else "ok", notes


def outcome_status(o: FileOutcome) -> tuple[str, str]:
    if o.status == "refused":
        return "Refusé", "error"
    text = ("Importé" if o.status == "imported" else "Mis à jour")
    if o.partial:
        text += " (réponses valides seulement)"
    if o.unchanged:
        text += " (aucun changement)"
    if o.replaced:
        text += f" — remplace {o.replaced}"
    if o.duplicate:
        text += " — doublon : choisissez la réponse à garder dans l'onglet « Réponses »"
    return text, "warning" if (o.partial or o.duplicate) else "ok"


class ImportReportDialog(QDialog):
    def __init__(self, plans: list[FilePlan], commit: Callable[[list[FilePlan], list[str]], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.plans = plans
        self._commit = commit
        self.setWindowTitle("Import des questionnaires remplis")
        self.resize(1000, 620)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Fichier", "Répondant", "Résultat"])
        self.tree.setAccessibleName("Rapport d'import")
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.setColumnWidth(0, 330)
        self.tree.setColumnWidth(1, 260)
        layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton("Copier le rapport")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.report_text()))
        self.import_button = QPushButton()
        self.import_button.setObjectName("primary")
        self.import_button.clicked.connect(self._import)
        self.close_button = QPushButton("Annuler")
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        self.items: list[QTreeWidgetItem] = []
        self._fill_plans()
        self.tree.itemChanged.connect(lambda *_: self._update_button())
        self.tree.itemDoubleClicked.connect(self._show_text)

    def _show_text(self, item: QTreeWidgetItem, _column: int) -> None:
        """A long message, whole (double-click)."""
        if item.parent() is not None and not item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self, item.parent().text(0), item.text(0))

    # ------------------------------------------------------------------ before import

    def _fill_plans(self) -> None:
        self.tree.clear()
        self.items = []
        self.partial_items: dict[int, QTreeWidgetItem] = {}
        for n, plan in enumerate(self.plans):
            a = plan.analysis
            text, colour, notes = plan_status(plan)
            who = a.respondent.label if a.respondent else ""
            item = QTreeWidgetItem([a.file_name, who, text])
            item.setForeground(2, QBrush(QColor(COLORS[colour])))
            item.setToolTip(0, str(a.path))
            self.tree.addTopLevelItem(item)
            for note in notes:
                self._line(item, colour if plan.action == "refuse" else "warning", note)
            for issue in a.issues:
                self._line(item, issue.level, f"{MARKS[issue.level]} {issue.text}")
            if plan.action != "refuse" and a.has_errors:
                choice = QTreeWidgetItem([f"{PARTIAL_TEXT} de ce fichier (les cellules en erreur sont ignorées, "
                                          "la réponse est enregistrée en brouillon)"])
                choice.setFlags(choice.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                choice.setCheckState(0, Qt.CheckState.Unchecked)
                item.addChild(choice)
                choice.setFirstColumnSpanned(True)
                self.partial_items[n] = choice
            item.setExpanded(plan.action == "refuse" or a.has_errors or bool(a.warnings) or bool(notes))
            self.items.append(item)
        self._update_button()

    def _line(self, parent: QTreeWidgetItem, level: str, text: str) -> QTreeWidgetItem:
        child = QTreeWidgetItem([text])
        child.setForeground(0, QBrush(QColor(COLORS[level])))
        child.setToolTip(0, text)
        parent.addChild(child)
        child.setFirstColumnSpanned(True)
        return child

    def partial_files(self) -> list[str]:
        return [self.plans[n].file_name for n, item in self.partial_items.items() if item.checkState(0) == Qt.CheckState.Checked]

    def importable(self) -> list[FilePlan]:
        partial = set(self.partial_files())
        return [p for p in self.plans if p.action != "refuse" and (not p.analysis.has_errors or p.file_name in partial)]

    def _update_button(self) -> None:
        ready = len(self.importable())
        refused = sum(1 for p in self.plans if p.action == "refuse")
        with_errors = sum(1 for p in self.plans if p.action != "refuse" and p.analysis.has_errors)
        n = len(self.plans)
        parts = [f"{n} fichier{'s' if n > 1 else ''} lu{'s' if n > 1 else ''}", f"{ready} prêt{'s' if ready > 1 else ''} à importer"]
        if with_errors:
            parts.append(f"{with_errors} avec des erreurs (cochez « {PARTIAL_TEXT} » sous le fichier pour en garder les réponses correctes)")
        if refused:
            parts.append(f"{refused} refusé{'s' if refused > 1 else ''}")
        self.summary.setText(" · ".join(parts) + ".")
        self.import_button.setText(f"Importer {ready} fichier{'s' if ready > 1 else ''}")
        self.import_button.setEnabled(ready > 0)

    def _import(self) -> None:
        self.import_button.setEnabled(False)
        self._commit(self.plans, self.partial_files())

    # ------------------------------------------------------------------ after import

    def show_outcomes(self, outcomes: list[FileOutcome]) -> None:
        self.tree.clear()
        self.items = []
        self.partial_items = {}
        for o in outcomes:
            text, colour = outcome_status(o)
            item = QTreeWidgetItem([o.file_name, o.respondent, text])
            item.setForeground(2, QBrush(QColor(COLORS[colour])))
            self.tree.addTopLevelItem(item)
            if o.reason:
                self._line(item, "error", o.reason)
            for level, messages in (("error", o.errors), ("warning", o.warnings), ("info", o.notes)):
                for message in messages:
                    self._line(item, level, f"{MARKS[level]} {message}")
            item.setExpanded(o.status == "refused")
            self.items.append(item)
        counts = {k: sum(1 for o in outcomes if o.status == k) for k in ("imported", "updated", "refused")}
        self.summary.setText(f"Import terminé : {counts['imported']} importé(s), {counts['updated']} mis à jour, "
                             f"{counts['refused']} refusé(s).")
        self.outcomes = outcomes
        self.import_button.hide()
        self.close_button.setText("Fermer")
        self.close_button.clicked.disconnect()
        self.close_button.clicked.connect(self.accept)

    def report_text(self) -> str:
        lines = [self.summary.text(), ""]
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            lines.append(f"{item.text(0)} — {item.text(1)} : {item.text(2)}".replace(" —  :", " :"))
            for j in range(item.childCount()):
                lines.append(f"    {item.child(j).text(0)}")
        return "\n".join(lines)
