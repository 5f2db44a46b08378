"""The testimonies and free contributions tab (`fiche-temoignage`, « captation de parole »).

People appear only by a pseudonym code (given automatically: T01…, C01…) and a profile. The
consent for use in the evaluation and for broadcasting voice or image are asked separately and
shown at the top of the sheet; a retention date is proposed; free texts that seem to hold a
name, an e-mail or a phone number are flagged (the sheet is still saved). An optional audio or
video recording is stored inside the application's data.

The table is a view on `TestimoniesModel` (testimonies_model.py): the list is read and prepared
in the background, the table asks for the rows on screen only, sorts on its columns and filters
through a proxy. A sheet is built when its tab is shown.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.fieldwork import CONTRIBUTION, TESTIMONY, plain_label
from desktop_app.services.fieldwork_terrain import TestimonyData
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.common import fit_header_labels
from desktop_app.ui.views.terrain.attachments import AttachmentsPanel
from desktop_app.ui.views.terrain.consent_banner import ConsentBanner
from desktop_app.ui.views.terrain.shared import Coalescer, CompleteButton, FormHost, record_head
from desktop_app.ui.views.terrain.testimonies_model import (
    WIDTHS,
    TestimoniesFilter,
    TestimoniesModel,
    TestimonyList,
    index_testimonies,
)
from desktop_app.ui.widgets.background import BackgroundLoad
from desktop_app.ui.widgets.delete_key import DELETE_HELP, bind_delete_key
from desktop_app.ui.widgets.splitters import remember_sizes

LOADING = "Chargement des fiches…"
FILTERS = (
    ("all", "Toutes les fiches"),
    (TESTIMONY, "Témoignages"),
    (CONTRIBUTION, "Contributions libres"),
    ("no_consent", "Sans accord d'utilisation"),
    ("expired", "Conservation dépassée"),
    ("warnings", "Données personnelles à vérifier"),
)


class TestimoniesTab(QWidget):
    """Testimonies and free contributions: a filterable table, the selected sheet beside it.
    The list is read in the background (« Chargement des fiches… » the first time); `loaded` is
    emitted once it is shown."""

    loaded = Signal()

    def __init__(self, ctx: AppContext, evaluation_id: str, parent=None, load: bool = True):
        """`load=False`: the owner starts the first read (`reload`) once the whole screen is built."""
        super().__init__(parent)
        self.ctx = ctx
        self.evaluation_id = evaluation_id
        self.current_id: str | None = None
        self._loader = BackgroundLoad(self, ctx.tasks)
        self._pending_select: str | None = None  # asked for while the list was being read
        self._loaded_once = False
        self._quiet = False  # selecting a row from code: no sheet shown for it
        self.groups: list = []  # the working groups a sheet may be tied to, read with the list

        add_t = QPushButton("+ Témoignage")
        add_t.setObjectName("primary")
        add_t.setToolTip("Nouvelle fiche de témoignage (captation de parole), avec un code pseudonyme")
        add_t.clicked.connect(lambda: self.new_record(TESTIMONY))
        add_c = QPushButton("+ Contribution libre")
        add_c.setToolTip("Une ressource, un avis, un retour sur une action")
        add_c.clicked.connect(lambda: self.new_record(CONTRIBUTION))
        self.filter = QComboBox()
        for value, label in FILTERS:
            self.filter.addItem(label, value)
        self.filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.filter.setMinimumContentsLength(12)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher (code, profil, thème, quartier)…")
        self.search.setAccessibleName("Rechercher une fiche")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(120)
        self.search.textChanged.connect(lambda _t: self._apply_filter())
        self.purge_button = QPushButton()
        self.purge_button.setToolTip(
            "Effacer définitivement les fiches dont la date de fin de conservation est passée"
        )
        self.purge_button.clicked.connect(self.erase_expired)
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.clicked.connect(self.delete_current)
        self.delete_button.setToolTip("Mettre la fiche sélectionnée à la corbeille (Suppr ; Édition › Corbeille…) ; Ctrl+Z la rétablit")
        self.erase_button = QPushButton("Effacer définitivement (droit à l'effacement)…")
        self.erase_button.setToolTip(
            "Accord retiré ou demande d'effacement (RGPD) : le texte, les réponses et l'enregistrement sont "
            "effacés pour de bon, sans corbeille ni retour possible")
        self.erase_button.clicked.connect(lambda: self.erase_current())
        tools = QHBoxLayout()
        tools.addWidget(add_t)
        tools.addWidget(add_c)
        tools.addSpacing(12)
        tools.addWidget(self.filter)
        tools.addWidget(self.search, 1)
        tools.addWidget(self.purge_button)

        self.model = TestimoniesModel(self)
        self.proxy = TestimoniesFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("testimonies")
        self.table.setAccessibleName("Témoignages et contributions")
        self.table.setToolTip(DELETE_HELP)
        bind_delete_key(self.table, self.delete_current)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for i, width in enumerate(WIDTHS):
            self.table.setColumnWidth(i, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        fit_header_labels(self.table)
        header.setSortIndicatorClearable(True)  # a third click on a header goes back to the list's order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._row_selected(cur.row()))

        self.title = QLabel()
        self.title.setObjectName("recordTitle")
        self.title.setWordWrap(True)
        self.title.setMinimumWidth(120)
        self.group = QComboBox()
        self.group.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.group.setMinimumContentsLength(16)
        self.group.activated.connect(self._group_changed)
        self.meta = QLabel()
        self.meta.setObjectName("recordMeta")
        self.meta.setWordWrap(True)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.meta)
        head = record_head(titles, self.group)
        self.banner = ConsentBanner()
        self.sheet = FormHost(ctx, mode="scroll")
        self.complete = CompleteButton(ctx, self.sheet)
        self._refresher = Coalescer(self.reload, parent=self)
        self.sheet.answerSaved.connect(lambda _k, _v: self._refresher.request())
        self.audio = AttachmentsPanel(ctx, "audio")
        self.audio.confirm_add = self._confirm_audio
        self.audio.countChanged.connect(
            lambda n: self.tabs.setTabText(1, f"Enregistrement ({n})" if n else "Enregistrement")
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self.sheet, "Fiche")
        self.tabs.addTab(self.audio, "Enregistrement")
        self.complete.setStyleSheet("QPushButton { padding: 2px 10px; margin-bottom: 2px; }")
        self.tabs.setCornerWidget(self.complete, Qt.Corner.TopRightCorner)
        self.editor = QWidget()
        right = QVBoxLayout(self.editor)
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(head)
        right.addWidget(self.banner)
        right.addWidget(self.tabs, 1)
        self.empty = QLabel(
            "Aucune fiche.\nCréez un témoignage ou une contribution libre avec les boutons ci-dessus."
        )
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)

        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        deleting = QHBoxLayout()  # under the list: the ordinary deletion, and the erasure kept apart
        deleting.addWidget(self.delete_button)
        deleting.addStretch(1)
        deleting.addWidget(self.erase_button)
        left_layout.addLayout(deleting)
        splitter.addWidget(left)
        self.right = QStackedWidget()
        self.right.addWidget(self.editor)
        self.right.addWidget(self.empty)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([500, 600])
        remember_sizes(splitter, "terrain/temoignages")
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(tools)
        layout.addWidget(splitter, 1)
        self.empty.setText(LOADING)
        self.right.setCurrentWidget(self.empty)
        if load:
            self.reload()

    # -- data ----------------------------------------------------------------------------------
    @property
    def rows(self) -> list[TestimonyData]:
        """Every sheet read, in the list's order."""
        return self.model.rows

    @property
    def shown(self) -> list[TestimonyData]:
        """The sheets the table shows (filter and search applied), in its order."""
        rows, proxy = self.model.rows, self.proxy
        return [rows[proxy.mapToSource(proxy.index(r, 0)).row()] for r in range(proxy.rowCount())]

    def reload(self) -> None:
        """Read the testimonies and contributions in the background, then show them."""
        terrain_service = self.ctx.services.terrain
        workshops_service = self.ctx.services.workshops
        eid = self.evaluation_id

        def failed(exc: Exception) -> None:
            self.empty.setText(f"Lecture des fiches impossible : {exc}")
            self.loaded.emit()  # the read is over (the step's screen waits for it)

        def work(_progress):
            return index_testimonies(terrain_service.testimonies(eid)), workshops_service.working_group_choices(eid)

        self._loader.run(work, self._show_rows, failed)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        target = self._pending_select
        if target is not None and not self._loader.pending:
            self._pending_select = None
            self.select(target)

    def _show_rows(self, result: tuple[TestimonyList, list]) -> None:
        data, self.groups = result
        self._loaded_once = True
        expired = data.expired
        self.purge_button.setText(f"Effacer les fiches échues ({expired})")
        self.purge_button.setVisible(bool(expired))
        target, self._pending_select = self._pending_select, None
        if target is not None and any(t.id == target for t in data.rows):
            self.current_id = target  # the table selects its row; `select` below shows its sheet
        self._quiet = True
        self.model.set_list(data)  # the table asks for the rows it shows only
        self._quiet = False
        self._after_rows_changed()
        if target is not None:
            self.select(target)
        self.loaded.emit()

    def expired_count(self) -> int:
        return self.model.data_list.expired

    def _apply_filter(self) -> None:
        self._quiet = True
        self.proxy.set_filter(self.filter.currentData(), self.search.text())
        self._quiet = False
        if self._loaded_once:  # the filter or search may change before the list is read
            self._after_rows_changed()

    def _proxy_row(self, testimony_id: str | None) -> int:
        """The table row of a sheet, -1 when it is not shown."""
        source = self.model.row_of(testimony_id) if testimony_id else -1
        if source < 0:
            return -1
        return self.proxy.mapFromSource(self.model.index(source, 0)).row()

    def _select_row_quietly(self, row: int) -> None:
        index = self.proxy.index(row, 0)
        self._quiet = True
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self._quiet = False
        self.table.scrollTo(index)

    def _after_rows_changed(self) -> None:
        """Keep the sheet shown selected, or show the first one, or say why there is none."""
        shown = self.proxy.rowCount()
        row = self._proxy_row(self.current_id)
        if row >= 0:
            self._select_row_quietly(row)
            self._show_header()
        elif shown:
            self._select_row_quietly(0)
            self._row_selected(0)
        else:
            self.current_id = None
            self.sheet.clear()
            self.right.setCurrentWidget(self.empty)
            self.empty.setText(
                "Aucune fiche ne correspond à ce filtre."
                if self.rows
                else "Aucune fiche.\nCréez un témoignage ou une contribution libre avec les boutons ci-dessus."
            )
        self.delete_button.setEnabled(bool(shown))
        self.erase_button.setEnabled(bool(shown))

    def _row_selected(self, row: int) -> None:
        if self._quiet or not 0 <= row < self.proxy.rowCount():
            return
        self.select(self.proxy.index(row, 0).data(Qt.ItemDataRole.UserRole))

    def select(self, testimony_id: str) -> None:
        if self._loader.pending or not self.isVisible():
            # shown once the list being read is there, or when the tab is (its sheet is a whole form)
            self._pending_select = testimony_id
            return
        t = next((x for x in self.rows if x.id == testimony_id), None)
        if t is None:
            return
        if testimony_id != self.current_id or self.sheet.renderer is None or self.sheet.record_id != testimony_id:
            self.sheet.flush()
            self.current_id = testimony_id
            terrain_service = self.ctx.services.terrain
            forms = self.ctx.services.forms
            tid = t.id
            self.sheet.show_form(
                tid,
                terrain_service.testimony_form(self.evaluation_id),
                forms.get(t.response_id).answers,
                lambda k, v: terrain_service.set_testimony_answer(tid, k, v),
                response_id=t.response_id,
            )
            self.audio.set_owner(self.evaluation_id, "testimony", tid)
            self.tabs.setCurrentIndex(0)
        row = self._proxy_row(testimony_id)
        if row >= 0 and self.table.currentIndex().row() != row:
            self._select_row_quietly(row)
        self.right.setCurrentWidget(self.editor)
        self._show_header()

    def _show_header(self) -> None:
        t = next((x for x in self.rows if x.id == self.current_id), None)
        if t is None:
            return
        self.title.setText(
            f"{'Témoignage' if t.kind == TESTIMONY else 'Contribution'} {t.pseudonym or '(sans code)'}"
        )
        self.meta.setText("  ·  ".join(x for x in (t.profile_label, plain_label(t.theme_label), t.qpv) if x))
        self.banner.show_testimony(t)
        self.complete.set_response(t.response_id, t.status)
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem("— aucun —", "")
        for g in self.groups:
            self.group.addItem(plain_label(g.theme_label), g.series_id)
        self.group.setCurrentIndex(max(self.group.findData(t.series_id), 0))
        self.group.blockSignals(False)

    # -- actions -------------------------------------------------------------------------------
    def new_record(self, kind: str) -> None:
        terrain_service = self.ctx.services.terrain
        change = self.ctx.apply(lambda: terrain_service.create_testimony(self.evaluation_id, kind))
        if change is None:
            return
        for widget in (self.filter, self.search):  # every sheet shown again, filtered once below
            widget.blockSignals(True)
        self.filter.setCurrentIndex(0)
        self.search.clear()
        for widget in (self.filter, self.search):
            widget.blockSignals(False)
        self.current_id = None
        self._quiet = True
        self.proxy.set_filter("all", "")
        self.model.set_list(index_testimonies(terrain_service.testimonies(self.evaluation_id)))
        self._quiet = False
        self._loaded_once = True
        self.select(change.id)
        self.delete_button.setEnabled(True)
        self.erase_button.setEnabled(True)
        self.reload()

    def _group_changed(self, _index: int) -> None:
        if self.current_id:
            terrain_service = self.ctx.services.terrain
            tid, series = self.current_id, self.group.currentData()
            self.ctx.apply(lambda: terrain_service.set_series(tid, series))

    def _confirm_audio(self, paths: list[Path]) -> bool:
        t = next((x for x in self.rows if x.id == self.current_id), None)
        if t is None or t.consent_use is True:
            return True
        answer = QMessageBox.question(
            self,
            "Enregistrement sans accord",
            "L'accord de la personne pour l'utilisation de ses propos n'est pas enregistré sur cette fiche. "
            "Un enregistrement ne se conserve qu'avec son accord explicite.\n\nAjouter l'enregistrement quand même ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def delete_current(self) -> None:
        t = next((x for x in self.rows if x.id == self.current_id), None)
        if t is None:
            return
        answer = QMessageBox.question(
            self,
            "Supprimer la fiche",
            f"Supprimer « {t.display_name} » ? La fiche va dans la corbeille (Édition › Corbeille…) : Ctrl+Z ou "
            "la corbeille la rétablissent. Si la personne retire son accord ou demande l'effacement, utilisez "
            "plutôt « Effacer définitivement (droit à l'effacement) ».",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            terrain_service = self.ctx.services.terrain
            self.sheet.clear()
            if self.ctx.apply_undoable(f"la suppression de « {t.display_name} »",
                                       lambda: terrain_service.delete_testimony(t.id),
                                       lambda: terrain_service.restore_testimony(t.id)):
                self.current_id = None
                self.reload()

    def erase_current(self, confirm: bool = True) -> None:
        """The right to erasure (consent withdrawn, RGPD request): erased for good, attachments
        too, with no Corbeille and no undo."""
        t = next((x for x in self.rows if x.id == self.current_id), None)
        if t is None:
            return
        if confirm:
            answer = QMessageBox.warning(
                self,
                "Effacer définitivement (droit à l'effacement)",
                f"Effacer définitivement « {t.display_name} » : le texte, les réponses, le profil et les "
                "enregistrements ou pièces jointes ? Rien ne pourra être récupéré (ni corbeille, ni Ctrl+Z) ; "
                "l'effacement est transmis aux autres ordinateurs à la prochaine synchronisation.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        terrain_service = self.ctx.services.terrain
        self.sheet.clear()
        if self.ctx.apply(lambda: terrain_service.erase_testimony(t.id)):
            self.current_id = None
            self.reload()

    def erase_expired(self) -> None:
        expired = [t for t in self.rows if t.retention() == "expired"]
        if not expired:
            return
        names = ", ".join(t.pseudonym or "sans code" for t in expired[:10]) + (
            " …" if len(expired) > 10 else ""
        )
        answer = QMessageBox.question(
            self,
            "Fiches échues",
            f"La date de fin de conservation de {len(expired)} fiche(s) est passée ({names}).\n\n"
            "Les effacer définitivement, avec leurs enregistrements ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            terrain_service = self.ctx.services.terrain
            self.sheet.clear()
            self.current_id = None
            count = self.ctx.apply(lambda: terrain_service.erase_expired(self.evaluation_id))
            if count is not None:
                self.ctx.changed.emit(_change(self.evaluation_id))
                self.reload()

    def flush(self) -> None:
        self.sheet.flush()

    def count(self) -> int:
        return len(self.rows)


def _change(evaluation_id: str):
    from desktop_app.services.base import Change

    return Change("testimony", "", evaluation_id)
