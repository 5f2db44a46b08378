"""Importing result files from the window: the file dialog, the progress, the summary, the
offer to accept a laptop signed by an unknown key, and the conflicts to review."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from desktop_app.ui.views.sync.running import reload_after_import, run_with_progress


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
