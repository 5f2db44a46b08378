"""One page of a rendered form, and the centred, width-limited area that holds it.

A `PageView` shows the page heading (title, planned duration, description, the facilitator's
instructions for guides) then its fields. Consecutive fields generated for one item (an
indicator's value/source/evidence..., a checklist row, a maturity domain) are framed together
as a card, so long structured pages stay readable.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.kit.forms import FormField, Page, format_duration
from desktop_app.ui.widgets.field_row import FieldRow, NoteRow
from desktop_app.ui.widgets.form_style import CONTENT_MAX_WIDTH, wrap_label

RowFactory = Callable[[FormField], "FieldRow | NoteRow"]


def _group_key(field: FormField) -> str:
    return field.id.split(".", 1)[0]


def group_fields(fields: tuple[FormField, ...]) -> list[list[FormField]]:
    """Consecutive fields sharing an id prefix ("ind.valeur", "ind.source"...) form one group."""
    groups: list[list[FormField]] = []
    for f in fields:
        if groups and _group_key(groups[-1][-1]) == _group_key(f) and "." in f.id:
            groups[-1].append(f)
        else:
            groups.append([f])
    return groups


class PageView(QFrame):
    """Heading and fields of one page."""

    def __init__(self, page: Page, make_row: RowFactory, show_title: bool = True, surface: bool = True):
        super().__init__()
        self.page = page
        if surface:
            self.setObjectName("pageSurface")
        self.rows: dict[str, FieldRow | NoteRow] = {}
        self.cards: list[tuple[QFrame, list[str]]] = []
        layout = QVBoxLayout(self)
        if surface:
            layout.setContentsMargins(28, 22, 28, 28)
        else:
            layout.setContentsMargins(4, 4, 4, 8)
        layout.setSpacing(18)

        heading = QVBoxLayout()
        heading.setSpacing(6)
        if show_title:
            heading.addWidget(wrap_label(page.title, "pageTitle"))
        if page.duration_minutes:
            heading.addWidget(wrap_label(f"Durée prévue : {format_duration(page.duration_minutes)}", "pageMeta"))
        if page.description:
            heading.addWidget(wrap_label(page.description, "pageDescription"))
        if heading.count():
            layout.addLayout(heading)
        if page.instructions:
            layout.addWidget(self._instructions(page.instructions))

        for group in group_fields(page.fields):
            if len(group) == 1:
                row = make_row(group[0])
                self.rows[group[0].id] = row
                layout.addWidget(row)
                continue
            card = QFrame()
            card.setObjectName("card")
            card_layout = QVBoxLayout(card)
            card_layout.setContentsMargins(16, 12, 16, 14)
            card_layout.setSpacing(12)
            for f in group:
                row = make_row(f)
                self.rows[f.id] = row
                card_layout.addWidget(row)
            self.cards.append((card, [f.id for f in group]))
            layout.addWidget(card)
        if not page.fields:
            layout.addWidget(wrap_label("Cette section ne contient pas de question.", "fieldHelp"))
        layout.addStretch(1)

    @staticmethod
    def _instructions(lines: tuple[str, ...]) -> QFrame:
        box = QFrame()
        box.setObjectName("instructions")
        inner = QVBoxLayout(box)
        inner.setContentsMargins(14, 10, 14, 12)
        inner.setSpacing(4)
        title = QLabel("Déroulé et consignes")
        title.setObjectName("instructionsHeading")
        inner.addWidget(title)
        for line in lines:
            inner.addWidget(wrap_label(f"• {line}"))
        return box

    def apply_visibility(self, visible_fields: frozenset[str]) -> None:
        for field_id, row in self.rows.items():
            row.setVisible(field_id in visible_fields)
        for card, ids in self.cards:
            card.setVisible(any(i in visible_fields for i in ids))


class CenteredArea(QWidget):
    """Holds one widget centred, at most `max_width` wide, with comfortable margins."""

    def __init__(self, child: QWidget, max_width: int = CONTENT_MAX_WIDTH, margin: int = 24):
        super().__init__()
        self.child = child
        self._max_width = max_width
        self._margin = margin
        self.setObjectName("pageBackdrop")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(margin, 20, margin, 24)
        self._layout.addWidget(child)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        side = max(self._margin, (self.width() - self._max_width) // 2)
        margins = self._layout.contentsMargins()
        if margins.left() != side:
            self._layout.setContentsMargins(side, margins.top(), side, margins.bottom())
        super().resizeEvent(event)
