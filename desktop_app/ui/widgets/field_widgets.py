"""One editor widget per field type, used by the form renderer's field rows.

An editor only shows and reads a raw answer; the row around it (`field_row.FieldRow`) turns
that into a stored value with `core.validation.coerce`, shows messages and emits changes.
Editors report user actions through three signals:
    changed   the answer changed by a click or a pick: commit now
    typing    text is being typed: commit after a short pause
    finished  the text part lost focus: commit now
Setting a value programmatically (`set_value`) never emits anything. An unanswered field
stays empty (an empty number is not 0, an empty date is not today).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from desktop_app.core.validation import format_date, format_number, parse_date
from desktop_app.kit.forms import FormField, Option
from desktop_app.ui.widgets.form_style import (
    LINE_EDIT_MAX_WIDTH,
    NUMBER_EDIT_WIDTH,
    NoWheelComboBox,
    dot_icon,
    set_invalid,
)


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
            self.edit.setMinimumWidth(240)
            self.edit.setMaximumWidth(LINE_EDIT_MAX_WIDTH)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.edit, 0 if width else 4)
        if field.unit:
            unit = QLabel(field.unit)
            unit.setObjectName("unitLabel")
            row.addWidget(unit)
        row.addStretch(1)
        self._layout.addLayout(row)
        self.edit.textEdited.connect(self.typing)
        self.edit.editingFinished.connect(self.finished)

    def default_placeholder(self) -> str:
        return ""

    def raw(self) -> Any:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else self.display(value))

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
            return format_number(value)
        return str(value)


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
        QTimer.singleShot(0, self._fit_height)

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
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        for bound, setter in ((field.min, self.calendar.setMinimumDate), (field.max, self.calendar.setMaximumDate)):
            if bound:
                try:
                    day = parse_date(bound)
                    setter(QDate(day.year, day.month, day.day))
                except ValueError:
                    pass
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._prepare_calendar)
        self.menu = menu
        self.button.setMenu(menu)
        self.calendar.clicked.connect(self._pick)
        self.calendar.activated.connect(self._pick)
        row = self._layout.itemAt(0).layout()
        row.insertWidget(row.count() - 1, self.button)

    def default_placeholder(self) -> str:
        return "JJ/MM/AAAA"

    def display(self, value: Any) -> str:
        return format_date(str(value))

    def _prepare_calendar(self) -> None:
        try:
            day = parse_date(self.edit.text())
            self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        except ValueError:
            self.calendar.setSelectedDate(QDate.currentDate())
        QTimer.singleShot(0, self.calendar.setFocus)

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


# --------------------------------------------------------------------------- choices


class _ClickLabel(QLabel):
    """Word-wrapped text of a choice: clicking it clicks its button."""

    def __init__(self, text: str, button: QAbstractButton):
        super().__init__(text)
        self._button = button
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        policy = self.sizePolicy()  # keep height-for-width, set by word wrap
        policy.setHorizontalPolicy(QSizePolicy.Policy.Expanding)
        self.setSizePolicy(policy)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt naming)
        if self._button.isEnabled() and event.button() == Qt.MouseButton.LeftButton:
            self._button.setFocus()
            self._button.click()


def _option_button(text: str, radio: bool, wrap: bool, color: str | None = None):
    """(button, widget to lay out): a plain button, or a button + wrapping label when `wrap`."""
    button: QAbstractButton = QRadioButton() if radio else QCheckBox()
    button.setAccessibleName(text)
    if color:
        button.setIcon(dot_icon(color))
    if not wrap:
        button.setText(text)
        return button, button
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
    row.addWidget(_ClickLabel(text, button), 1)
    return button, holder


def _clear_button(text: str = "Effacer la réponse") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("linkButton")
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return button


def _is_short(options: tuple[Option, ...], length: int) -> bool:
    return all(len(o.label) <= length for o in options)


class _ButtonChoiceEditor(FieldEditor):
    """Shared logic of radio/checkbox editors: buttons per option, optional "Autre :" text."""

    exclusive = True

    def __init__(self, field: FormField, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(self.exclusive)
        self.buttons: dict[str, QAbstractButton] = {}
        self.other_button: QAbstractButton | None = None
        self.other_edit: QLineEdit | None = None
        self.clear_button: QPushButton | None = None
        self.group.buttonClicked.connect(self._on_clicked)

    def _add_option(self, layout, opt: Option, wrap: bool, *grid_pos) -> None:
        button, widget = _option_button(opt.label, self.exclusive, wrap, opt.color)
        self.group.addButton(button)
        self.buttons[opt.value] = button
        layout.addWidget(widget, *grid_pos)

    def _add_other(self) -> None:
        button, _ = _option_button("Autre :", self.exclusive, wrap=False)
        self.group.addButton(button)
        self.other_button = button
        self.other_edit = QLineEdit()
        self.other_edit.setPlaceholderText("Précisez")
        self.other_edit.setAccessibleName(f"{self.field.label} : autre réponse")
        self.other_edit.setMaximumWidth(LINE_EDIT_MAX_WIDTH - 80)
        self.other_edit.setMinimumWidth(280)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(button)
        row.addWidget(self.other_edit)
        row.addStretch(1)
        self._layout.addLayout(row)
        self.other_edit.textEdited.connect(self._on_other_typed)
        self.other_edit.editingFinished.connect(self.finished)

    def _add_clear(self, row: QHBoxLayout | None = None) -> None:
        """« Effacer la réponse »: at the end of a row of options, or under a list of them."""
        self.clear_button = _clear_button()
        self.clear_button.clicked.connect(self._on_clear)
        if row is not None:
            row.insertSpacing(row.count() - 1, 8)
            row.insertWidget(row.count() - 1, self.clear_button)
        else:
            self._layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.clear_button.setVisible(False)

    def _on_other_typed(self, text: str) -> None:
        if self.other_button is not None and text.strip() and not self.other_button.isChecked():
            self.other_button.setChecked(True)
        self._sync_clear()
        self.typing.emit()

    def _on_clicked(self, button: QAbstractButton) -> None:
        if button is self.other_button and button.isChecked() and self.other_edit is not None:
            self.other_edit.setFocus()
        self._sync_clear()
        self.changed.emit()

    def _on_clear(self) -> None:
        self._uncheck_all()
        self._sync_clear()
        next(iter(self.buttons.values()), self).setFocus()
        self.changed.emit()

    def _uncheck_all(self) -> None:
        self.group.setExclusive(False)
        for button in self.group.buttons():
            button.setChecked(False)
        self.group.setExclusive(self.exclusive)

    def _sync_clear(self) -> None:
        if self.clear_button is not None:
            self.clear_button.setVisible(self.isEnabled() and self.group.checkedButton() is not None)

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)
        self._sync_clear()

    def focus_target(self) -> QWidget:
        checked = self.group.checkedButton()
        if checked is not None:
            return checked
        return next(iter(self.buttons.values()), self)


class SingleChoiceEditor(_ButtonChoiceEditor):
    """Radio buttons (a row when the labels are short), "Autre :" text when allowed."""

    def __init__(self, field: FormField, parent: QWidget | None = None):
        super().__init__(field, parent)
        horizontal = len(field.choices) <= 5 and _is_short(field.choices, 24) and not field.allow_other
        if horizontal:
            layout = QHBoxLayout()
            layout.setSpacing(18)
            for opt in field.choices:
                self._add_option(layout, opt, wrap=False)
            layout.addStretch(1)
        else:
            layout = QVBoxLayout()
            layout.setSpacing(6)
            for opt in field.choices:
                self._add_option(layout, opt, wrap=len(opt.label) > 60)
        self._layout.addLayout(layout)
        if field.allow_other:
            self._add_other()
        self._add_clear(layout if horizontal else None)

    def raw(self) -> Any:
        checked = self.group.checkedButton()
        if checked is None:
            return None
        if checked is self.other_button:
            return self.other_edit.text() if self.other_edit else None
        for value, button in self.buttons.items():
            if button is checked:
                return value
        return None

    def set_value(self, value: Any) -> None:
        self._uncheck_all()
        if value is not None:
            button = self.buttons.get(str(value))
            if button is not None:
                button.setChecked(True)
            elif self.other_button is not None and self.other_edit is not None:
                self.other_button.setChecked(True)
                self.other_edit.setText(str(value))
        self._sync_clear()


class ComboChoiceEditor(FieldEditor):
    """Single choice among many short options: a combo box with an empty first entry."""

    def __init__(self, field: FormField, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.combo = NoWheelComboBox()
        self.combo.setAccessibleName(field.label)
        self.combo.addItem("— Choisir —", None)
        for opt in field.choices:
            if opt.color:
                self.combo.addItem(dot_icon(opt.color), opt.label, opt.value)
            else:
                self.combo.addItem(opt.label, opt.value)
        self.combo.setMaximumWidth(LINE_EDIT_MAX_WIDTH)
        self.combo.setSizeAdjustPolicy(NoWheelComboBox.SizeAdjustPolicy.AdjustToContents)
        self._layout.addWidget(self.combo, 0, Qt.AlignmentFlag.AlignLeft)
        self.combo.activated.connect(lambda _index: self.changed.emit())

    def raw(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        self.combo.setCurrentIndex(max(index, 0))

    def focus_target(self) -> QWidget:
        return self.combo


class MultipleChoiceEditor(_ButtonChoiceEditor):
    """Check boxes (two columns when there are many short labels), "Autre :" when allowed."""

    exclusive = False

    def __init__(self, field: FormField, parent: QWidget | None = None):
        super().__init__(field, parent)
        if len(field.choices) > 6 and _is_short(field.choices, 32):
            grid = QGridLayout()
            grid.setHorizontalSpacing(24)
            grid.setVerticalSpacing(6)
            rows = (len(field.choices) + 1) // 2
            for i, opt in enumerate(field.choices):  # column by column, reading order kept
                self._add_option(grid, opt, False, i % rows, i // rows)
            grid.setColumnStretch(2, 1)
            self._layout.addLayout(grid)
        else:
            layout = QVBoxLayout()
            layout.setSpacing(6)
            for opt in field.choices:
                self._add_option(layout, opt, wrap=len(opt.label) > 60)
            self._layout.addLayout(layout)
        if field.allow_other:
            self._add_other()

    def raw(self) -> Any:
        values = [value for value, button in self.buttons.items() if button.isChecked()]
        if self.other_button is not None and self.other_button.isChecked() and self.other_edit is not None:
            if self.other_edit.text().strip():
                values.append(self.other_edit.text())
        return values

    def set_value(self, value: Any) -> None:
        self._uncheck_all()
        others = []
        for v in value or []:
            button = self.buttons.get(str(v))
            if button is not None:
                button.setChecked(True)
            else:
                others.append(str(v))
        if others and self.other_button is not None and self.other_edit is not None:
            self.other_button.setChecked(True)
            self.other_edit.setText(" ; ".join(others))
        elif self.other_edit is not None:
            self.other_edit.clear()


class ScaleEditor(_ButtonChoiceEditor):
    """A row of numbered radio buttons between the two end labels."""

    def __init__(self, field: FormField, low: int, high: int, parent: QWidget | None = None):
        super().__init__(field, parent)
        row = QHBoxLayout()
        row.setSpacing(14)
        if field.min_label:
            row.addWidget(self._end_label(field.min_label, Qt.AlignmentFlag.AlignRight))
        for n in range(low, high + 1):
            self._add_option(row, Option(str(n), str(n)), wrap=False)
        if field.max_label:
            row.addWidget(self._end_label(field.max_label, Qt.AlignmentFlag.AlignLeft))
        row.addStretch(1)
        self._layout.addLayout(row)
        self._add_clear(row)

    @staticmethod
    def _end_label(text: str, align: Qt.AlignmentFlag) -> QLabel:
        label = QLabel(text)
        label.setObjectName("scaleEnd")
        if len(text) > 24:  # long end labels wrap on two lines
            label.setWordWrap(True)
            label.setMinimumWidth(120)
            label.setMaximumWidth(170)
        label.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        return label

    def raw(self) -> Any:
        for value, button in self.buttons.items():
            if button.isChecked():
                return int(value)
        return None

    def set_value(self, value: Any) -> None:
        self._uncheck_all()
        if value is not None:
            button = self.buttons.get(str(value))
            if button is not None:
                button.setChecked(True)
        self._sync_clear()


class YesNoEditor(_ButtonChoiceEditor):
    """Oui / Non radio buttons."""

    def __init__(self, field: FormField, parent: QWidget | None = None):
        super().__init__(field, parent)
        row = QHBoxLayout()
        row.setSpacing(18)
        self._add_option(row, Option("oui", "Oui"), wrap=False)
        self._add_option(row, Option("non", "Non"), wrap=False)
        row.addStretch(1)
        self._layout.addLayout(row)
        self._add_clear(row)

    def raw(self) -> Any:
        if self.buttons["oui"].isChecked():
            return True
        if self.buttons["non"].isChecked():
            return False
        return None

    def set_value(self, value: Any) -> None:
        self._uncheck_all()
        if value is True:
            self.buttons["oui"].setChecked(True)
        elif value is False:
            self.buttons["non"].setChecked(True)
        self._sync_clear()


def make_editor(field: FormField, parent: QWidget | None = None) -> FieldEditor:
    """The editor for a field type (repeat groups are built by `field_row`)."""
    kind = field.type
    if kind in ("integer", "decimal"):
        return NumberEditor(field, parent)
    if kind == "long_text":
        return LongTextEditor(field, parent)
    if kind == "date":
        return DateEditor(field, parent)
    if kind == "single_choice":
        if len(field.choices) > 8 and not field.allow_other and _is_short(field.choices, 80):
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
