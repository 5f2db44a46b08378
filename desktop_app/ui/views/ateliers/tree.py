"""The list of workshops, grouped by guide; working groups by theme with their sessions."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from desktop_app.core.fieldwork import (
    participants_text,
    plain_label,
    working_group_name,
    workshop_title,
)
from desktop_app.services.fieldwork_workshops import WorkshopData
from desktop_app.ui.views.terrain.shared import status_icon

ROLE_KIND = Qt.ItemDataRole.UserRole
ROLE_ID = Qt.ItemDataRole.UserRole + 1


class WorkshopTree(QTreeWidget):
    """Emits selected(kind, id): kind is "workshop" or "group" (id = series id)."""

    selected = Signal(str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("workshopTree")
        self.setHeaderHidden(True)
        self.setAccessibleName("Ateliers et groupes de travail")
        self.setIndentation(14)
        self.setUniformRowHeights(False)
        self.setWordWrap(True)
        self.currentItemChanged.connect(self._changed)
        self._loading = False

    def set_workshops(self, workshops: list[WorkshopData]) -> None:
        current = self.current()
        self._loading = True
        self.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        # one group per guide, in the order the service gives (the kit's order of its guides)
        by_tool: dict[str, list[WorkshopData]] = {}
        for w in workshops:
            by_tool.setdefault(w.tool_id, []).append(w)
        for mine in by_tool.values():
            working_group = mine[0].is_working_group
            top = QTreeWidgetItem(self, [f"{mine[0].group_label} ({_count(mine, working_group)})"])
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if working_group:
                series: dict[str, list[WorkshopData]] = {}
                for w in mine:
                    series.setdefault(w.series_id or w.id, []).append(w)
                for series_id, sessions in series.items():
                    group = QTreeWidgetItem(top, [plain_label(sessions[0].theme_label) or "Thème à préciser"])
                    group.setData(0, ROLE_KIND, "group")
                    group.setData(0, ROLE_ID, series_id)
                    done = sum(1 for s in sessions if s.status == "complete")
                    group.setIcon(0, status_icon(done, len(sessions), done == len(sessions)))
                    group.setToolTip(
                        0,
                        f"{working_group_name(sessions[0].theme_label)}\n{done} séance(s) terminée(s) sur {len(sessions)}",
                    )
                    for w in sessions:
                        self._leaf(
                            group, w, f"Séance {w.session}" + (f" · {w.date_fr[:5]}" if w.date else "")
                        )
                    group.setExpanded(True)
            else:
                for w in mine:
                    self._leaf(top, w, w.date_fr or "Date à fixer")
            top.setExpanded(True)
        self._loading = False
        if current:
            self.select(*current)

    def _leaf(self, parent: QTreeWidgetItem, w: WorkshopData, text: str) -> None:
        if not w.is_working_group and w.title and w.title != workshop_title(w.group_label):
            text = f"{text} · {w.title}"
        item = QTreeWidgetItem(parent, [text])
        item.setData(0, ROLE_KIND, "workshop")
        item.setData(0, ROLE_ID, w.id)
        item.setIcon(0, status_icon(w.answered, w.questions, w.status == "complete"))
        state = "terminé" if w.status == "complete" else f"{w.answered}/{w.questions} réponses"
        details = [w.title, state]
        if w.place:
            details.append(w.place)
        people = participants_text(w.participants)
        if people:
            details.append(people)
        item.setToolTip(0, "\n".join(details))

    def current(self) -> tuple[str, str] | None:
        item = self.currentItem()
        if item is None or not item.data(0, ROLE_KIND):
            return None
        return item.data(0, ROLE_KIND), item.data(0, ROLE_ID)

    def select(self, kind: str, record_id: str) -> bool:
        for item in self._items():
            if item.data(0, ROLE_KIND) == kind and item.data(0, ROLE_ID) == record_id:
                self.setCurrentItem(item)
                return True
        return False

    def select_first(self) -> None:
        for item in self._items():
            if item.data(0, ROLE_KIND) == "workshop":
                self.setCurrentItem(item)
                return

    def _items(self):
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            yield item
            stack[0:0] = [item.child(i) for i in range(item.childCount())]

    def _changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        if self._loading or current is None or not current.data(0, ROLE_KIND):
            return
        self.selected.emit(current.data(0, ROLE_KIND), current.data(0, ROLE_ID))


def _count(workshops: list[WorkshopData], working_group: bool) -> int:
    if working_group:
        return len({w.series_id or w.id for w in workshops})
    return len(workshops)
