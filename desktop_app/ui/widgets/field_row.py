"""A field as the user sees it: label, help, editor, messages, and when its answer is committed.

`FieldRow` wraps an editor from `field_widgets`: it coerces what the user typed into the stored
value (`core.validation.coerce`), shows French validation messages in red, the RGPD notice and
live personal-data warnings for sensitive fields, and emits `committed(field id, value)` once per
real change (text: after a pause of `DEBOUNCE_MS` or when the field is left). Its owner says when
a committed answer could not be stored (`mark_unsaved`): the row shows it in red and commits the
same answer again when the field is left or changed, until it is stored.
Text that cannot be read as an answer is never dropped: the row emits `drafted(field id, text)`
so that its owner keeps it (`FormResponse.drafts`), shows it « à corriger » (`set_draft` when
opened again), and `drafted(field id, None)` once a valid answer replaced it.
`RepeatGroupEditor` is the editor of a repeat group: a list of sub-forms made of FieldRows. The
texts « à corriger » of its sub-questions are kept too: its row emits `drafted` with a key naming
the item and the sub-question (`core.validation.draft_key`, « membres[2].age »), and an item
holding only such a text is stored (as an empty item) so that its place is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.answer_text import display_value
from desktop_app.core.personal_data import find_personal_data
from desktop_app.core.validation import (
    AnswerError,
    coerce,
    draft_key,
    is_visible,
    item_scope,
    split_draft_key,
    validate,
)
from desktop_app.kit.forms import FormField
from desktop_app.ui.widgets.choice_widgets import (
    ComboChoiceEditor,
    MultipleChoiceEditor,
    ScaleEditor,
    SingleChoiceEditor,
    YesNoEditor,
    is_short,
)
from desktop_app.ui.widgets.field_widgets import (
    DateEditor,
    FieldEditor,
    LongTextEditor,
    NumberEditor,
    TextEditor,
)
from desktop_app.ui.widgets.form_style import COLOR_ERROR, wrap_label

DEBOUNCE_MS = 400
PRIVACY_NOTICE = (
    "Données personnelles (RGPD) : évitez les noms, adresses e-mail et numéros de téléphone : "
    "utilisez un pseudonyme."
)
REQUIRED_MESSAGE = "Cette question est obligatoire."
CALCULATED_NOTE = "Calculé automatiquement à partir des autres réponses (non modifiable)."
TO_FIX = "À corriger"
DRAFT_NOTE = "Le texte saisi est gardé en brouillon ; il ne compte pas comme réponse tant qu'il n'est pas corrigé."

Scope = Callable[[], Mapping[str, Any]]


def same_value(a: Any, b: Any) -> bool:
    """Equality that tells True from 1 (a yes/no answer is not a number)."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


class NoteRow(QWidget):
    """A note: a heading (the label) and an optional body text (the help)."""

    def __init__(self, field: FormField, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = field
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 2)
        layout.setSpacing(4)
        # The label is a heading (a sub-question, "Objectifs"...) unless it is a whole paragraph.
        heading = bool(field.help) or len(field.label) <= 160
        layout.addWidget(wrap_label(field.label, "noteTitle" if heading else "noteBody", parent=self))
        if field.help:
            layout.addWidget(wrap_label(field.help, "noteBody", parent=self))

    def flush(self) -> None:
        pass

    def set_read_only(self, read_only: bool) -> None:
        pass


