"""Editor widgets of the form renderer: the common base and the text, number and date editors.

(Choice editors are in `choice_widgets`; `field_row.make_editor` picks the editor of a field.)

An editor only shows and reads a raw answer; the row around it (`field_row.FieldRow`) turns
that into a stored value with `core.validation.coerce`, shows messages and emits changes.
Editors report user actions through three signals:
    changed   the answer changed by a click or a pick: commit now
    typing    text is being typed: commit after a short pause
    finished  the text part lost focus: commit now
    left      the text part lost focus, changed or not (an answer not stored yet is sent again)
Setting a value programmatically (`set_value`) never emits anything. An unanswered field
stays empty (an empty number is not 0, an empty date is not today).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from desktop_app.core.validation import format_date, format_number, parse_date
from desktop_app.kit.forms import FormField
from desktop_app.ui.widgets.form_style import LINE_EDIT_MAX_WIDTH, NUMBER_EDIT_WIDTH, set_invalid


class _FocusOutFilter(QObject):
    """Calls back when a watched widget loses keyboard focus."""

    def __init__(self, parent: QObject, callback):
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.FocusOut:
            self._callback()
        return False


class FieldEditor(QWidget):
    """Base class: shows a raw answer and reports user edits."""

    changed = Signal()
    typing = Signal()
    finished = Signal()
    left = Signal()

    def __init__(self, field: FormField, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = field
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)

    def raw(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)

    def focus_target(self) -> QWidget:
        return self

    def polish(self, value: Any) -> None:
        """Tidy the display after a committed focus-out (e.g. a date typed 1/2/26)."""

    def set_invalid(self, invalid: bool) -> None:
        """Red border on the text part, if any."""


# --------------------------------------------------------------------------- text


class TextEditor(FieldEditor):
    """One line of text (also the base of numbers and dates): a line edit + optional unit."""

    def __init__(self, field: FormField, parent: QWidget | None = None, width: int | None = None):
        super().__init__(field, parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(field.placeholder or self.default_placeholder())
        self.edit.setAccessibleName(field.label)
        if width:
            self.edit.setFixedWidth(width)
        else:
            self.edit.setMinimumWidth(160)
            self.edit.setMaximumWidth(LINE_EDIT_MAX_WIDTH)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.edit, 0 if width else 4)
        if field.unit:
            unit = QLabel(field.unit)
            unit.setObjectName("unitLabel")
            row.addWidget(unit)
        row.addStretch(1)
        self._row = row
        self._long = False
        self._layout.addLayout(row)
        if not width:  # a text longer than the box gets the whole width of the form
            self.edit.textChanged.connect(self._fit_text)
        self.edit.textEdited.connect(self.typing)
        self.edit.editingFinished.connect(self.finished)
        # editingFinished is not emitted when the text did not change since its last emission
        self.edit.installEventFilter(_FocusOutFilter(self, self.left.emit))

    def default_placeholder(self) -> str:
        return ""

    def _fit_text(self, text: str) -> None:
        """A text wider than the box (« Centre social de la Gare — accompagnement à la
        scolarité ») widens it to the whole row, so that it reads whole; its tooltip holds it
        if even the row is too narrow."""
        need = self.edit.fontMetrics().horizontalAdvance(text) + 24
        short_width = min(LINE_EDIT_MAX_WIDTH, int(self.width() * 0.8)) if self.width() > 200 else LINE_EDIT_MAX_WIDTH
        long = need > short_width
        if long != self._long:
            self._long = long
            self.edit.setMaximumWidth(16777215 if long else LINE_EDIT_MAX_WIDTH)
            self._row.setStretch(self._row.count() - 1, 0 if long else 1)
        self.edit.setToolTip(text if long else "")

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        if self.edit.maximumWidth() != self.edit.minimumWidth():  # not a fixed-width number or date
            self._fit_text(self.edit.text())

    def raw(self) -> Any:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else self.display(value))
        if not self.edit.hasFocus():  # a saved text longer than the box reads from its start
            self.edit.setCursorPosition(0)

    def display(self, value: Any) -> str:
        return str(value)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

    def focus_target(self) -> QWidget:
        return self.edit

    def set_invalid(self, invalid: bool) -> None:
        set_invalid(self.edit, invalid)


class NumberEditor(TextEditor):
    """Integer or decimal typed as text, so it can stay empty and accept "12 500,50"."""

    def __init__(self, field: FormField, parent: QWidget | None = None):
        super().__init__(field, parent, width=NUMBER_EDIT_WIDTH)

    def default_placeholder(self) -> str:
        return "Nombre entier" if self.field.type in ("integer", "scale") else "Nombre"

    def display(self, value: Any) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if self._is_year() and float(value).is_integer():
                return str(int(value))  # « 2022 », not « 2 022 »
            return format_number(value)
        return str(value)

    def _is_year(self) -> bool:
        """An integer question bounded within years (`min: 2014`, `max: 2035`) holds a year."""
        low, high = self.field.min, self.field.max
        return (self.field.type == "integer" and isinstance(low, (int, float)) and isinstance(high, (int, float))
                and 1800 <= low and high <= 2200)


class LongTextEditor(FieldEditor):
    """Several lines of text; grows with its content (3 to 12 lines); Tab leaves the field."""

    MIN_LINES, MAX_LINES = 3, 12

    def __init__(self, field: FormField, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText(field.placeholder or "")
        self.edit.setAccessibleName(field.label)
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._loading = False
        self._layout.addWidget(self.edit)
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.installEventFilter(_FocusOutFilter(self, self.finished.emit))
        self._fit_height()

    def _on_text_changed(self) -> None:
        self._fit_height()
        if not self._loading:
            self.typing.emit()

    def _fit_height(self) -> None:
        doc = self.edit.document()
        lines = doc.documentLayout().documentSize().height()
        lines = max(self.MIN_LINES, min(self.MAX_LINES, int(lines) + 1))
        spacing = self.edit.fontMetrics().lineSpacing()
        height = int(lines * spacing + 2 * doc.documentMargin() + 12)
        if self.edit.height() != height:
            self.edit.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._fit_height)  # dropped if deleted meanwhile

    def raw(self) -> Any:
        return self.edit.toPlainText()

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self.edit.setPlainText("" if value is None else str(value))
        finally:
            self._loading = False

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

    def focus_target(self) -> QWidget:
        return self.edit

    def set_invalid(self, invalid: bool) -> None:
        set_invalid(self.edit, invalid)


class DateEditor(TextEditor):
    """A date typed JJ/MM/AAAA (may stay empty) with a calendar picker."""

    def __init__(self, field: FormField, parent: QWidget | None = None):
        super().__init__(field, parent, width=130)
        self.button = QToolButton()
        self.button.setObjectName("dateButton")
        self.button.setText("Calendrier…")
        self.button.setToolTip("Choisir la date dans un calendrier")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # The calendar (some twenty widgets) is built when the menu first opens.
        self._calendar: QCalendarWidget | None = None
        menu = QMenu(self.button)
        menu.aboutToShow.connect(self._prepare_calendar)
        self.menu = menu
        self.button.setMenu(menu)
        row = self._layout.itemAt(0).layout()
        row.insertWidget(row.count() - 1, self.button)

    def default_placeholder(self) -> str:
        return "JJ/MM/AAAA"

    def display(self, value: Any) -> str:
        return format_date(str(value))

    @property
    def calendar(self) -> QCalendarWidget:
        if self._calendar is None:
            calendar = QCalendarWidget()
            calendar.setGridVisible(True)
            calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
            for bound, setter in (
                (self.field.min, calendar.setMinimumDate),
                (self.field.max, calendar.setMaximumDate),
            ):
                if bound:
                    try:
                        day = parse_date(bound)
                        setter(QDate(day.year, day.month, day.day))
                    except ValueError:
                        pass
            action = QWidgetAction(self.menu)
            action.setDefaultWidget(calendar)
            self.menu.addAction(action)
            calendar.clicked.connect(self._pick)
            calendar.activated.connect(self._pick)
            self._calendar = calendar
        return self._calendar

    def _prepare_calendar(self) -> None:
        try:
            day = parse_date(self.edit.text())
            self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        except ValueError:
            self.calendar.setSelectedDate(QDate.currentDate())
        QTimer.singleShot(0, self.calendar, self.calendar.setFocus)

    def _pick(self, date: QDate) -> None:
        self.edit.setText(date.toString("dd/MM/yyyy"))
        self.menu.hide()
        self.edit.setFocus()
        self.changed.emit()

    def polish(self, value: Any) -> None:
        if value:
            self.edit.setText(format_date(value))

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.button.setEnabled(not read_only)
