"""Synchronisation and the resource centre in the GUI: a "Synchronisation" menu on the main window.

`install_sync_menu(window)` is the only hook the main window calls. Its entries:
- « Synchroniser… »: the sync folder dialog (folder, last exchanges, Synchroniser);
- « Exporter les résultats… »: one evaluation to a `.evalkit` file, saying what is included;
- « Importer des résultats… »: one or more `.evalkit` files;
- « Conflits… »: the records changed on two machines, to resolve;
- « Postes et clés… »: this device's name and key fingerprint, the keys accepted from others;
- « Centre de ressources… »: the consolidated view of every evaluation of the database.
Long work runs through `ctx.tasks` with a progress dialog; after an import the open evaluation is
reloaded so its screens show the merged data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QProgressDialog, QWidget

from desktop_app.services.errors import Change


def install_sync_menu(window: QMainWindow) -> None:
    menu = window.menuBar().addMenu("S&ynchronisation")
    entries: list[tuple[str, str | None, Callable[[], None]]] = [
        ("&Synchroniser…", "Ctrl+Shift+S", lambda: open_sync_dialog(window)),
        ("&Exporter les résultats…", "Ctrl+Shift+E", lambda: open_export_dialog(window)),
        ("&Importer des résultats…", "Ctrl+Shift+I", lambda: import_files(window)),
        ("&Conflits…", None, lambda: open_conflicts(window)),
        ("&Postes et clés…", None, lambda: open_keys(window)),
        (None, None, None),
        ("Centre de &ressources…", None, lambda: open_centre(window)),
    ]
    for text, shortcut, slot in entries:
        if text is None:
            menu.addSeparator()
            continue
        action = QAction(text, window)
        if shortcut:
            window.add_shortcut(action, shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
    window.sync_menu = menu


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
        QMessageBox.warning(parent, title, _message(exc))

    handle = ctx.tasks.run(lambda p: fn(lambda d, t, s: p.report(d, t, s)), on_done=done, on_error=failed, on_progress=progress, writes=True,
                           owner=dialog)
    dialog.canceled.connect(handle.cancel)


def _message(exc: Exception) -> str:
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


def open_sync_dialog(window: QMainWindow) -> None:
    from desktop_app.ui.views.sync.dialogs import SyncDialog

    SyncDialog(window.ctx, window).exec()


def open_export_dialog(window: QMainWindow) -> None:
    from desktop_app.ui.views.sync.dialogs import ExportBundleDialog

    ExportBundleDialog(window.ctx, getattr(window, "evaluation_id", None), window).exec()


def import_files(window: QMainWindow, paths: list[str] | None = None) -> None:
    ctx = window.ctx
    if paths is None:
        start = ctx.settings.get("export/folder") or ""
        paths, _ = QFileDialog.getOpenFileNames(window, "Importer des résultats", start, "Résultats EvalKit (*.evalkit)")
    if not paths:
        return

    def done(results: list[dict]) -> None:
        from desktop_app.ui.views.sync.dialogs import import_summary

        reload_after_import(window, {r["evaluation_id"] for r in results})
        conflicts = ctx.services.sync.open_conflict_count()
        box = QMessageBox(QMessageBox.Icon.Information, "Import terminé", import_summary(results, conflicts), parent=window)
        review = box.addButton("Voir les conflits…", QMessageBox.ButtonRole.ActionRole) if conflicts else None
        box.addButton(QMessageBox.StandardButton.Ok)
        box.exec()
        if review is not None and box.clickedButton() is review:
            open_conflicts(window)

    def refused(exc: Exception) -> bool:  # a file signed by an unknown key: offer to accept its laptop
        from desktop_app.services.sync import UnknownSigner
        from desktop_app.ui.views.sync.keys import offer_new_laptop

        if not isinstance(exc, UnknownSigner):
            return False
        if offer_new_laptop(window, ctx, exc):
            import_files(window, paths)
        return True

    run_with_progress(window, ctx, "Import des résultats", lambda p: ctx.services.sync.import_bundles(paths, p), done, refused)


def open_conflicts(window: QMainWindow) -> None:
    from desktop_app.ui.views.sync.conflicts import ConflictsDialog

    dialog = ConflictsDialog(window.ctx, None, window)
    dialog.exec()
    if dialog.resolved:
        reload_after_import(window, dialog.resolved)


def open_keys(window: QMainWindow) -> None:
    from desktop_app.ui.views.sync.keys import KeysDialog

    KeysDialog(window.ctx, window).exec()


def open_centre(window: QMainWindow) -> None:
    from desktop_app.ui.views.sync.centre import ConsolidationWindow

    centre = ConsolidationWindow(window.ctx, window)
    centre.show()
    window._sync_centre = centre  # keep a reference while it is open