class FieldRow(QWidget):
    """Label (* when required), help, editor, error and privacy messages of one field."""

    committed = Signal(str, object)
    drafted = Signal(str, object)  # (field id, text kept « à corriger » or None once corrected)

    def __init__(self, field: FormField, scope: Scope | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = field
        self._scope = scope  # the form's answers (a constraint may cite other questions)
        self._value: Any = None
        self._draft: str | None = None  # text typed that is not a valid answer (kept, not counted)
        self._invalid: str | None = None
        self._required_error = False
        self._loading = False
        self._unsaved = False  # the last committed answer is not stored (yet)
        self._sent = 0  # commits emitted (a retry on leaving waits for the commit in progress)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(4)

        if field.required:
            # Rich text (slower to lay out) only for the red star, and never with an "&" in it:
            # an entity like "&nbsp;" made every required label grab Alt+N through its buddy,
            # taking the shortcut from the button or menu that has it.
            if any(c in field.label for c in "&<>"):
                self.label = wrap_label(field.label.replace("&", "&&") + "\u00a0*", "fieldLabel", parent=self)
            else:
                text = field.label + f'<span style="color:{COLOR_ERROR}">\u00a0*</span>'
                self.label = wrap_label(text, "fieldLabel", rich=True, parent=self)
            self.label.setToolTip("Réponse obligatoire")
        else:
            # "&&": an ampersand shown as is, not a mnemonic (the label has a buddy)
            self.label = wrap_label(field.label.replace("&", "&&"), "fieldLabel", parent=self)
        layout.addWidget(self.label)
        if field.help:
            layout.addWidget(wrap_label(field.help, "fieldHelp", parent=self))
        if field.calculate:
            layout.addWidget(wrap_label(CALCULATED_NOTE, "fieldHelp", parent=self))
        if field.sensitive:
            layout.addWidget(wrap_label(PRIVACY_NOTICE, "privacyNotice", parent=self))

        if field.type == "repeat_group":
            self.editor: FieldEditor = RepeatGroupEditor(field, scope or dict, self)
            self.editor.itemDrafted.connect(self.drafted)
        else:
            self.editor = make_editor(field, self)
        layout.addSpacing(2)
        layout.addWidget(self.editor)
        self.label.setBuddy(self.editor.focus_target())

        # The error and personal-data messages are created when first needed: most rows never
        # show one, and every widget of a long form costs styling and layout time.
        self._error_label: QLabel | None = None
        self._privacy_label: QLabel | None = None
        self._unsaved_label: QLabel | None = None
        self._draft_label: QLabel | None = None

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.commit)
        self.editor.typing.connect(self._on_typing)
        self.editor.changed.connect(self._on_changed)
        self.editor.finished.connect(self._on_finished)
        self.editor.left.connect(self._on_left)

    @property
    def error_label(self) -> QLabel:
        """The red message under the editor (hidden when there is none)."""
        if self._error_label is None:
            self._error_label = self._message_label("fieldError", after=self.editor)
        return self._error_label

    @property
    def privacy_label(self) -> QLabel:
        """The live personal-data warning of a sensitive field (hidden when there is none)."""
        if self._privacy_label is None:
            self._privacy_label = self._message_label("privacyWarning", after=self.error_label)
        return self._privacy_label

    @property
    def draft_label(self) -> QLabel:
        """« À corriger » : the text typed is kept as a draft, not counted (hidden otherwise)."""
        if self._draft_label is None:
            self._draft_label = self._message_label("fieldDraft", after=self.error_label)
        return self._draft_label

    @property
    def unsaved_label(self) -> QLabel:
        """The red note of an answer not stored yet (hidden when it is)."""
        if self._unsaved_label is None:
            self._unsaved_label = self._message_label("fieldUnsaved", after=self.editor)
        return self._unsaved_label

    def _message_label(self, object_name: str, after: QWidget) -> QLabel:
        label = wrap_label("", object_name, parent=self)
        label.hide()
        layout = self.layout()
        layout.insertWidget(layout.indexOf(after) + 1, label)
        return label

    # ----------------------------------------------------------------- state

    def value(self) -> Any:
        return self._value

    def _answers(self) -> Mapping[str, Any] | None:
        return self._scope() if self._scope is not None else None

    def revalidate(self) -> None:
        """Check the stored answer again (its constraint may cite an answer that just changed);
        a text kept « à corriger » keeps its own message."""
        if self._draft is None and not self._unsaved:
            self._invalid = validate(self.field, self._value, self._answers())
            self._show_error()

    def invalid_message(self) -> str | None:
        return self._invalid

    def draft(self) -> str | None:
        """The text typed that could not be read as an answer (kept « à corriger »), if any."""
        return self._draft

    def keeps_drafts(self) -> bool:
        """True for the fields typed as text (numbers, dates, texts): their invalid text is kept."""
        return hasattr(self.editor, "edit") and not isinstance(self.editor, RepeatGroupEditor)

    def set_item_drafts(self, drafts: Mapping[str, str]) -> None:
        """A repeat group: show the texts kept « à corriger » in its items (draft key -> text,
        keys of other fields ignored); emits nothing."""
        if isinstance(self.editor, RepeatGroupEditor):
            self.editor.set_item_drafts(drafts)

    def item_drafts(self) -> dict[str, str]:
        """A repeat group: the texts kept « à corriger » in its items (draft key -> text)."""
        return self.editor.item_drafts() if isinstance(self.editor, RepeatGroupEditor) else {}

    def set_draft(self, text: str | None) -> None:
        """Show the text kept « à corriger » (from an earlier session) instead of the answer;
        emits nothing."""
        if not text or not self.keeps_drafts():
            return
        self._timer.stop()
        self._loading = True
        try:
            edit = self.editor.edit
            if hasattr(edit, "setPlainText"):
                edit.setPlainText(text)
            else:
                edit.setText(text)
                edit.setCursorPosition(0)
        finally:
            self._loading = False
        self._draft = text
        try:
            coerce(self.field, text, self._answers())
            self._invalid = None
        except AnswerError as exc:
            self._invalid = exc.message
        self._show_error()

    def has_pending(self) -> bool:
        return self._timer.isActive()

    def is_unsaved(self) -> bool:
        return self._unsaved

    def mark_unsaved(self, message: str) -> None:
        """Show that the answer committed last is not stored (`message` says why and what
        happens), or that it now is (""). While it is not, leaving or changing the field commits
        it again, even unchanged."""
        self._unsaved = bool(message)
        if message or self._unsaved_label is not None:
            self.unsaved_label.setText(f"⚠ {message}" if message else "")
            self.unsaved_label.setVisible(bool(message))
        self._show_error()

    def set_value(self, value: Any) -> None:
        """Show a stored value; emits nothing. An answer typed and not stored yet stays shown
        (it is still being saved)."""
        if self._unsaved:
            return
        self._timer.stop()
        self._loading = True
        try:
            self.editor.set_value(value)
        finally:
            self._loading = False
        self._value = value
        self._draft = None
        self._invalid = validate(self.field, value, self._answers())
        self._required_error = False
        self._show_error()
        self._check_privacy(value)

    # ----------------------------------------------------------------- edits

    def _on_typing(self) -> None:
        if not self._loading:
            self._timer.start()

    def _on_changed(self) -> None:
        if not self._loading:
            self._timer.stop()
            self.commit()

    def _on_finished(self) -> None:
        if not self._loading:
            self._timer.stop()
            self.commit(polish=True)

    def _on_left(self) -> None:
        """The field was left: an answer not stored is sent again, unchanged (after the commit
        the same focus change may make, which is then the new attempt)."""
        if self._unsaved and not self._loading:
            sent = self._sent
            QTimer.singleShot(0, self, lambda: self._retry_after_leaving(sent))

    def _retry_after_leaving(self, sent: int) -> None:
        if self._unsaved and self._sent == sent:
            self._timer.stop()
            self.commit(polish=True)

    def flush(self) -> None:
        """Commit a pending (debounced) edit now."""
        if isinstance(self.editor, RepeatGroupEditor):
            self.editor.flush()
        if self._timer.isActive():
            self._timer.stop()
            self.commit()

    def commit(self, polish: bool = False) -> None:
        raw = self.editor.raw()
        try:
            value = coerce(self.field, raw, self._answers())
        except AnswerError as exc:
            self._invalid = exc.message
            new_draft = self.keeps_drafts() and isinstance(raw, str) and raw != self._draft
            if new_draft:
                self._draft = raw
            self._show_error()
            self._check_privacy(raw)
            if new_draft:
                self.drafted.emit(self.field.id, raw)
            return
        self._invalid = None
        corrected = self._draft is not None
        if corrected:
            self._draft = None
            self.drafted.emit(self.field.id, None)
        if value is not None:
            self._required_error = False
        self._show_error()
        self._check_privacy(value)
        if polish:
            self.editor.polish(value)
        if self._unsaved or corrected or not same_value(value, self._value):
            self._value = value
            self._sent += 1
            self.committed.emit(self.field.id, value)

    # ----------------------------------------------------------------- messages

    def show_required(self, missing: bool) -> None:
        self._required_error = missing
        self._show_error()

    def _show_error(self) -> None:
        message = self._invalid or (REQUIRED_MESSAGE if self._required_error else None)
        if message or self._error_label is not None:
            self.error_label.setText(message or "")
            self.error_label.setVisible(bool(message))
        note = ""
        if self._draft is not None and self._invalid:
            note = f"{TO_FIX} : {DRAFT_NOTE}"
            if self._value is not None:
                note += f" La réponse enregistrée reste « {display_value(self.field, self._value)} »."
        if note or self._draft_label is not None:
            self.draft_label.setText(note)
            self.draft_label.setVisible(bool(note))
        self.editor.set_invalid(bool(message) or self._unsaved)

    def _check_privacy(self, value: Any) -> None:
        if not self.field.sensitive:
            return
        warnings = find_personal_data(value) if isinstance(value, str) else []
        if warnings or self._privacy_label is not None:
            self.privacy_label.setText("\n".join(warnings))
            self.privacy_label.setVisible(bool(warnings))

    def privacy_warnings(self) -> list[str]:
        text = self._privacy_label.text() if self._privacy_label is not None else ""
        return text.split("\n") if text else []

    def set_read_only(self, read_only: bool) -> None:
        self.editor.set_read_only(read_only)

    def focus(self) -> None:
        self.editor.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh_visibility(self, answers: Mapping[str, Any]) -> None:
        if isinstance(self.editor, RepeatGroupEditor):
            self.editor.refresh_visibility(answers)


