"""Small widgets of the actions step: the filter bar, the cell editors (score, choice,
collection methods, date) and a helper that runs long work through the task runner behind a
progress dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.french import AnswerError, parse_date
from desktop_app.core.scoring import matches
from desktop_app.services.actions import ActionData, FilterOptions
from desktop_app.services.base import ServiceError
from desktop_app.ui.widgets.flow_layout import FlowLayout

ALL = "__all__"


class FilterBar(QWidget):
    """Pillar, quartier, carrier (and year) filters plus a free search, above a table."""

    changed = Signal()

    def __init__(self, with_year: bool = False, parent=None):
        super().__init__(parent)
        # The filters wrap onto a second line when the width runs out (1280×720): the window is
        # never held wider than the screen by them.
        layout = FlowLayout(self, h_spacing=6, v_spacing=6)
        self.pillar = self._combo("Tous les piliers", "Filtrer par pilier, axe ou thématique", 190)
        self.qpv = self._combo("Tous les quartiers", "Filtrer par quartier prioritaire", 190)
        self.carrier = self._combo("Tous les porteurs", "Filtrer par structure porteuse (tapez une partie du nom)", 190)
        self._searchable(self.carrier)  # a contrat de ville has hundreds of carriers
        self.year = self._combo("Toutes les années", "Filtrer par année de financement", 130) if with_year else None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher…")
        self.search.setToolTip("Rechercher dans l'intitulé, le porteur, le pilier et les quartiers")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Rechercher une action")
        self.search.setMinimumWidth(150)
        self.search.textChanged.connect(self.changed)
        self.clear_button = QPushButton("Effacer les filtres")
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.setVisible(False)
        for w in (QLabel("Filtres :"), self.pillar, self.qpv, self.carrier, self.year, self.search, self.clear_button):
            if w is not None:
                layout.addWidget(w)
        self._qpv_values: dict[str, tuple[str, ...]] = {}
        self.changed.connect(lambda: self.clear_button.setVisible(self.active))

    def _combo(self, all_label: str, tip: str, width: int) -> QComboBox:
        combo = QComboBox()
        combo.addItem(all_label, ALL)
        combo.setToolTip(tip)
        combo.setAccessibleName(tip)
        need = combo.fontMetrics().horizontalAdvance(all_label) + 48  # text, padding and arrow
        combo.setMinimumWidth(max(120, need))
        combo.setMaximumWidth(max(width, need))
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.currentIndexChanged.connect(self.changed)
        return combo

    def _searchable(self, combo: QComboBox) -> None:
        """Typing part of a name (any case, anywhere in it) offers the matching entries; a text
        matching none is put back as it was when the field is left, an emptied one means all."""
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = combo.lineEdit()
        line.setPlaceholderText(combo.itemText(0))
        line.setClearButtonEnabled(True)
        completer = combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(15)
        line.editingFinished.connect(lambda: self._settle(combo))
        combo.currentIndexChanged.connect(lambda _i: self._show_current(combo))
        self._show_current(combo)

    @staticmethod
    def _settle(combo: QComboBox) -> None:
        text = combo.lineEdit().text().strip()
        if not text:
            index = 0
        else:
            index = combo.findText(text, Qt.MatchFlag.MatchFixedString)  # case-insensitive, whole name
            if index < 0:
                index = combo.currentIndex()
        if index != combo.currentIndex():
            combo.setCurrentIndex(index)  # emits `changed`
        FilterBar._show_current(combo)

    @staticmethod
    def _show_current(combo: QComboBox) -> None:
        """The chosen name from its start; nothing when all are (the grey hint says so)."""
        line = combo.lineEdit()
        if line is None:
            return
        line.setText(combo.itemText(combo.currentIndex()) if combo.currentIndex() > 0 else "")
        line.setCursorPosition(0)

    @staticmethod
    def _fill(combo: QComboBox, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for label, value in items:
            combo.addItem(label, value)
            combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        i = combo.findData(current)
        combo.setCurrentIndex(i if i >= 0 else 0)
        combo.blockSignals(False)
        FilterBar._show_current(combo)

    def set_options(self, options: FilterOptions) -> None:
        self._fill(self.pillar, [(p, p) for p in options.pillars])
        self._qpv_values = {label: values for label, values in options.qpv}
        self._fill(self.qpv, [(label, label) for label, _ in options.qpv])
        self._fill(self.carrier, [(c, c) for c in options.carriers])
        if self.year is not None:
            self._fill(self.year, [(str(y), str(y)) for y in reversed(options.years)])
        self.clear_button.setVisible(self.active)

    @staticmethod
    def _value(combo: QComboBox | None) -> str:
        if combo is None:
            return ""
        value = combo.currentData()
        return "" if value in (ALL, None) else str(value)

    @property
    def active(self) -> bool:
        return bool(self._value(self.pillar) or self._value(self.qpv) or self._value(self.carrier)
                    or self._value(self.year) or self.search.text().strip())

    def describe(self) -> str:
        parts = [self._value(c) for c in (self.pillar, self.qpv, self.carrier, self.year)]
        if self.search.text().strip():
            parts.append(f"« {self.search.text().strip()} »")
        return ", ".join(p for p in parts if p)

    def clear(self) -> None:
        for combo in (self.pillar, self.qpv, self.carrier, self.year):
            if combo is not None:
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
                self._show_current(combo)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.changed.emit()

    def accepts(self, action: ActionData) -> bool:
        return self.predicate()(action)

    def predicate(self) -> Callable[[ActionData], bool]:
        """The filters as they are now, read from the widgets once: the tables ask it for each of
        thousands of rows (reading the combo boxes for each row was most of a keystroke)."""
        qpv_label = self._value(self.qpv)
        wanted_qpv = self._qpv_values.get(qpv_label, (qpv_label,)) if qpv_label else ()
        year = self._value(self.year)
        wanted_year = int(year) if year else None
        pillar, carrier, search = self._value(self.pillar), self._value(self.carrier), self.search.text()

        def accepts(action: ActionData) -> bool:
            if wanted_year is not None and wanted_year not in action.years:
                return False
            return matches(action.pillar, action.qpv, action.carrier, action.title, pillar, wanted_qpv, carrier, search)

        return accepts


# --------------------------------------------------------------------------- delegates

class ChoiceDelegate(QStyledItemDelegate):
    """A combo box editor; `choices(index)` gives [(label, value)] for the edited cell."""

    def __init__(self, choices: Callable[[QModelIndex], list[tuple[str, Any]]], parent=None):
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        for label, value in self.choices(index):
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor: QComboBox, index: QModelIndex) -> None:
        i = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(i, 0))
        editor.showPopup()

    def setModelData(self, editor: QComboBox, model, index: QModelIndex) -> None:
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class MethodsDelegate(QStyledItemDelegate):
    """Collection methods: a list of check boxes over the cell."""

    def __init__(self, methods: Callable[[], dict[str, str]], parent=None):
        super().__init__(parent)
        self.methods = methods

    def createEditor(self, parent, option, index):
        editor = QListWidget(parent)
        editor.setAccessibleName("Méthodes de collecte")
        for value, label in self.methods().items():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            editor.addItem(item)
        editor.itemActivated.connect(lambda it: it.setCheckState(
            Qt.CheckState.Unchecked if it.checkState() == Qt.CheckState.Checked else Qt.CheckState.Checked))
        return editor

    def updateEditorGeometry(self, editor: QListWidget, option, index) -> None:
        rect = option.rect
        height = min(24 * editor.count() + 6, 240)
        editor.setGeometry(rect.x(), rect.y(), max(rect.width(), 190), height)

    def setEditorData(self, editor: QListWidget, index: QModelIndex) -> None:
        chosen = set(index.data(Qt.ItemDataRole.EditRole) or [])
        for i in range(editor.count()):
            item = editor.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in chosen else Qt.CheckState.Unchecked)

    def setModelData(self, editor: QListWidget, model, index: QModelIndex) -> None:
        values = [editor.item(i).data(Qt.ItemDataRole.UserRole) for i in range(editor.count())
                  if editor.item(i).checkState() == Qt.CheckState.Checked]
        model.setData(index, values, Qt.ItemDataRole.EditRole)


class DateDelegate(QStyledItemDelegate):
    """A date typed the French way (« 21/03/2026 », « 21 mars 2026 ») or picked in a calendar
    (the arrow at the end of the cell, or Alt+Bas). The text is handed to the model as typed: one
    that is not a date is kept « à corriger » there, never replaced by another date as a date
    spin box did (« 31/02/2026 » became a valid day)."""

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setPlaceholderText("JJ/MM/AAAA")
        editor.setAccessibleName("Date (JJ/MM/AAAA)")
        pick = editor.addAction(editor.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown),
                                QLineEdit.ActionPosition.TrailingPosition)
        pick.setToolTip("Choisir dans un calendrier (Alt+Bas)")
        pick.triggered.connect(lambda: self._calendar(editor))
        QShortcut(QKeySequence("Alt+Down"), editor, lambda: self._calendar(editor))
        return editor

    def _calendar(self, editor: QLineEdit) -> None:
        calendar = QCalendarWidget(editor)  # a child of the editor: the cell stays in edition
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        try:
            d = parse_date(editor.text())
            calendar.setSelectedDate(QDate(d.year, d.month, d.day))
        except AnswerError:
            pass

        def chosen(picked: QDate) -> None:
            editor.setText(picked.toString("dd/MM/yyyy"))
            calendar.close()
            editor.setFocus()

        calendar.clicked.connect(chosen)
        calendar.activated.connect(chosen)
        calendar.move(editor.mapToGlobal(editor.rect().bottomLeft()))
        calendar.show()
        calendar.setFocus()

    def updateEditorGeometry(self, editor: QLineEdit, option, index: QModelIndex) -> None:  # noqa: N802
        """The editor is as wide as a whole date and its calendar arrow, over the cell before
        it if the column is narrower."""
        rect = option.rect
        need = editor.fontMetrics().horizontalAdvance("30/09/2026") + 48
        if rect.width() < need:
            rect = rect.adjusted(-(need - rect.width()), 0, 0, 0)
        editor.setGeometry(rect)

    def setEditorData(self, editor: QLineEdit, index: QModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        try:
            editor.setText(date.fromisoformat(str(value)).strftime("%d/%m/%Y") if value else "")
        except ValueError:
            editor.setText(str(value))  # a text kept « à corriger »: shown as typed

    def setModelData(self, editor: QLineEdit, model, index: QModelIndex) -> None:
        model.setData(index, editor.text().strip(), Qt.ItemDataRole.EditRole)

    def sizeHint(self, option, index) -> QSize:
        return super().sizeHint(option, index)


# --------------------------------------------------------------------------- tasks

def show_message(parent: QWidget, title: str, text: str, icon=QMessageBox.Icon.Information, details: str = "",
                 informative: str = "") -> QDialog:
    """A window-modal message that does not block the caller (its text is kept on the parent as
    `last_message`). Details, when given, are listed in a scrolling box under the message."""
    parent.last_message = text
    if not details:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
        if informative:
            box.setInformativeText(informative)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(760, 420)
    layout = QVBoxLayout(dialog)
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("font-weight: 600;")
    layout.addWidget(label)
    if informative:
        more = QLabel(informative)
        more.setWordWrap(True)
        layout.addWidget(more)
    box = QPlainTextEdit(details)
    box.setReadOnly(True)
    box.setAccessibleName("Détail")
    layout.addWidget(box, 1)
    buttons = QDialogButtonBox()
    close = buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.AcceptRole)
    close.setDefault(True)
    buttons.accepted.connect(dialog.accept)
    layout.addWidget(buttons)
    dialog.buttons = buttons
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def run_task(
    parent: QWidget, ctx, title: str, fn: Callable[[Any], Any], on_done: Callable[[Any], None],
    writes: bool = False, error_title: str = "Opération impossible",
) -> None:
    """Run `fn(progress)` through the task runner behind a modal progress dialog; errors are
    shown in a French dialog (the details of unexpected ones go to the log)."""
    dialog = QProgressDialog(title, "Annuler", 0, 100, parent)
    dialog.setWindowTitle("EvalKit Quartiers")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setValue(0)
    state: dict[str, Any] = {}

    def progress(done: int, total: int, text: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        if text:
            dialog.setLabelText(text)

    def done(result) -> None:
        dialog.close()
        on_done(result)

    def failed(exc: Exception) -> None:
        dialog.close()
        from desktop_app.ui.tasks import Cancelled

        if isinstance(exc, Cancelled):
            return
        message = str(exc) if isinstance(exc, ServiceError) else (
            f"Une erreur inattendue s'est produite ({exc.__class__.__name__}). Les détails sont dans le journal.")
        show_message(parent, error_title, message, QMessageBox.Icon.Warning)

    handle = ctx.tasks.run(fn, on_done=done, on_error=failed, on_progress=progress, writes=writes, owner=dialog)
    state["handle"] = handle
    dialog.canceled.connect(handle.cancel)
