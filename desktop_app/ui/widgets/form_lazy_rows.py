"""Building a form's rows on demand: the part of `FormRenderer` that decides when rows are built.

In "pages" mode a section's widgets are built when it is first shown, and a long section's rows
only as they come near the screen (Qt spends some 3-5 ms and 15-80 KiB per field on creating,
styling and laying it out; most rows of a big grid are never looked at in a session): its first
screenful (`FIRST_ROWS` fields) at once, then `BATCH_ROWS` at a time through the event loop while
the rows built do not reach `LOOKAHEAD_SCREENS` screen heights below the scroll position. Scrolling
(wheel, keys, the bar dragged), a taller window and the focus coming within a screen of the last
rows built (Tab goes on down the section) build more. An empty space sized from the rows laid out
so far holds the place of the others, so the scroll bar shows the whole section; while that space
is on screen a pass builds batches for about `PASS_BUDGET_S`, and the bar dragged to its end stays
there as the rows come. Asking for a row not built yet (`row`, `check_complete` going to a missing
answer, `go_to_field`, Ctrl+PgDown...) builds what it needs at once, or a batch per pass with
`when_built(ids, then)` (a jump far down a big grid); `build_all` builds every row
of the sections shown so far (`is_fully_built`). "scroll" mode builds the same way down its column
of sections, in order.

`LazyRowsMixin` is one of the parts `FormRenderer` is made of (with `form_sections.SectionsMixin`
and `form_checks.ChecksMixin`); it works on the renderer's state, listed in its class body. A row
built later is given the current answers, drafts and marks by the renderer's `_init_rows`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QTimer
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from desktop_app.ui.widgets.field_row import FieldRow, NoteRow
from desktop_app.ui.widgets.form_page import CenteredArea, PageView
from desktop_app.ui.widgets.form_style import apply_tab_order, focusable_in_order

if TYPE_CHECKING:
    from desktop_app.kit.forms import Form

FIRST_ROWS = 10  # fields of a section built at once: more than a screenful
BATCH_ROWS = 8  # then this many per event loop pass (10-30 ms)
LOOKAHEAD_SCREENS = 2  # rows are built down to this many screen heights below the scroll position
PASS_BUDGET_S = 0.035  # a pass builds batches for about this long when the unbuilt part is on screen
ROW_ESTIMATE_PX = 80  # height of a field not built, before any is laid out
JUMP_ROWS = 4  # rows built per pass on the way to a field far down (`when_built`): a pass stays near 30 ms


class LazyRowsMixin:
    """Builds the rows of the sections shown as they come near the screen (a `FormRenderer` part)."""

    # the renderer's state this part reads (set by FormRenderer and SectionsMixin)
    form: Form
    mode: str
    _rows: dict[str, FieldRow | NoteRow]  # rows built so far, by field id
    _page_index: dict[str, int]  # field id -> index of its section
    _views: list[PageView | None]  # pages mode: None until the section is first shown
    scrolls: list[QScrollArea]  # pages mode: one per section
    scroll: QScrollArea  # scroll mode

    def _init_lazy_rows(self) -> None:
        """The state of the building on demand (before any section is built)."""
        self._build_timer = QTimer(self)  # builds the rest of the sections shown, a batch per pass
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_step)
        self._row_px = float(ROW_ESTIMATE_PX)  # average height of a field built, as last measured
        self._pinned: QScrollArea | None = None  # scrolled to its very end: kept there as rows come
        self._when_built_ask: object | None = None  # the latest `when_built` under way

    def _follow_scrolling(self) -> None:
        """Scrolling, a scroll range that changes and the focus moving bring rows to build near
        the screen: follow them (once the sections' scroll areas exist), and start building."""
        for scroll in self.scrolls if self.mode == "pages" else [self.scroll]:
            bar = scroll.verticalScrollBar()
            bar.valueChanged.connect(partial(self._on_scrolled, scroll))
            bar.actionTriggered.connect(partial(self._on_scroll_action, scroll))
            bar.rangeChanged.connect(partial(self._on_scroll_range, scroll))
        QApplication.instance().focusChanged.connect(self._on_focus_changed)
        self._schedule_build()

    def _ensure_page(self, index: int) -> PageView:
        """The view of a section, built (with the current answers) on first use (pages mode)."""
        view = self._views[index]
        if view is None:
            scroll = self.scrolls[index]
            area = CenteredArea(parent=scroll)
            view = PageView(
                self.form.pages[index],
                self._make_row,
                instructions_title=self._instructions_title(),
                instructions_expanded=self._instructions_open(),
                parent=area,
                rows_to_build=FIRST_ROWS,
            )
            area.set_child(view)
            self._views[index] = view
            view.reserve(view.fields_left() * self._row_px)  # the scroll bar's length at once
            self._init_rows(view)  # before it is shown: no layout pass per change
            scroll.setWidget(area)
            area.setAutoFillBackground(False)  # setWidget turns it on; the backdrop is the style sheet's
            apply_tab_order(self)
            self._schedule_build()
        return view

    def _new_section_shown(self) -> None:
        """Another section is shown (pages mode): not kept at its end, its rows to build."""
        self._pinned = None
        self._schedule_build()

    def _schedule_build(self) -> None:
        if any(v is not None and not v.is_complete() for v in self._views):
            self._build_timer.start()

    def _lazy_target(self) -> tuple[PageView, QScrollArea] | None:
        """The section whose next rows come into view first, and its scroll area: in pages mode
        the section shown; in scroll mode the first one shown (and unfolded) not built whole."""
        if self.mode == "pages":
            index = self.current_page()
            view = self._views[index] if 0 <= index < len(self._views) else None
            return (view, self.scrolls[index]) if view is not None and not view.is_complete() else None
        view = next((v for v in self._views if not v.is_complete() and v.isVisible()), None)
        return (view, self.scroll) if view is not None else None

    def _rows_needed(self, view: PageView, scroll: QScrollArea) -> int:
        """0: the rows built reach `LOOKAHEAD_SCREENS` screens below the scroll position (or the
        section is complete); 1: they do not; 2: the space of the rows to come is on screen
        (or the user went to the very end). Sizes that space from the rows laid out so far."""
        if view.is_complete() or not view.isVisible():
            return 0
        view.layout().activate()  # the rows just built, at their place
        height = view.built_height()
        if view.rows and height > 0:
            self._row_px = height / len(view.rows)
        view.reserve(view.fields_left() * self._row_px)
        if self.mode == "scroll":
            for other in self._views:
                if other is not view and not other.is_complete():
                    other.reserve(other.fields_left() * self._row_px)
        bottom = view.mapTo(scroll.widget(), QPoint(0, view.built_bottom())).y()
        top, screen = scroll.verticalScrollBar().value(), scroll.viewport().height()
        if bottom < top + screen or self._pinned is scroll:
            return 2
        return 1 if bottom < top + LOOKAHEAD_SCREENS * screen else 0

    def _build_step(self) -> None:
        """Build rows of the section in view while they do not reach `LOOKAHEAD_SCREENS` screens
        below the scroll position: a batch per pass, or batches for about `PASS_BUDGET_S` when
        the space of the rows to come is on screen (the window answers between passes)."""
        if not self.isVisible():
            return  # resumed by showEvent: widgets are styled once, when shown
        target = self._lazy_target()
        if target is None:
            return
        view, scroll = target
        start, batches = time.perf_counter(), 0
        while need := self._rows_needed(view, scroll):
            spent = time.perf_counter() - start
            if batches and (need == 1 or spent * (batches + 1) / batches > PASS_BUDGET_S):
                self._build_timer.start()  # the rest at the next pass
                return
            self._build_rows(view, BATCH_ROWS)
            batches += 1
        if view.is_complete() and self.mode == "scroll":
            self._schedule_build()  # the next section may be in view too

    def _lay_out_now(self, view: PageView) -> None:
        """After rows built at once (a field asked for), the section is laid out at once, the
        space of the rows to come sized again: the place of the rows is right for whoever
        scrolls to one (otherwise known at the next pass, the page squeezed meanwhile)."""
        view.reserve(view.fields_left() * self._row_px)
        if view.isVisible():
            for _ in range(3):  # the page, the area holding it, the scroll area sizing the area
                QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _on_scroll_action(self, scroll: QScrollArea, _action: int) -> None:
        """The user scrolls (the bar dragged, the wheel, a key): to the very end of a section
        not built whole, it stays at the end as the rows come (not when a field is scrolled to)."""
        bar = scroll.verticalScrollBar()
        if bar.sliderPosition() >= bar.maximum() > 0 and self._lazy_target() is not None:
            self._pinned = scroll

    def _on_scrolled(self, scroll: QScrollArea, value: int) -> None:
        if self._pinned is scroll and value < scroll.verticalScrollBar().maximum():
            self._pinned = None  # back up
        self._schedule_build()

    def _on_scroll_range(self, scroll: QScrollArea, _low: int, high: int) -> None:
        if self._pinned is scroll:
            scroll.verticalScrollBar().setValue(high)
            if self._lazy_target() is None:
                self._pinned = None
        self._schedule_build()

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """The focus (Tab, a click) within a screen of the end of the rows built: the next rows
        are built at once, so that Tab goes on down the section without waiting for a pass."""
        if new is None or not self.isAncestorOf(new):
            return
        target = self._lazy_target()
        if target is None:
            return
        view, scroll = target
        content = scroll.widget()
        if not content.isAncestorOf(new):
            return
        view.layout().activate()
        end = view.mapTo(content, QPoint(0, view.built_bottom())).y()
        if new.mapTo(content, QPoint(0, new.height())).y() >= end - scroll.viewport().height():
            self._build_rows(view, BATCH_ROWS)
            self._schedule_build()

    def _build_rows(self, view: PageView, rows: int | None) -> None:
        """Build the next `rows` fields of a section (None: all), with the current answers."""
        tail = view.tab_tail
        if tail is None:
            widgets = focusable_in_order(view)
            tail = widgets[-1] if widgets else None
        built = view.build_more(rows)
        if not built:
            return
        self._init_rows(view, built)
        view.show_batch()
        new = [w for top in view.last_built for w in focusable_in_order(top)]
        if tail is None:
            apply_tab_order(self)  # nothing to follow in this section yet: the whole form
        else:
            for first, second in pairwise([tail, *new]):  # right after the rows built before
                QWidget.setTabOrder(first, second)
        view.tab_tail = new[-1] if new else tail

    def _complete_view(self, view: PageView) -> None:
        if not view.is_complete():
            self._build_rows(view, None)

    def build_all(self) -> None:
        """Build now every row of the sections shown so far (otherwise built as they come near
        the screen): for a test, or before reading every widget of a section."""
        for view in self._views:
            if view is not None:
                self._complete_view(view)

    def row(self, field_id: str) -> FieldRow | NoteRow:
        """The widget row of a top-level field (for tests and the owner's focus handling);
        it is built (with its section, and the rows above it) if it was not yet."""
        if field_id not in self._rows and field_id in self._page_index:
            index = self._page_index[field_id]
            view = self._ensure_page(index) if self.mode == "pages" else self._views[index]
            fields = [f.id for f in self.form.pages[index].fields]
            while field_id not in self._rows and not view.is_complete():  # in one holder: one layout
                self._build_rows(view, max(BATCH_ROWS, fields.index(field_id) + 1 - len(view.rows)))
            self._lay_out_now(view)
            self._schedule_build()  # the rows below it, as they come into view
        return self._rows[field_id]

    def when_built(self, field_ids: list[str], then: Callable[[], None]) -> None:
        """Build the rows of `field_ids` and those above them a batch per pass of the event loop
        (the window answers in between: a jump far down a grid built them all in one 0.2 s
        stretch), then call `then()` — at once when they are built already. A newer call
        replaces one under way."""
        self._when_built_ask = ask = object()
        wanted = [f for f in field_ids if f in self._page_index]

        def step() -> None:
            if self._when_built_ask is not ask:
                return  # another jump was asked for meanwhile
            missing = [f for f in wanted if f not in self._rows]
            if not missing:
                for index in {self._page_index[f] for f in wanted}:
                    view = self._views[index]
                    if view is not None:
                        self._lay_out_now(view)
                then()
                return
            index = self._page_index[missing[0]]
            view = self._ensure_page(index) if self.mode == "pages" else self._views[index]
            if view is None or view.is_complete():
                then()
                return
            self._build_rows(view, JUMP_ROWS)
            QTimer.singleShot(0, self, step)

        step()

    def built_row(self, field_id: str) -> FieldRow | NoteRow | None:
        """The row of a field if it is built already (never builds anything)."""
        return self._rows.get(field_id)

    def is_fully_built(self) -> bool:
        """True when every row of the sections shown so far is built."""
        return all(v is None or v.is_complete() for v in self._views)

    def is_building(self) -> bool:
        """True while rows are still to be built by the event loop (then they are enough for
        the screens in view, or the section is complete)."""
        return self._build_timer.isActive()

    def is_page_built(self, index: int) -> bool:
        return self._views[index] is not None

