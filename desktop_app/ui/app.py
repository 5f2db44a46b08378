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
    """French for Qt's own texts (standard buttons, context menus, the file dialog) and French
    number/date formats. The French catalogue shipped with Qt lags behind its source texts:
    where a text gained a keyboard mnemonic (« &Look in: »), the translation of the text without
    it is used, with the mnemonic put back on the same letter when it has one."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_fr", "qt_fr"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            fallback = _mnemonic_fallback(translator, app)
            app.installTranslator(fallback)  # asked after the catalogue (installed last, asked first)
            app.installTranslator(translator)
            app._french_translators = (fallback, translator)  # kept alive with the application
            break


def _mnemonic_fallback(catalogue, parent):
    """A translator answering, for a source text with a mnemonic that `catalogue` does not know,
    the catalogue's translation of the text without it (mnemonic put back on the same letter)."""
    from PySide6.QtCore import QTranslator

    class MnemonicFallback(QTranslator):
        def isEmpty(self) -> bool:  # noqa: N802 (Qt naming)
            return False

        def translate(self, context, source, disambiguation=None, n=-1):
            # None, not "": Qt takes an empty text for a translation (and shows nothing)
            if not source or "&" not in source:
                return None
            letter = source[source.find("&") + 1 : source.find("&") + 2]
            text = catalogue.translate(context, source.replace("&", ""), disambiguation, n)
            if not text or "&" in text or not letter:
                return text or None
            at = text.find(letter)
            if at < 0:
                at = text.lower().find(letter.lower())
            return text[:at] + "&" + text[at:] if at >= 0 else text

    return MnemonicFallback(parent)


def open_store(db: str | None, evaluation: str | None = None, step: str | None = None):
    """Import the store and the services, open (and migrate) the database, find the evaluation
    to show and load its kit. Runs off the GUI thread at start-up; returns (services, id or None)."""
    from desktop_app.logging_setup import setup_logging
    from desktop_app.services.app_services import Services
    from desktop_app.services.progress import step_states  # noqa: F401  (loaded here, off the GUI thread)

    setup_logging()
    services = Services.open(db)
    try:
        eid = services.evaluations.resolve(evaluation) if (evaluation or step) else None
        if eid:
            summary = services.evaluations.get(eid)
            services.kits.get(summary.kit_id, summary.kit_version)
    except Exception:
        services.close()
        raise
    return services, eid


def describe_failure(exc: Exception) -> str:
    """The French message for a database or an evaluation that cannot be opened."""
    from desktop_app.services.errors import is_user_facing

    if is_user_facing(exc):
        return str(exc)
    log.error("opening failed", exc_info=exc)
    return f"Ouverture impossible ({exc.__class__.__name__}). Les détails sont dans le journal."


class Launch:
    """The two phases of an interactive start.

    `start()` shows the main window at once — frame, menus and a "loading" page — with nothing
    but Qt imported; a background task then imports the store and the services and opens the
    database (`open_store`), and the window is completed on the GUI thread (`MainWindow.attach`,
    then the evaluation asked for). `on_ready()` or `on_failed(message)` is called at the end.
    """

    def __init__(self, settings, tasks, db=None, evaluation=None, step=None, on_ready=None, on_failed=None):
        from desktop_app.ui.main_window import MainWindow

        self.settings, self.tasks = settings, tasks
        self.db, self.evaluation, self.step = db, evaluation, step
        self.on_ready, self.on_failed = on_ready, on_failed
        self.services = None
        self.error: str | None = None
        self.window = MainWindow(settings=settings)

    def start(self, open_now: bool = True) -> None:
        from PySide6.QtCore import QTimer

        self.window.show_loading("Ouverture de l'évaluation…" if self.evaluation or self.step else "Ouverture…")
        self.window.show()
        if open_now:  # after the first paint
            QTimer.singleShot(0, self._open)

    def _open(self) -> None:
        self.tasks.run(
            lambda _progress: open_store(self.db, self.evaluation, self.step),
            on_done=self._ready,
            on_error=self._failed,
            owner=self.window,
        )

    def _ready(self, result) -> None:
        from desktop_app.ui.context import AppContext

        self.services, eid = result
        self.window.attach(AppContext(self.services, self.settings, self.tasks), welcome=not eid)
        if eid:
            self.window.open_evaluation(eid, self.step)
        if self.on_ready:
            self.on_ready()

    def _failed(self, exc: Exception) -> None:
        self.error = describe_failure(exc)
        self.window.show_loading(self.error, busy=False)
        if self.on_failed:
            self.on_failed(self.error)

    def close(self) -> None:
        _dispose(self.window, self.tasks)
        if self.services is not None:
            self.services.close()
            self.services = None


