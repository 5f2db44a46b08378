"""Line and text editors that save as the user types (debounced) and when they leave the field,
with a French validation message shown in place.

Their owner says when a committed text could not be stored (`mark_unsaved`, usually through
`AppContext.follow_saves`): the editor shows it in red and commits the same text again when it
is left or edited, until it is stored.

Nothing typed is lost: an `AutosaveLine` made with `draft_name` keeps a text its check refuses
(« 31/02/2026 » in a date) as a draft: it emits `drafted(text)` (None once corrected) for its owner
to store, shows it again with `set_draft`, says « À corriger » under it, and lists it through
`fields_to_correct()` (the window's closing check, `widgets.completion.fields_to_fix`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

DEBOUNCE_MS = 400


class _OnFocusOut(QObject):
    def __init__(self, parent: QObject, callback: Callable[[], None]):
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.FocusOut:
            self._callback()
        return False


def _show_invalid(widget, invalid: bool, tip: str) -> None:
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.setToolTip(tip)


DRAFT_NOTE = "À corriger : le texte saisi est gardé en brouillon ; il ne compte pas tant qu'il n'est pas corrigé."


class AutosaveLine(QWidget):
    """A QLineEdit plus an error label. `commit(text)` is called after a pause in typing and on leave."""

    committed = Signal(str)
    drafted = Signal(object)  # text refused by the check, kept as a draft (None once corrected)

    def __init__(self, check: Callable[[str], str | None] | None = None, placeholder: str = "", parent=None,
                 draft_name: str = ""):
        super().__init__(parent)
        self.draft_name = draft_name  # set: a refused text is kept as a draft, named so in lists
        self._draft: str | None = None
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.unsaved = QLabel(self)
        self.unsaved.setObjectName("fieldUnsaved")
        self.unsaved.setStyleSheet("color: #c62828; font-weight: 600;")
        self.unsaved.setWordWrap(True)
        self.unsaved.hide()
        self._check = check
        self._extra = ""  # a check against another field (end before start), shown the same way
        self._last = ""
        self._unsaved = False
        self._sent = 0
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)
        self.edit.textEdited.connect(lambda _t: (self._timer.start(), self._validate()))
        self.edit.editingFinished.connect(self.flush)
        # left unchanged, a line edit says nothing: a text not stored yet is sent again then
        self.edit.installEventFilter(_OnFocusOut(self, self._on_left))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self.draft_label = QLabel(DRAFT_NOTE, self)
        self.draft_label.setObjectName("fieldDraft")
        self.draft_label.setStyleSheet("color: #c62828; font-weight: 600;")
        self.draft_label.setWordWrap(True)
        self.draft_label.hide()
        layout.addWidget(self.draft_label)
        layout.addWidget(self.unsaved)
        self.setFocusProxy(self.edit)

    def set_value(self, text: str) -> None:
        """Show a stored text (of this record or another: a mark of unsaved text is cleared)."""
        self._last = text or ""
        self._unsaved = False
        self.unsaved.hide()
        self.edit.setText(self._last)
        self.edit.setCursorPosition(0)
        self._draft = None
        self._validate()

    def set_draft(self, text: str | None) -> None:
        """Show a text kept « à corriger » (from an earlier session) instead of the stored one;
        emits nothing."""
        if not text or not self.draft_name:
            return
        self.edit.setText(text)
        self.edit.setCursorPosition(0)
        self._draft = text
        self._validate()

    def draft(self) -> str | None:
        return self._draft

    def value(self) -> str:
        return self.edit.text()

    def flush(self) -> None:
        self._timer.stop()
        text = self.edit.text()
        self._validate()
        if self.draft_name:
            refused = bool(self._check and self._check(text))
            if refused:
                if text != self._draft:
                    self._draft = text
                    self._validate()
                    self.drafted.emit(text)
                return  # the stored value stays; the text is kept as a draft
            if self._draft is not None:
                self._draft = None
                self._validate()
                self.drafted.emit(None)
                self._last = None  # committed below even if equal to the stored text
        if text != self._last or self._unsaved:
            self._last = text
            self._sent += 1
            self.committed.emit(text)

    def fields_to_correct(self) -> list[tuple[str, str]]:
        """[("", French line)] when a refused text is kept as a draft (the closing check)."""
        if self._timer.isActive():
            self.flush()
        if self._draft is None:
            return []
        return [("", f"« {self.draft_name} » est à corriger (saisi : « {self._draft} ») : {self.message}")]

    def go_to_field(self, _key: str = "") -> None:
        self.edit.setFocus()
    def mark_unsaved(self, message: str) -> None:
        """The text committed last is not stored (`message`: why, in French), or now is ("")."""
        self._unsaved = bool(message)
        self.unsaved.setText(f"⚠ {message}" if message else "")
        self.unsaved.setVisible(bool(message))
        self._validate()

    def is_unsaved(self) -> bool:
        return self._unsaved

    def _on_left(self) -> None:
        if self._unsaved:  # after the commit the same focus change may make
            sent = self._sent
            QTimer.singleShot(0, self, lambda: self._unsaved and self._sent == sent and self.flush())

    def set_extra_message(self, message: str) -> None:
        """Flag the field from a check that involves another one ("" clears it)."""
        self._extra = message
        self._validate()

    def _validate(self) -> None:
        msg = (self._check(self.edit.text()) if self._check else None) or self._extra or None
        self.error.setText(msg or "")
        self.error.setVisible(bool(msg))
        self.draft_label.setVisible(self._draft is not None and bool(msg))
        _show_invalid(self.edit, bool(msg) or self._unsaved, msg or self.unsaved.text())

    @property
    def message(self) -> str:
        return self.error.text()


class AutosaveText(QPlainTextEdit):
    committed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._last = ""
        self._unsaved = False
        self.setTabChangesFocus(True)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(self._timer.start)

    def set_value(self, text: str) -> None:
        """Show a stored text (of this record or another: a mark of unsaved text is cleared)."""
        self._last = text or ""
        if self._unsaved:
            self.mark_unsaved("")
        self.blockSignals(True)
        self.setPlainText(self._last)
        self.blockSignals(False)

    def flush(self) -> None:
        self._timer.stop()
        text = self.toPlainText()
        if text != self._last or self._unsaved:
            self._last = text
            self.committed.emit(text)

    def mark_unsaved(self, message: str) -> None:
        """The text committed last is not stored (`message`: why, in French, shown as the
        tooltip of the red frame), or now is ("")."""
        self._unsaved = bool(message)
        _show_invalid(self, self._unsaved, f"⚠ {message}" if message else "")

    def is_unsaved(self) -> bool:
        return self._unsaved

    def focusOutEvent(self, event) -> None:
        self.flush()
        super().focusOutEvent(event)
