"""The Actions structurantes view: three tabs (Programmation, Grille de choix, Actions
retenues), import of the programmation and export of the step to Excel, both run in the
background behind a progress dialog. The actions and their grid are read in the background
("Chargement des actions…" meanwhile), once for all three tabs until something changes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.base import Change
from desktop_app.ui.views.actions.action_dialog import ActionDialog
from desktop_app.ui.views.actions.chosen_tab import ChosenTab
from desktop_app.ui.views.actions.grid_tab import GridTab
from desktop_app.ui.views.actions.import_dialog import ImportDialog
from desktop_app.ui.views.actions.import_result import ImportResultDialog
from desktop_app.ui.views.actions.programmation_tab import ProgrammationTab
from desktop_app.ui.views.actions.widgets import run_task, show_message
from desktop_app.ui.views.common import page_header
from desktop_app.ui.widgets.background import BackgroundLoad

LOADING = "Chargement des actions…"

ENTITIES = {"action", "action_score", "action_weight", "action_plan", "action_import"}
OTHER_INPUTS = {"qpv", "milestone", "evaluation"}  # Cadrage data shown here (filters, calendar)
PROG, GRID, CHOSEN = range(3)


class ActionsView(QWidget):
    def __init__(self, ctx, evaluation_id: str, parent=None):
        super().__init__(parent)
        self.ctx, self.evaluation_id = ctx, evaluation_id
        self.setObjectName("page")
        self._dirty = {PROG, GRID, CHOSEN}
        header = page_header(
            "Actions structurantes",
            "On ne peut pas tout évaluer : à partir de la programmation du contrat, choisissez avec la grille "
            "pondérée les quelques actions à évaluer en profondeur (outil 4), puis, pour chacune, ses questions "
            "évaluatives (outil 5) et sa méthode (outil 6).",
        )
        self.export_button = QPushButton("Exporter en Excel…")
        self.export_button.setToolTip("Programmation avec scores, classement, actions retenues, questions et méthode")
        self.export_button.clicked.connect(self.export)
        top = QHBoxLayout()
        top.addWidget(header, 1)
        top.addWidget(self.export_button)

        self.tabs = QTabWidget()
        # The Programmation tab (3,000 rows' table, its filters) is built when first shown: the
        # step opens on the grid when there are actions (see `programmation`).
        self._programmation: ProgrammationTab | None = None
        self._programmation_holder = QWidget()
        self.grid_tab = GridTab(ctx, evaluation_id)
        self.grid_tab.planRequested.connect(self.show_plan)
        self._chosen: ChosenTab | None = None  # built when first shown (see chosen_tab)
        self._chosen_holder = QWidget()
        self.tabs.addTab(self._programmation_holder, "Programmation")
        self.tabs.addTab(self.grid_tab, "Grille de choix")
        self.tabs.addTab(self._chosen_holder, "Actions retenues")
        self._data = None  # (actions, grid, options, qpv names) until the next change: tabs reuse them

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 16)
        layout.setSpacing(10)
        layout.addLayout(top)
        self.loading = QLabel(LOADING)
        self.loading.setObjectName("muted")
        self.loading.hide()
        layout.addWidget(self.loading)
        layout.addWidget(self.tabs, 1)
        self._loader = BackgroundLoad(self, ctx.tasks)
        self._keep_order = False
        self._loaded_once = False
        self._after_load: list = []  # what waits for the data being read (selecting a new action)
        ctx.watch(self, self._on_change)
        if ctx.services.actions.count(evaluation_id):
            self.tabs.setCurrentIndex(GRID)  # before loading: the grid is computed once, for its tab
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.refresh()

    @property
    def programmation(self) -> ProgrammationTab:
        """The Programmation tab, built on first use (in place, inside its tab)."""
        if self._programmation is None:
            layout = QVBoxLayout(self._programmation_holder)
            layout.setContentsMargins(0, 0, 0, 0)
            tab = ProgrammationTab(self._programmation_holder)
            tab.importRequested.connect(self.import_file)
            tab.addRequested.connect(self.add_action)
            tab.editRequested.connect(self.edit_action)
            tab.deleteRequested.connect(self.delete_action)
            layout.addWidget(tab)
            self._programmation = tab
        return self._programmation

    @property
    def chosen_tab(self) -> ChosenTab:
        """The Actions retenues tab, built on first use: its plan panel and calendar are a third of
        the screen's building, which the opening (on the grid) does not need."""
        if self._chosen is None:
            self._chosen = ChosenTab(self.ctx, self.evaluation_id)
            layout = QVBoxLayout(self._chosen_holder)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(self._chosen)
        return self._chosen

    # -- refresh -------------------------------------------------------------------------------
    def refresh(self, keep_order: bool = False) -> None:
        """Reload the current tab if its data changed (the others reload when shown)."""
        self._keep_order = self._keep_order or keep_order
        if self._data is None:
            if not self._loader.pending:
                self._load()
            return
        keep_order, self._keep_order = self._keep_order, False
        actions, grid, options, qpv_names = self._data
        self.tabs.setTabText(PROG, f"Programmation ({len(actions)})")
        self.tabs.setTabText(CHOSEN, f"Actions retenues ({len(grid.chosen)})")
        self.export_button.setEnabled(bool(actions))
        index = self.tabs.currentIndex()
        if index not in self._dirty:
            self._run_after_load()
            return
        self._dirty.discard(index)
        if index == PROG:
            self.programmation.set_data(actions, grid, options, qpv_names)
        elif index == GRID:
            self.grid_tab.set_grid(grid, options, keep_order=keep_order)
        else:
            self.chosen_tab.set_grid(grid)
        self._run_after_load()

    def _run_after_load(self) -> None:
        waiting, self._after_load = self._after_load, []
        for fn in waiting:
            fn()

    def when_loaded(self, fn) -> None:
        """Call `fn` now if the tabs show the current data, or once the load under way is done."""
        if self._data is None or self._loader.pending:
            self._after_load.append(fn)
        else:
            fn()

    def _load(self) -> None:
        """Read the actions and compute the grid off the GUI thread, then fill the current tab."""
        svc, eid = self.ctx.services.actions, self.evaluation_id

        def work(_progress):  # the filters' choices too: sorting 3,000 titles is no GUI work
            actions = svc.list(eid)
            return actions, svc.grid(eid, actions), svc.filter_options(eid, actions), svc.qpv_names(eid)

        def done(data) -> None:
            self.loading.hide()
            self._loaded_once = True
            self._data = data
            self.refresh()

        def failed(exc: Exception) -> None:
            self.loading.setText(f"Lecture des actions impossible : {exc}")

        self.loading.setText(LOADING)
        self.loading.setVisible(not self._loaded_once)  # nothing shown yet: say it loads (no flicker on saves)
        self._loader.run(work, done, failed)

    def _on_change(self, change: Change) -> None:
        if change.evaluation_id != self.evaluation_id:
            return
        if change.entity == "action_plan":
            if self._chosen is not None and self._chosen.panel.action_id == change.id:
                self._chosen.panel.refresh()
            return
        if change.entity not in ENTITIES | OTHER_INPUTS:
            return
        self._dirty = {PROG, GRID, CHOSEN}
        self._data = None
        self._loader.cancel()  # a load under way read the data before this change
        keep = change.entity in ("action_score", "action") and self.tabs.currentIndex() == GRID
        self.refresh(keep_order=keep)

    def show_plan(self, action_id: str) -> None:
        """Open a chosen action's questions and method."""
        self.tabs.setCurrentIndex(CHOSEN)
        self.when_loaded(lambda: self.chosen_tab.select(action_id))

    # -- import --------------------------------------------------------------------------------
    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Importer la programmation", getattr(self, "_import_dir", "") or str(Path.home()),
            "Tableurs (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;Tous les fichiers (*)",
        )
        if path:
            self._import_dir = str(Path(path).parent)
            self.import_path(path)

    def import_path(self, path: str, confirm=None) -> None:
        """Read the file in the background, show the preview, then import what was confirmed.
        `confirm(dialog) -> bool` replaces the dialog's exec() (tests)."""
        svc = self.ctx.services.actions

        def preview_ready(preview) -> None:
            dialog = ImportDialog(preview, self, deleted_keys=svc.deleted_natural_keys(self.evaluation_id))
            accepted = confirm(dialog) if confirm is not None else dialog.exec()
            if not accepted:
                return
            plans, restore = dialog.plans, dialog.restore_deleted_chosen()
            run_task(self, self.ctx, "Import de la programmation…",
                     lambda p: svc.import_file(self.evaluation_id, path, plans, p.report, restore_deleted=restore),
                     self._imported, writes=True, error_title="Import impossible")

        run_task(self, self.ctx, "Lecture du fichier…", lambda _p: svc.preview(path, require_header=False), preview_ready,
                 error_title="Import impossible")

    def _imported(self, report) -> None:
        self.ctx.saved.emit(datetime.now())
        self.ctx.changed.emit(Change("action_import", self.evaluation_id, self.evaluation_id))
        self.last_report = report
        self.last_message = report.summary()
        if report.added_action_ids or report.added_funding_ids or report.restored_action_ids:
            svc, eid = self.ctx.services.actions, self.evaluation_id
            self.ctx.push_done(f"l'import de « {report.filename} »",
                               lambda: svc.redo_import(eid, report), lambda: svc.undo_import(eid, report))
        dialog = ImportResultDialog(report, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_result_dialog = dialog
        dialog.open()

    # -- hand entry ----------------------------------------------------------------------------
    def _pillars(self) -> list[str]:
        if self._data is not None:
            return list(self._data[2].pillars)
        return list(self.ctx.services.actions.filter_options(self.evaluation_id).pillars)

    def add_action(self) -> None:
        dialog = ActionDialog(self._pillars(), None, self)
        accepted = dialog.exec()
        values = {**dialog.values(), **dialog.funding_values()} if accepted else None
        dialog.deleteLater()
        if values is None:
            return
        svc = self.ctx.services.actions
        change = self.ctx.apply(lambda: svc.add_action(self.evaluation_id, values))
        if change is not None:
            self.tabs.setCurrentIndex(PROG)
            self.when_loaded(lambda: self.programmation.select(change.id))

    def edit_action(self, action_id: str) -> None:
        svc = self.ctx.services.actions
        action = svc.get(action_id)
        dialog = ActionDialog(self._pillars(), action, self)
        accepted = dialog.exec()
        if accepted:
            funding_id = dialog.funding.id if dialog.funding else None
            values, funding = dialog.values(), dialog.funding_values()
        dialog.deleteLater()
        if accepted:
            self.ctx.apply(lambda: svc.edit_action(action_id, values, funding, funding_id))

    def delete_action(self, action_id: str) -> None:
        svc = self.ctx.services.actions
        action = svc.get(action_id)
        extra = "\nElle fait partie des actions retenues : sa fiche méthode sera supprimée aussi." if action.chosen else ""
        box = QMessageBox(QMessageBox.Icon.Question, "Supprimer l'action",
                          f"Supprimer « {action.title} » de la programmation ?{extra}", parent=self)
        delete = box.addButton("Supprimer", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is delete:
            self.ctx.apply_undoable(f"la suppression de l'action « {action.title} »",
                                    lambda: svc.delete_action(action_id), lambda: svc.restore_action(action_id))

    # -- export --------------------------------------------------------------------------------
    def export(self) -> None:
        summary = self.ctx.services.evaluations.get(self.evaluation_id)
        name = f"Actions structurantes — {summary.territory_name or summary.display_name}.xlsx".replace("/", "-")
        start = self.ctx.settings.get("export/folder")
        path, _ = QFileDialog.getSaveFileName(self, "Exporter en Excel", str(Path(start or Path.home()) / name),
                                              "Classeur Excel (*.xlsx)")
        if path:
            self.ctx.settings.set("export/folder", str(Path(path).parent))
            self.export_to(path)

    def export_to(self, path: str, quiet: bool = False) -> None:
        def done(result: Path) -> None:
            self.last_export = result
            if quiet:
                return
            box = show_message(self, "Export terminé", f"Classeur enregistré :\n{result}")
            open_button = box.addButton("Ouvrir le classeur", QMessageBox.ButtonRole.ActionRole)
            open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(result))))
            box.button(QMessageBox.StandardButton.Ok).setText("Fermer")

        run_task(self, self.ctx, "Export en Excel…",
                 lambda p: self.ctx.services.actions.export_workbook(self.evaluation_id, path, p.report), done,
                 error_title="Export impossible")

    def flush(self) -> None:
        if self._chosen is not None:
            self._chosen.flush()

    def settle(self) -> None:
        """Start any chart still waiting for a pause in the typing (before a screenshot)."""
        self.grid_tab.flush_chart()
