"""Table model of the testimonies and free contributions, and the filter in front of it.

The model is thin: `TestimonyList` (read and prepared in the background: retention states,
duplicated codes, folded search text, sort keys) in, cells out on demand, so a thousand sheets
cost the GUI thread only the rows on screen. The proxy filters by kind, consent, retention and
warnings plus a search, and sorts on keys (codes in natural order, dates by date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.core.fieldwork import CONTRIBUTION, CONTRIBUTION_TYPES, RETENTION_TEXT, TESTIMONY, duplicates
from desktop_app.core.fieldwork_synthesis import fold, query_words
from desktop_app.services.fieldwork_terrain import TestimonyData

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Code", "Profil", "Utilisation", "Diffusion", "Conservation", "")
WIDTHS = (46, 110, 100, 100, 102, 22)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole
GREEN, RED, ORANGE = QColor("#1b5e20"), QColor("#b71c1c"), QColor("#8a5300")
_BRUSHES = {color.name(): QBrush(color) for color in (GREEN, RED, ORANGE)}


def consent_cell(value: bool | None) -> tuple[str, QColor]:
    if value is True:
        return "✔ Oui", GREEN
    if value is False:
        return "✖ Non", RED
    return "? À demander", ORANGE


def _date_fr(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def _natural(text: str) -> str:
    """A sort key where « T2 » comes before « T10 »."""
    return re.sub(r"\d+", lambda m: m.group(0).zfill(9), fold(text))


def _consent_rank(value: bool | None) -> int:
    return {True: 2, False: 0}.get(value, 1)  # type: ignore[arg-type]


@dataclass(frozen=True)
class TestimonyList:
    """The sheets with what the table needs of each, computed once (off the GUI thread)."""

    rows: list[TestimonyData]
    states: list[str]  # retention state of each row: ok, soon, missing, expired
    flagged: list[bool]  # personal-data warnings or a code used twice
    haystacks: list[str]  # folded text the search looks in
    sort_keys: list[tuple]  # one key per column
    twice: frozenset[str]  # codes used by several sheets (upper case)

    @property
    def expired(self) -> int:
        return sum(1 for s in self.states if s == "expired")


def index_testimonies(rows: list[TestimonyData], today: date | None = None) -> TestimonyList:
    """Prepare `rows` for the table (pure Python: run it in the background load)."""
    today = today or date.today()
    twice = frozenset(duplicates(t.pseudonym for t in rows))
    states = [t.retention(today) for t in rows]
    flagged = [bool(t.warnings) or t.pseudonym.strip().upper() in twice for t in rows]
    haystacks = [fold(" ".join((t.pseudonym, t.profile_label, t.theme_label, t.qpv, t.kind))) for t in rows]
    sort_keys = [
        (
            _natural(t.pseudonym),
            fold(t.profile_label),
            _consent_rank(t.consent_use),
            _consent_rank(t.consent_broadcast if t.consent_use is not False else False),
            t.retention_date.isoformat() if t.retention_date else "9999",  # « à fixer » last
            int(flag),
        )
        for t, flag in zip(rows, flagged, strict=True)
    ]
    return TestimonyList(rows, states, flagged, haystacks, sort_keys, twice)


EMPTY = TestimonyList([], [], [], [], [], frozenset())


class TestimoniesModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.data_list = EMPTY
        self._row_of: dict[str, int] = {}

    @property
    def rows(self) -> list[TestimonyData]:
        return self.data_list.rows

    def set_list(self, data: TestimonyList) -> None:
        self.beginResetModel()
        self.data_list = data
        self._row_of = {t.id: r for r, t in enumerate(data.rows)}
        self.endResetModel()

    def row_of(self, testimony_id: str) -> int:
        """The source row of a sheet, -1 if it is not in the list."""
        return self._row_of.get(testimony_id, -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt naming)
        return 0 if parent.isValid() else len(self.data_list.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == 5:
            return "Points à vérifier : données personnelles, code en double, conservation"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        d = self.data_list
        t = d.rows[r]
        if role == Qt.ItemDataRole.DisplayRole:
            if c == 0:
                return t.pseudonym or "—"
            if c == 1:
                return t.profile_label
            if c == 2:
                return consent_cell(t.consent_use)[0]
            if c == 3:
                return consent_cell(t.consent_broadcast if t.consent_use is not False else False)[0]
            if c == 4:
                return _date_fr(t.retention_date) or "à fixer"
            return "⚠" if d.flagged[r] else ""
        if role == Qt.ItemDataRole.ForegroundRole:
            color = self._color(r, c)
            return _BRUSHES[color.name()] if color is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, c)
        if role == ID_ROLE:
            return t.id
        if role == SORT_ROLE:
            return d.sort_keys[r][c]
        if role == Qt.ItemDataRole.AccessibleTextRole and c == 5:
            return "À vérifier" if d.flagged[r] else ""
        return None

    def _color(self, r: int, c: int) -> QColor | None:
        t = self.data_list.rows[r]
        if c == 2:
            return consent_cell(t.consent_use)[1]
        if c == 3:
            return consent_cell(t.consent_broadcast if t.consent_use is not False else False)[1]
        if c == 4:
            state = self.data_list.states[r]
            return RED if state == "expired" else ORANGE if state in ("soon", "missing") else None
        if c == 5:
            return ORANGE
        return None

    def _tooltip(self, r: int, c: int) -> str | None:
        d = self.data_list
        t = d.rows[r]
        if c == 0:
            kind = (
                "Témoignage"
                if t.kind == TESTIMONY
                else CONTRIBUTION_TYPES.get(t.contribution_type, "Contribution")
            )
            return f"{kind} {t.pseudonym}"
        if c == 1:
            return "\n".join(x for x in (t.profile_label, t.theme_label, t.qpv) if x)
        if c == 5:
            tips = list(t.warnings)
            if t.pseudonym.strip().upper() in d.twice:
                tips.append(f"Le code « {t.pseudonym} » est utilisé par plusieurs fiches.")
            if d.states[r] != "ok":
                tips.append(RETENTION_TEXT[d.states[r]])
            return "\n".join(tips) or None
        return None


class TestimoniesFilter(QSortFilterProxyModel):
    """Kind or state filter (`mode`, one of the tab's FILTERS values) and search words."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.mode = "all"
        self._words: list[str] = []
        self.setSortRole(SORT_ROLE)

    def set_filter(self, mode: str, query: str) -> None:
        self.mode = mode or "all"
        self._words = query_words(query)
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+
            self.beginFilterChange()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        mode, words = self.mode, self._words
        if mode == "all" and not words:
            return True
        d = self.sourceModel().data_list
        t = d.rows[source_row]
        if mode in (TESTIMONY, CONTRIBUTION) and t.kind != mode:
            return False
        if mode == "no_consent" and t.usable:
            return False
        if mode == "expired" and d.states[source_row] != "expired":
            return False
        if mode == "warnings" and not t.warnings:
            return False
        haystack = d.haystacks[source_row]
        return all(w in haystack for w in words)
