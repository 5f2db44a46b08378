"""Line and text editors that save as the user types (debounced) and when they leave the field,
with a French validation message shown in place."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

DEBOUNCE_MS = 400


class AutosaveLine(QWidget):
    """A QLineEdit plus an error label. `commit(text)` is called after a pause in typing and on leave."""

    committed = Signal(str)

    def __init__(self, check: Callable[[str], str | None] | None = None, placeholder: str = "", parent=None):
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        self._check = check
        self._last = ""
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)
        self.edit.textEdited.connect(lambda _t: (self._timer.start(), self._validate()))
        self.edit.editingFinished.connect(self.flush)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self.setFocusProxy(self.edit)

    def set_value(self, text: str) -> None:
        self._last = text or ""
        self.edit.setText(self._last)
        self.edit.setCursorPosition(0)
        self._validate()

    def value(self) -> str:
        return self.edit.text()

    def flush(self) -> None:
        self._timer.stop()
        text = self.edit.text()
        self._validate()
        if text != self._last:
            self._last = text
            self.committed.emit(text)

    def _validate(self) -> None:
        msg = self._check(self.edit.text()) if self._check else None
        self.error.setText(msg or "")
        self.error.setVisible(bool(msg))
        self.edit.setProperty("invalid", bool(msg))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        self.edit.setToolTip(msg or "")

    @property
    def message(self) -> str:
        return self.error.text()


class AutosaveText(QPlainTextEdit):
    committed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._last = ""
        self.setTabChangesFocus(True)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(self._timer.start)

    def set_value(self, text: str) -> None:
        self._last = text or ""
        self.blockSignals(True)
        self.setPlainText(self._last)
        self.blockSignals(False)

    def flush(self) -> None:
        self._timer.stop()
        text = self.toPlainText()
        if text != self._last:
            self._last = text
            self.committed.emit(text)

    def focusOutEvent(self, event) -> None:
        self.flush()
        super().focusOutEvent(event)
