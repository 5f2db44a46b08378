"""The Programmation tab: every action of the contract, filterable, with import and hand entry."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.identifiers import format_amount
from desktop_app.services.actions import ActionData, FilterOptions, GridData
from desktop_app.ui.views.actions.models import ProgrammationModel, RowFilterProxy
from desktop_app.ui.views.actions.widgets import FilterBar
from desktop_app.ui.views.common import card, fit_header_labels
from desktop_app.ui.widgets.delete_key import DELETE_HELP, bind_delete_key


class ProgrammationTab(QWidget):
    importRequested = Signal()
    addRequested = Signal()
    editRequested = Signal(str)
    deleteRequested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.actions: list[ActionData] = []
        self.filters = FilterBar(with_year=True)
        self.filters.changed.connect(self._apply_filters)
        self.import_button = QPushButton("Importer un fichier…")
        self.import_button.setObjectName("primary")
        self.import_button.setToolTip("Importer la programmation (.xlsx ou .csv exporté du portail des subventions)")
        self.import_button.clicked.connect(self.importRequested)
        self.add_button = QPushButton("Ajouter une action")
        self.add_button.clicked.connect(self.addRequested)
        self.edit_button = QPushButton("Modifier…")
        self.edit_button.clicked.connect(self._edit_current)
        self.delete_button = QPushButton("Supprimer")
        self.delete_button.clicked.connect(self._delete_current)
        self.delete_button.setToolTip("Supprimer l'action sélectionnée (Suppr)")

        self.model = ProgrammationModel(self)
        self.proxy = RowFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("programmationTable")
        self.table.setAccessibleName("Programmation")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        for i, (_key, _label, width) in enumerate(ProgrammationModel.COLUMNS):
            self.table.setColumnWidth(i, width)
        self.table.horizontalHeader().setSectionResizeMode(ProgrammationModel.TITLE, QHeaderView.ResizeMode.Stretch)
        fit_header_labels(self.table)
        self.table.doubleClicked.connect(lambda _i: self._edit_current())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        QShortcut(QKeySequence("Return"), self.table, self._edit_current, context=Qt.ShortcutContext.WidgetShortcut)
        bind_delete_key(self.table, self._delete_current)
        self.table.setToolTip(f"Entrée : modifier l'action sélectionnée. {DELETE_HELP}")
        self.footer = QLabel()
        self.footer.setObjectName("muted")

        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.footer)

        table_page = QWidget()
        tl = QVBoxLayout(table_page)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.filters)
        tl.addWidget(self.table, 1)

        empty, inner = card()
        title = QLabel("Aucune action pour l'instant")
        title.setObjectName("sectionTitle")
        text = QLabel(
            "Importez la programmation du contrat de ville : le fichier .xlsx ou .csv exporté du portail des "
            "subventions, même retouché à la main (lignes de titre, cellules fusionnées, lignes de total, "
            "montants saisis « 12 500 € »…). L'application repère la ligne d'en-tête et vous propose la "
            "correspondance des colonnes avant d'importer. Vous pouvez aussi saisir les actions une à une."
        )
        text.setWordWrap(True)
        row = QHBoxLayout()
        big_import = QPushButton("Importer la programmation…")
        big_import.setObjectName("primary")
        big_import.clicked.connect(self.importRequested)
        big_add = QPushButton("Saisir une action")
        big_add.clicked.connect(self.addRequested)
        row.addWidget(big_import)
        row.addWidget(big_add)
        row.addStretch(1)
        inner.addWidget(title)
        inner.addWidget(text)
        inner.addLayout(row)
        empty_page = QWidget()
        el = QVBoxLayout(empty_page)
        el.addWidget(empty)
        el.addStretch(1)

        self.stack = QStackedWidget()
        self.stack.addWidget(table_page)
        self.stack.addWidget(empty_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- data ----------------------------------------------------------------------------------
    def set_data(self, actions: list[ActionData], grid: GridData | None, options: FilterOptions,
                 qpv_names: dict[str, str] | None = None) -> None:
        current = self.current_id()
        self.actions = actions
        self.filters.set_options(options)
        self.model.set_rows(actions, grid, qpv_names)
        self._apply_filters()
        self.stack.setCurrentIndex(0 if actions else 1)
        if current:
            self.select(current)
        self._update_buttons()

    def _apply_filters(self) -> None:
        model = self.model
        accepts = self.filters.predicate()  # the model's rows looked up each time: a sort replaces the list
        self.proxy.set_predicate(lambda r: r < len(model.rows) and accepts(model.rows[r]))
        shown = self.proxy.rowCount()
        total = sum(a.budget for a in self.actions)
        text = f"{len(self.actions)} action{'s' if len(self.actions) > 1 else ''} · {format_amount(total)} de crédits"
        if shown != len(self.actions):
            visible = sum(self.model.rows[self.proxy.mapToSource(self.proxy.index(r, 0)).row()].budget for r in range(shown))
            text = f"{shown} affichée{'s' if shown > 1 else ''} sur {text} (filtre : {format_amount(visible)})"
        self.footer.setText(text)

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.action_id(self.proxy.mapToSource(index).row())

    def select(self, action_id: str) -> None:
        for r in range(self.proxy.rowCount()):
            src = self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            if self.model.action_id(src) == action_id:
                self.table.setCurrentIndex(self.proxy.index(r, 0))
                self.table.scrollTo(self.proxy.index(r, 0))
                return

    def _update_buttons(self, *args) -> None:
        has = self.current_id() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def _edit_current(self) -> None:
        action_id = self.current_id()
        if action_id:
            self.editRequested.emit(action_id)

    def _delete_current(self) -> None:
        action_id = self.current_id()
        if action_id:
            self.deleteRequested.emit(action_id)
