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

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow


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


def import_files(window: QMainWindow, paths: list[str] | None = None) -> None:
    from desktop_app.ui.views.sync.importing import import_files as run_import

    run_import(window, paths)


def open_sync_dialog(window: QMainWindow) -> None:
    from desktop_app.ui.views.sync.dialogs import SyncDialog

    SyncDialog(window.ctx, window).exec()


def open_export_dialog(window: QMainWindow) -> None:
    from desktop_app.ui.views.sync.dialogs import ExportBundleDialog

    ExportBundleDialog(window.ctx, getattr(window, "evaluation_id", None), window).exec()


def open_conflicts(window: QMainWindow) -> None:
    from desktop_app.ui.views.sync.importing import open_conflicts as review

    review(window)


def open_keys(window: QMainWindow) -> None:
    from desktop_app.ui.views.sync.keys import KeysDialog

    KeysDialog(window.ctx, window).exec()


def open_centre(window: QMainWindow) -> None:
    from desktop_app.ui.views.sync.centre import ConsolidationWindow

    centre = ConsolidationWindow(window.ctx, window)
    centre.show()
    window._sync_centre = centre  # keep a reference while it is open
