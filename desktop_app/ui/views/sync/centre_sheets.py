"""The resource centre's « Fiches » tab: the sheets filled once per evaluation (the kit's
`step_form` tools: state of the QPV, annual reports, questions on the transversal axes), one at a
time, chosen in a list.

For each sheet: what stands out (`core.consolidation_text.sheet_text`, the PDF's sentences) and a
table of the territories — the sheet's state in French (« Renseignée », « Non renseignée »,
« Absente du kit 1.0.1 »…), then for the annual reports the latest year and the main figures'
latest values (their change since the first year in the tooltip), for the other sheets how many
questions (and quartiers) each territory answered. Only counts and figures are shown: the answers
themselves stay in the workbook, already through the privacy filter.

`sheet_tables` builds the rows as plain data, in the background with the rest of the
consolidation; the tab only hands them to a table model (no widget per row).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.consolidation_sheets import FILLED, NOT_FILLED, NOT_IN_KIT, OUT_OF_SCOPE, StepSheet
from desktop_app.core.consolidation_text import sheet_text
from desktop_app.core.french import format_number, format_quantity, plural

MAIN_FIGURES = 4  # figures of an annual series shown on screen (the most often given); all in the workbook
HEADER_WRAP = 18  # characters per line of a column header (a figure's label is long)
STATE_ORDER = {FILLED: 0, NOT_FILLED: 1, OUT_OF_SCOPE: 2, NOT_IN_KIT: 3}
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Cell:
    text: str
    key: Any = None  # what the column sorts by; None: no value (last whatever the order)
    tip: str = ""
    number: bool = False  # right-aligned


@dataclass(frozen=True)
class SheetTable:
    """One sheet as the tab shows it: plain data, built off the GUI thread."""

    tool_id: str
    title: str
    summary: str  # « Ce qui ressort »
    headers: tuple[str, ...]
    header_tips: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    ids: tuple[str, ...]  # each row's evaluation id
    note: str
    filled: int
    territories: int

    @property
    def choice_label(self) -> str:
        if not self.filled:
            return f"{self.title} — renseignée par aucun territoire"
        return f"{self.title} — renseignée par {plural(self.filled, 'territoire')} sur {self.territories}"


def _figure(value: float, unit: str | None) -> str:
    """A figure as the PDF writes it in its tables: euros rounded, percentages and counts to one decimal."""
    if unit == "€":
        return format_quantity(round(value), "€")
    return format_quantity(round(value, 1), "%") if unit == "%" else format_number(round(value, 1))


def _change(value: float, unit: str | None) -> str:
    if value == 0:
        return "stable"
    text = format_quantity(round(abs(value)), "€") if unit == "€" else format_quantity(round(abs(value), 1), unit)
    return ("+" if value > 0 else "−") + text


def _state(sheet: StepSheet, eid: str) -> Cell:
    s = sheet.territories[eid]
    return Cell(s.label, (STATE_ORDER.get(s.state, 9), s.label))


def sheet_tables(data) -> list[SheetTable]:
    """Every sheet of the consolidation `data` as a table of its territories. Qt-free."""
    return [_table(data, sheet) for sheet in data.sheets]


def _table(data, sheet: StepSheet) -> SheetTable:
    ids = tuple(t.evaluation_id for t in data.territories if t.evaluation_id in sheet.territories)
    names = [Cell(data.territory_name(eid), data.territory_name(eid).casefold()) for eid in ids]
    summary = sheet_text(data, sheet)
    if not sheet.filled() and len({sheet.territories[eid].state for eid in ids}) <= 1:
        # every territory in the same state, said in the summary: no table of identical rows
        return SheetTable(sheet.tool_id, sheet.title, summary, (), (), (), (), "", 0, len(ids))
    series = sheet.series
    if series is not None and series.values:
        figures = sorted((f for f in series.figures if series.filled(f.key)), key=lambda f: -series.filled(f.key))[:MAIN_FIGURES]
        figures = [f for f in series.figures if f in figures]  # back in the kit's order
        headers = ["Territoire", "Fiche", "Dernière année"] + [f.label for f in figures]
        tips = ["", "", "La dernière année pour laquelle le territoire a donné un chiffre"]
        tips += [f"{f.label}{f' ({f.unit})' if f.unit else ''} : valeur de la dernière année renseignée" for f in figures]
        rows = []
        for eid, name in zip(ids, names, strict=True):
            per = series.values.get(eid, {})
            last = series.latest_year(eid)
            cells = [name, _state(sheet, eid), Cell(last or "—", last or None, number=True)]
            for f in figures:
                v = per.get(f.key)
                if v is None:
                    cells.append(Cell("—", number=True))
                    continue
                text = _figure(v.latest, f.unit) + (f" ({v.year})" if v.year != last else "")
                tip = f"{f.label} : {_figure(v.latest, f.unit)} en {v.year}"
                if v.change is not None:
                    tip += f" ; {_change(v.change, f.unit)} depuis {v.first_year}"
                cells.append(Cell(text, v.latest, tip, number=True))
            rows.append(tuple(cells))
        others = len([f for f in series.figures if series.filled(f.key)]) - len(figures)
        note = ("Pour chaque chiffre, sa valeur la dernière année renseignée (entre parenthèses cette année, quand ce n'est "
                "pas celle de la colonne « Dernière année ») ; survolez une valeur pour voir son évolution depuis la "
                "première année.")
        if others > 0:
            note += f" {plural(others, 'autre chiffre')} et le détail par année sont dans l'export Excel."
        else:
            note += " Le détail par année est dans l'export Excel."
    else:
        grouped = any(f.in_group for f in sheet.fields)
        asked = [f for f in sheet.fields if not f.identifies]
        headers = ["Territoire", "Fiche"]
        tips = ["", ""]
        if grouped:
            headers.append(plural(2, (sheet.item_label or "élément").lower()).split(" ", 1)[1].capitalize())
            tips.append(f"Nombre de fiches « {sheet.group_label or sheet.item_label} » renseignées")
        headers.append("Questions renseignées")
        tips.append(f"Questions de la fiche auxquelles le territoire a répondu, sur {len(asked)}")
        rows = []
        for eid, name in zip(ids, names, strict=True):
            s = sheet.territories[eid]
            cells = [name, _state(sheet, eid)]
            if s.state != FILLED:
                cells += [Cell("—", number=True)] * (len(headers) - 2)
            else:
                if grouped:
                    cells.append(Cell(format_number(len(s.items)), len(s.items), number=True))
                n = sum(1 for f in asked if any(i.get(f.key) not in (None, "", []) for i in s.items))
                cells.append(Cell(f"{n} / {len(asked)}", n, number=True))
            rows.append(tuple(cells))
        note = "Les réponses de chaque territoire sont dans l'export Excel (une feuille par fiche) et leur synthèse dans le PDF."
    wrapped = tuple(textwrap.fill(h, HEADER_WRAP, break_long_words=False) for h in headers)
    tips = tuple(t or h for t, h in zip(tips, headers, strict=True))
    return SheetTable(sheet.tool_id, sheet.title, summary, wrapped, tips, tuple(rows), ids, note, len(sheet.filled()), len(ids))


class SheetModel(QAbstractTableModel):
    """The territories of one sheet; sorts its own rows (missing values last)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: SheetTable | None = None
        self.order: list[int] = []

    def set_table(self, table: SheetTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self.order = list(range(len(table.rows))) if table is not None else []
        self.endResetModel()

    def evaluation_id(self, row: int) -> str:
        assert self.table is not None
        return self.table.ids[self.order[row]]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.table is None else len(self.table.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.table is None:
            return None
        cell = self.table.rows[self.order[index.row()]][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell.tip or None
        if role == Qt.ItemDataRole.TextAlignmentRole and cell.number:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or self.table is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.table.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.table.header_tips[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.table is None or not 0 <= column < self.columnCount():
            return
        rows = self.table.rows
        given = sorted(range(len(rows)), key=lambda i: rows[i][column].key is None)
        known = [i for i in given if rows[i][column].key is not None]
        missing = [i for i in given if rows[i][column].key is None]
        known.sort(key=lambda i: rows[i][column].key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        self.order = known + missing
        self.layoutChanged.emit()


class SheetsTab(QWidget):
    """A list of the sheets, and the chosen one's « Ce qui ressort » and table of territories.
    `open_evaluation(evaluation_id)`: a territory activated (double-click, Entrée)."""

    def __init__(self, tables: list[SheetTable], open_evaluation: Callable[[str], None], parent=None):
        super().__init__(parent)
        self.tables = tables
        layout = QVBoxLayout(self)
        if not tables:
            layout.addWidget(QLabel("Aucun territoire ne travaille avec une version du kit qui a des fiches remplies une fois "
                                    "par évaluation."))
            layout.addStretch(1)
            return
        self.chooser = QComboBox()
        self.chooser.setAccessibleName("Fiche affichée")
        for t in tables:
            self.chooser.addItem(t.choice_label, t.tool_id)
        label = QLabel("&Fiche :")
        label.setBuddy(self.chooser)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.chooser, 1)
        layout.addLayout(top)
        self.summary = QLabel()
        self.summary.setObjectName("sheetSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setFrameShape(QFrame.Shape.StyledPanel)
        self.summary.setMargin(8)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.model = SheetModel(self)
        self.view = QTableView()
        self.view.setObjectName("sheetTable")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # values next to their header
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.view.activated.connect(lambda index: open_evaluation(self.model.evaluation_id(index.row())))
        layout.addWidget(self.view, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        layout.addStretch(0)  # a sheet without a table: its summary stays at the top
        self.chooser.currentIndexChanged.connect(self._show)
        self._show(0)

    def _show(self, i: int) -> None:
        table = self.tables[i] if 0 <= i < len(self.tables) else None
        if table is None:
            return
        self.summary.setText(f"<b>Ce qui ressort</b> — {escape(table.summary, quote=False)}")
        self.summary.setAccessibleName(f"Ce qui ressort : {table.summary}")
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_table(table if table.rows else None)
        self.view.setVisible(bool(table.rows))
        self.view.setAccessibleName(f"Territoires — {table.title}")
        self.note.setText(table.note + (" Double-cliquez sur un territoire pour ouvrir son évaluation." if table.rows else ""))
        self.note.setVisible(bool(table.rows))
