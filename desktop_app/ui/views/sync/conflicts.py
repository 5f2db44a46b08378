"""Resolve conflicts: a record changed on two machines since they last exchanged.

On the left the records in conflict; on the right, field by field, « Ma version » and the other
machine's, the differing fields highlighted. The user keeps one version per record; the choice
is saved at once and travels to the other machines at the next exchange.
"""

from __future__ import annotations

import json
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.widgets.splitters import remember_sizes

DIFF_BG = QBrush(QColor("#fff3cd"))
FIELD_LABELS = {
    "title": "Intitulé", "territory_name": "Territoire", "name": "Nom", "organisation": "Structure", "contact": "Contact",
    "role": "Rôle", "email": "E-mail", "insee": "Code INSEE", "code": "Code", "label": "Libellé", "date": "Date",
    "place": "Lieu", "kind": "Type", "status": "Statut", "answers": "Réponses", "deleted": "Supprimé",
    "description": "Description", "caption": "Légende", "note": "Note", "is_pilot": "Pilote", "communes": "Communes",
    "epci_type": "Type d'EPCI", "siren": "SIREN", "generation": "Génération", "start_date": "Début", "end_date": "Fin",
    "kit_id": "Kit", "kit_version": "Version du kit", "scope": "Outils retenus", "tool_id": "Outil", "subject_type": "Sujet",
    "subject_id": "Identifiant du sujet", "filename": "Fichier", "theme": "Thème", "comment": "Commentaire",
}
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def expand(fields, form_fields: dict | None = None) -> list[tuple[str, Any, Any, bool]]:
    """(label, mine, theirs, differs) rows; a JSON object (the answers of a form) is shown key by
    key, with the question's label and the chosen option's label when the kit is known."""
    form_fields = form_fields or {}

    def answer(key: str, value: Any) -> Any:
        f = form_fields.get(key)
        opt = f.option(value) if f is not None else None
        return opt.label if opt is not None else value

    rows = []
    for f in fields:
        label = FIELD_LABELS.get(f.name, f.name.replace("_", " ").capitalize())
        if isinstance(f.local, dict) and isinstance(f.remote, dict):
            for key in sorted(set(f.local) | set(f.remote)):
                mine, theirs = f.local.get(key), f.remote.get(key)
                question = form_fields[key].label if key in form_fields else key
                rows.append((f"{label} › {question}", answer(key, mine), answer(key, theirs), mine != theirs))
        else:
            rows.append((label, f.local, f.remote, f.differs))
    return rows


def show_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, indent=1)
    text = str(value)
    m = ISO_DATE.match(text)
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else text


def _when(iso: str) -> str:
    from datetime import datetime

    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%d/%m/%Y à %H:%M")
    except ValueError:
        return iso


class ConflictsDialog(QDialog):
    def __init__(self, ctx, evaluation_id: str | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.resolved: set[str] = set()  # evaluations whose data changed
        self.setWindowTitle("Conflits de synchronisation")
        self.resize(980, 600)
        intro = QLabel(
            "Ces enregistrements ont été modifiés sur deux postes depuis leur dernier échange. Les deux versions "
            "sont conservées : choisissez celle à garder. Votre choix sera transmis aux autres postes à la "
            "prochaine synchronisation."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Enregistrements en conflit")
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(lambda *_: self._show_current())
        self.header = QLabel("")
        self.header.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Champ", "Ma version", "Leur version"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 260)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.show_all = QCheckBox("Afficher aussi les champs identiques")
        self.show_all.toggled.connect(lambda _on: self._show_current())
        self.keep_local = QPushButton("Garder ma version")
        self.take_remote = QPushButton("Prendre leur version")
        self.keep_local.clicked.connect(lambda: self.resolve("local"))
        self.take_remote.clicked.connect(lambda: self.resolve("remote"))
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.header)
        rl.addWidget(self.table, 1)
        choice = QHBoxLayout()
        choice.addWidget(self.show_all)
        choice.addStretch(1)
        choice.addWidget(self.keep_local)
        choice.addWidget(self.take_remote)
        rl.addLayout(choice)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        split.setSizes([300, 680])
        remember_sizes(split, "sync/conflits")
        self.empty = QLabel("Aucun conflit : toutes les versions concordent.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        close = QPushButton("Fermer")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.empty)
        layout.addLayout(bottom)
        self.split = split
        self.refresh()

    def refresh(self) -> None:
        current = self.list.currentItem().data(Qt.ItemDataRole.UserRole) if self.list.currentItem() else None
        self.conflicts = self.ctx.services.sync.conflicts(self.evaluation_id)
        self.list.clear()
        for c in self.conflicts:
            n = sum(1 for r in expand(c.fields) if r[3])
            item = QListWidgetItem(f"{c.table_label} : {c.title}\n{n} champ(s) différent(s) — poste {c.remote_label or c.remote_device[:8]}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.list.addItem(item)
            if c.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        has = bool(self.conflicts)
        self.split.setVisible(has)
        self.empty.setVisible(not has)
        self._show_current()

    def current(self):
        item = self.list.currentItem()
        if item is None:
            return None
        cid = item.data(Qt.ItemDataRole.UserRole)
        return next((c for c in self.conflicts if c.id == cid), None)

    def _show_current(self) -> None:
        c = self.current()
        self.keep_local.setEnabled(c is not None)
        self.take_remote.setEnabled(c is not None)
        if c is None:
            self.table.setRowCount(0)
            self.header.setText("")
            return
        self.header.setText(
            f"<b>{c.table_label} : {c.title}</b><br>Ma version : modifiée le {_when(c.local_updated_at)}. "
            f"Leur version (poste {c.remote_label or c.remote_device[:8]}, fichier {c.source}) : modifiée le "
            f"{_when(c.remote_updated_at)}."
        )
        rows = expand(c.fields, self._form_fields(c))
        if not self.show_all.isChecked():
            rows = [r for r in rows if r[3]] or rows
        rows.sort(key=lambda r: not r[3])  # differences first
        self.table.setRowCount(len(rows))
        bold = QFont()
        bold.setBold(True)
        for i, (label, mine, theirs, differs) in enumerate(rows):
            for col, text in enumerate([label, show_value(mine), show_value(theirs)]):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if differs:
                    item.setBackground(DIFF_BG)
                    if col == 0:
                        item.setFont(bold)
                self.table.setItem(i, col, item)
        self.table.resizeRowsToContents()

    def _form_fields(self, c) -> dict:
        """The kit's fields of a form response's tool (labels of questions and answers)."""
        if c.table != "form_responses":
            return {}
        try:
            from desktop_app.kit.forms import compile_tool, field_index

            tool = next(f.local or f.remote for f in c.fields if f.name == "tool_id")
            summary = self.ctx.services.evaluations.get(c.evaluation_id)
            kit = self.ctx.services.kits.get(summary.kit_id, summary.kit_version)
            return field_index(compile_tool(kit, tool))
        except Exception:  # unknown tool or kit: show the raw keys
            return {}

    def resolve(self, choice: str) -> None:
        c = self.current()
        if c is None:
            return
        change = self.ctx.apply(lambda: self.ctx.services.sync.resolve(c.id, choice))
        if change is not None:
            self.resolved.add(c.evaluation_id)
        self.refresh()