def run_gui(
    db: str | None = None,
    evaluation: str | None = None,
    view: str | None = None,
    screenshot: str | None = None,
    size: str = "1360x860",
    tool: str | None = None,
) -> int:
    """Start the application: the window first, then the store (see `Launch`). Screenshots and
    the tool preview open everything first, synchronously."""
    from desktop_app.ui.crash import install_crash_handler

    install_crash_handler()  # before QApplication exists
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from desktop_app import paths
    from desktop_app.ui.icon import app_icon
    from desktop_app.ui.settings import Settings
    from desktop_app.ui.style import apply_style
    from desktop_app.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("EvalKit Quartiers")
    app.setOrganizationName("EvalKit")
    app.setWindowIcon(app_icon())
    apply_style(app)
    install_french(app)
    settings = Settings(paths.settings_path())
    tasks = TaskRunner()
    step = view if view and view != "accueil" else None

    def fail(message: str, parent=None) -> int:
        print(f"Erreur : {message}", file=sys.stderr)
        if not screenshot and app.platformName() != "offscreen":
            QMessageBox.critical(parent, "EvalKit Quartiers", message)
        return 1

    if screenshot or tool:
        try:
            services, eid = open_store(db, evaluation, step)
        except Exception as exc:
            return fail(describe_failure(exc))
        try:
            return _still_window(app, services, settings, tasks, eid, step, screenshot, size, tool, fail)
        finally:
            services.close()

    quit_after_show = bool(os.environ.get("EVALKIT_QUIT_AFTER_SHOW"))  # benchmarks: time to a shown window
    launch = Launch(
        settings,
        tasks,
        db,
        evaluation,
        step,
        # benchmarks: time until usable, i.e. the first step's background loads delivered too
        on_ready=lambda: os.environ.get("EVALKIT_QUIT_AFTER_READY") and _quit_when_idle(app, tasks),
        on_failed=lambda message: (fail(message, launch.window), app.exit(1)),
    )
    launch.start(open_now=not quit_after_show)
    if quit_after_show:
        QTimer.singleShot(0, app.quit)
    code = app.exec()
    launch.close()
    return code


def _quit_when_idle(app, tasks) -> None:
    """Quit once no background task is under way or waiting to be delivered (benchmarks)."""
    from PySide6.QtCore import QTimer

    tasks.when_idle(lambda: QTimer.singleShot(0, app.quit))


def _still_window(app, services, settings, tasks, eid, step, screenshot, size, tool, fail) -> int:
    """Screenshot (`--screenshot`) or tool preview (`--tool`): everything opened before showing."""
    from desktop_app.ui.context import AppContext
    from desktop_app.ui.main_window import MainWindow

    ctx = AppContext(services, settings, tasks)
    window = MainWindow(ctx)
    try:
        if eid:
            window.open_evaluation(eid, step)
        if tool:
            from desktop_app.ui.views.tool_preview import ToolPreviewWindow

            kit = services.kits.latest()  # the newest version on this computer, or the evaluation's
            if window.evaluation_id:
                summary = services.evaluations.get(window.evaluation_id)
                kit = services.kits.get(summary.kit_id, summary.kit_version)
            kit.tool(tool)
            window = ToolPreviewWindow(kit, tool)
    except KeyError as exc:
        return fail(str(exc).strip("'\""))
    except Exception as exc:
        return fail(describe_failure(exc))
    if not screenshot:
        window.show()
        code = app.exec()
        _dispose(window, tasks)
        return code
    width, _, height = size.partition("x")
    window.resize(int(width), int(height))
    window.show()
    for _ in range(5):
        app.processEvents()
    for view in getattr(window, "views", {}).values():  # charts debounced behind a timer: start them now
        getattr(view, "settle", lambda: None)()
    for _ in range(3):  # a delivered result may start another background task (charts)
        tasks.wait(20000)
        for _ in range(3):
            app.processEvents()
    ok = window.grab().save(screenshot)
    _dispose(window, tasks)
    if not ok:
        return fail(f"Impossible d'écrire la capture « {screenshot} ».")
    print(screenshot)
    return 0


def _dispose(window, tasks=None) -> None:
    """Close the window (its screens flush what is being typed), let the background tasks
    finish — a save's step count, a screen's load — and delete the widgets while Qt and Python are
    both whole, so that nothing still runs, or imports, once the store is closed and the
    interpreter shuts down."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    window.close()
    if tasks is not None:
        tasks.wait(30000)
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    if tasks is not None:
        tasks.wait(30000)
