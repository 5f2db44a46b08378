"""What the sync screens share: running a sync task with a progress dialog, the message of a
failure, and reloading the window after an import. Below the dialogs, the centre and the keys
screens, so that none of them imports the package that builds the menu (no cycle)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog, QWidget

from desktop_app.services.errors import Change


def run_with_progress(
    parent: QWidget, ctx, title: str, fn: Callable[[Any], Any], on_done: Callable[[Any], None],
    on_error: Callable[[Exception], bool] | None = None,
) -> None:
    """Run `fn(progress)` through the task runner, with a modal progress dialog. A failure is
    shown in a message box, unless `on_error` returns True (it dealt with it)."""
    from PySide6.QtCore import Qt  # not at module level: the menu is built before the window shows

    dialog = QProgressDialog(title, "Annuler", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)

    def progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)
        if text:
            dialog.setLabelText(text)

    def done(result: Any) -> None:
        dialog.close()
        on_done(result)

    def failed(exc: Exception) -> None:
        dialog.close()
        if on_error is not None and on_error(exc):
            return
        QMessageBox.warning(parent, title, failure_message(exc))

    handle = ctx.tasks.run(lambda p: fn(lambda d, t, s: p.report(d, t, s)), on_done=done, on_error=failed, on_progress=progress, writes=True,
                           owner=dialog)
    dialog.canceled.connect(handle.cancel)


def failure_message(exc: Exception) -> str:
    from desktop_app.services.base import ServiceError

    if isinstance(exc, ServiceError):
        return str(exc)
    return f"L'opération a échoué ({exc.__class__.__name__}). Les détails sont dans le journal."


def reload_after_import(window: QMainWindow, evaluation_ids: set[str]) -> None:
    """Show the merged data: reload the open evaluation if it changed, refresh the welcome list."""
    ctx = window.ctx
    current = getattr(window, "evaluation_id", None)
    for eid in evaluation_ids:
        ctx.changed.emit(Change("sync", eid, eid))
    if current and current in evaluation_ids and hasattr(window, "open_evaluation"):
        window.open_evaluation(current, ctx.settings.get("last_view") or None)
    welcome = getattr(window, "welcome", None)
    if welcome is not None and hasattr(welcome, "refresh"):
        welcome.refresh()
