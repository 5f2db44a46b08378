"""The territory and contract card of the Cadrage step."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGridLayout, QLabel, QWidget

from desktop_app.core import identifiers as ids
from desktop_app.core.cadrage import EPCI_TYPES
from desktop_app.ui.models.rows_model import format_fr_date, parse_fr_date
from desktop_app.ui.views.common import form_row, name_input
from desktop_app.ui.widgets.autosave import AutosaveLine, AutosaveText


def _check_fr_date(text: str) -> str | None:
    if not text.strip():
        return None
    return ids.check_iso_date(parse_fr_date(text))


class TerritoryForm(QWidget):
    """Emits fieldCommitted(key, value) for every saved change."""

    draftChanged = Signal(str, object)  # (field key, text kept « à corriger » or None)
    fieldCommitted = Signal(str, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = AutosaveLine(placeholder="Ex. Évaluation finale du contrat de ville")
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
        form_row(left, "Titre de l'évaluation", self.title)
        form_row(left, "Nom de l'EPCI *", self.territory_name)
        form_row(left, "Type", self.epci_type)
        form_row(left, "SIREN de l'EPCI *", self.siren)
        right = QFormLayout()
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
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.setTabOrder(self.title, self.territory_name)
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
        """Flag the dates from checks between fields (the end before the start)."""
        for key in ("start_date", "end_date"):
            getattr(self, key).set_extra_message(problems.get(key, ""))

    def flush(self) -> None:
        for w in (self.title, self.territory_name, self.siren, self.start_date, self.end_date, self.description):
            w.flush()

    def mark_unsaved(self, key: str, message: str) -> None:
        """The value of field `key` is not stored (`message`), or now is ("")."""
        editor = getattr(self, key, None) if key in ("title", "territory_name", "siren", "start_date", "end_date", "description") else None
        if editor is not None:
            editor.mark_unsaved(message)
