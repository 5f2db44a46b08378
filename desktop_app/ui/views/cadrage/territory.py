"""The territory and contract card of the Cadrage step."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from desktop_app.core import identifiers as ids
from desktop_app.core.cadrage import EPCI_TYPES
from desktop_app.ui.models.rows_model import format_fr_date, parse_fr_date
from desktop_app.ui.views.cadrage.fixes import FixList
from desktop_app.ui.views.common import form_row, name_input
from desktop_app.ui.widgets.autosave import AutosaveLine, AutosaveText


def _check_fr_date(text: str) -> str | None:
    if not text.strip():
        return None
    return ids.check_iso_date(parse_fr_date(text))


class TerritoryForm(QWidget):
    """Emits fieldCommitted(key, value) for every saved change, epciChosen(text) when an EPCI of
    the official reference is chosen (its completion label, a SIREN or a name)."""

    draftChanged = Signal(str, object)  # (field key, text kept « à corriger » or None)
    fieldCommitted = Signal(str, object)
    epciChosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = AutosaveLine(placeholder="Ex. Évaluation finale du contrat de ville")
        # the EPCI chosen from the official reference fills its name, type, SIREN and communes
        self.epci_search = QLineEdit()
        self.epci_search.setPlaceholderText("Nom ou SIREN…")
        self.epci_search.setEnabled(False)  # until the reference is loaded (in a task)
        self.epci_search.setToolTip("Tapez une partie du nom ou le SIREN, puis choisissez l'EPCI : ses communes "
                                    "membres sont ajoutées (Ctrl+Z pour annuler).")
        self._epci_model = QStringListModel(self)
        completer = QCompleter(self._epci_model, self.epci_search)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setMaxVisibleItems(12)
        completer.activated.connect(self._choose)
        self.epci_search.setCompleter(completer)
        self._search: Callable[[str], list[str]] | None = None
        self._choosing = False
        self.epci_search.textEdited.connect(self._complete)
        self.epci_search.returnPressed.connect(lambda: self._choose(self.epci_search.text()))
        self.epci_fill = QPushButton("Remplir")
        self.epci_fill.setEnabled(False)
        self.epci_fill.setAccessibleName("Remplir l'EPCI et ses communes")
        self.epci_fill.setToolTip("Renseigner le nom, le type et le SIREN de l'EPCI choisi et ajouter ses communes membres")
        self.epci_fill.clicked.connect(lambda: self._choose(self.epci_search.text()))
        self.epci_row = QWidget()
        row = QHBoxLayout(self.epci_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.epci_search, 1)
        row.addWidget(self.epci_fill)
        # the field as tall as its button: both start on the same line (Tab goes left to right)
        self.epci_search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.epci_note = QLabel()  # what the last choice did, or why it did nothing
        self.epci_note.setObjectName("muted")
        self.epci_note.setWordWrap(True)
        self.epci_note.hide()
        self.territory_name = AutosaveLine(
            check=lambda t: ids.check_required(t, "Nom de l'EPCI"), placeholder="Ex. Communauté d'agglomération du Douaisis"
        )
        self.epci_type = QComboBox()
        self.epci_type.addItem("— choisir —", "")
        for value, label in EPCI_TYPES.items():
            self.epci_type.addItem(label, value)
        self.siren = AutosaveLine(check=ids.check_siren, placeholder="9 chiffres")
        self.generation = QComboBox()
        for value, label in ids.GENERATIONS.items():
            self.generation.addItem(label, value)
        self.start_date = AutosaveLine(check=_check_fr_date, placeholder="JJ/MM/AAAA", draft_name="Début du contrat")
        self.end_date = AutosaveLine(check=_check_fr_date, placeholder="JJ/MM/AAAA", draft_name="Fin du contrat")
        self.description = AutosaveText()
        self.description.setPlaceholderText("Objet, questions prioritaires, attentes du comité de pilotage…")
        self.description.setFixedHeight(96)

        for key in ("title", "territory_name", "siren"):
            getattr(self, key).committed.connect(lambda v, k=key: self.fieldCommitted.emit(k, v))
        for key in ("start_date", "end_date"):
            getattr(self, key).committed.connect(lambda v, k=key: self._commit_date(k, v))
            getattr(self, key).drafted.connect(lambda text, k=key: self.draftChanged.emit(k, text))
        self.description.committed.connect(lambda v: self.fieldCommitted.emit("description", v))
        self.epci_type.activated.connect(lambda _i: self.fieldCommitted.emit("epci_type", self.epci_type.currentData()))
        self.generation.activated.connect(lambda _i: self.fieldCommitted.emit("generation", self.generation.currentData()))

        left = QFormLayout()
        left.setHorizontalSpacing(12)  # the labels' last letter clear of the fields' border
        form_row(left, "Titre de l'évaluation", self.title)
        label = QLabel("Choisir l'EPCI")
        label.setBuddy(name_input(self.epci_search, "Choisir l'EPCI dans le référentiel"))
        left.addRow(label, self.epci_row)
        left.addRow("", self.epci_note)
        form_row(left, "Nom de l'EPCI *", self.territory_name)
        form_row(left, "Type", self.epci_type)
        form_row(left, "SIREN de l'EPCI *", self.siren)
        right = QFormLayout()
        right.setHorizontalSpacing(12)
        form_row(right, "Contrat *", self.generation)
        form_row(right, "Début du contrat", self.start_date)
        form_row(right, "Fin du contrat", self.end_date)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(28)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        label = QLabel("Objet de l'évaluation")
        label.setBuddy(name_input(self.description, "Objet de l'évaluation"))
        grid.addWidget(label, 1, 0, 1, 2)
        grid.addWidget(self.description, 2, 0, 1, 2)
        self.fixes = FixList(after=self.description)
        grid.addWidget(self.fixes, 3, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.setTabOrder(self.title, self.epci_search)
        self.setTabOrder(self.epci_search, self.epci_fill)
        self.setTabOrder(self.epci_fill, self.territory_name)
        self.setTabOrder(self.territory_name, self.epci_type)
        self.setTabOrder(self.epci_type, self.siren)
        self.setTabOrder(self.siren, self.generation)
        self.setTabOrder(self.generation, self.start_date)
        self.setTabOrder(self.start_date, self.end_date)
        self.setTabOrder(self.end_date, self.description)

    def _commit_date(self, key: str, text: str) -> None:
        iso = parse_fr_date(text)
        if text.strip() and ids.check_iso_date(iso):
            return  # flagged in place, not saved until it is a date
        self.fieldCommitted.emit(key, iso)

    def set_values(self, fields: dict) -> None:
        self.title.set_value(fields.get("title", ""))
        self.territory_name.set_value(fields.get("territory_name", ""))
        self.siren.set_value(fields.get("siren", ""))
        self.start_date.set_value(format_fr_date(fields.get("start_date", "")))
        self.end_date.set_value(format_fr_date(fields.get("end_date", "")))
        for key in ("start_date", "end_date"):  # a date typed that is not one, kept « à corriger »
            getattr(self, key).set_draft((fields.get("drafts") or {}).get(key))
        self.description.set_value(fields.get("description", ""))
        self.epci_type.setCurrentIndex(max(self.epci_type.findData(fields.get("epci_type", "")), 0))
        self.generation.setCurrentIndex(max(self.generation.findData(fields.get("generation")), 0))

    def set_cross_problems(self, problems: dict[str, str]) -> None:
        """Flag the fields from checks between fields (the end before the start) and against the
        official reference (a SIREN no EPCI has, a name that is not the SIREN's)."""
        for key in ("start_date", "end_date", "territory_name", "siren"):
            getattr(self, key).set_extra_message(problems.get(key, ""))
        type_problem = problems.get("epci_type", "")
        self.epci_type.setToolTip(type_problem)
        self.epci_type.setStyleSheet("QComboBox { background: #fde7e7; }" if type_problem else "")

    def set_epci_search(self, search: Callable[[str], list[str]]) -> None:
        """Enable the EPCI choice: `search(text)` -> completion labels (« Nom (SIREN) »)."""
        self._search = search
        self.epci_search.setEnabled(True)
        self.epci_fill.setEnabled(True)

    def show_epci_note(self, text: str) -> None:
        self.epci_note.setText(text)
        self.epci_note.setVisible(bool(text))

    def set_epci_fields(self, fields: dict) -> None:
        """Show the EPCI fields a choice or a repair saved (others are left as typed)."""
        for key in ("territory_name", "siren"):
            editor = getattr(self, key)
            if editor.value() != (fields.get(key) or "") and not editor.is_unsaved():
                editor.set_value(fields.get(key) or "")
        self.epci_type.setCurrentIndex(max(self.epci_type.findData(fields.get("epci_type", "")), 0))

    def _complete(self, text: str) -> None:
        if self._search is None:
            return
        self._epci_model.setStringList(self._search(text) if len(text.strip()) >= 2 else [])
        if self._epci_model.rowCount():
            self.epci_search.completer().complete()

    def _choose(self, text: str) -> None:
        # Return in the completion both activates it and presses Return in the field: one choice
        if not text.strip() or self._choosing:
            return
        self._choosing = True
        QTimer.singleShot(0, lambda: setattr(self, "_choosing", False))
        self.epciChosen.emit(text.strip())

    def flush(self) -> None:
        for w in (self.title, self.territory_name, self.siren, self.start_date, self.end_date, self.description):
            w.flush()

    def mark_unsaved(self, key: str, message: str) -> None:
        """The value of field `key` is not stored (`message`), or now is ("")."""
        editor = getattr(self, key, None) if key in ("title", "territory_name", "siren", "start_date", "end_date", "description") else None
        if editor is not None:
            editor.mark_unsaved(message)
