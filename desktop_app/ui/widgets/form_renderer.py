"""The one form renderer: shows any kit tool (compiled to a `Form`) and edits its answers.

    renderer = FormRenderer(compile_tool(kit, tool_id), answers, mode="pages")
    renderer.answerChanged.connect(save_answer)      # (field id, stored value or None)
    renderer.completionChanged.connect(show_progress)  # (answered, total)
    ...
    renderer.flush()                                  # before closing: commit pending typing

Two layouts: `mode="pages"` (a list of sections with completion ticks on the left, one section
at a time, Ctrl+PgDown / Ctrl+PgUp to change section) and `mode="scroll"` (every section as a
collapsible block in one scrolling page). Skip logic is live: sections and questions whose
`show_if` becomes false hide, and come back with their answers when it becomes true again.

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
answer, `go_to_field`, Ctrl+PgDown...) builds what it needs at once; `build_all` builds every row
of the sections shown so far (`is_fully_built`). Completion counts, skip logic and
`check_complete` work on the answers, and a row built later shows the current answers, drafts,
read-only state, required and unsaved marks (`rowsBuilt` tells the owner which rows came).
"scroll" mode builds the same way down its column of sections, in order.
Widgets are created with their parent, top-down: a widget moved into an already styled parent
has its whole subtree re-styled by Qt, which was most of the cost of a form.

The renderer never touches the database: its owner saves on `answerChanged`, and says which
answers could not be stored (`mark_unsaved`, usually through `AppContext.follow_saves`): their
fields show it and send the answer again when left. `answers()` holds
every answer, those of hidden questions included (use `core.validation.effective_answers` to
drop them); answers to questions the form does not know are kept untouched.

Nothing typed is lost: text that is not a valid answer (« environ un et demi » in a number
field) is reported by `draftChanged(field id, text)` (None once corrected) for the owner to keep
(`FormService.set_draft`); `set_drafts` shows kept texts again. Such fields and their sections
are marked « à corriger » (`fields_to_correct`), and `check_complete` lists them. In a repeat
group the key names the item and the sub-question (« membres[2].age », `core.validation.draft_key`).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from functools import partial
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.validation import (
    AnswerError,
    Completion,
    Visibility,
    coerce,
    completion,
    compute_calculations,
    compute_visibility,
    group_draft_lines,
    is_blank,
    missing_required,
    page_completion,
    split_draft_key,
    validate,
)
from desktop_app.kit.forms import Form, FormField, page_of
from desktop_app.ui.settings import current_settings
from desktop_app.ui.widgets.field_row import FieldRow, NoteRow, RepeatGroupEditor, build_row
from desktop_app.ui.widgets.form_page import CenteredArea, FormHeader, PageView
from desktop_app.ui.widgets.form_style import (
    COLOR_ERROR,
    ICON_SIZE,
    STYLE_SHEET,
    CollapsibleBox,
    RoomyItemDelegate,
    apply_tab_order,
    focusable_in_order,
    status_icon,
)
from desktop_app.ui.widgets.splitters import remember_sizes

MODES = ("pages", "scroll")
TO_FIX_MARK = "à corriger"
FIRST_ROWS = 10  # fields of a section built at once: more than a screenful
BATCH_ROWS = 8  # then this many per event loop pass (10-30 ms)
LOOKAHEAD_SCREENS = 2  # rows are built down to this many screen heights below the scroll position
PASS_BUDGET_S = 0.035  # a pass builds batches for about this long when the unbuilt part is on screen
ROW_ESTIMATE_PX = 80  # height of a field not built, before any is laid out
COMPACT_HEIGHT = 640  # a shorter renderer shows a compact header
NARROW_HEADER = 600  # a narrower one shows its answer count under its title
SECTIONS_MIN_WIDTH, SECTIONS_MAX_WIDTH = 170, 240  # the section list's first width


class FormRenderer(QWidget):
    """Renders a Form, edits its answers, reports each committed change."""

    answerChanged = Signal(str, object)
    draftChanged = Signal(str, object)  # (field id, text kept « à corriger », or None)
    completionChanged = Signal(int, int)
    rowsBuilt = Signal(list)  # ids of the fields whose rows were just built (with the answers)

    def __init__(
        self, form: Form, answers: Mapping[str, Any] | None = None, parent=None, mode: str = "pages"
    ):
        super().__init__(parent)
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r} (expected one of {MODES})")
        self.form = form
        self.mode = mode
        self._answers: dict[str, Any] = {}
        self._read_only = False
        self._completion = Completion(0, 0)
        self._visibility: Visibility | None = None
        self._rows: dict[str, FieldRow | NoteRow] = {}  # rows of the sections built so far
        self._fields: dict[str, FormField] = {f.id: f for p in form.pages for f in p.fields}
        self._calculated = {f.id for f in self._fields.values() if f.calculate}  # read-only, computed
        self._constrained = [f.id for f in self._fields.values() if f.constraint]
        self._page_index = {f.id: i for i, p in enumerate(form.pages) for f in p.fields}
        self._views: list[PageView | None] = []  # pages mode: None until the section is first shown
        self._required_marks: set[str] = set()  # from the last check_complete, for sections built later
        self._unsaved: dict[str, str] = {}  # field id -> why its answer is not stored yet
        self._drafts: dict[str, str] = {}  # field id -> text kept « à corriger »
        self._sections: list[QWidget] = []  # scroll mode: the block of each page
        self._sections_sized = False  # pages mode: the section list got its width from the form's
        self._section_counts: list[QLabel] = []
        self._current_section = 0  # scroll mode
        self._group_of_child = {c.id: f.id for p in form.pages for f in p.fields for c in f.children}
        self._build_timer = QTimer(self)  # builds the rest of the sections shown, a batch per pass
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_step)
        self._row_px = float(ROW_ESTIMATE_PX)  # average height of a field built, as last measured
        self._pinned: QScrollArea | None = None  # scrolled to its very end: kept there as rows come

        self.setObjectName("formRenderer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE_SHEET)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.header = FormHeader(form, self)
        self.title_label = self.header.title_label
        self.completion_label = self.header.completion_label
        self.completion_bar = self.header.completion_bar
        self.about_box = self.header.about_box
        layout.addWidget(self.header)
        layout.addWidget(self._build_pages() if mode == "pages" else self._build_scroll(), 1)

        for keys, direction in (("Ctrl+PgDown", +1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda d=direction: self._keyboard_step(d))

        self.set_answers(answers or {})
        settings = current_settings()
        self._help_key = f"help_collapsed/{form.tool_id}"
        folded = bool(settings and settings.get(self._help_key))
        self.about_box.set_expanded(not self._answers and not folded)
        self.about_box.button.clicked.connect(self._on_help_clicked)
        first_shown = next((i for i in range(len(self.form.pages)) if self._is_page_shown(i)), None)
        if first_shown is not None:
            self.go_to_page(first_shown)
        apply_tab_order(self)
        for scroll in self.scrolls if mode == "pages" else [self.scroll]:
            bar = scroll.verticalScrollBar()
            bar.valueChanged.connect(partial(self._on_scrolled, scroll))
            bar.actionTriggered.connect(partial(self._on_scroll_action, scroll))
            bar.rangeChanged.connect(partial(self._on_scroll_range, scroll))
        QApplication.instance().focusChanged.connect(self._on_focus_changed)
        self._schedule_build()

    # ------------------------------------------------------------------ building

    def _make_row(self, field: FormField, parent: QWidget | None = None) -> FieldRow | NoteRow:
        row = build_row(field, self._scope, parent)
        if isinstance(row, FieldRow):
            row.committed.connect(self._on_committed)
            row.drafted.connect(self._on_drafted)
            row.editor.typing.connect(self._fold_help)
            row.editor.changed.connect(self._fold_help)
            if isinstance(row.editor, RepeatGroupEditor):
                row.editor.structureChanged.connect(self._on_structure_changed)
        self._rows[field.id] = row
        return row

    def _init_rows(self, view: PageView, field_ids: list[str] | None = None) -> None:
        """Show the current answers, state and marks in the rows of a section just built (or in
        those of `field_ids`, just added to it), and apply the skip logic to them."""
        for field_id in view.rows if field_ids is None else field_ids:
            row = view.rows[field_id]
            if not isinstance(row, FieldRow):
                continue
            row.set_value(self._answers.get(field_id))
            self._show_drafts(field_id, row)
            if self._read_only or field_id in self._calculated:
                row.set_read_only(True)
            if field_id in self._required_marks:
                row.show_required(True)
            if field_id in self._unsaved:
                row.mark_unsaved(self._unsaved[field_id])
            if self._visibility is not None:
                row.refresh_visibility(self._visibility.answers)
        if self._visibility is not None:
            view.apply_visibility(self._visibility.fields)
        self.rowsBuilt.emit(list(view.rows) if field_ids is None else list(field_ids))

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

    # ------------------------------------------------------------------ help box

    def _fold_help(self) -> None:
        """The user starts typing: the « À quoi sert cet outil ? » box makes room for the form,
        and stays folded for this tool next time (until the user opens it again)."""
        if self.about_box.is_expanded() and not self._read_only:
            self.about_box.set_expanded(False)
            self._remember_help(folded=True)

    def _on_help_clicked(self, expanded: bool) -> None:
        self._remember_help(folded=not expanded)

    def _remember_help(self, folded: bool) -> None:
        settings = current_settings()
        if settings is not None:
            settings.set(self._help_key, folded)

    # ------------------------------------------------------------------ building on demand

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

    def _instructions_open(self) -> bool:
        """A guide's instructions stay open (the facilitator reads them during the session); a
        tool's method is folded once answers are there, the questions coming first."""
        return self.form.kind == "guide" or not self._answers

    def _instructions_title(self) -> str:
        return self.tr("Déroulé et consignes") if self.form.kind == "guide" else self.tr("Méthode")

    def _scope(self) -> Mapping[str, Any]:
        return self._visibility.answers if self._visibility else self._answers

    def _build_pages(self) -> QWidget:
        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.setChildrenCollapsible(False)
        self.page_list = QListWidget(body)
        self.page_list.setObjectName("pageList")
        self.page_list.setMinimumWidth(140)
        self.page_list.setMaximumWidth(360)
        self.page_list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.page_list.setWordWrap(True)
        self.page_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.page_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.page_list.setItemDelegate(RoomyItemDelegate(self.page_list))
        self.page_list.setIconSize(ICON_SIZE)
        self.page_list.setAccessibleName(self.tr("Sections"))
        right_panel = QWidget(body)
        self.stack = QStackedWidget(right_panel)
        self.scrolls: list[QScrollArea] = []
        for page in self.form.pages:
            scroll = _scroll_area(self.stack)  # its content is built when the section is first shown
            scroll.setWidget(QWidget(scroll.viewport()))  # an empty stand-in until then
            self.scrolls.append(scroll)
            self.stack.addWidget(scroll)
            self._views.append(None)
            item = QListWidgetItem(page.title)
            item.setToolTip(page.title)
            self.page_list.addItem(item)
        self.page_list.currentRowChanged.connect(self._on_row_changed)

        right = QVBoxLayout(right_panel)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.stack, 1)
        nav = QFrame(right_panel)
        nav.setObjectName("navBar")
        nav_layout = QHBoxLayout(nav)
        nav_layout.setContentsMargins(24, 8, 24, 8)
        self.prev_button = QPushButton(self.tr("← Précédente"), nav)
        self.next_button = QPushButton(self.tr("Suivante →"), nav)
        self.prev_button.setToolTip("Ctrl+Page précédente")
        self.next_button.setToolTip("Ctrl+Page suivante")
        self.position_label = QLabel(nav)
        self.position_label.setObjectName("navPosition")
        self.prev_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)
        nav_layout.addWidget(self.prev_button)
        nav_layout.addStretch(1)
        nav_layout.addWidget(self.position_label)
        nav_layout.addStretch(1)
        nav_layout.addWidget(self.next_button)
        right.addWidget(nav)
        body.addWidget(self.page_list)
        body.addWidget(right_panel)
        body.setStretchFactor(1, 1)
        body.setSizes([180, 620])
        remember_sizes(body, "formulaire/sections")
        self.sections_splitter = body
        return body

    def _build_scroll(self) -> QWidget:
        self.scroll = _scroll_area(self)
        area = CenteredArea(parent=self.scroll)
        container = QWidget(area)
        area.set_child(container)
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        for page in self.form.pages:
            section = QFrame(container)
            section.setObjectName("pageSurface")
            section_layout = QVBoxLayout(section)
            section_layout.setContentsMargins(22, 12, 22, 16)
            box = CollapsibleBox(page.title, expanded=True, button_name="sectionButton", parent=section)
            count = QLabel(box)
            count.setObjectName("sectionCount")
            count.setContentsMargins(22, 0, 0, 0)  # under the title (beside it, a narrow form was cut)
            box.layout().insertWidget(1, count)
            self._section_counts.append(count)
            view = PageView(
                page,
                self._make_row,
                show_title=False,
                surface=False,
                instructions_title=self._instructions_title(),
                instructions_expanded=self._instructions_open(),
                parent=box.content,
                rows_to_build=0 if self._views else FIRST_ROWS,
            )
            view.reserve(view.fields_left() * ROW_ESTIMATE_PX)
            box.content_layout.addWidget(view)
            section_layout.addWidget(box)
            column.addWidget(section)
            self._views.append(view)
            self._sections.append(section)
        column.addStretch(1)
        self.scroll.setWidget(area)
        area.setAutoFillBackground(False)  # setWidget turns it on; the backdrop is the style sheet's
        return self.scroll

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self.header.set_compact(self.height() < COMPACT_HEIGHT)
        self.header.set_narrow(self.width() < NARROW_HEADER)
        super().resizeEvent(event)
        self._size_sections()
        self._schedule_build()  # taller: more rows come into view

    def _size_sections(self) -> None:
        """The first time the form has its real width, the section list takes a fifth of it
        (170 to 240 px: built narrower, its titles wrapped to five lines), unless the user set
        its width before (remembered)."""
        if self.mode != "pages" or self._sections_sized or self.width() < 400:
            return
        self._sections_sized = True
        settings = current_settings()
        if settings is not None and settings.get("splitter/formulaire/sections"):
            return
        total = max(self.sections_splitter.width(), self.width()) - self.sections_splitter.handleWidth()
        left = max(SECTIONS_MIN_WIDTH, min(SECTIONS_MAX_WIDTH, total // 5))
        self.sections_splitter.setSizes([left, max(total - left, 1)])

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.mode == "pages" and self.page_list.currentRow() >= 0:
            self._ensure_page(self.page_list.currentRow())
        super().showEvent(event)
        self._schedule_build()

    # ------------------------------------------------------------------ answers

    def answers(self) -> dict[str, Any]:
        """Every answer (pending typing committed first); a copy the caller may keep."""
        self.flush()
        return copy.deepcopy(self._answers)

    def set_answers(self, answers: Mapping[str, Any]) -> None:
        """Show these answers instead of the current ones; emits no signal."""
        cleaned: dict[str, Any] = {}
        for key, value in answers.items():
            if is_blank(value):
                continue
            field = self._fields.get(key)
            if field is not None and field.type != "note":
                try:
                    value = coerce(field, value)
                except AnswerError:
                    pass  # shown as is, with its message; never dropped
            if value is not None:
                cleaned[key] = copy.deepcopy(value)
        self._answers = cleaned
        for field_id, row in self._rows.items():
            if isinstance(row, FieldRow):
                row.set_value(cleaned.get(field_id))
                self._show_drafts(field_id, row)  # the text kept « à corriger » stays shown
        self._refresh(emit=False)

    def set_drafts(self, drafts: Mapping[str, str]) -> None:
        """Show again the texts kept « à corriger » (field id -> text); emits no signal."""
        self._drafts = {
            k: v for k, v in drafts.items()
            if split_draft_key(k)[0] in self._fields and isinstance(v, str) and v.strip()
        }
        for field_id, row in self._rows.items():
            if isinstance(row, FieldRow):
                self._show_drafts(field_id, row)
        self._refresh(emit=False)

    def _show_drafts(self, field_id: str, row: FieldRow) -> None:
        """Show in a row the texts kept « à corriger » for it (in its items for a group)."""
        if field_id in self._drafts:
            row.set_draft(self._drafts[field_id])
        if isinstance(row.editor, RepeatGroupEditor):
            row.set_item_drafts(self._drafts)

    def drafts(self) -> dict[str, str]:
        """The texts kept « à corriger » (pending typing committed first)."""
        self.flush()
        return dict(self._drafts)

    def fields_to_correct(self) -> list[tuple[str, str]]:
        """(field id, French line) of every shown field whose typed text is not a valid answer,
        in form order (pending typing committed first)."""
        self.flush()
        shown = self._visibility.fields if self._visibility else frozenset(self._fields)
        out = []
        for page in self.form.pages:
            for f in page.fields:
                if f.id not in shown or f.type == "note":
                    continue
                row = self._rows.get(f.id)
                message = row.invalid_message() if isinstance(row, FieldRow) else None
                if message is None and f.id in self._drafts:
                    try:
                        coerce(f, self._drafts[f.id])
                    except AnswerError as exc:
                        message = exc.message
                if message is None and not isinstance(row, FieldRow):
                    message = validate(f, self._answers.get(f.id), self._answers)
                if message:
                    typed = self._drafts.get(f.id)
                    what = f" (saisi : « {typed} »)" if typed else ""
                    out.append((f.id, f"{page.title} : « {f.label} »{what} : {message}"))
                if f.type == "repeat_group":
                    out += [(key, f"{page.title} : {line} : à corriger") for key, line in group_draft_lines(f, self._drafts)]
        return out

    def go_to_field(self, field_id: str) -> None:
        """Show a field's section, scroll to it and give it the focus."""
        self._reveal(field_id)

    def _on_drafted(self, field_id: str, text: Any) -> None:
        if split_draft_key(field_id)[0] not in self._fields:
            return
        if text is None:
            self._drafts.pop(field_id, None)
        else:
            self._drafts[field_id] = text
        self.draftChanged.emit(field_id, text)
        self._refresh(emit=False)

    def flush(self) -> None:
        """Commit now what is being typed (call before closing or saving)."""
        for row in list(self._rows.values()):
            row.flush()

    def _on_committed(self, field_id: str, value: Any) -> None:
        if value is None:
            self._answers.pop(field_id, None)
        else:
            self._answers[field_id] = value
        self.answerChanged.emit(field_id, copy.deepcopy(value))
        self._update_calculations()
        self._refresh(emit=True)
        for fid in self._constrained:  # a rule citing the answer just given is checked again
            row = self._rows.get(fid)
            if fid != field_id and isinstance(row, FieldRow):
                row.revalidate()

    def _update_calculations(self) -> None:
        """Calculated fields follow the answers they cite; a new value is sent like an answer
        (`answerChanged`), so it is stored with the others."""
        if not self._calculated:
            return
        for field_id, value in compute_calculations(self.form, self._answers).items():
            if value == self._answers.get(field_id) and isinstance(value, bool) == isinstance(self._answers.get(field_id), bool):
                continue
            if value is None:
                self._answers.pop(field_id, None)
            else:
                self._answers[field_id] = value
            row = self._rows.get(field_id)
            if isinstance(row, FieldRow):
                row.set_value(value)
            self.answerChanged.emit(field_id, copy.deepcopy(value))

    def mark_unsaved(self, field_id: str, message: str) -> None:
        """The answer to `field_id` could not be stored (`message`: why, in French), or now is
        (""): shown on its field, which sends it again when left."""
        if message:
            self._unsaved[field_id] = message
        else:
            self._unsaved.pop(field_id, None)
        row = self._rows.get(field_id)
        if isinstance(row, FieldRow):
            row.mark_unsaved(message)

    def unsaved_fields(self) -> list[str]:
        return list(self._unsaved)

    def _on_structure_changed(self) -> None:
        apply_tab_order(self)

    # ------------------------------------------------------------------ skip logic, progress

    def _refresh(self, emit: bool) -> None:
        vis = compute_visibility(self.form, self._answers)
        self._visibility = vis
        for view in self._views:
            if view is not None:
                view.apply_visibility(vis.fields)
        for row in self._rows.values():
            if isinstance(row, FieldRow):
                row.refresh_visibility(vis.answers)
        per_page = page_completion(self.form, self._answers, vis)
        to_fix = {self._page_index[k] for k in map(lambda key: split_draft_key(key)[0], self._drafts) if k in vis.fields}
        for index, page in enumerate(self.form.pages):
            shown = page.id in vis.pages
            done = per_page[page.id]
            mark = f" · {TO_FIX_MARK}" if index in to_fix else ""
            if self.mode == "pages":
                item = self.page_list.item(index)
                item.setHidden(not shown)
                item.setIcon(status_icon(done.answered, done.total))
                if item.text() != page.title + mark:
                    item.setText(page.title + mark)
                    item.setForeground(QColor(COLOR_ERROR) if mark else self.page_list.palette().text())
                item.setToolTip(f"{page.title}\n{done.answered} / {done.total} réponses{mark}")
            else:
                self._sections[index].setVisible(shown)
                text = self.tr("{0} / {1} réponses").format(done.answered, done.total) if done.total else ""
                self._section_counts[index].setText(text + mark)
        if self.mode == "pages" and self.page_list.currentRow() >= 0:
            if self.page_list.item(self.page_list.currentRow()).isHidden() and not self._step(+1):
                self._step(-1)
            self._update_nav()
        total = completion(self.form, self._answers, vis)
        self.header.show_completion(total.answered, total.total)
        if total != self._completion:
            self._completion = total
            if emit:
                self.completionChanged.emit(total.answered, total.total)

    def completion(self) -> Completion:
        return self._completion

    def visible_page_ids(self) -> list[str]:
        vis = self._visibility or compute_visibility(self.form, self._answers)
        return [p.id for p in self.form.pages if p.id in vis.pages]

    def is_field_shown(self, field_id: str) -> bool:
        """True when the field's page and the field itself are shown by the skip logic."""
        vis = self._visibility or compute_visibility(self.form, self._answers)
        return field_id in vis.fields

    # ------------------------------------------------------------------ navigation

    def current_page(self) -> int:
        if self.mode == "pages":
            return self.page_list.currentRow()
        return self._current_section

    def go_to_page(self, index: int) -> None:
        if not 0 <= index < len(self.form.pages):
            return
        if self.mode == "pages":
            self.page_list.setCurrentRow(index)
        else:
            self._current_section = index
            for view in self._views[:index]:  # the sections above, at their full height
                self._complete_view(view)
            section = self._sections[index]
            box = section.findChild(CollapsibleBox)
            if box is not None:
                box.set_expanded(True)
            self.scroll.widget().layout().activate()
            self.scroll.verticalScrollBar().setValue(
                max(0, section.mapTo(self.scroll.widget(), section.rect().topLeft()).y() - 12)
            )
            if box is not None and self.isVisible():
                box.button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _is_page_shown(self, index: int) -> bool:
        vis = self._visibility
        return vis is None or self.form.pages[index].id in vis.pages

    def _step(self, direction: int) -> bool:
        index = self.current_page() + direction
        while 0 <= index < len(self.form.pages):
            if self._is_page_shown(index):
                self.go_to_page(index)
                return True
            index += direction
        return False

    def next_page(self) -> None:
        self.flush()
        self._step(+1)

    def previous_page(self) -> None:
        self.flush()
        self._step(-1)

    def _keyboard_step(self, direction: int) -> None:
        """Ctrl+PgDown / Ctrl+PgUp: change section and put the focus on its first field."""
        self.flush()
        if self._step(direction) and self.mode == "pages":
            view = self._views[self.current_page()]
            if not view.rows:
                self._build_rows(view, 1)
            widgets = focusable_in_order(view)
            if widgets:
                widgets[0].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_row_changed(self, row: int) -> None:
        if row < 0:
            return
        if self.isVisible():  # otherwise built when shown: once in its final parent, styled once
            self._ensure_page(row)
        self.stack.setCurrentIndex(row)
        self._update_nav()
        self._pinned = None
        self._schedule_build()

    def _update_nav(self) -> None:
        shown = [i for i in range(len(self.form.pages)) if self._is_page_shown(i)]
        current = self.current_page()
        position = shown.index(current) + 1 if current in shown else 0
        self.position_label.setText(self.tr("Section {0} sur {1}").format(position, len(shown)))
        self.prev_button.setEnabled(bool(shown) and current > shown[0])
        self.next_button.setEnabled(bool(shown) and current < shown[-1])

    def _reveal(self, field_id: str) -> None:
        """Show the page of a field (or of a repeat group's sub-question: draft key), scroll
        to it and give it the focus."""
        field_id, n, child_id = split_draft_key(field_id)
        page = page_of(self.form, field_id)
        if page is None or field_id not in self._fields:
            return
        row = self.row(field_id)
        index = self.form.pages.index(page)
        self.go_to_page(index)
        scroll = self.scrolls[index] if self.mode == "pages" else self.scroll
        scroll.widget().layout().activate()
        target = row
        if n is not None and isinstance(row, FieldRow) and isinstance(row.editor, RepeatGroupEditor):
            kept = [item for item in row.editor.items if item.is_kept()]
            if n <= len(kept):
                target = next((r for r in kept[n - 1].rows if r.field.id == child_id), row)
        scroll.ensureWidgetVisible(target, 40, 80)
        if isinstance(target, FieldRow):
            target.focus()

    # ------------------------------------------------------------------ checks, state

    def check_complete(self) -> list[str]:
        """French messages for required questions left blank and answers that are not valid;
        marks them in red and brings the first one into view."""
        self.flush()
        missing = missing_required(self.form, self._answers)
        missing_ids = {self._group_of_child.get(f.id, f.id) for f, _ in missing}
        messages = [message for _, message in missing]
        shown = self._visibility.fields if self._visibility else frozenset()
        first: str | None = None
        self._required_marks = {i for i in missing_ids if i in self._fields and self._fields[i].required}
        for page in self.form.pages:
            for f in page.fields:
                if f.type == "note":
                    continue
                row = self._rows.get(f.id)
                if isinstance(row, FieldRow):
                    row.show_required(f.id in self._required_marks)
                    invalid = row.invalid_message() if f.id in shown else None
                else:  # section not built yet: what its row would say of the stored answer
                    invalid = validate(f, self._answers.get(f.id), self._answers) if f.id in shown else None
                    if not invalid and f.id in shown and f.id in self._drafts:
                        try:
                            coerce(f, self._drafts[f.id])
                        except AnswerError as exc:
                            invalid = exc.message
                if invalid:
                    messages.append(f"{page.title} : « {f.label} » : {invalid}")
                if first is None and (f.id in missing_ids or invalid):
                    first = f.id
                if f.type == "repeat_group" and f.id in shown:
                    lines = group_draft_lines(f, self._drafts)
                    messages += [f"{page.title} : {line} : à corriger" for _key, line in lines]
                    if first is None and lines:
                        first = lines[0][0]
        if first is not None:
            self._reveal(first)
        return messages

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for field_id, row in self._rows.items():
            row.set_read_only(read_only or field_id in self._calculated)

    def is_read_only(self) -> bool:
        return self._read_only

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


def _scroll_area(parent: QWidget) -> QScrollArea:
    """An empty frameless scroll area; its content is set later with `setWidget`."""
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.viewport().setAutoFillBackground(False)
    return scroll
