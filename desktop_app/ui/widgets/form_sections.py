"""A form's sections and moving between them: the part of `FormRenderer` that lays them out.

Two layouts: `mode="pages"` (a list of sections with completion ticks on the left, one section
at a time in a stack of scroll areas, « ← Précédente » / « Suivante → » below, Ctrl+PgDown /
Ctrl+PgUp to change section) and `mode="scroll"` (every section as a collapsible block in one
scrolling page, its answer count under its title). Sections hidden by the skip logic are left out
of the list and of the steps; a field asked for (`_reveal`: `go_to_field`, `check_complete`) has
its section shown, is scrolled to and gets the focus.

`SectionsMixin` is one of the parts `FormRenderer` is made of (with `form_lazy_rows.LazyRowsMixin`,
which builds the rows of the sections shown, and `form_checks.ChecksMixin`, which says what
`_show_sections_state` shows); it works on the renderer's state, listed in its class body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
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

from desktop_app.core.validation import Completion, Visibility, split_draft_key
from desktop_app.kit.forms import page_of
from desktop_app.ui.settings import current_settings
from desktop_app.ui.widgets.field_row import FieldRow, RepeatGroupEditor
from desktop_app.ui.widgets.form_lazy_rows import FIRST_ROWS, ROW_ESTIMATE_PX
from desktop_app.ui.widgets.form_page import CenteredArea, PageView
from desktop_app.ui.widgets.form_style import (
    COLOR_ERROR,
    ICON_SIZE,
    CollapsibleBox,
    RoomyItemDelegate,
    focusable_in_order,
    status_icon,
)
from desktop_app.ui.widgets.splitters import remember_sizes

if TYPE_CHECKING:
    from desktop_app.kit.forms import Form, FormField

TO_FIX_MARK = "à corriger"
SECTIONS_MIN_WIDTH, SECTIONS_MAX_WIDTH = 170, 240  # the section list's first width


class SectionsMixin:
    """Lays out a form's sections (pages or scroll mode) and moves between them (a `FormRenderer` part)."""

    # the renderer's state this part reads (set by FormRenderer)
    form: Form
    mode: str
    _fields: dict[str, FormField]
    _visibility: Visibility | None
    _views: list[PageView | None]  # one per section; built by `_build_scroll`, or on first show
    _sections: list[QWidget]  # scroll mode: the block of each page
    _sections_sized: bool  # pages mode: the section list got its width from the form's
    _section_counts: list[QLabel]  # scroll mode: the answer count under each section's title
    _current_section: int  # scroll mode

    def _build_pages(self) -> QWidget:
        """Pages mode: the section list, a stack of one scroll area per section (its content
        built when first shown, `_ensure_page`) and the « Précédente » / « Suivante » bar."""
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
        """Scroll mode: every section as a collapsible block down one scroll area, its rows
        built as they come near the screen (the first section's first screenful at once)."""
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

    def _add_section_shortcuts(self) -> None:
        """Ctrl+PgDown / Ctrl+PgUp: the next or previous section, in the renderer and its fields."""
        for keys, direction in (("Ctrl+PgDown", +1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda d=direction: self._keyboard_step(d))

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

    def _show_sections_state(self, vis: Visibility, per_page: dict[str, Completion], to_fix: set[int]) -> None:
        """Each section's visibility, answer count and « à corriger » mark (`to_fix`: indexes of the
        sections holding a text to correct); in pages mode, a section just hidden is left for the next."""
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
        self._new_section_shown()

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


def _scroll_area(parent: QWidget) -> QScrollArea:
    """An empty frameless scroll area; its content is set later with `setWidget`."""
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.viewport().setAutoFillBackground(False)
    return scroll
