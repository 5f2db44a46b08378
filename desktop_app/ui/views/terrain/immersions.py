"""The immersions tab: visits recorded with `fiche-immersion`, grouped by theme, each with its
photos and documents, optionally tied to a working group. The list is read in the background
(« Chargement des immersions… » the first time); `loaded` is emitted once it is shown."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.fieldwork import IMMERSIONS_PER_THEME, plain_label
from desktop_app.core.identifiers import format_date_fr
from desktop_app.services.fieldwork_terrain import ImmersionData
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.terrain.attachments import AttachmentsPanel
from desktop_app.ui.views.terrain.shared import Coalescer, CompleteButton, FormHost, record_head, status_icon
from desktop_app.ui.widgets.background import BackgroundLoad
from desktop_app.ui.widgets.splitters import remember_sizes

ROLE_ID = Qt.ItemDataRole.UserRole
LOADING = "Chargement des immersions…"
EMPTY = "Aucune immersion pour l'instant.\nCliquez sur « Nouvelle immersion » après une visite de terrain."


def _date_fr(iso: str) -> str:
    try:
        return format_date_fr(iso) if iso else ""
    except ValueError:
        return iso


class ImmersionsTab(QWidget):
    loaded = Signal()  # the list shown is the one just read

    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None, load: bool = True):
        """`load=False`: the owner starts the first read (`reload`) once the whole screen is built."""
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.current_id: str | None = None
        self.rows: list[ImmersionData] = []
        self.groups: list = []  # the working groups an immersion may be tied to, read with the list
        self._loader = BackgroundLoad(self, ctx.tasks)
        self._pending_select: str | None = None  # asked for while the list was being read
        self._prefetched: tuple | None = None  # (id, form, answers, files) of the sheet to show, read with the list

        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Immersions")
        self.tree.setObjectName("recordTree")
        self.tree.currentItemChanged.connect(self._selected)
        add = QPushButton("+ Nouvelle immersion")
        add.setObjectName("primary")
        add.clicked.connect(self.new_immersion)
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.clicked.connect(self.delete_current)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.delete_button)
        left.addLayout(buttons)
        left_box = QWidget()
        left_box.setLayout(left)

        self.title = QLabel()
        self.title.setObjectName("recordTitle")
        self.title.setWordWrap(True)
        self.title.setMinimumWidth(120)
        self.meta = QLabel()
        self.meta.setObjectName("recordMeta")
        self.meta.setWordWrap(True)
        self.group = QComboBox()
        self.group.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.group.setMinimumContentsLength(16)
        self.group.activated.connect(self._group_changed)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.meta)
        group_row = record_head(titles, self.group)
        self.sheet = FormHost(ctx, mode="pages")
        self.complete = CompleteButton(ctx, self.sheet)
        self._refresher = Coalescer(self.reload, parent=self)
        self.sheet.answerSaved.connect(lambda _k, _v: self._refresher.request())
        self.photos = AttachmentsPanel(ctx, "documents")
        self.photos.countChanged.connect(
            lambda n: self.tabs.setTabText(1, f"Photos et documents ({n})" if n else "Photos et documents")
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self.sheet, "Fiche immersion")
        self.tabs.addTab(self.photos, "Photos et documents")
        self.complete.setStyleSheet("QPushButton { padding: 2px 10px; margin-bottom: 2px; }")
        self.tabs.setCornerWidget(self.complete, Qt.Corner.TopRightCorner)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(group_row)
        right.addWidget(self.tabs, 1)
        self.editor = QWidget()
        self.editor.setLayout(right)
        self.empty = QLabel(LOADING)
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        splitter = QSplitter()
        splitter.addWidget(left_box)
        self.right = QStackedWidget()
        self.right.addWidget(self.editor)
        self.right.addWidget(self.empty)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([270, 800])
        remember_sizes(splitter, "terrain/immersions")
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(splitter)
        self.right.setCurrentWidget(self.empty)
        if load:
            self.reload()

    def reload(self) -> None:
        """Read the immersions in the background, then show them."""
        terrain_service = self.ctx.services.terrain
        workshops_service = self.ctx.services.workshops
        eid = self.evaluation_id

        forms, files = self.ctx.services.forms, self.ctx.services.attachments
        wanted = self._pending_select or self.current_id

        def work(_progress):
            rows = terrain_service.immersions(eid)
            # the sheet that will be shown (the one shown, or the first), read here rather than on the GUI thread
            target = next((i for i in rows if i.id == wanted), rows[0] if rows else None)
            prefetched = None
            if target is not None:
                prefetched = (
                    target.id,
                    terrain_service.immersion_form(eid),
                    forms.get(target.response_id).answers,
                    files.list(eid, target.id),
                )
            data = (rows, terrain_service.labels(eid), terrain_service.attachment_counts(eid), workshops_service.working_group_choices(eid))
            return data, prefetched

        def failed(exc: Exception) -> None:
            self.empty.setText(f"Lecture des immersions impossible : {exc}")

        self._loader.run(work, self._fill, failed)

    def _fill(self, result) -> None:
        data, self._prefetched = result
        self.rows, labels, counts, self.groups = data
        first_sheet = self.current_id is None and bool(self.rows) and self._pending_select is None
        if not first_sheet:  # else « Chargement… » stays until the first sheet opens
            self.empty.setText(EMPTY)
        self.tree.blockSignals(True)
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        themes: dict[str, list[ImmersionData]] = {}
        for imm in self.rows:
            themes.setdefault(imm.theme_label or "Thème à préciser", []).append(imm)
        group_labels = {value: label for value, label in labels.group_themes}
        for theme, items in themes.items():
            grouped = any(i.theme in group_labels for i in items)
            count = f"{len(items)}/{IMMERSIONS_PER_THEME}" if grouped else str(len(items))
            top = QTreeWidgetItem(self.tree, [f"{plain_label(theme)} ({count})"])
            note = f", objectif {IMMERSIONS_PER_THEME} par thème de groupe de travail" if grouped else ""
            top.setToolTip(0, f"{plain_label(theme)} : {len(items)} immersion(s){note}")
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for imm in items:
                n = counts.get(imm.id, 0)
                item = QTreeWidgetItem(top, [imm.display_name])
                item.setData(0, ROLE_ID, imm.id)
                item.setIcon(0, status_icon(imm.answered, imm.questions, imm.status == "complete"))
                tip = f"{imm.display_name}\n{imm.answered}/{imm.questions} réponses"
                item.setToolTip(0, tip + (f"\n{n} photo(s) ou document(s)" if n else ""))
            top.setExpanded(True)
        self.tree.blockSignals(False)
        target, self._pending_select = self._pending_select, None
        if target is not None and any(i.id == target for i in self.rows):
            self.select(target)
            self.delete_button.setEnabled(True)
        elif first_sheet:  # the list drawn first, the first sheet at the next pass
            self.ctx.tasks.next_pass(self._open_first, owner=self)
            self.loaded.emit()
            return
        else:
            self._reselect()
        self._prefetched = None  # only for the sheet shown with the list
        self.loaded.emit()

    def _open_first(self) -> None:
        self.empty.setText(EMPTY)
        if self.current_id is None:
            self._reselect()
        self._prefetched = None  # only for the sheet shown with the list

    def _reselect(self) -> None:
        target = self.current_id
        first = None
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                item = top.child(j)
                first = first or item
                if item.data(0, ROLE_ID) == target:
                    self.tree.blockSignals(True)
                    self.tree.setCurrentItem(item)
                    self.tree.blockSignals(False)
                    self._show_header()
                    return
        if first is not None:
            self.tree.setCurrentItem(first)
        else:
            self.current_id = None
            self.sheet.clear()
            self.right.setCurrentWidget(self.empty)
        self.delete_button.setEnabled(first is not None)

    def _selected(self, item: QTreeWidgetItem | None, _prev=None) -> None:
        if item is None or not item.data(0, ROLE_ID):
            return
        self.select(item.data(0, ROLE_ID))

    def select(self, immersion_id: str) -> None:
        if self._loader.pending:  # shown once the list being read is there
            self._pending_select = immersion_id
            return
        imm = next((i for i in self.rows if i.id == immersion_id), None)
        if imm is None:
            return
        if immersion_id != self.current_id or self.sheet.renderer is None or self.sheet.record_id != immersion_id:
            self.sheet.flush()
            self.current_id = immersion_id
            terrain_service = self.ctx.services.terrain
            forms = self.ctx.services.forms
            rid = imm.response_id
            prefetched = self._prefetched
            if prefetched is not None and prefetched[0] == imm.id:
                _id, form, answers, files = prefetched
            else:
                form = terrain_service.immersion_form(self.evaluation_id)
                answers = forms.get(rid).answers
                files = None  # read by the panel
            self.sheet.show_form(imm.id, form, answers, lambda k, v: forms.set_answer(rid, k, v), response_id=rid)
            self.photos.set_owner(self.evaluation_id, "immersion", imm.id, files)
            self.tabs.setCurrentIndex(0)
        self.right.setCurrentWidget(self.editor)
        self._show_header()
        self._reselect_quiet(immersion_id)

    def _reselect_quiet(self, immersion_id: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                if top.child(j).data(0, ROLE_ID) == immersion_id and self.tree.currentItem() is not top.child(
                    j
                ):
                    self.tree.blockSignals(True)
                    self.tree.setCurrentItem(top.child(j))
                    self.tree.blockSignals(False)

    def _show_header(self) -> None:
        imm = next((i for i in self.rows if i.id == self.current_id), None)
        if imm is None:
            return
        self.title.setText(imm.structure or "Immersion sans nom")
        self.complete.set_response(imm.response_id, imm.status)
        self.meta.setText(
            "  ·  ".join(x for x in (_date_fr(imm.date), plain_label(imm.theme_label), imm.qpv) if x)
        )
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem("— aucun —", "")
        for g in self.groups:
            self.group.addItem(plain_label(g.theme_label), g.series_id)
        self.group.setCurrentIndex(max(self.group.findData(imm.series_id), 0))
        self.group.blockSignals(False)

    def _group_changed(self, _index: int) -> None:
        if self.current_id:
            terrain_service = self.ctx.services.terrain
            rid, series = self.current_id, self.group.currentData()
            self.ctx.apply(lambda: terrain_service.set_series(rid, series))

    def new_immersion(self) -> None:
        terrain_service = self.ctx.services.terrain
        change = self.ctx.apply(lambda: terrain_service.create_immersion(self.evaluation_id))
        if change is not None:
            self.current_id = None
            self.rows = terrain_service.immersions(self.evaluation_id)
            self.select(change.id)
            self.reload()

    def delete_current(self) -> None:
        imm = next((i for i in self.rows if i.id == self.current_id), None)
        if imm is None:
            return
        answer = QMessageBox.question(
            self,
            "Supprimer l'immersion",
            f"Supprimer l'immersion « {imm.display_name} », sa fiche et ses photos ? Elle va dans la corbeille "
            "(Édition › Corbeille…) : Ctrl+Z ou la corbeille la rétablissent.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            fw = self.ctx.services.terrain
            if self.ctx.apply_undoable(f"la suppression de l'immersion « {imm.display_name} »",
                                       lambda: fw.delete_immersion(imm.id), lambda: fw.restore_immersion(imm.id)):
                self.current_id = None
                self.sheet.clear()
                self.reload()

    def flush(self) -> None:
        self.sheet.flush()

    def count(self) -> int:
        return len(self.rows)
