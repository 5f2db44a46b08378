"""The commitments tracker tab (the kit's tool with the role `commitments`): the contract's commitments typed in the
table or imported from a list (.xlsx, .csv), their status, evidence and comment, a progress
summary, and the tracker's reference document and synthesis (form renderer)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, QStandardPaths, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.fieldwork import COMMITMENT_STATUSES, without_pages
from desktop_app.core.fieldwork_synthesis import fold, query_words
from desktop_app.services.base import ServiceError
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.terrain.commitments_model import (
    COLUMNS,
    CommitmentsModel,
    ProgressStrip,
    StatusDelegate,
)
from desktop_app.ui.views.terrain.shared import CompleteButton, FormHost
from desktop_app.ui.widgets.background import BackgroundLoad
from desktop_app.ui.widgets.form_style import dot_icon

LOADING = "Chargement des engagements…"


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.status: str | None = None
        self.pilot = ""
        self.query = ""
        self._words: list[str] = []
        self._pilot = ""

    def set_filter(self, status: str | None, pilot: str, query: str) -> None:
        """Set what rows pass (applied by `refresh`, or by the next reset of the model)."""
        self.status, self.pilot, self.query = status, pilot, query
        self._pilot, self._words = fold(pilot), query_words(query)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        if self.status is None and not self._pilot and not self._words:
            return True  # no filter: a thousand rows pass without any Python work on each
        c = self.sourceModel().rows[source_row]
        if self.status is not None and c.status != self.status:
            return False
        if self._pilot and fold(c.pilot) != self._pilot:
            return False
        if not self._words:
            return True
        haystack = fold(" ".join((c.number, c.title, c.pilot, c.evidence, c.comment)))
        return all(w in haystack for w in self._words)

    def refresh(self) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+
            self.beginFilterChange()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self.invalidateRowsFilter()


class CommitmentsTab(QWidget):
    """The commitments tracker; the list and its summary are read in the background
    (« Chargement des engagements… » the first time); `loaded` is emitted once they are shown."""

    loaded = Signal()

    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None, load: bool = True):
        """`load=False`: the owner starts the first read (`reload`) once the whole screen is built."""
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self._loader = BackgroundLoad(self, ctx.tasks)
        self._after_load: list = []  # what waits for the list being read (selecting a new row)
        self.summary_data = None  # the CommitmentSummary shown, once read
        self._rows: list = []  # the commitments read; in the table once the tab is shown
        self._table_stale = False  # rows read while the tab was hidden, not in the table yet
        self._tracker_exists: bool | None = None  # the tracker's own sheet exists (read with the list)
        self._sheet_checked = False  # the tracker's sheet is looked at when the tab is first shown

        self.strip = ProgressStrip()
        self.summary = QLabel()
        self.summary.setObjectName("overview")
        self.summary.setWordWrap(True)

        add = QPushButton("+ Ajouter un engagement")
        add.setObjectName("primary")
        add.setToolTip("Nouvelle ligne (Ctrl+Entrée)")
        add.clicked.connect(self.add_commitment)
        imp = QPushButton("Importer une liste…")
        imp.setToolTip(
            "Lire les engagements d'un fichier Excel (.xlsx) ou CSV : une ligne par engagement, "
            "avec au moins une colonne « Intitulé »"
        )
        imp.clicked.connect(self.choose_import)
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.clicked.connect(self.delete_selected)
        self.status_filter = QComboBox()
        self.status_filter.addItem("Tous les statuts", None)
        for value, (label, color) in COMMITMENT_STATUSES.items():
            self.status_filter.addItem(dot_icon(color), label, value)
        self.status_filter.addItem(dot_icon("#c5ccd3"), "À renseigner", "")
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.pilot_filter = QComboBox()
        self.pilot_filter.currentIndexChanged.connect(self._apply_filter)
        for combo in (self.status_filter, self.pilot_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        self.search = QLineEdit()
        self.search.setMinimumWidth(120)
        self.search.setPlaceholderText("Rechercher un engagement…")
        self.search.setAccessibleName("Rechercher un engagement")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._apply_filter)
        tools = QHBoxLayout()
        tools.addWidget(add)
        tools.addWidget(imp)
        tools.addSpacing(12)
        tools.addWidget(self.status_filter)
        tools.addWidget(self.pilot_filter)
        tools.addWidget(self.search, 1)
        tools.addWidget(self.delete_button)

        self.model = CommitmentsModel(self._edit, self, on_draft=self._save_draft)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("commitments")
        self.table.setAccessibleName("Engagements du contrat")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setItemDelegateForColumn(3, StatusDelegate(self.table))
        for i, (_key, _label, width) in enumerate(COLUMNS):
            self.table.setColumnWidth(i, width)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        QShortcut(QKeySequence("Ctrl+Return"), self, self.add_commitment)

        table_page = QWidget()
        tl = QVBoxLayout(table_page)
        tl.setContentsMargins(10, 10, 10, 10)
        tl.addLayout(tools)
        tl.addWidget(self.table, 1)
        tl.addWidget(self.count_label)

        self.sheet = FormHost(ctx, mode="scroll")
        self.complete = CompleteButton(ctx, self.sheet)
        self.complete.setStyleSheet("QPushButton { padding: 2px 10px; margin-bottom: 2px; }")
        self.tabs = QTabWidget()
        self.tabs.addTab(table_page, "Tableau des engagements")
        self.tabs.addTab(self.sheet, "Document de référence et synthèse")
        self.tabs.setCornerWidget(self.complete, Qt.Corner.TopRightCorner)
        self.tabs.currentChanged.connect(self._tab_changed)

        top = QVBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.strip)
        top.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        if load:
            self.reload()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        if self._table_stale:
            self._fill_table()
        if not self._sheet_checked:
            self._sheet_checked = True
            self._tab_changed(self.tabs.currentIndex())

    # -- data ----------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the commitments and their summary in the background, then show them."""
        commitments_service = self.ctx.services.commitments
        eid = self.evaluation_id

        def failed(exc: Exception) -> None:
            self._after_load.clear()
            self.count_label.setText(f"Lecture des engagements impossible : {exc}")
            self.loaded.emit()  # the read is over (the step's screen waits for it)

        if self.summary_data is None:  # the first time
            self.count_label.setText(LOADING)

        def work(_progress):
            tracker = commitments_service.has_commitments_sheet(eid)
            rows = commitments_service.commitments(eid)
            return (rows, commitments_service.commitment_summary(eid, rows), tracker,
                    self._read_drafts(eid) if tracker else {})

        self._loader.run(work, self._show_rows, failed)

    # -- drafts: a deadline typed that is not a date, kept with the tracker's sheet as « @<id>.<key> »
    DRAFT_PREFIX = "@"

    def _read_drafts(self, eid: str) -> dict[tuple[str, str], str]:
        svc = self.ctx.services.commitments
        found = self.ctx.services.forms.find(eid, svc.commitments_tool(eid), "commitments")
        out = {}
        for key, text in (found[0].drafts if found else {}).items():
            if key.startswith(self.DRAFT_PREFIX) and "." in key:
                cid, field = key[len(self.DRAFT_PREFIX):].rsplit(".", 1)
                out[(cid, field)] = text
        return out

    def _save_draft(self, commitment_id: str, key: str, text: str | None) -> None:
        svc, forms, eid = self.ctx.services.commitments, self.ctx.services.forms, self.evaluation_id
        draft_key = f"{self.DRAFT_PREFIX}{commitment_id}.{key}"
        self.ctx.apply(lambda: forms.set_draft(svc.commitments_response(eid).id, draft_key, text),
                       key=("commitment", commitment_id, key))
        self._mark_table()

    def _mark_table(self) -> None:
        from desktop_app.ui.widgets.completion import mark_tab

        mark_tab(self.tabs, self.tabs.widget(0), bool(self.model.drafts))

    def fields_to_correct(self) -> list[tuple[str, str]]:
        """(key, French line) of every deadline kept « à corriger » (the window's closing check)."""
        label = dict((k, lab) for k, lab, _w in COLUMNS)
        out = []
        for c in self._rows:
            for (cid, key), text in self.model.drafts.items():
                if cid == c.id:
                    name = f"n° {c.number}" if c.number else f"« {c.title} »"
                    out.append((f"{cid}.{key}", f"Engagement {name}, « {label.get(key, key)} » "
                                f"(saisi : « {text} ») : {self.model.draft_message(cid, key)}"))
        return out

    def go_to_field(self, key: str) -> None:
        cid, field = key.rsplit(".", 1)
        self.tabs.setCurrentIndex(0)
        column = next((i for i, (k, _l, _w) in enumerate(COLUMNS) if k == field), 1)
        self.select(cid, column)
        self.table.setFocus()

    def _show_rows(self, data) -> None:
        self._rows, summary, self._tracker_exists, drafts = data
        self.model.drafts = {k: v for k, v in drafts.items() if any(c.id == k[0] for c in self._rows)}
        self._mark_table()
        self._show_summary(summary)
        if self.isVisible():
            self._fill_table()
        else:
            self._table_stale = True  # a thousand rows at scale: in the table when the tab is shown
            self._show_count(len(self._rows), len(self._rows))
        waiting, self._after_load = self._after_load, []
        for fn in waiting:
            fn()
        self.loaded.emit()

    def _fill_table(self) -> None:
        self._table_stale = False
        rows = self._rows
        current = self._current_id()
        pilots = sorted({c.pilot for c in rows if c.pilot}, key=fold)
        chosen = self.pilot_filter.currentData()
        self.pilot_filter.blockSignals(True)
        self.pilot_filter.clear()
        self.pilot_filter.addItem("Tous les pilotes", "")
        for pilot in pilots:
            self.pilot_filter.addItem(pilot, pilot)
        self.pilot_filter.setCurrentIndex(max(self.pilot_filter.findData(chosen), 0))
        self.pilot_filter.blockSignals(False)
        self._set_filter()
        self.model.set_rows(rows)  # filtered once, by the model's reset
        self._show_count(self.proxy.rowCount(), self.model.rowCount())
        if current:
            self.select(current)

    def _show_summary(self, summary=None) -> None:
        if summary is None:
            summary = self.ctx.services.commitments.commitment_summary(self.evaluation_id)
        self.summary_data = summary
        self.strip.set_summary(summary)
        self.summary.setText(summary.text())

    def _set_filter(self) -> None:
        self.proxy.set_filter(
            self.status_filter.currentData(), self.pilot_filter.currentData() or "", self.search.text()
        )

    def _apply_filter(self, *_args) -> None:
        self._set_filter()
        self.proxy.refresh()
        self._show_count(self.proxy.rowCount(), self.model.rowCount())

    def _show_count(self, shown: int, total: int) -> None:
        self.count_label.setText(
            f"{total} engagement{'s' if total > 1 else ''}"
            if shown == total
            else f"{shown} affiché(s) sur {total}"
        )
        self.delete_button.setEnabled(shown > 0)

    def _tab_changed(self, index: int) -> None:
        """Load the tracker's sheet: created when its tab is first opened, loaded at once when it
        exists (so it can be marked complete from either tab)."""
        commitments_service = self.ctx.services.commitments
        forms = self.ctx.services.forms
        if self.sheet.renderer is not None:
            return
        exists = self._tracker_exists
        if exists is None and index != 1:
            exists = commitments_service.has_commitments_sheet(self.evaluation_id)
        if index == 1 or exists:
            response = commitments_service.commitments_response(self.evaluation_id)
            form = commitments_service.form(self.evaluation_id, commitments_service.commitments_tool(self.evaluation_id))
            # the list is edited in the table of the other tab
            form = without_pages(form, [p.id for p in form.pages if any(f.role == "commitment_rows" for f in p.fields)])
            rid = response.id
            self.sheet.show_form(rid, form, response.answers, lambda k, v: forms.set_answer(rid, k, v), response_id=rid)
            self.complete.set_response(rid, response.status)

    def _current_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_id(self.proxy.mapToSource(index).row())

    def select(self, commitment_id: str, column: int = 1) -> None:
        if self._loader.pending:  # once the list being read is there
            self._after_load.append(lambda: self.select(commitment_id, column))
            return
        if self._table_stale:
            self._fill_table()
        for r in range(self.model.rowCount()):
            if self.model.row_id(r) == commitment_id:
                index = self.proxy.mapFromSource(self.model.index(r, column))
                if index.isValid():
                    self.table.setCurrentIndex(index)
                    self.table.scrollTo(index)
                return

    # -- edits ---------------------------------------------------------------------------------
    def _edit(self, commitment_id: str, key: str, value) -> bool:
        fw = self.ctx.services.commitments
        if key == "status":  # a status change can be taken back (Édition › Annuler)
            old = next((c for c in self.model.rows if c.id == commitment_id), None)
            before = old.status if old is not None else ""
            ok = self.ctx.apply_undoable(
                f"le statut de l'engagement n° {old.number if old is not None and old.number else '?'}",
                lambda: fw.update_commitment(commitment_id, key, value),
                lambda: fw.update_commitment(commitment_id, key, before)) is not None
        else:
            ok = self.ctx.apply(lambda: fw.update_commitment(commitment_id, key, value)) is not None
        if ok and key == "status":
            self._show_summary()
        return ok

    def add_commitment(self) -> None:
        commitments_service = self.ctx.services.commitments
        change = self.ctx.apply(lambda: commitments_service.add_commitment(self.evaluation_id))
        if change is None:
            return
        self.status_filter.setCurrentIndex(0)
        self.pilot_filter.setCurrentIndex(0)
        self.search.clear()
        self.reload()
        self.tabs.setCurrentIndex(0)
        self.select(change.id)
        self.table.setFocus()
        self.table.edit(self.table.currentIndex())

    def delete_selected(self) -> None:
        cid = self._current_id()
        if cid is None:
            return
        c = next(x for x in self.model.rows if x.id == cid)
        answer = QMessageBox.question(
            self,
            "Supprimer",
            f"Supprimer l'engagement n° {c.number or '?'} « {c.title[:80]} » ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            fw = self.ctx.services.commitments
            if self.ctx.apply_undoable(f"la suppression de l'engagement n° {c.number or '?'}",
                                       lambda: fw.delete_commitment(cid), lambda: fw.restore_commitment(cid)):
                self.reload()

    def choose_import(self) -> None:
        start = self.ctx.settings.get("export/folder") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Importer la liste des engagements",
            start,
            "Listes (*.xlsx *.xlsm *.csv *.txt);;Classeur Excel (*.xlsx);;CSV (*.csv)",
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Import in the background with progress; a bad file imports nothing and says why."""
        commitments_service = self.ctx.services.commitments
        eid = self.evaluation_id
        dialog = QProgressDialog("Lecture du fichier…", "Annuler", 0, 3, self)
        dialog.setWindowTitle("Import des engagements")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)

        def work(progress):
            return commitments_service.import_commitments(eid, path, progress.report)

        def progress(done: int, total: int, text: str) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)
            dialog.setLabelText(text)

        def done(report) -> None:
            dialog.reset()
            from datetime import datetime

            from desktop_app.services.base import Change

            self.ctx.saved.emit(datetime.now())
            self.ctx.changed.emit(Change("commitment", "", eid))
            self.reload()
            QMessageBox.information(self, "Import des engagements", f"« {path.name} » : {report.text()}")

        def failed(exc: Exception) -> None:
            dialog.reset()
            message = (
                str(exc)
                if isinstance(exc, ServiceError)
                else f"L'import a échoué ({exc.__class__.__name__})."
            )
            QMessageBox.warning(self, "Import des engagements", message)

        handle = self.ctx.tasks.run(work, on_done=done, on_error=failed, on_progress=progress, writes=True, owner=self)
        dialog.canceled.connect(handle.cancel)

    def flush(self) -> None:
        self.sheet.flush()

    def count(self) -> int:
        return len(self._rows)
