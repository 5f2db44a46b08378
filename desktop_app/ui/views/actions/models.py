"""Thin table models of the actions step: the programmation, the weighted grid, a method plan.

They hold plain rows handed by the services (`set_*`), never query the database, and hand
edits to callbacks that save through a service and return True on success.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.core.french import AnswerError, parse_date
from desktop_app.core.identifiers import format_amount, format_date_fr
from desktop_app.core.scoring import qpv_label
from desktop_app.services.actions import ActionData, GridData, GridRow

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
LEVEL_COLORS = {1: QColor("#fbe9e7"), 2: QColor("#fff6d5"), 3: QColor("#e3f2e1")}
PREFILLED_FG = QBrush(QColor("#6b7780"))
CHOSEN_BG = QBrush(QColor("#eaf5ea"))
CENTER = int(Qt.AlignmentFlag.AlignCenter)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


class RowFilterProxy(QSortFilterProxyModel):
    """Filters source rows with a predicate; sorts only when asked (no row jumps while editing).

    Sorting is the source model's (`SortedRows.sort_rows`): Qt's own sort compares rows by asking
    Python for their values tens of thousands of times (0.3 s of frozen window for 3,000 actions);
    the source sorts its list once with one key per row, and the proxy only filters."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._accept: Callable[[int], bool] = lambda _row: True
        self.setDynamicSortFilter(False)
        self.setSortRole(SORT_ROLE)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, SortedRows):
            source.sort_rows(column, order)
        else:  # pragma: no cover - every model of the step sorts its rows itself
            super().sort(column, order)

    def set_predicate(self, accept: Callable[[int], bool]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            self._accept = accept
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self._accept = accept
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        return self._accept(source_row)


class SortedRows(QAbstractTableModel):
    """A table model over a Python list `rows`, sorted in place by `sort_rows` (one key per row,
    `sort_value(row, column)`), or back in the order it was given (column -1)."""

    rows: list

    def __init__(self, parent=None):
        super().__init__(parent)
        self._given: list = []  # the order the rows came in (column -1)
        self._sorted: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    def sort_value(self, row: Any, column: int) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def _given_order(self, rows: list) -> None:
        """Rows just set: the order they came in, and sorted again as asked last."""
        self._given = list(rows)
        self.rows = list(rows)
        if self._sorted[0] >= 0:
            self._sort_list(*self._sorted)

    def _sort_list(self, column: int, order: Qt.SortOrder) -> None:
        if column < 0:
            self.rows = list(self._given)
            return
        keys = [self.sort_value(row, column) for row in self.rows]
        ordered = sorted(range(len(self.rows)), key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        self.rows = [self.rows[i] for i in ordered]

    def sort_rows(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sorted = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = [id(row) for row in self.rows]
        self._sort_list(column, order)
        now = {id(row): i for i, row in enumerate(self.rows)}
        old = self.persistentIndexList()  # the selection, the current cell: they follow their row
        self.changePersistentIndexList(old, [self.index(now[before[i.row()]], i.column()) for i in old])
        self.layoutChanged.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_rows(column, order)


# --------------------------------------------------------------------------- programmation

class ProgrammationModel(SortedRows):
    COLUMNS = (
        ("title", "Intitulé de l'action", 260), ("carrier", "Structure porteuse", 165), ("pillar", "Pilier / axe", 140),
        ("qpv", "Quartiers", 130), ("budget", "Montant (€)", 92), ("score", "Score", 52), ("chosen", "Retenue", 62),
        ("years", "Année(s)", 84), ("file", "N° dossier", 120), ("funders", "Financeurs", 180),
        ("beneficiaries", "Bénéficiaires", 90),
    )
    TITLE = 0

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[ActionData] = []
        self.grid: GridData | None = None
        self.qpv_names: dict[str, str] = {}

    def set_rows(self, actions: list[ActionData], grid: GridData | None, qpv_names: dict[str, str] | None = None) -> None:
        self.beginResetModel()
        self.grid = grid
        self.qpv_names = dict(qpv_names or {})
        self._given_order(actions)
        self.endResetModel()

    def action_id(self, row: int) -> str:
        return self.rows[row].id

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section][1]
        return None

    def sort_value(self, a: ActionData, column: int) -> Any:
        key = self.COLUMNS[column][0]
        if key in ("budget", "beneficiaries", "score", "chosen", "years"):
            g = self._grid_row(a) if key == "score" else None
            return {
                "budget": lambda: a.budget, "beneficiaries": lambda: a.beneficiaries or 0,
                "score": lambda: g.total if g else 0, "chosen": lambda: int(a.chosen),
                "years": lambda: a.years[-1] if a.years else 0,
            }[key]()
        return self._text(a, key).lower()

    def _text(self, a: ActionData, key: str) -> str:
        if key == "title":
            return a.title
        if key == "carrier":
            return a.carrier
        if key == "pillar":
            return a.pillar
        if key == "qpv":
            return qpv_label(a.qpv, self.qpv_names)
        if key == "file":
            return a.file_numbers
        if key == "funders":
            return ", ".join(a.funders)
        return ""

    def _grid_row(self, a: ActionData) -> GridRow | None:
        if self.grid is None:
            return None
        try:
            return self.grid.row(a.id)
        except KeyError:
            return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a = self.rows[index.row()]
        key = self.COLUMNS[index.column()][0]
        g = self._grid_row(a)
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "years": a.years_label, "file": a.file_numbers, "title": a.title, "carrier": a.carrier,
                "pillar": a.pillar, "qpv": qpv_label(a.qpv, self.qpv_names), "funders": ", ".join(a.funders),
                "budget": format_amount(a.budget, currency=False) if a.budget else "",
                "beneficiaries": "" if a.beneficiaries is None else str(a.beneficiaries),
                "score": number(g.total) if g else "", "chosen": "✔" if a.chosen else "",
            }[key]
        if role == SORT_ROLE:
            return self.sort_value(a, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("budget", "beneficiaries", "score"):
            return RIGHT
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "chosen":
            return CENTER
        if role == Qt.ItemDataRole.BackgroundRole and a.chosen:
            return CHOSEN_BG
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "budget" and a.amounts_by_funder:
                return "\n".join(f"{f} : {format_amount(v)}" for f, v in a.amounts_by_funder.items())
            if key == "title":
                return "\n".join(filter(None, [a.title, a.carrier, a.description[:300]]))
            if key == "score" and g:
                return f"Rang {g.rank.label} — {number(g.total)} sur {number(self.grid.max_total)}"
            if key == "qpv":
                return a.qpv or None
            value = self.data(index)
            return value or None
        if role == ID_ROLE:
            return a.id
        return None


# --------------------------------------------------------------------------- grid

class GridModel(SortedRows):
    """Columns: Retenue (checkbox), Rang, Action, one per criterion, Score."""

    CHOSEN, RANK, TITLE = 0, 1, 2
    FIXED = 3

    def __init__(
        self, on_score: Callable[[str, str, int | None], bool], on_chosen: Callable[[str, bool], bool], parent=None
    ):
        super().__init__(parent)
        self.grid: GridData | None = None
        self.rows: list[GridRow] = []
        self._on_score, self._on_chosen = on_score, on_chosen

    # -- data in --------------------------------------------------------------------------------
    def set_grid(self, grid: GridData, keep_order: bool = False) -> None:
        """Show a grid; with `keep_order`, rows stay where they are when the actions are the
        same (ranks and scores update in place), so the cursor does not jump while scoring."""
        if keep_order and self.grid is not None and {r.action.id for r in self.rows} == {r.action.id for r in grid.rows} \
                and len(grid.criteria) == len(self.grid.criteria):
            order = {r.action.id: i for i, r in enumerate(self.rows)}
            self.grid = grid
            self._given = list(grid.rows)
            self.rows = sorted(grid.rows, key=lambda r: order[r.action.id])
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
            return
        self.beginResetModel()
        self.grid = grid
        self._sorted = (-1, Qt.SortOrder.AscendingOrder)  # a new grid: in rank order
        self._given_order(grid.rows)
        self.endResetModel()

    @property
    def score_column(self) -> int:
        return self.FIXED + len(self.grid.criteria) if self.grid else self.FIXED

    def criterion_at(self, column: int):
        if self.grid is None or not self.FIXED <= column < self.score_column:
            return None
        return self.grid.criteria[column - self.FIXED]

    def action_id(self, row: int) -> str:
        return self.rows[row].action.id

    def row_of(self, action_id: str) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.action.id == action_id), None)

    # -- Qt -------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.grid is None else self.score_column + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or self.grid is None:
            return None
        crit = self.criterion_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if crit is not None:
                return f"{crit.short_label or crit.label[:14]} × {number(self.grid.weights[crit.id])}"
            return {self.CHOSEN: "Retenue", self.RANK: "Rang", self.TITLE: "Action"}.get(section, "Score")
        if role == Qt.ItemDataRole.ToolTipRole:
            if crit is not None:
                levels = "\n".join(f"{lv.value} – {lv.label} : {lv.description}" for lv in crit.levels)
                auto = "\nPré-rempli à partir de la programmation (en italique gris)." if crit.auto else ""
                return f"{crit.label} (poids {number(self.grid.weights[crit.id])})\n{crit.description}\n\n{levels}{auto}"
            if section == self.score_column:
                return f"Somme des notes × poids (maximum {number(self.grid.max_total)})"
            if section == self.CHOSEN:
                return "Cochez les actions retenues pour une évaluation approfondie"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.CHOSEN:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if self.criterion_at(index.column()) is not None:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.grid is None:
            return None
        row = self.rows[index.row()]
        col = index.column()
        crit = self.criterion_at(col)
        if crit is not None:
            return self._score_data(row, crit, role)
        a = row.action
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.RANK:
                return row.rank.label
            if col == self.TITLE:
                return a.title
            if col == self.score_column:
                return number(row.total)
            return None
        if role == Qt.ItemDataRole.CheckStateRole and col == self.CHOSEN:
            return Qt.CheckState.Checked if a.chosen else Qt.CheckState.Unchecked
        if role == SORT_ROLE:
            return self.sort_value(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col != self.TITLE:
            return CENTER
        if role == Qt.ItemDataRole.FontRole and col == self.score_column:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and a.chosen and col in (self.CHOSEN, self.RANK, self.TITLE, self.score_column):
            return CHOSEN_BG
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.TITLE:
                lines = [a.title, a.carrier, a.pillar, a.qpv, f"Notes : {row.scored}/{len(self.grid.criteria)} critères"]
                if a.chosen:
                    lines.append("Double-cliquez pour ouvrir ses questions et sa méthode.")
                return "\n".join(x for x in lines if x)
            if col == self.score_column:
                return f"{number(row.total)} sur {number(self.grid.max_total)} — rang {row.rank.label}"
        if role == ID_ROLE:
            return a.id
        return None

    def sort_value(self, row: GridRow, column: int) -> Any:
        crit = self.criterion_at(column)
        if crit is not None:
            return row.scores[crit.id].value or 0
        if column == self.TITLE:
            return row.action.title.lower()
        if column == self.CHOSEN:
            return int(row.action.chosen)
        return row.total if column in (self.RANK, self.score_column) else 0

    def _score_data(self, row: GridRow, crit, role: int):
        score = row.scores[crit.id]
        value = score.value
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.EditRole:
            return score.manual
        if role == SORT_ROLE:
            return value or 0
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTER
        if role == Qt.ItemDataRole.BackgroundRole and value in LEVEL_COLORS:
            return QBrush(LEVEL_COLORS[value])
        if role == Qt.ItemDataRole.ForegroundRole and score.is_prefilled:
            return PREFILLED_FG
        if role == Qt.ItemDataRole.FontRole and score.is_prefilled:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            level = crit.level(value)
            lines = [crit.label]
            lines.append(f"{value} – {level.label} : {level.description}" if level else "Non noté")
            if score.is_prefilled:
                lines.append(f"Pré-rempli à partir de la programmation : {score.prefilled.note}.")
            elif score.manual is not None and score.prefilled is not None:
                lines.append(f"Note de l'équipe (la programmation donnait {score.prefilled.value} : {score.prefilled.note}).")
            lines.append("Tapez 1, 2 ou 3 pour noter ; Suppr pour effacer la note de l'équipe.")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{crit.label} : {value if value is not None else 'non noté'}"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row = self.rows[index.row()]
        if index.column() == self.CHOSEN and role == Qt.ItemDataRole.CheckStateRole:
            return self._on_chosen(row.action.id, Qt.CheckState(value) == Qt.CheckState.Checked)
        crit = self.criterion_at(index.column())
        if crit is None or role != Qt.ItemDataRole.EditRole:
            return False
        if value in ("", None):
            value = None
        else:
            try:
                value = int(value)
            except (TypeError, ValueError):
                return False
        if row.scores[crit.id].manual == value:
            return True
        return self._on_score(row.action.id, crit.id, value)


# --------------------------------------------------------------------------- plan

class PlanModel(QAbstractTableModel):
    COLUMNS = (
        ("criterion", "Critère", 96), ("question", "Question évaluative", 220), ("indicators", "Indicateurs", 160),
        ("data_sources", "Sources", 140), ("methods", "Méthodes", 128), ("who", "Qui", 104),
        ("start", "Début", 84), ("end", "Fin", 84),
    )

    DATES = ("start", "end")
    DRAFT_FG = QBrush(QColor("#c62828"))

    def __init__(self, on_edit: Callable[[str, str, Any], bool], parent=None,
                 on_draft: Callable[[str, str, str | None], None] | None = None):
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.criteria: dict[str, str] = {}
        self.methods: dict[str, str] = {}
        self._on_edit = on_edit
        self._on_draft = on_draft
        # (question uid, "start"|"end") -> a date typed that is not one, kept « à corriger »
        self.drafts: dict[tuple[str, str], str] = {}

    def draft_message(self, uid: str, key: str) -> str:
        try:
            parse_date(self.drafts.get((uid, key), ""))
            return ""
        except AnswerError as exc:
            return exc.message

    def set_rows(self, rows, criteria: dict[str, str], methods: dict[str, str]) -> None:
        """Show a plan; the same questions in the same order are updated in place, so an editor
        being closed in a cell is not pulled from under the user."""
        rows = [dict(r) for r in rows]
        if [r.get("uid") for r in rows] == [r.get("uid") for r in self.rows] and rows:
            self.rows = rows
            self.criteria, self.methods = dict(criteria), dict(methods)
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.COLUMNS) - 1))
            return
        self.beginResetModel()
        self.rows = rows
        self.criteria, self.methods = dict(criteria), dict(methods)
        self.endResetModel()

    def uid(self, row: int) -> str:
        return str(self.rows[row].get("uid") or "")

    def key(self, column: int) -> str:
        return self.COLUMNS[column][0]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section][1] if orientation == Qt.Orientation.Horizontal else str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = self.key(index.column())
        value = row.get(key)
        draft = self.drafts.get((str(row.get("uid") or ""), key))
        if draft is not None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return draft
            if role == Qt.ItemDataRole.ForegroundRole:
                return self.DRAFT_FG
            if role == Qt.ItemDataRole.ToolTipRole:
                kept = f" La date enregistrée reste le {format_date_fr(value)}." if value else ""
                return (f"À corriger : {self.draft_message(str(row.get('uid') or ''), key)}. "
                        f"Le texte saisi est gardé en brouillon.{kept}")
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "criterion":
                crit = row.get("criterion") or row.get("axe") or ""
                return self.criteria.get(crit, crit)
            if key == "methods":
                return ", ".join(self.methods.get(m, m) for m in value or [])
            if key in ("start", "end"):
                return format_date_fr(value) if value else ""
            return value or ""
        if role == Qt.ItemDataRole.EditRole:
            if key == "criterion":
                return row.get("criterion") or ""
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            shown = self.data(index)
            if key == "question" and row.get("ref"):
                return f"{shown}\n(question de la banque du kit)"
            if key == "criterion" and not row.get("criterion") and row.get("axe"):
                return f"{shown} (critère de la banque de questions, absent de la liste de la fiche méthode)"
            return shown or None
        if role == Qt.ItemDataRole.ForegroundRole and key == "criterion" and not row.get("criterion"):
            return PREFILLED_FG
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row = self.rows[index.row()]
        key = self.key(index.column())
        if isinstance(value, str):
            value = value.strip()
        if key in self.DATES and self._on_draft is not None:
            uid = self.uid(index.row())
            try:
                value = parse_date(value).isoformat() if value else None
            except AnswerError:
                if self.drafts.get((uid, key)) != value:
                    self.drafts[(uid, key)] = value  # kept « à corriger », never lost
                    self._on_draft(uid, key, value)
                    self.dataChanged.emit(index, index)
                return True
            if self.drafts.pop((uid, key), None) is not None:
                self._on_draft(uid, key, None)
                self.dataChanged.emit(index, index)
        if row.get(key) == value or (not row.get(key) and value in ("", None, [])):
            return True
        return self._on_edit(self.uid(index.row()), key, value)
