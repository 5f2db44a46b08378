"""Choice editors of the form renderer: radio buttons, combo box, check boxes, scale, yes/no.

Options whose label is long wrap on several lines (the label is clickable); scored options
with a colour (appreciation scales) show a coloured dot; « Autre : » adds a free-text answer
when the field allows it; « Effacer la réponse » brings a single choice back to unanswered.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kit.forms import FormField, Option
from desktop_app.ui.widgets.field_widgets import FieldEditor
from desktop_app.ui.widgets.flow_layout import FlowLayout
from desktop_app.ui.widgets.form_style import LINE_EDIT_MAX_WIDTH, NoWheelComboBox, dot_icon


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
    if not wrap:
        if color:
            button.setIcon(dot_icon(color))
        button.setText(text)
        return button, button
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
    if color:
        dot = QLabel()
        dot.setPixmap(dot_icon(color).pixmap(12, 12))
        dot.setFixedHeight(button.sizeHint().height())
        row.addWidget(dot, 0, Qt.AlignmentFlag.AlignTop)
    row.addWidget(_ClickLabel(text, button), 1)
    return button, holder


def _clear_button(text: str = "Effacer la réponse") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("linkButton")
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return button


# Options longer than this wrap on several lines: an unwrapped button is as wide as its text,
# and a form must fit the width it is given (no horizontal scrolling, nothing cut).
WRAP_AFTER = 22


def is_short(options: tuple[Option, ...], length: int) -> bool:
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
        # Unwrapped buttons stay as wide as their text: a click in the empty space beside does nothing.
        align = Qt.AlignmentFlag.AlignLeft if not wrap else Qt.AlignmentFlag(0)
        if isinstance(layout, FlowLayout):
            layout.addWidget(widget)
        elif grid_pos:
            layout.addWidget(widget, *grid_pos, align)
        else:
            layout.addWidget(widget, 0, align)

    def _add_other(self) -> None:
        button, _ = _option_button("Autre :", self.exclusive, wrap=False)
        self.group.addButton(button)
        self.other_button = button
        self.other_edit = QLineEdit()
        self.other_edit.setPlaceholderText("Précisez")
        self.other_edit.setAccessibleName(f"{self.field.label} : autre réponse")
        self.other_edit.setMaximumWidth(LINE_EDIT_MAX_WIDTH - 80)
        self.other_edit.setMinimumWidth(160)
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
        # On one row only when the whole row fits the narrowest page (a form beside a list on
        # a 1366 px laptop: some 330 px), radio buttons and the « Effacer » link included.
        horizontal = (
            len(field.choices) <= 5
            and is_short(field.choices, WRAP_AFTER)
            and sum(len(o.label) for o in field.choices) <= 30
            and not field.allow_other
        )
        if horizontal:
            layout = QHBoxLayout()
            layout.setSpacing(18)
            for opt in field.choices:
                self._add_option(layout, opt, wrap=False)
            layout.addStretch(1)
        else:
            wrap = not is_short(field.choices, WRAP_AFTER)  # one look for the whole list
            layout = QVBoxLayout()
            layout.setSpacing(7 if wrap else 6)
            for opt in field.choices:
                self._add_option(layout, opt, wrap=wrap)
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
        if len(field.choices) > 6 and is_short(field.choices, WRAP_AFTER):
            grid = QGridLayout()
            grid.setHorizontalSpacing(24)
            grid.setVerticalSpacing(6)
            rows = (len(field.choices) + 1) // 2
            for i, opt in enumerate(field.choices):  # column by column, reading order kept
                self._add_option(grid, opt, False, i % rows, i // rows)
            grid.setColumnStretch(2, 1)
            self._layout.addLayout(grid)
        else:
            wrap = not is_short(field.choices, WRAP_AFTER)  # one look for the whole list
            layout = QVBoxLayout()
            layout.setSpacing(7 if wrap else 6)
            for opt in field.choices:
                self._add_option(layout, opt, wrap=wrap)
            self._layout.addLayout(layout)
        if field.allow_other:
            self._add_other()

    def _on_clicked(self, button: QAbstractButton) -> None:
        """An exclusive answer (« Aucune ») ticked unticks the others, and the reverse: the
        engine refuses them together (`validation.exclusive_message`)."""
        if button.isChecked():
            exclusive = {v for v in self.buttons if (opt := self.field.option(v)) is not None and opt.exclusive}
            clicked = next((v for v, b in self.buttons.items() if b is button), None)
            if clicked in exclusive:
                for other in self.buttons.values():
                    if other is not button:
                        other.setChecked(False)
                if self.other_button is not None:
                    self.other_button.setChecked(False)
            elif exclusive:
                for value in exclusive:
                    self.buttons[value].setChecked(False)
        super()._on_clicked(button)

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
    """A row of numbered radio buttons between the two end labels; the row wraps onto a second
    line when the form is narrower than the scale."""

    def __init__(self, field: FormField, low: int, high: int, parent: QWidget | None = None):
        super().__init__(field, parent)
        holder = QWidget(self)
        row = FlowLayout(holder, h_spacing=14, v_spacing=6)
        if field.min_label:
            row.addWidget(self._end_label(field.min_label, Qt.AlignmentFlag.AlignRight))
        for n in range(low, high + 1):
            self._add_option(row, Option(str(n), str(n)), wrap=False)
        if field.max_label:
            row.addWidget(self._end_label(field.max_label, Qt.AlignmentFlag.AlignLeft))
        self._layout.addWidget(holder)
        self.clear_button = _clear_button()
        self.clear_button.clicked.connect(self._on_clear)
        row.addWidget(self.clear_button)
        self.clear_button.setVisible(False)

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
