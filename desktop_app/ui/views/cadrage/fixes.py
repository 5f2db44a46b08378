"""The certain repairs of the Cadrage's codes, each with its « Corriger » button (one click,
undoable), and « Tout corriger » when there are several. Shown under what they repair."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

SHOWN = 4  # repairs listed one by one; the others through « Tout corriger »


class FixList(QWidget):
    """`set_fixes([(label, apply)], apply_all)`: one row per repair (its label, « Corriger »);
    Tab reaches the buttons right after `after` (the field or the table they repair)."""

    def __init__(self, after: QWidget | None = None, parent=None):
        super().__init__(parent)
        self.after = after
        self._apply_all_call: Callable[[], None] | None = None
        self.setObjectName("fixList")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(0, 1)
        self.buttons: list[QPushButton] = []
        self.fix_all: QPushButton | None = None
        self._fixes: list[tuple[str, Callable[[], None]]] = []
        self.setVisible(False)

    def set_fixes(self, fixes: list[tuple[str, Callable[[], None]]], apply_all: Callable[[], None] | None = None) -> None:
        self._apply_all_call = apply_all
        if [label for label, _ in fixes] == [label for label, _ in self._fixes]:
            self._fixes = fixes  # same repairs: keep the widgets (and the focus)
            return
        self._fixes = fixes
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.buttons, self.fix_all = [], None
        for row, (label, _apply) in enumerate(fixes[:SHOWN]):
            text = QLabel(f"Correction possible : {label}")
            text.setWordWrap(True)
            button = QPushButton("Corriger")
            button.setAccessibleName(f"Corriger : {label}")
            button.setToolTip(f"Remplacer : {label} (Ctrl+Z pour annuler)")
            button.clicked.connect(lambda _=False, i=row: self._apply(i))
            self.grid.addWidget(text, row, 0)
            self.grid.addWidget(button, row, 1)
            self.buttons.append(button)
        if len(fixes) > 1:
            more = len(fixes) - SHOWN
            note = QLabel(f"… et {more} autre{'s' if more > 1 else ''} correction{'s' if more > 1 else ''}" if more > 0 else "")
            note.setObjectName("muted")
            self.fix_all = QPushButton(f"Tout corriger ({len(fixes)})")
            self.fix_all.setAccessibleName(f"Appliquer les {len(fixes)} corrections")
            self.fix_all.clicked.connect(self._apply_all)
            self.grid.addWidget(note, SHOWN + 1, 0)
            self.grid.addWidget(self.fix_all, SHOWN + 1, 1)
        self.setVisible(bool(fixes))
        previous = self.after
        for button in [*self.buttons, *([self.fix_all] if self.fix_all else [])]:
            if previous is not None:
                QWidget.setTabOrder(previous, button)
            previous = button

    def _apply(self, index: int) -> None:
        if index < len(self._fixes):
            self._fixes[index][1]()

    def _apply_all(self) -> None:
        if self._apply_all_call is not None:
            self._apply_all_call()
            return
        for _label, apply in list(self._fixes):
            apply()
