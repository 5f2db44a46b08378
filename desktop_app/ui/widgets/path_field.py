"""A path typed or chosen: a line edit beside a « Choisir… » button that opens a file dialog.

    out = PathField("save", "Exporter les résultats", "Fichier de résultats",
                    filters="Résultats EvalKit (*.evalkit)")
    form.addRow("Fichier", out)   # the label's buddy is the line edit (focus proxy)
    path = out.edit.text()

The line edit keeps what is typed or pasted (a path, or for a laptop's key a fingerprint). The
button opens the system's dialog (`kind`: "open" an existing file, "save" to a file, or choose a
"folder"), titled `title`, with the file `filters`, starting from the field's text (unless
`start_from_text=False`), and puts the path chosen in the field (`chosen(path)`); a cancelled
dialog leaves the field as it was. The dialog is a function the caller may replace (`ask`), as
tests do. Both parts have an accessible name and follow each other in the Tab order; the button
opens the dialog from the keyboard (Space) like any button.

Used by the sync folder and results export dialogs, the laptop's key (« Fichier… ») and the
Exports screen's folder.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

KINDS = ("open", "save", "folder")
Ask = Callable[[QWidget, str, str, str], str]  # (parent, title, start, filters) -> path, "" if cancelled


def ask_system(kind: str, parent: QWidget, title: str, start: str, filters: str) -> str:
    """The system's file dialog for `kind`; the path chosen, or "" when cancelled."""
    if kind == "folder":
        return QFileDialog.getExistingDirectory(parent, title, start)
    if kind == "save":
        return QFileDialog.getSaveFileName(parent, title, start, filters)[0]
    return QFileDialog.getOpenFileName(parent, title, start, filters)[0]


class PathField(QWidget):
    """A line edit holding a path and the button that chooses it in a file dialog."""

    chosen = Signal(str)  # the path put in the field by the button (not sent for typed text)

    def __init__(
        self,
        kind: str,
        title: str,
        accessible_name: str,
        *,
        filters: str = "",
        text: str = "",
        placeholder: str = "",
        button_text: str = "Choisir…",
        start_from_text: bool = True,
        ask: Ask | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r} (expected one of {KINDS})")
        self.kind = kind
        self.title = title
        self.filters = filters
        self._start_from_text = start_from_text
        self._ask = ask or partial(ask_system, kind)
        self.edit = QLineEdit(text, self)
        self.edit.setAccessibleName(accessible_name)
        if placeholder:
            self.edit.setPlaceholderText(placeholder)
        self.button = QPushButton(button_text, self)
        self.button.setAccessibleName(f"{button_text.rstrip('…')} : {accessible_name}")
        self.button.setToolTip(title)
        self.button.clicked.connect(self.choose)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)  # a label's buddy, setFocus(): the line edit

    def text(self) -> str:
        return self.edit.text()

    def choose(self) -> None:
        """Open the file dialog; the path chosen replaces the field's text."""
        start = self.edit.text() if self._start_from_text else ""
        path = self._ask(self, self.title, start, self.filters)
        if path:
            self.edit.setText(path)
            self.chosen.emit(path)
