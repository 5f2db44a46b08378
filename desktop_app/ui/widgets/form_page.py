"""The parts of a rendered form: its header, one page, and the centred area holding a page.

`FormHeader` shows the tool's kind and title, the answer count with a progress bar, and a
collapsible « À quoi sert cet outil ? Comment l'utiliser ? » box.

A `PageView` shows the page heading (title, planned duration, description, the facilitator's
instructions for guides) then its fields. Consecutive fields generated for one item (an
indicator's value/source/evidence..., a checklist row, a maturity domain) are framed together
as a card, so long structured pages stay readable. Its rows can be built a batch at a time, an
empty space below them holding the place of those still to come (the renderer decides when).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kit.forms import Form, FormField, Page, format_duration
from desktop_app.ui.widgets.field_row import FieldRow, NoteRow
from desktop_app.ui.widgets.form_style import CONTENT_MAX_WIDTH, CollapsibleBox, wrap_label

NARROW_WIDTH = 640  # below this, a centred page keeps thin side margins
RowFactory = Callable[[FormField, QWidget], "FieldRow | NoteRow"]  # (field, parent)


class FormHeader(QFrame):
    """Kind, title, answer count and the collapsible purpose / how-to box of a form."""

    def __init__(self, form: Form, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("formHeader")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 14, 24, 10)
        outer.setSpacing(4)
        top = QHBoxLayout()
        self._top = top
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.kind_label = wrap_label(form.kind_label, "formKind", parent=self)
        titles.addWidget(self.kind_label)
        self.title_label = wrap_label(form.title, "formTitle", parent=self)
        titles.addWidget(self.title_label)
        top.addLayout(titles, 1)
        progress = QVBoxLayout()
        self._progress = progress
        progress.setSpacing(4)
        self.completion_label = QLabel(self)
        self.completion_label.setObjectName("completionLabel")
        self.completion_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.completion_bar = QProgressBar(self)
        self.completion_bar.setObjectName("completionBar")
        self.completion_bar.setTextVisible(False)
        self.completion_bar.setFixedSize(180, 6)
        progress.addStretch(1)
        progress.addWidget(self.completion_label)
        progress.addWidget(self.completion_bar, 0, Qt.AlignmentFlag.AlignRight)
        self._gap = top.count()
        top.addSpacing(24)
        top.addLayout(progress)
        outer.addLayout(top)

        self.about_box = CollapsibleBox(self.tr("À quoi sert cet outil ? Comment l'utiliser ?"), parent=self)
        about = self.about_box.content_layout
        about.setContentsMargins(18, 2, 0, 6)
        about.setSpacing(4)
        for heading, text in (
            (self.tr("À quoi sert cet outil"), form.purpose),
            (self.tr("Comment l'utiliser"), form.how_to),
        ):
            about.addWidget(wrap_label(heading, "aboutHeading", parent=self.about_box.content))
            # In a row with a stretch: the layout then asks the label's height for the width it
            # really gets (a bare maximumWidth would clip the wrapped text).
            row = QHBoxLayout()
            body = wrap_label(text, "aboutText", parent=self.about_box.content)
            body.setMaximumWidth(900)
            row.addWidget(body, 3)
            row.addStretch(1)
            about.addLayout(row)
            about.addSpacing(4)
        outer.addWidget(self.about_box)

    def set_compact(self, compact: bool) -> None:
        """On a short window (a laptop, mode atelier open): a smaller title and no kind line,
        so that the questions get the room."""
        if self.property("compact") == compact:
            return
        self.setProperty("compact", compact)
        self.kind_label.setVisible(not compact)
        self.title_label.setProperty("compact", compact)
        self.title_label.style().unpolish(self.title_label)
        self.title_label.style().polish(self.title_label)
        self.layout().setContentsMargins(24, 6 if compact else 14, 24, 4 if compact else 10)

    def set_narrow(self, narrow: bool) -> None:
        """In a narrow column (a record's sheet beside its list, at 1280 px): the answer count
        goes under the title instead of beside it, so the title keeps the whole width (beside
        it, a title wrapped to three lines)."""
        if self.property("narrow") == narrow:
            return
        self.setProperty("narrow", narrow)
        self._top.setDirection(QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight)
        self._top.itemAt(self._gap).spacerItem().changeSize(0 if narrow else 24, 4 if narrow else 0)
        side = Qt.AlignmentFlag.AlignLeft if narrow else Qt.AlignmentFlag.AlignRight
        self.completion_label.setAlignment(side)
        self._progress.setAlignment(self.completion_bar, side)
        self._top.invalidate()

    def show_completion(self, answered: int, total: int) -> None:
        self.completion_label.setText(self.tr("{0} / {1} réponses").format(answered, total))
        self.completion_bar.setRange(0, max(total, 1))
        self.completion_bar.setValue(answered)


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
    """Heading and fields of one page.

    Its rows can be built in batches: `rows_to_build` (None: all) are built at once, the rest
    by `build_more`, each call adding whole groups (a card is never split) at the end of the
    page. `rows` holds the rows built so far. On a page already shown, a batch is built inside
    a plain holder shown once it is complete: showing each new row on its own would lay the
    whole page out again at once, for every row.

    Below the rows built, an empty space (`reserve`) holds the place of the rows still to come,
    so that a scroll bar shows the page at its full length; its owner sizes it
    (`built_height`, `fields_left`) and builds more when the space comes near the screen."""

    def __init__(
        self,
        page: Page,
        make_row: RowFactory,
        show_title: bool = True,
        surface: bool = True,
        instructions_title: str = "Déroulé et consignes",
        parent: QWidget | None = None,
        rows_to_build: int | None = None,
        instructions_expanded: bool = True,
    ):
        super().__init__(parent)
        self.page = page
        self.instructions_box: CollapsibleBox | None = None
        self._make_row = make_row
        if surface:
            self.setObjectName("pageSurface")
        self.rows: dict[str, FieldRow | NoteRow] = {}
        self.cards: list[tuple[QFrame, list[str]]] = []
        self._pending = group_fields(page.fields)
        self.last_built: list[QWidget] = []  # the rows and cards added by the last build_more
        self.batches: list[tuple[QWidget, list[str]]] = []  # holders of the batches built once shown
        self.tab_tail: QWidget | None = None  # the renderer's note of the last Tab stop built
        self._unshown: QWidget | None = None  # the holder of a batch not shown yet
        # Empty items marking where the rows begin and end (a spacer always gets its geometry,
        # a hidden row does not), the second one sized for the rows still to come.
        self._top = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self._reserve = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        if surface:
            layout.setContentsMargins(28, 22, 28, 28)
        else:
            layout.setContentsMargins(4, 4, 4, 8)
        layout.setSpacing(18)

        heading = QVBoxLayout()
        heading.setSpacing(6)
        if show_title:
            heading.addWidget(wrap_label(page.title, "pageTitle", parent=self))
        if page.duration_minutes:
            heading.addWidget(
                wrap_label(f"Durée prévue : {format_duration(page.duration_minutes)}", "pageMeta", parent=self)
            )
        if page.description:
            heading.addWidget(wrap_label(page.description, "pageDescription", parent=self))
        if heading.count():
            layout.addLayout(heading)
        if page.instructions:
            layout.addWidget(self._instructions(instructions_title, page.instructions, instructions_expanded))
        if not page.fields:
            layout.addWidget(wrap_label("Cette section ne contient pas de question.", "fieldHelp", parent=self))
        layout.addItem(self._top)  # the rows go between these two
        layout.addItem(self._reserve)
        layout.addStretch(1)
        self.build_more(rows_to_build)

    def is_complete(self) -> bool:
        """True when every row of the page is built."""
        return not self._pending

    def fields_left(self) -> int:
        """How many fields are still to be built."""
        return sum(len(group) for group in self._pending)

    def built_height(self) -> int:
        """Height of the rows built so far, as laid out last (0 before a first layout)."""
        return max(0, self._reserve.geometry().top() - self._top.geometry().top()) if self.rows else 0

    def built_bottom(self) -> int:
        """Where the rows built so far end (the reserve begins), in the page's coordinates."""
        return self._reserve.geometry().top()

    def reserved(self) -> int:
        return self._reserve.sizeHint().height()

    def reserve(self, height: int) -> None:
        """Hold `height` pixels below the rows built for the rows still to come."""
        height = max(0, int(height))
        if height != self.reserved():
            self._reserve.changeSize(0, height, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            self.layout().invalidate()

    def build_more(self, rows: int | None = None) -> list[str]:
        """Build the next groups of fields, about `rows` of them (at least one group unless 0;
        None: all).
        Returns the ids of the fields built. Rows added to a page already shown stay hidden
        until shown (the renderer shows them with its skip logic, `apply_visibility`)."""
        built: list[str] = []
        self.last_built = []
        if not self._pending or rows == 0:
            return built
        holder: QWidget = self
        layout = self.layout()
        if self.isVisible():
            holder = QWidget(self)
            holder.hide()
            layout.insertWidget(layout.count() - 2, holder)  # before the reserve and the stretch
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(self.layout().spacing())
            self._unshown = holder
        while self._pending and (rows is None or not built or len(built) + len(self._pending[0]) <= rows):
            group = self._pending.pop(0)
            at = layout.count() - 2 if holder is self else layout.count()  # before the reserve
            if len(group) == 1:
                row = self._make_row(group[0], holder)
                self.rows[group[0].id] = row
                layout.insertWidget(at, row)
                self.last_built.append(row)
            else:
                card = QFrame(holder)
                card.setObjectName("card")
                card_layout = QVBoxLayout(card)
                card_layout.setContentsMargins(16, 12, 16, 14)
                card_layout.setSpacing(12)
                for f in group:
                    row = self._make_row(f, card)
                    self.rows[f.id] = row
                    card_layout.addWidget(row)
                self.cards.append((card, [f.id for f in group]))
                layout.insertWidget(at, card)
                self.last_built.append(card)
            built += [f.id for f in group]
        if holder is not self:
            self.batches.append((holder, built))
        if not self._pending:
            self.reserve(0)
        return built

    def show_batch(self) -> None:
        """Show the holder of the last batch (after the skip logic has hidden what it hides)."""
        if self._unshown is not None:
            holder, ids = self.batches[-1]
            self._unshown = None
            holder.setVisible(any(not self.rows[i].isHidden() for i in ids))

    def _instructions(self, heading: str, lines: tuple[str, ...], expanded: bool) -> QFrame:
        """The method or the facilitator's instructions of the page, in a box that folds (a
        long method would otherwise fill the first screen of a form being filled in)."""
        box = QFrame(self)
        box.setObjectName("instructions")
        inner = QVBoxLayout(box)
        inner.setContentsMargins(10, 6, 14, 10)
        inner.setSpacing(4)
        self.instructions_box = CollapsibleBox(heading, expanded=expanded, button_name="instructionsHeading", parent=box)
        content = self.instructions_box.content_layout
        content.setContentsMargins(4, 0, 0, 0)
        for line in lines:
            content.addWidget(wrap_label(f"• {line}", parent=self.instructions_box.content))
        inner.addWidget(self.instructions_box)
        return box

    def apply_visibility(self, visible_fields: frozenset[str]) -> None:
        for field_id, row in self.rows.items():
            set_shown(row, field_id in visible_fields)
        for card, ids in self.cards:
            set_shown(card, any(i in visible_fields for i in ids))
        for holder, ids in self.batches:
            if holder is not self._unshown:  # that one is shown by show_batch
                set_shown(holder, any(i in visible_fields for i in ids))


def set_shown(widget: QWidget, shown: bool) -> None:
    """setVisible only when it changes something: on a shown widget, each call lays the parent
    out again at once (with word-wrapped labels, ~2 ms per row)."""
    hidden_for_good = widget.isHidden() and widget.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
    if shown and widget.isHidden() or not shown and not hidden_for_good:
        widget.setVisible(shown)


class CenteredArea(QWidget):
    """Holds one widget centred, at most `max_width` wide, with comfortable margins.

    Give the child now, or create the area first and the child with the area as its parent,
    then `set_child` (cheaper: Qt re-styles a whole subtree moved into a styled parent)."""

    def __init__(
        self,
        child: QWidget | None = None,
        max_width: int = CONTENT_MAX_WIDTH,
        margin: int = 24,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.child: QWidget | None = None
        self._max_width = max_width
        self._margin = margin
        self.setObjectName("pageBackdrop")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(margin, 20, margin, 24)
        if child is not None:
            self.set_child(child)

    def set_child(self, child: QWidget) -> None:
        self.child = child
        self._layout.addWidget(child)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        # Narrow (a form beside a list or a result panel): thin margins leave the text its room.
        margin = self._margin if self.width() >= NARROW_WIDTH else min(self._margin, 8)
        side = max(margin, (self.width() - self._max_width) // 2)
        margins = self._layout.contentsMargins()
        if margins.left() != side:
            top = 20 if margin == self._margin else 10
            self._layout.setContentsMargins(side, top, side, margins.bottom())
            if isinstance(self.child, PageView) and self.child.objectName() == "pageSurface":
                inner = 28 if margin == self._margin else 16
                self.child.layout().setContentsMargins(inner, 22 if inner == 28 else 14, inner, inner)
        super().resizeEvent(event)
