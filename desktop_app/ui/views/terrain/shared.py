"""Pieces the Ateliers and Terrain views share: the host of a form response in the form
renderer, status icons, a coalescing refresh timer, and the Excel export action."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kit.forms import Form
from desktop_app.services.errors import ServiceError
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.common import set_status_undoable
from desktop_app.ui.widgets.completion import ask_complete, bind_drafts, completion_note_text
from desktop_app.ui.widgets.form_renderer import FormRenderer

STYLE = """
QLabel#recordTitle { font-size: 15pt; font-weight: 600; color: #1d2a35; }
QLabel#recordMeta { color: #5f6b76; }
QLabel#emptyState { color: #5f6b76; font-size: 11pt; }
QLabel#badgeOk { background: #e3f3e5; color: #1b5e20; border-radius: 10px; padding: 3px 10px; }
QLabel#badgeWarn { background: #fff1db; color: #7a4a00; border-radius: 10px; padding: 3px 10px; }
QLabel#badgeBad { background: #fde4e4; color: #8e1c1c; border-radius: 10px; padding: 3px 10px; }
QLabel#badgeInfo { background: #e6f0f7; color: #1f5f8b; border-radius: 10px; padding: 3px 10px; }
QFrame#consentBanner { background: #ffffff; border: 1px solid #dde2e7; border-radius: 6px; }
QFrame#privacyBanner { background: #fff4e5; border-left: 3px solid #ef8f00; }
QFrame#modeBar { background: #22303c; border-radius: 6px; }
QFrame#modeBar QLabel { color: #e8eef2; }
QFrame#modeBar QPushButton { color: #e8eef2; background: transparent; border: 1px solid #5a6f80; padding: 4px 10px; }
QLabel#overview { color: #364152; }
QTreeWidget#workshopTree, QTreeWidget#recordTree { background: white; border: 1px solid #dde2e7; border-radius: 6px;
    padding: 4px 2px; outline: 0; }
