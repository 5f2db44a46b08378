"""Table model of the commitments (thin: rows of plain data, edits handed to a callback), the
status delegate and the progress strip drawn above the table.

Nothing typed is lost: a deadline that is not a date (« 31/02/2026 ») is kept as a draft
(`drafts`, saved through `on_draft(commitment id, key, text or None)`), shown in red in its cell
« à corriger » until a valid date replaces it; the stored deadline is left as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QWidget

from desktop_app.core import identifiers as ids
from desktop_app.core.fieldwork import (
    COMMITMENT_STATUSES,
    CommitmentSummary,
    plural,
    status_color,
    status_label,
)
from desktop_app.services.fieldwork_commitments import CommitmentData
from desktop_app.ui.models.rows_model import format_fr_date, parse_fr_date

Index = QModelIndex | QPersistentModelIndex
COLUMNS = (
    ("number", "N°", 48),
    ("title", "Intitulé", 330),
    ("pilot", "Pilote", 140),
    ("status", "Statut", 108),
    ("due_date", "Échéance", 88),
    ("evidence", "Preuves", 160),
    ("comment", "Commentaire", 160),
)
LIGHT = {
    "realise": "#dcefdc",
    "en_cours": "#edf6e0",
    "non_engage": "#fff0dc",
    "abandonne": "#fde3e3",
    "": "#f1f3f5",
}


class CommitmentsModel(QAbstractTableModel):
    def __init__(self, on_edit: Callable[[str, str, Any], bool], parent=None,
                 on_draft: Callable[[str, str, str | None], None] | None = None):
        super().__init__(parent)
        self.rows: list[CommitmentData] = []
        self._on_edit = on_edit
        self._on_draft = on_draft
        self.drafts: dict[tuple[str, str], str] = {}  # (commitment id, key) -> text « à corriger »

    def set_drafts(self, drafts: dict[tuple[str, str], str]) -> None:
        """Show the texts kept « à corriger » (emits nothing to save)."""
        self.drafts = dict(drafts)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def draft_message(self, commitment_id: str, key: str) -> str:
        text = self.drafts.get((commitment_id, key), "")
        return ids.check_iso_date(parse_fr_date(text)) or "" if text else ""

    def set_rows(self, rows: list[CommitmentData]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_id(self, row: int) -> str:
        return self.rows[row].id

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt naming)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        value = c.value(key)
        draft = self.drafts.get((c.id, key))
        if draft is not None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return draft
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#c62828"))
            if role == Qt.ItemDataRole.ToolTipRole:
                kept = f" L'échéance enregistrée reste {format_fr_date(value)}." if value else ""
                return f"À corriger : {self.draft_message(c.id, key)} Le texte saisi est gardé en brouillon.{kept}"
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "status":
                return status_label(value)
            if key == "due_date":
                return format_fr_date(value)
            return value
        if role == Qt.ItemDataRole.EditRole:
            return format_fr_date(value) if key == "due_date" else value
        if role == Qt.ItemDataRole.BackgroundRole and key == "status":
            return QBrush(QColor(LIGHT.get(value, LIGHT[""])))
        if role == Qt.ItemDataRole.ToolTipRole and key in ("title", "evidence", "comment") and value:
            return value
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        key = COLUMNS[index.column()][0]
        typed = text = "" if value is None else str(value).strip()
        current = self.rows[index.row()]
        if key == "due_date":
            text = parse_fr_date(text)
            if ids.check_iso_date(text):
                if self._on_draft is None:
                    return False
                if self.drafts.get((current.id, key)) != typed:
                    self.drafts[(current.id, key)] = typed  # kept « à corriger », never lost
                    self._on_draft(current.id, key, typed)
                    self.dataChanged.emit(index, index)
                return True
            if self.drafts.pop((current.id, key), None) is not None:
                if self._on_draft is not None:
                    self._on_draft(current.id, key, None)
                self.dataChanged.emit(index, index)
        if current.value(key) == text:
            return True
        if not self._on_edit(current.id, key, text):
            return False
        from dataclasses import replace

        self.rows[index.row()] = replace(current, **{key: text})
        self.dataChanged.emit(index, index)
        return True


class StatusDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):  # noqa: N802
        combo = QComboBox(parent)
        combo.addItem(status_label(""), "")
        for value, (label, _color) in COMMITMENT_STATUSES.items():
            combo.addItem(label, value)
        combo.activated.connect(lambda _i: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QComboBox, index: QModelIndex) -> None:  # noqa: N802
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.UserRole)), 0))
        editor.showPopup()

    def setModelData(self, editor: QComboBox, model, index: QModelIndex) -> None:  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def paint(self, painter: QPainter, option, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor(status_color(index.data(Qt.ItemDataRole.UserRole) or ""))
        r = option.rect
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRect(QRectF(r.left(), r.top() + 2, 4, r.height() - 4))
        painter.restore()


class ProgressStrip(QWidget):
    """One bar split by status, with the counts written in the segments."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary = CommitmentSummary(0, {})
        self.setMinimumHeight(30)
        self.setAccessibleName("Avancement des engagements")

    def set_summary(self, summary: CommitmentSummary) -> None:
        self.summary = summary
        self.setToolTip(summary.text())
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, 30)

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setPen(QPen(QColor("#dde2e7")))
        p.setBrush(QColor("#f1f3f5"))
        p.drawRoundedRect(rect, 6, 6)
        total = self.summary.total
        if not total:
            p.setPen(QColor("#5f6b76"))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Aucun engagement saisi")
            p.end()
            return
        clip = QPainterPath()
        clip.addRoundedRect(rect, 6, 6)
        p.setClipPath(clip)
        x = rect.left()
        for status in list(COMMITMENT_STATUSES) + [""]:
            n = self.summary.count(status)
            if not n:
                continue
            width = rect.width() * n / total
            seg = QRectF(x, rect.top(), width, rect.height())
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(status_color(status)))
            p.drawRect(seg)
            p.setPen(QColor("white" if status in ("realise", "abandonne") else "#1d2a35"))
            label = f"{n} {plural(status_label(status).lower(), n)}" if width > 110 else str(n)
            if width > 18:
                p.drawText(seg, Qt.AlignmentFlag.AlignCenter, label)
            x += width
        p.end()
