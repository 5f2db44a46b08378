"""A table model over plain row dicts described by a `TableSpec` (columns, checks).

Edits are handed to a callback (which saves through a service); invalid cells are kept as typed
and flagged (red background, French tooltip).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.core.cadrage import TableSpec, check_cell
from desktop_app.core.identifiers import normalize_insee
from desktop_app.core.validation import AnswerError, format_date, parse_date

Index = QModelIndex | QPersistentModelIndex
ERROR_BG = QBrush(QColor("#fde7e7"))


def parse_fr_date(text: str) -> str:
    """'21/11/2026', '21 novembre 2026' or '2026-11-21' -> ISO; anything else is returned unchanged
    (it is kept as typed and flagged by the column's check)."""
    t = (text or "").strip()
    if not t:
        return ""
    try:
        return parse_date(t).isoformat()
    except AnswerError:
        return t


format_fr_date = format_date


class RowsModel(QAbstractTableModel):
    def __init__(self, spec: TableSpec, on_edit: Callable[[str, str, Any], bool], parent=None):
        super().__init__(parent)
        self.spec = spec
        self.columns = spec.columns
        self.rows: list[dict[str, Any]] = []
        self._on_edit = on_edit
        self.cross: dict[str, dict[str, str]] = {}  # row id -> {column key: check between fields}

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = [dict(r) for r in rows]
        self.endResetModel()

    def row_id(self, row: int) -> str:
        return self.rows[row]["id"]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                col = self.columns[section]
                return col.header + (" *" if col.required else "")
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()].kind == "bool":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def problem(self, row: int, col: int) -> str | None:
        c = self.columns[col]
        own = check_cell(self.spec.entity, c.key, self.rows[row].get(c.key))
        return own or self.cross.get(self.rows[row].get("id"), {}).get(c.key)

    def set_cross_problems(self, problems: dict[str, dict[str, str]]) -> None:
        """Flag cells from checks between fields (a milestone outside the contract's period)."""
        if problems == self.cross:
            return
        self.cross = problems
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c = self.columns[index.column()]
        value = self.rows[index.row()].get(c.key)
        if role == Qt.ItemDataRole.DisplayRole:
            if c.kind == "bool":
                return None
            if c.kind == "date":
                return format_fr_date(value)
            if c.kind == "choice" and c.choices:
                return c.choices.get(value, value)
            return value or ""
        if role == Qt.ItemDataRole.EditRole:
            if c.kind == "date":
                return format_fr_date(value)
            return value
        if role == Qt.ItemDataRole.CheckStateRole and c.kind == "bool":
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.BackgroundRole and self.problem(index.row(), index.column()):
            return ERROR_BG
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.problem(index.row(), index.column()) or (c.placeholder and f"Exemple : {c.placeholder}") or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{c.header} : {value or 'vide'}"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        c = self.columns[index.column()]
        if c.kind == "bool":
            if role != Qt.ItemDataRole.CheckStateRole:
                return False
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        elif c.kind == "date":
            value = parse_fr_date(str(value or ""))
        else:
            value = "" if value is None else str(value).strip()
            if c.key == "insee":
                value = normalize_insee(value)  # the one rule: never padded, invalid stays visible
            elif c.key == "code":
                value = value.upper()
        row = self.rows[index.row()]
        if row.get(c.key) == value:
            return True
        if not self._on_edit(row["id"], c.key, value):
            return False
        row[c.key] = value
        self.dataChanged.emit(index, index)
        return True

    def problems(self) -> list[str]:
        out = []
        for r in range(len(self.rows)):
            for c in range(len(self.columns)):
                msg = self.problem(r, c)
                if msg:
                    out.append(f"Ligne {r + 1} — {msg}")
        return out