QTreeWidget#workshopTree::item, QTreeWidget#recordTree::item { padding: 3px 2px; }
QTreeWidget#workshopTree::item:selected, QTreeWidget#recordTree::item:selected { background: #d7e4fa; color: #0b3274; }
"""


@functools.lru_cache(maxsize=1024)
def record_head(titles: QVBoxLayout, group: QComboBox) -> QVBoxLayout:
    """A record's title and details, then « Groupe de travail : » and its list across the whole
    width (beside the title, the title wrapped a few letters a line, or the group's name was cut
    at 1280 px)."""
    choose = QHBoxLayout()
    choose.addWidget(QLabel("Groupe de travail :"))
    choose.addWidget(group, 1)
    head = QVBoxLayout()
    head.setSpacing(4)
    head.addLayout(titles)
    head.addLayout(choose)
    return head


def status_icon(answered: int, total: int, complete: bool = False, size: int = 14) -> QIcon:
    """A green tick when the sheet is marked complete, an arc showing progress otherwise
    (drawn once per state: lists show hundreds of them)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    if complete:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#2e7d32"))
        p.drawEllipse(0, 0, size, size)
        pen = QPen(QColor("white"), 2)
        p.setPen(pen)
        p.drawLine(int(size * 0.27), int(size * 0.52), int(size * 0.43), int(size * 0.68))
        p.drawLine(int(size * 0.43), int(size * 0.68), int(size * 0.74), int(size * 0.34))
    else:
        p.setPen(QPen(QColor("#c5ccd3"), 2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(1, 1, size - 2, size - 2)
        if total and answered:
            p.setPen(QPen(QColor("#ef8f00"), 2))
            p.drawArc(1, 1, size - 2, size - 2, 90 * 16, -int(360 * 16 * min(answered / total, 1)))
    p.end()
    return QIcon(pixmap)


class Coalescer(QObject):
    """Runs a callback once after a burst of requests (lists refresh once per burst of saves)."""

    def __init__(self, callback: Callable[[], None], msec: int = 120, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True, interval=msec)
        self._timer.timeout.connect(callback)

    def request(self) -> None:
        self._timer.start()

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._timer.timeout.emit()


class FormHost(QWidget):
    """One form response shown in the form renderer; each committed answer is saved at once.

    `save(key, value)` runs the service call (through `ctx.apply`, so the status bar says
    « Enregistré »). The renderer is rebuilt when another record is shown.
    """

    rendererChanged = Signal(object)  # the new FormRenderer, or None
    answerSaved = Signal(str, object)  # (field id, value) once stored

    def __init__(self, ctx: AppContext, mode: str = "pages", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.mode = mode
        self.renderer: FormRenderer | None = None
        self.record_id: str | None = None
        self._save: Callable[[str, Any], Any] | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._empty = QLabel()
        self._empty.setObjectName("emptyState")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._layout.addWidget(self._empty)
        self.note_label = QLabel(self)  # why it was completed with questions missing
        self.note_label.setObjectName("completionNote")
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet("QLabel#completionNote { background: #fff4e0; color: #6b4500; padding: 6px 24px; }")
        self.note_label.hide()
        self._layout.insertWidget(0, self.note_label)

    def show_note(self, text: str) -> None:
        """Show (or hide, "") the reason a sheet was completed with questions missing."""
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))

    def show_form(
        self, record_id: str, form: Form, answers: dict, save: Callable[[str, Any], Any],
        response_id: str | None = None,
    ) -> FormRenderer:
        """`response_id`: the form response holding the answers, whose texts kept « à corriger »
        (drafts) are shown and saved too."""
        self.flush()
        self._drop()
        self.record_id = record_id
        self._save = save
        renderer = FormRenderer(form, answers, parent=self, mode=self.mode)
        renderer.answerChanged.connect(self._on_answer)
        if response_id:
            bind_drafts(self.ctx, renderer, response_id, key_scope=record_id)
        self.ctx.follow_saves(renderer, ("answers", record_id), renderer.mark_unsaved)
        self.renderer = renderer
        self._empty.hide()
        self._layout.addWidget(renderer)
        renderer.show()  # added to a shown widget, a child is otherwise shown only later
        self.rendererChanged.emit(renderer)
        return renderer

    def clear(self, message: str = "") -> None:
        self.flush()
        self._drop()
        self.record_id = None
        self.show_note("")
        self._empty.setText(message)
        self._empty.setVisible(bool(message))
        self.rendererChanged.emit(None)

    def _drop(self) -> None:
        if self.renderer is not None:
            self.renderer.answerChanged.disconnect(self._on_answer)
            self._layout.removeWidget(self.renderer)
            self.renderer.hide()
            self.renderer.deleteLater()
            self.renderer = None

    def _on_answer(self, key: str, value: Any) -> None:
        if self._save is not None:
            save = self._save
            if self.ctx.apply(lambda: save(key, value), key=("answers", self.record_id, key)) is not None:
                self.answerSaved.emit(key, value)

    def flush(self) -> None:
        if self.renderer is not None:
            self.renderer.flush()


class CompleteButton(QPushButton):
    """Marks the sheet shown in a FormHost complete (after checking its required answers) or
    back to draft; the step's progress in the side bar counts complete sheets."""

    noteChanged = Signal(str)  # « Terminée avec des manques : … », or "" (for a label beside it)

    def __init__(self, ctx: AppContext, host: FormHost, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.host = host
        self.note = ""
        self.response_id = ""
        self.status = "draft"
        self.clicked.connect(self.toggle)
        self.set_response("", "draft")

    def set_response(self, response_id: str, status: str, note: str | None = None) -> None:
        """`note`: the reason given when it was completed with questions missing (None: read it)."""
        self.response_id, self.status = response_id, status
        self.setEnabled(bool(response_id))
        if note is None and response_id and status == "complete":
            try:
                note = self.ctx.services.forms.get(response_id).status_comment
            except ServiceError:
                note = ""
        self.note = note or ""
        self.setText("Rouvrir la fiche" if status == "complete" else "✔  Marquer terminée")
        tip = (
            "Repasser la fiche en brouillon"
            if status == "complete"
            else "Vérifier ce qui manque et marquer la fiche comme terminée"
        )
        self.setToolTip(tip + ("\n" + completion_note_text(self.note) if self.note else ""))
        shown = completion_note_text(self.note) if status == "complete" else ""
        self.host.show_note(shown)
        self.noteChanged.emit(shown)

    def toggle(self) -> None:
        if not self.response_id or self.host.renderer is None:
            return
        rid = self.response_id
        if self.status == "complete":
            if set_status_undoable(self.ctx, rid, "draft") is not None:
                self.set_response(rid, "draft")
            return
        ok, note = ask_complete(self, self.host.renderer)
        if not ok:
            return
        if set_status_undoable(self.ctx, rid, "complete", note=note) is not None:
            self.set_response(rid, "complete", note)


def run_export(parent: QWidget, ctx: AppContext, evaluation_id: str) -> None:
    """Ask where to save, then write the fieldwork workbook in the background with progress."""

    folder = ctx.settings.get("export/folder") or QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation
    )
    suggested = str(Path(folder) / f"travail-de-terrain-{datetime.now():%Y-%m-%d}.xlsx")
    path, _ = QFileDialog.getSaveFileName(
        parent, "Exporter le travail de terrain", suggested, "Classeur Excel (*.xlsx)"
    )
    if not path:
        return
    ctx.settings.set("export/folder", str(Path(path).parent))
    export_to(parent, ctx, evaluation_id, Path(path))


def export_to(parent: QWidget, ctx: AppContext, evaluation_id: str, path: Path) -> None:
    dialog = QProgressDialog("Préparation de l'export…", "Annuler", 0, 7, parent)
    dialog.setWindowTitle("Export Excel")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    services = ctx.services

    def work(progress):
        return export_fieldwork_task(services, evaluation_id, path, progress)

    def progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)
        dialog.setLabelText(text)

    def done(summary) -> None:
        dialog.reset()
        dialog.close()
        QMessageBox.information(parent, "Export Excel", summary.text())

    def failed(exc: Exception) -> None:
        dialog.reset()
        dialog.close()
        from desktop_app.services.base import ServiceError
        from desktop_app.ui.tasks import Cancelled

        if isinstance(exc, Cancelled):
            return
        message = (
            str(exc) if isinstance(exc, ServiceError) else f"L'export a échoué ({exc.__class__.__name__})."
        )
        QMessageBox.warning(parent, "Export Excel", message)

    handle = ctx.tasks.run(work, on_done=done, on_error=failed, on_progress=progress, owner=dialog)
    dialog.canceled.connect(handle.cancel)


def export_fieldwork_task(services, evaluation_id: str, path: Path, progress):
    return services.terrain.export_workbook(evaluation_id, path, progress.report)