def make_editor(field: FormField, parent: QWidget | None = None) -> FieldEditor:
    """The editor widget for a field type (repeat groups: `RepeatGroupEditor`)."""
    kind = field.type
    if kind in ("integer", "decimal"):
        return NumberEditor(field, parent)
    if kind == "long_text":
        return LongTextEditor(field, parent)
    if kind == "date":
        return DateEditor(field, parent)
    if kind == "single_choice":
        if len(field.choices) > 8 and not field.allow_other and is_short(field.choices, 80):
            return ComboChoiceEditor(field, parent)
        return SingleChoiceEditor(field, parent)
    if kind == "multiple_choice":
        return MultipleChoiceEditor(field, parent)
    if kind == "scale":
        try:
            low, high = int(float(field.min)), int(float(field.max))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return NumberEditor(field, parent)
        if 0 <= high - low <= 10:
            return ScaleEditor(field, low, high, parent)
        return NumberEditor(field, parent)
    if kind == "yes_no":
        return YesNoEditor(field, parent)
    return TextEditor(field, parent)


def build_row(field: FormField, scope: Scope | None = None, parent: QWidget | None = None) -> FieldRow | NoteRow:
    return NoteRow(field, parent) if field.type == "note" else FieldRow(field, scope, parent)


class _RepeatItem(QFrame):
    """One repetition of a repeat group: a title, a remove button and the sub-questions."""

    def __init__(self, field: FormField, scope: Scope):
        super().__init__()
        self.setObjectName("repeatItem")
        self.extra: dict[str, Any] = {}  # data of unknown sub-questions, kept as is
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(10)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("repeatItemTitle")
        self.remove_button = QPushButton("Supprimer")
        self.remove_button.setObjectName("linkButton")
        self.remove_button.setCursor(Qt.CursorShape.PointingHandCursor)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.remove_button)
        layout.addLayout(head)
        self.rows = [build_row(child, scope) for child in field.children]
        for row in self.rows:
            layout.addWidget(row)

    def values(self) -> dict[str, Any]:
        out = dict(self.extra)
        for row in self.rows:
            if isinstance(row, FieldRow) and row.value() is not None:
                out[row.field.id] = row.value()
        return out

    def drafts(self) -> dict[str, str]:
        """Sub-question id -> text kept « à corriger » in this item."""
        return {row.field.id: row.draft() for row in self.rows if isinstance(row, FieldRow) and row.draft() is not None}

    def is_kept(self) -> bool:
        """Stored: it has an answer, or a text « à corriger » (nothing typed is lost)."""
        return bool(self.values()) or bool(self.drafts())


