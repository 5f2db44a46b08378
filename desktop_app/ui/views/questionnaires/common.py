"""Helpers shared by the questionnaires tabs: background work with a progress dialog, file
dialogs remembering the folder, small labels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog, QWidget

from desktop_app.services.base import ServiceError
from desktop_app.ui.tasks import Cancelled


def run_with_progress(
    parent: QWidget, ctx, title: str, work: Callable[[Any], Any], on_done: Callable[[Any], None],
    writes: bool = False, cancellable: bool = True,
) -> None:
    """Run `work(progress)` through the task runner with a modal progress dialog; errors shown in French."""
    dialog = QProgressDialog(title, "Annuler" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle("Questionnaires")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    state: dict[str, Any] = {}

    def progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        if text:
            dialog.setLabelText(text)

    def done(result: Any) -> None:
        dialog.close()
        on_done(result)

    def failed(exc: Exception) -> None:
        dialog.close()
        if isinstance(exc, Cancelled):
            return
        message = str(exc) if isinstance(exc, (ServiceError, OSError)) else (
            f"L'opération a échoué ({exc.__class__.__name__}). Les détails sont dans le journal de l'application.")
        QMessageBox.warning(parent, "Questionnaires", message)

    handle = ctx.tasks.run(work, on_done=done, on_error=failed, on_progress=progress, writes=writes, owner=dialog)
    state["handle"] = handle
    dialog.canceled.connect(handle.cancel)


def remembered_folder(ctx) -> str:
    folder = ctx.settings.get("export/folder")
    return folder if folder and Path(folder).is_dir() else str(Path.home())


def remember_folder(ctx, path: str | Path) -> None:
    p = Path(path)
    ctx.settings.set("export/folder", str(p if p.is_dir() else p.parent))


def muted(text: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(wrap)
    return label
