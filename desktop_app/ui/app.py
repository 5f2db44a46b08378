"""The composition root of the GUI: crash handler, QApplication, services, context, main window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def build_context(services, settings_path: Path | None = None, tasks=None):
    from desktop_app.ui.context import AppContext
    from desktop_app.ui.settings import Settings
    from desktop_app.ui.tasks import TaskRunner

    return AppContext(services, Settings(settings_path), tasks or TaskRunner())


def install_french(app) -> None:
    """French for Qt's own texts (standard buttons, context menus) and French number/date formats."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_fr", "qt_fr"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            break


def run_gui(
    db: str | None = None,
    evaluation: str | None = None,
    view: str | None = None,
    screenshot: str | None = None,
    size: str = "1360x860",
    tool: str | None = None,
) -> int:
    from desktop_app.ui.crash import install_crash_handler

    install_crash_handler()  # before QApplication exists
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop_app import paths
    from desktop_app.services.app_services import Services
    from desktop_app.services.base import ServiceError
    from desktop_app.store.db import StoreError
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("EvalKit Quartiers")
    app.setOrganizationName("EvalKit")
    apply_style(app)
    install_french(app)

    def fail(message: str) -> int:
        print(f"Erreur : {message}", file=sys.stderr)
        if not screenshot and app.platformName() != "offscreen":
            QMessageBox.critical(None, "EvalKit Quartiers", message)
        return 1

    try:
        services = Services.open(db)
    except (StoreError, ServiceError) as exc:
        return fail(str(exc))
    ctx = build_context(services, paths.settings_path())
    window = MainWindow(ctx)
    try:
        if evaluation or (view and view != "accueil"):
            eid = services.evaluations.resolve(evaluation)
            window.open_evaluation(eid, view if view and view != "accueil" else None)
        elif not screenshot:
            last = ctx.settings.get("last_evaluation")
            if last and any(e.id == last for e in services.evaluations.list()):
                pass  # the welcome screen lists it first; reopening is one keystroke away
    except ServiceError as exc:
        services.close()
        return fail(str(exc))

    if tool:
        from desktop_app.ui.views.tool_preview import ToolPreviewWindow

        try:
            kit = services.kits.bundled()
            if window.evaluation_id:
                summary = services.evaluations.get(window.evaluation_id)
                kit = services.kits.get(summary.kit_id, summary.kit_version)
            kit.tool(tool)
        except (KeyError, ServiceError) as exc:
            services.close()
            return fail(str(exc).strip("'\""))
        window = ToolPreviewWindow(kit, tool)
    if screenshot:
        width, _, height = size.partition("x")
        window.resize(int(width), int(height))
        window.show()
        for _ in range(5):
            app.processEvents()
        for view in getattr(window, "views", {}).values():  # charts debounced behind a timer: start them now
            getattr(view, "settle", lambda: None)()
        for _ in range(3):  # a delivered result may start another background task (charts)
            ctx.tasks.wait(20000)
            for _ in range(3):
                app.processEvents()
        ok = window.grab().save(screenshot)
        window.close()
        services.close()
        if not ok:
            return fail(f"Impossible d'écrire la capture « {screenshot} ».")
        print(screenshot)
        return 0

    window.show()
    QTimer.singleShot(0, lambda: None)
    if os.environ.get("EVALKIT_QUIT_AFTER_SHOW"):  # benchmarks/run.py: start-up time to a shown window
        QTimer.singleShot(0, app.quit)
    code = app.exec()
    services.close()
    return code