class RepeatGroupEditor(FieldEditor):
    """A list of sub-forms with « Ajouter » / « Supprimer » buttons; value: list of dicts.

    Items with no answer at all are not stored.
    """

    structureChanged = Signal()
    itemDrafted = Signal(str, object)  # (draft key « group[n].child », text or None once gone)

    def __init__(self, field: FormField, scope: Scope, parent: QWidget | None = None):
        super().__init__(field, parent)
        self._scope = scope
        self._read_only = False
        self._drafts: dict[str, str] = {}  # draft key -> text, as last reported
        self.items: list[_RepeatItem] = []
        self._items_layout = QVBoxLayout()
        self._items_layout.setSpacing(10)
        self._layout.addLayout(self._items_layout)
        noun = (field.item_label or "élément").lower()
        self.empty_label = wrap_label(f"Aucun {noun} pour l'instant.", "fieldHelp")
        self._layout.addWidget(self.empty_label)
        self.add_button = QPushButton(f"Ajouter : {noun}" if field.item_label else "Ajouter un élément")
        self.add_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self._layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add_button.clicked.connect(self.add_item)

    def _new_item(self) -> _RepeatItem:
        item = _RepeatItem(self.field, self._scope)
        for row in item.rows:
            if isinstance(row, FieldRow):
                row.committed.connect(self._on_child_committed)
                row.drafted.connect(self._on_child_drafted)
                row.set_read_only(self._read_only)
        item.remove_button.clicked.connect(lambda: self.remove_item(item))
        item.remove_button.setVisible(not self._read_only)
        self.items.append(item)
        self._items_layout.addWidget(item)
        return item

    def _renumber(self) -> None:
        name = self.field.item_label or "Élément"
        for n, item in enumerate(self.items, start=1):
            item.title.setText(f"{name} {n}")
            item.remove_button.setAccessibleName(f"Supprimer : {name} {n}")
        self.empty_label.setVisible(not self.items)

    def add_item(self) -> None:
        item = self._new_item()
        self._renumber()
        self.refresh_visibility(self._scope())
        self.structureChanged.emit()
        for row in item.rows:
            if isinstance(row, FieldRow):
                row.focus()
                break

    def remove_item(self, item: _RepeatItem) -> None:
        if item not in self.items:
            return
        self.items.remove(item)
        self._items_layout.removeWidget(item)
        item.hide()
        item.deleteLater()
        self._renumber()
        self.structureChanged.emit()
        self.add_button.setFocus()
        self.changed.emit()
        self._report_drafts()

    def _on_child_committed(self, _field_id: str, _value: Any) -> None:
        self.refresh_visibility(self._scope())
        self.changed.emit()
        self._report_drafts()

    def _on_child_drafted(self, _field_id: str, _text: Any) -> None:
        self.changed.emit()  # an item holding only a draft is stored, to keep its place
        self._report_drafts()

    def item_drafts(self) -> dict[str, str]:
        """Draft key -> text kept « à corriger », numbered like the stored items."""
        out: dict[str, str] = {}
        kept = [item for item in self.items if item.is_kept()]
        for n, item in enumerate(kept, start=1):
            for child_id, text in item.drafts().items():
                out[draft_key(self.field.id, n, child_id)] = text
        return out

    def _report_drafts(self) -> None:
        """Emit what changed in the drafts (an item removed renumbers those after it)."""
        current = self.item_drafts()
        before, self._drafts = self._drafts, current
        for key in before.keys() - current.keys():
            self.itemDrafted.emit(key, None)
        for key, text in current.items():
            if before.get(key) != text:
                self.itemDrafted.emit(key, text)

    def set_item_drafts(self, drafts: Mapping[str, str]) -> None:
        """Show the texts kept « à corriger » of this group's items (other keys ignored);
        emits nothing. Stored items are shown in order, so item n is `items[n - 1]`."""
        mine = {}
        for key, text in drafts.items():
            group, n, child_id = split_draft_key(key)
            if group == self.field.id and n is not None and isinstance(text, str) and text.strip():
                mine[key] = (n, child_id, text)
        if not mine:
            return
        while len(self.items) < max(n for n, _c, _t in mine.values()):
            self._new_item()  # its place was not stored: never drop the text
        for n, child_id, text in mine.values():
            for row in self.items[n - 1].rows:
                if isinstance(row, FieldRow) and row.field.id == child_id:
                    row.set_draft(text)
        self._renumber()
        self.refresh_visibility(self._scope())
        self._drafts = self.item_drafts()

    def raw(self) -> Any:
        return [item.values() for item in self.items if item.is_kept()]

    def set_value(self, value: Any) -> None:
        for item in self.items:
            self._items_layout.removeWidget(item)
            item.hide()
            item.deleteLater()
        self.items = []
        self._drafts = {}
        for data in value if isinstance(value, list) else []:
            item = self._new_item()
            data = data if isinstance(data, Mapping) else {}
            known = {row.field.id for row in item.rows}
            item.extra = {k: v for k, v in data.items() if k not in known}
            for row in item.rows:
                if isinstance(row, FieldRow):
                    row.set_value(data.get(row.field.id))
        self._renumber()
        self.refresh_visibility(self._scope())
        self.structureChanged.emit()

    def refresh_visibility(self, answers: Mapping[str, Any]) -> None:
        for item in self.items:
            scope = item_scope(item.values(), answers)
            for row in item.rows:
                row.setVisible(is_visible(row.field, scope))

    def flush(self) -> None:
        for item in self.items:
            for row in item.rows:
                row.flush()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.add_button.setVisible(not read_only)
        for item in self.items:
            item.remove_button.setVisible(not read_only)
            for row in item.rows:
                row.set_read_only(read_only)

    def focus_target(self) -> QWidget:
        for item in self.items:
            for row in item.rows:
                if isinstance(row, FieldRow):
                    return row.editor.focus_target()
        return self.add_button
