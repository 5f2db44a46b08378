"""What a form's answers say: skip logic, progress, texts to correct, answers not stored, checks.

The part of `FormRenderer` that keeps its bookkeeping: after each change `_refresh` applies the
skip logic (sections and questions whose `show_if` becomes false hide, and come back with their
answers when it becomes true again) and counts the answers (`completionChanged`, each section's
count). Completion, skip logic and `check_complete` work on the answers, so they are right for
rows not built yet.

Nothing typed is lost: text that is not a valid answer (« environ un et demi » in a number
field) is reported by `draftChanged(field id, text)` (None once corrected) for the owner to keep
(`FormService.set_draft`); `set_drafts` shows kept texts again. Such fields and their sections
are marked « à corriger » (`fields_to_correct`), and `check_complete` lists them. In a repeat
group the key names the item and the sub-question (« membres[2].age », `core.validation.draft_key`).
The owner says which answers could not be stored (`mark_unsaved`): their fields show it.

`ChecksMixin` is one of the parts `FormRenderer` is made of (with `form_sections.SectionsMixin`,
which shows the state of each section, and `form_lazy_rows.LazyRowsMixin`); it works on the
renderer's state, listed in its class body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop_app.core.validation import (
    AnswerError,
    Completion,
    Visibility,
    coerce,
    completion,
    compute_visibility,
    group_draft_lines,
    missing_required,
    page_completion,
    split_draft_key,
    validate,
)
from desktop_app.ui.widgets.field_row import FieldRow, NoteRow, RepeatGroupEditor

if TYPE_CHECKING:
    from collections.abc import Mapping

    from desktop_app.kit.forms import Form, FormField
    from desktop_app.ui.widgets.form_page import PageView


class ChecksMixin:
    """Skip logic, progress, drafts, unsaved answers and `check_complete` (a `FormRenderer` part)."""

    # the renderer's state this part reads (set by FormRenderer)
    form: Form
    _answers: dict[str, Any]
    _fields: dict[str, FormField]
    _page_index: dict[str, int]  # field id -> index of its section
    _group_of_child: dict[str, str]  # a repeat group's sub-question -> the group
    _rows: dict[str, FieldRow | NoteRow]  # rows built so far
    _views: list[PageView | None]
    _completion: Completion  # the last count sent
    _visibility: Visibility | None  # the skip logic's last result
    _required_marks: set[str]  # from the last check_complete, for rows built later
    _unsaved: dict[str, str]  # field id -> why its answer is not stored yet
    _drafts: dict[str, str]  # field id (draft key) -> text kept « à corriger »

    # ------------------------------------------------------------------ skip logic, progress

    def _refresh(self, emit: bool) -> None:
        """Apply the skip logic and count the answers again, in the header and each section
        (`emit`: send `completionChanged` if the count changed)."""
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
        self._show_sections_state(vis, per_page, to_fix)
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

    # ------------------------------------------------------------------ drafts

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

    # ------------------------------------------------------------------ answers not stored

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

    # ------------------------------------------------------------------ checks

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

