"""The main window: the welcome screen, or an evaluation as a path of steps in a side navigation.

It is drawn in two phases (see `ui/app.py`): the frame, the side navigation and the menus first,
with a "loading" page, before the database layer is even imported; then `attach(ctx)` once the
store is open. Nothing imported at module level may pull in SQLAlchemy or the services.
"""

from __future__ import annotations

import gc
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.core.steps import STEPS
from desktop_app.services.errors import Change, ServiceError
from desktop_app.ui.kit_versions import install_kit_actions
from desktop_app.ui.views.sync import install_sync_menu

if TYPE_CHECKING:  # the modules below are loaded by `attach`, after the window is shown
    from desktop_app.ui.context import AppContext
    from desktop_app.ui.settings import Settings
    from desktop_app.ui.views.welcome import WelcomeView

STATE_MARKS = {"a_faire": "○", "en_cours": "◐", "termine": "●", "hors_perimetre": "–"}
STATE_COLORS = {"a_faire": "#b8c4ce", "en_cours": "#f0b94b", "termine": "#7bd389", "hors_perimetre": "#6c7a86"}


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext | None = None, parent=None, settings: Settings | None = None):
        """With `ctx`, a ready window; without, the frame and a loading page until `attach(ctx)`."""
        super().__init__(parent)
        self.ctx: AppContext | None = None
        self.evaluation_id: str | None = None
        self.views: dict[str, QWidget] = {}
        self.welcome: WelcomeView | None = None
        self._states_running = False
        self._states = None  # the steps' states last shown (recounted from them after answers)
        self._states_changes: list = []  # saves since: None in it means "count everything"
        self.setWindowTitle("EvalKit Quartiers")
        self.resize(1360, 860)

        self.pages = QStackedWidget()
        self.loading = self._build_loading()
        self.pages.addWidget(self.loading)
        self.workspace: QWidget | None = None  # the side navigation and the steps: see attach()
        self.setCentralWidget(self.pages)

        self.save_label = QLabel("")
        self.save_label.setObjectName("saveStatus")
        self.statusBar().addPermanentWidget(self.save_label)
        self._build_menus()
        settings = ctx.settings if ctx is not None else settings
        geometry = settings.get("window/geometry") if settings is not None else None
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        if ctx is not None:
            self.attach(ctx)
        else:
            self._enable_actions(False)  # nothing to act on before the store is open

    def attach(self, ctx: AppContext, welcome: bool = True) -> None:
        """Second phase: the store is open; build what needs it and show the welcome screen
        (`welcome=False`: an evaluation opens at once; the welcome screen is built when asked for)."""
        self.ctx = ctx
        self.workspace = self._build_workspace()
        self.pages.addWidget(self.workspace)
        if welcome:
            self.pages.setCurrentWidget(self._ensure_welcome())
        ctx.saved.connect(self._on_saved)
        ctx.saveFailed.connect(self._on_save_failed)
        ctx.changed.connect(self._on_changed)
        for signal in (ctx.undo_stack.canUndoChanged, ctx.undo_stack.canRedoChanged,
                       ctx.undo_stack.undoTextChanged, ctx.undo_stack.redoTextChanged):
            signal.connect(self._update_undo_actions)
        self._enable_actions(True)
        self.statusBar().clearMessage()

    def _enable_actions(self, enabled: bool) -> None:
        for action in self.findChildren(QAction):  # menus and their shortcuts
            action.setEnabled(enabled)
        if enabled:
            pending, self._pending_shortcuts = self._pending_shortcuts, []
            for action, shortcut in pending:
                _set_shortcut(action, shortcut)
            self._update_undo_actions()

    def show_loading(self, text: str, busy: bool = True) -> None:
        """The page shown while the store opens; `busy=False` for a message that stays (a failure)."""
        self.loading_label.setText(text)
        self.loading_bar.setVisible(busy)
        self.pages.setCurrentWidget(self.loading)

    # -- layout --------------------------------------------------------------------------------
    def _build_loading(self) -> QWidget:
        page = QWidget()
        page.setObjectName("loadingPage")
        title = QLabel("EvalKit Quartiers")
        title.setStyleSheet("font-size: 26px; font-weight: 600; color: #1f3b57;")
        self.loading_label = QLabel("Ouverture…")
        self.loading_label.setStyleSheet("font-size: 14px; color: #4a5d6e;")
        self.loading_label.setWordWrap(True)
        self.loading_label.setMaximumWidth(640)
        bar = self.loading_bar = QProgressBar()
        bar.setRange(0, 0)  # busy: how long opening takes is not known in advance
        bar.setTextVisible(False)
        bar.setFixedWidth(320)
        bar.setAccessibleName("Ouverture en cours")
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        for widget in (title, self.loading_label, bar):  # centred by stretches on both sides
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(widget)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addStretch(3)
        return page

    def _build_workspace(self) -> QWidget:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton

        sidebar = QWidget()
        sidebar.setObjectName("stepsSidebar")  # not "sidebar": the name of QFileDialog's side panel
        sidebar.setFixedWidth(260)
        self.side_title = QLabel("")
        self.side_title.setObjectName("sidebarTitle")
        self.side_title.setWordWrap(True)
        self.side_subtitle = QLabel("")
        self.side_subtitle.setObjectName("sidebarSubtitle")
        self.side_subtitle.setWordWrap(True)
        self.steps = QListWidget()
        self.steps.setObjectName("steps")
        self.steps.setAccessibleName("Étapes de l'évaluation")
        for i, step in enumerate(STEPS, start=1):
            item = QListWidgetItem(f"{step.label}")
            item.setData(Qt.ItemDataRole.UserRole, step.id)
            item.setToolTip(f"{step.summary}\nRaccourci : Ctrl+{i}")
            self.steps.addItem(item)
        self.steps.currentItemChanged.connect(self._step_selected)
        home = QPushButton("← Accueil")
        home.setStyleSheet("QPushButton { color: #dfe7ee; background: transparent; border: 1px solid #44596b; }")
        home.clicked.connect(self.show_welcome)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 0, 0, 12)
        side.addWidget(self.side_title)
        side.addWidget(self.side_subtitle)
        side.addWidget(self.steps, 1)
        legend = QLabel("● terminé   ◐ en cours   ○ à faire")
        legend.setStyleSheet("color: #8fa0ae; padding: 4px 16px;")
        side.addWidget(legend)
        row = QHBoxLayout()
        row.setContentsMargins(16, 0, 16, 0)
        row.addWidget(home)
        side.addLayout(row)

        self.content = QStackedWidget()
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(sidebar)
        layout.addWidget(self.content, 1)
        return box

    def add_shortcut(self, action: QAction, shortcut) -> None:
        """Give `action` its shortcut once the window is attached: the first `setShortcut` makes
        PySide6 build Python enums for the whole Qt namespace (some 50 ms), which is kept out of
        the first phase of start-up; the actions are disabled until then anyway."""
        if self.ctx is not None:
            _set_shortcut(action, shortcut)
        else:
            self._pending_shortcuts.append((action, shortcut))

    def _build_menus(self) -> None:
        self._pending_shortcuts: list[tuple[QAction, object]] = []
        file_menu = self.menuBar().addMenu("&Fichier")
        for text, shortcut, slot in (
            ("&Nouvelle évaluation…", QKeySequence.StandardKey.New, self.new_evaluation),
            ("Ouvrir la &démonstration", None, self.open_demo),
            ("&Accueil", "Ctrl+H", self.show_welcome),
        ):
            action = QAction(text, self)
            if shortcut:
                self.add_shortcut(action, shortcut)
            action.triggered.connect(slot)
            file_menu.addAction(action)
        file_menu.addSeparator()
        install_kit_actions(self, file_menu)
        file_menu.addSeparator()
        quit_action = QAction("&Quitter", self)
        self.add_shortcut(quit_action, QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self._build_edit_menu()
        go_menu = self.menuBar().addMenu("&Aller à")
        for i, step in enumerate(STEPS, start=1):
            action = QAction(step.label, self)
            self.add_shortcut(action, f"Ctrl+{i}")
            action.triggered.connect(lambda _=False, s=step.id: self.show_step(s))
            go_menu.addAction(action)
        install_sync_menu(self)
        help_menu = self.menuBar().addMenu("&Aide")
        self.guide_action = QAction("&Guide d'utilisation", self)
        self.guide_action.triggered.connect(lambda: self.show_help("index.html"))
        help_menu.addAction(self.guide_action)
        self.screen_help_action = QAction("Aide sur cet &écran", self)
        self.add_shortcut(self.screen_help_action, "F1")
        self.screen_help_action.triggered.connect(lambda: self.show_help())
        help_menu.addAction(self.screen_help_action)
        help_menu.addSeparator()
        about = QAction("À &propos d'EvalKit Quartiers", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _build_edit_menu(self) -> None:
        """Édition: Annuler / Rétablir (the context's undo stack, once attached) and the Corbeille."""
        edit_menu = self.menuBar().addMenu("&Édition")
        self.undo_action = QAction("Annuler", self)
        self.add_shortcut(self.undo_action, QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(lambda: self.ctx.undo_stack.undo())
        self.redo_action = QAction("Rétablir", self)
        self.add_shortcut(self.redo_action, ["Ctrl+Y", "Ctrl+Shift+Z"])
        self.redo_action.triggered.connect(lambda: self.ctx.undo_stack.redo())
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.trash_action = QAction("&Corbeille…", self)
        self.trash_action.triggered.connect(self.show_trash)
        edit_menu.addAction(self.trash_action)

    def _update_undo_actions(self, *_args) -> None:
        stack = self.ctx.undo_stack if self.ctx is not None else None
        try:
            states = (
                (self.undo_action, "Annuler", stack is not None and stack.canUndo(), stack.undoText() if stack else ""),
                (self.redo_action, "Rétablir", stack is not None and stack.canRedo(), stack.redoText() if stack else ""),
            )
        except RuntimeError:  # the context is being destroyed (closing): nothing to show any more
            return
        for action, word, can, text in states:
            action.setEnabled(bool(can))
            action.setText(f"{word} {text}" if can and text else word)

    def show_trash(self) -> None:
        from desktop_app.ui.trash import TrashDialog

        if self.evaluation_id is None:
            QMessageBox.information(self, "Corbeille", "Ouvrez d'abord une évaluation : la corbeille est la sienne.")
            return
        self._flush_views()
        TrashDialog(self.ctx, self.evaluation_id, self).exec()

    # -- navigation ----------------------------------------------------------------------------
    def _ensure_welcome(self) -> WelcomeView:
        if self.welcome is None:
            from desktop_app.ui.views.welcome import WelcomeView

            self.welcome = WelcomeView(self.ctx)
            self.welcome.openRequested.connect(self.open_evaluation)
            self.welcome.newRequested.connect(self.new_evaluation)
            self.welcome.demoRequested.connect(self.open_demo)
            self.pages.insertWidget(0, self.welcome)
        return self.welcome

    def show_welcome(self) -> None:
        if self.ctx is None:
            return
        self._flush_views()
        welcome = self.welcome
        self._ensure_welcome()
        if welcome is not None:  # a new one has just read the evaluations
            self.welcome.refresh()
        self.pages.setCurrentWidget(self.welcome)
        self.setWindowTitle("EvalKit Quartiers")

    def open_evaluation(self, evaluation_id: str, step_id: str | None = None) -> None:
        try:
            summary = self.ctx.services.evaluations.get(evaluation_id)
            self.ctx.services.kits.get(summary.kit_id, summary.kit_version)
        except ServiceError as exc:
            QMessageBox.warning(self, "Ouverture impossible", str(exc))
            if self.pages.currentWidget() is self.loading:  # opened at start: the welcome screen instead
                self.show_welcome()
            return
        self._flush_views()
        if evaluation_id != self.evaluation_id:
            self.ctx.undo_stack.clear()  # what was done in another evaluation is not undone from this one
        for view in self.views.values():
            self.content.removeWidget(view)
            view.deleteLater()
        if self.views:
            gc.unfreeze()  # the screens thrown away (see show_step) can be collected again
        self.views.clear()
        self.evaluation_id = evaluation_id
        self.side_title.setText(summary.territory_name or summary.display_name)
        self.side_subtitle.setText(f"{summary.generation_label}\nKit {summary.kit_version}")
        self.setWindowTitle(f"{summary.display_name} — EvalKit Quartiers")
        self.ctx.settings.set("last_evaluation", evaluation_id)
        self.pages.setCurrentWidget(self.workspace)
        self._states = None
        self.refresh_states()
        self.show_step(step_id or self.ctx.settings.get("last_view") or "cadrage")
        self.ctx.tasks.when_idle(self._preload_steps)

    def _preload_steps(self) -> None:
        """Once the step shown has its data, import the other steps' screen modules, one per event
        loop pass on the GUI thread (15–30 ms each, the window answering between them; a worker
        thread could meet the GUI thread importing the same modules the other way round)."""
        from PySide6.QtCore import QTimer

        from desktop_app.ui.views.registry import preload

        waiting = [s.id for s in STEPS if s.id not in self.views]

        def next_one() -> None:
            if waiting:
                preload(waiting.pop(0))
                QTimer.singleShot(0, self, next_one)

        QTimer.singleShot(20, self, next_one)  # after what the idle moment was waited for (a benchmark's exit)

    def show_step(self, step_id: str) -> None:
        from PySide6.QtCore import Qt

        from desktop_app.ui.views.registry import make_view

        if self.evaluation_id is None:
            return
        if step_id not in self.views:
            view = make_view(self.ctx, self.evaluation_id, step_id)
            self.views[step_id] = view
            self.content.addWidget(view)
            # What exists now (modules, services, the screens) lives as long as the window: out of
            # the cycle collector's reach, its full passes stop walking it (40–100 ms each at
            # scale 100, on whichever thread allocated, the window waiting meanwhile).
            gc.freeze()
        self.content.setCurrentWidget(self.views[step_id])
        for i in range(self.steps.count()):
            if self.steps.item(i).data(Qt.ItemDataRole.UserRole) == step_id:
                if self.steps.currentRow() != i:
                    self.steps.blockSignals(True)
                    self.steps.setCurrentRow(i)
                    self.steps.blockSignals(False)
        self.ctx.settings.set("last_view", step_id)

    def _step_selected(self, current, _previous) -> None:
        from PySide6.QtCore import Qt

        if current is not None:
            self.show_step(current.data(Qt.ItemDataRole.UserRole))

    def refresh_states(self, change: Change | None = None) -> None:
        """Recount the steps' states (done, under way, to do) in a background task: at scale it
        reads every form's status, which must not hold up typing. Saves in a burst are coalesced:
        one count at a time, and one more after it for what changed meanwhile. After answers only
        (`change`), only what they can move is recounted (`progress.states_after`)."""
        if self.evaluation_id is None or self.ctx is None:
            return
        self._states_changes.append(change)
        self._count_states()

    def _count_states(self) -> None:
        from desktop_app.services.progress import states_after

        if self._states_running or not self._states_changes:
            return
        self._states_running = True
        eid, services = self.evaluation_id, self.ctx.services
        changes, self._states_changes = self._states_changes, []
        previous = None if None in changes else self._states

        def done(states) -> None:
            self._states_running = False
            if eid == self.evaluation_id:
                self._states = states
                self._show_states(states)
            self._count_states()  # what was saved meanwhile

        def failed(_exc) -> None:  # the sidebar keeps its last marks; the failure is in the log
            self._states_running = False
            self._states = None  # the next count is a whole one

        self.ctx.tasks.run(
            lambda _p: states_after(services, eid, changes, previous), on_done=done, on_error=failed, owner=self
        )

    def _show_states(self, states) -> None:
        from PySide6.QtCore import Qt

        for i in range(self.steps.count()):
            item = self.steps.item(i)
            sid = item.data(Qt.ItemDataRole.UserRole)
            st = states.get(sid)
            label = next(s.label for s in STEPS if s.id == sid)
            if st:
                item.setText(f"{STATE_MARKS[st.state]}  {label}")
                item.setToolTip(f"{label} — {st.label}{' (' + st.detail + ')' if st.detail else ''}")

    # -- actions -------------------------------------------------------------------------------
    def new_evaluation(self) -> None:
        from desktop_app.ui.views.welcome import NewEvaluationDialog

        dialog = NewEvaluationDialog(self)
        if dialog.exec():
            values = dialog.values()
            eid = self.ctx.apply(lambda: self.ctx.services.evaluations.create(**values))
            if eid:
                self.open_evaluation(eid, "cadrage")

    def open_demo(self) -> None:
        from PySide6.QtCore import Qt

        from desktop_app.demo.builder import DEMO_TITLE
        from desktop_app.demo.builder import build as create_demo

        for ev in self.ctx.services.evaluations.list():
            if ev.title == DEMO_TITLE:
                self.open_evaluation(ev.id)
                return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.statusBar().showMessage("Création de l'évaluation de démonstration…")

        def done(eid: str) -> None:
            QApplication.restoreOverrideCursor()
            self.statusBar().clearMessage()
            self.open_evaluation(eid, "cadrage")

        def failed(exc: Exception) -> None:
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, "Démonstration", f"La démonstration n'a pas pu être créée : {exc}")

        self.ctx.tasks.run(lambda _p: create_demo(self.ctx.services), on_done=done, on_error=failed, writes=True,
                           owner=self)

    def current_step(self) -> str | None:
        """The step shown, or None on the welcome (or loading) screen."""
        if self.workspace is None or self.pages.currentWidget() is not self.workspace:
            return None
        shown = self.content.currentWidget()
        return next((sid for sid, view in self.views.items() if view is shown), None)

    def show_help(self, page: str | None = None) -> None:
        """The user guide, at `page`, or at the page of the screen shown (F1). One window, kept
        open beside the application while the user works."""
        from desktop_app.ui.help import HelpDialog, page_for_screen

        page = page or page_for_screen(self.current_step())
        kit = None
        if self.ctx is not None:
            try:
                if self.evaluation_id is not None:
                    summary = self.ctx.services.evaluations.get(self.evaluation_id)
                    kit = self.ctx.services.kits.get(summary.kit_id, summary.kit_version)
                else:
                    kit = self.ctx.services.kits.bundled()
            except ServiceError:
                kit = None  # the guide still opens; its « Outils du kit » page says there is no kit
        dialog = getattr(self, "help_dialog", None)
        if dialog is None:
            dialog = self.help_dialog = HelpDialog(kit, page, self)
        else:
            dialog.browser.kit = kit
            dialog.show_page(page)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "À propos",
            f"<b>EvalKit Quartiers</b> {__version__}<br>Évaluer un contrat de ville avec le kit "
            "méthodologique du centre de ressources politique de la ville.",
        )

    # -- status --------------------------------------------------------------------------------
    def _on_saved(self, when: datetime) -> None:
        pending = self.ctx.pending_count() if self.ctx is not None else 0
        if pending:  # another save still waits for the database
            self.save_label.setStyleSheet("color: #c62828; font-weight: 600;")
            self.save_label.setText(f"⚠ {pending} modification{'s' if pending > 1 else ''} en attente d'enregistrement")
            return
        self.save_label.setStyleSheet("color: #2e7d32;")
        self.save_label.setText(f"✔ Enregistré à {when:%H:%M:%S}")

    def _on_save_failed(self, message: str) -> None:
        self.save_label.setStyleSheet("color: #c62828; font-weight: 600;")
        self.save_label.setText("⚠ Non enregistré")
        self.statusBar().showMessage(message, 15000)

    def _on_changed(self, change: Change) -> None:
        if change.evaluation_id == self.evaluation_id:
            self.refresh_states(change)
            if change.entity == "evaluation" and change.field in ("territory_name", "title", "generation"):
                summary = self.ctx.services.evaluations.get(self.evaluation_id)
                self.side_title.setText(summary.territory_name or summary.display_name)
                self.side_subtitle.setText(f"{summary.generation_label}\nKit {summary.kit_version}")

    def _save_pending(self) -> bool:
        """Before closing: the saves that failed (locked database...) are tried once more; if some
        still cannot be stored, the user chooses to wait and retry, quit anyway, or stay."""
        while not self.ctx.flush_pending():
            n = self.ctx.pending_count()
            what = f"{n} modifications n'ont pas pu être enregistrées" if n > 1 else "Une modification n'a pas pu être enregistrée"
            box = QMessageBox(QMessageBox.Icon.Warning, "Modifications non enregistrées",
                              f"{what} : la base de données est occupée (import en cours ou autre programme) "
                              "ou inaccessible. Réessayez dans un instant, ou quittez sans les enregistrer.", parent=self)
            retry = box.addButton("Réessayer", QMessageBox.ButtonRole.AcceptRole)
            quit_ = box.addButton("Quitter sans les enregistrer", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(retry)
            box.exec()
            if box.clickedButton() is quit_:
                return True
            if box.clickedButton() is not retry:
                return False
        return True

    def _flush_views(self) -> None:
        for view in self.views.values():
            flush = getattr(view, "flush", None)
            if flush:
                flush()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._flush_views()
        if self.ctx is not None:  # nothing to check before an evaluation is open (nor to import: 0.1 s)
            from desktop_app.ui.widgets.completion import confirm_close

            if not confirm_close(self, self.views, self.show_step) or not self._save_pending():
                event.ignore()
                return
            self.ctx.settings.set("window/geometry", bytes(self.saveGeometry()))
            self.ctx.settings.sync()
        super().closeEvent(event)


def _set_shortcut(action: QAction, shortcut) -> None:
    """One shortcut, or several (a list: the first is the one the menu shows)."""
    if isinstance(shortcut, list):
        action.setShortcuts([QKeySequence(k) for k in shortcut])
    else:
        action.setShortcut(shortcut)
