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
A long section's rows are built as they come near the screen (`build_all`, `is_building`,
`rowsBuilt`); a row built later shows the current answers, drafts, read-only state, required and
unsaved marks. Widgets are created with their parent, top-down: a widget moved into an already
styled parent has its whole subtree re-styled by Qt, which was most of the cost of a form.

The renderer never touches the database: its owner saves on `answerChanged`, and says which
answers could not be stored (`mark_unsaved`, usually through `AppContext.follow_saves`): their
fields show it and send the answer again when left. `answers()` holds every answer, those of
hidden questions included (use `core.validation.effective_answers` to drop them); answers to
questions the form does not know are kept untouched. Text that is not a valid answer is kept
« à corriger » (`draftChanged`, `set_drafts`, `fields_to_correct`).

`FormRenderer` is this module's widget: the answers, the rows and the header. It is made of three
parts, each in its own module: `form_sections.SectionsMixin` (the two layouts, moving between
sections), `form_lazy_rows.LazyRowsMixin` (when rows are built) and `form_checks.ChecksMixin`
(skip logic, progress, drafts, unsaved answers, `check_complete`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop_app.core.validation import (
    AnswerError,
    Completion,
    Visibility,
    coerce,
    compute_calculations,
    is_blank,
)
from desktop_app.kit.forms import Form, FormField
from desktop_app.ui.settings import current_settings
from desktop_app.ui.widgets.field_row import FieldRow, NoteRow, RepeatGroupEditor, build_row
from desktop_app.ui.widgets.form_checks import ChecksMixin
from desktop_app.ui.widgets.form_lazy_rows import (
    BATCH_ROWS,
    FIRST_ROWS,
    LOOKAHEAD_SCREENS,
    PASS_BUDGET_S,
    ROW_ESTIMATE_PX,
    LazyRowsMixin,
)
from desktop_app.ui.widgets.form_page import FormHeader, PageView
from desktop_app.ui.widgets.form_sections import (
    SECTIONS_MAX_WIDTH,
    SECTIONS_MIN_WIDTH,
    TO_FIX_MARK,
    SectionsMixin,
)
from desktop_app.ui.widgets.form_style import STYLE_SHEET, apply_tab_order

__all__ = [
    "BATCH_ROWS",
    "COMPACT_HEIGHT",
    "FIRST_ROWS",
    "LOOKAHEAD_SCREENS",
    "MODES",
    "NARROW_HEADER",
    "PASS_BUDGET_S",
    "ROW_ESTIMATE_PX",
    "SECTIONS_MAX_WIDTH",
    "SECTIONS_MIN_WIDTH",
    "TO_FIX_MARK",
    "FormRenderer",
]

MODES = ("pages", "scroll")
COMPACT_HEIGHT = 640  # a shorter renderer shows a compact header
NARROW_HEADER = 600  # a narrower one shows its answer count under its title


class FormRenderer(LazyRowsMixin, SectionsMixin, ChecksMixin, QWidget):
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
        self._init_lazy_rows()

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
        self._add_section_shortcuts()

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
        self._follow_scrolling()

    # ------------------------------------------------------------------ rows

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

    def _on_structure_changed(self) -> None:
        apply_tab_order(self)  # a repeat group's item added or removed

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

    # ------------------------------------------------------------------ help box, instructions

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

    def _instructions_open(self) -> bool:
        """A guide's instructions stay open (the facilitator reads them during the session); a
        tool's method is folded once answers are there, the questions coming first."""
        return self.form.kind == "guide" or not self._answers

    def _instructions_title(self) -> str:
        return self.tr("Déroulé et consignes") if self.form.kind == "guide" else self.tr("Méthode")

    def _scope(self) -> Mapping[str, Any]:
        return self._visibility.answers if self._visibility else self._answers

    # ------------------------------------------------------------------ size, first show

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        self.header.set_compact(self.height() < COMPACT_HEIGHT)
        self.header.set_narrow(self.width() < NARROW_HEADER)
        super().resizeEvent(event)
        self._size_sections()
        self._schedule_build()  # taller: more rows come into view

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.mode == "pages" and self.page_list.currentRow() >= 0:
            self._ensure_page(self.page_list.currentRow())
        super().showEvent(event)
        self._schedule_build()

    # ------------------------------------------------------------------ answers, state

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

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for field_id, row in self._rows.items():
            row.set_read_only(read_only or field_id in self._calculated)

    def is_read_only(self) -> bool:
        return self._read_only
