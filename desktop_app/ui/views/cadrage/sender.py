"""The sender card of the Cadrage step: who writes to the partners (structure, postal address)
and who signs the letters. The partners' own postal details are in the Partenaires table."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGridLayout, QLabel, QWidget

from desktop_app.core.cadrage import EVALUATION_FIELDS
from desktop_app.ui.widgets.autosave import AutosaveLine

FIELDS = (
    ("sender_name", "Ex. Communauté d'agglomération du Douaisis — Direction de la cohésion sociale (vide : nom de l'EPCI)"),
    ("sender_address", "Ex. 746 rue Jean-Perrin, BP 300, 59500 Douai"),
    ("signatory_name", "Ex. Bernard Lemoine"),
    ("signatory_title", "Ex. Le Vice-président délégué à la politique de la ville"),
)
LABELS = {
    "sender_name": "Structure",
    "sender_address": "Adresse postale",
    "signatory_name": "Signataire",
    "signatory_title": "Qualité du signataire",
}


class SenderForm(QWidget):
    """Emits fieldCommitted(key, value) for every saved change."""

    fieldCommitted = Signal(str, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.edits: dict[str, AutosaveLine] = {}
        left, right = QFormLayout(), QFormLayout()
        for form in (left, right):
            form.setHorizontalSpacing(12)  # the labels clear of the fields' border
        for i, (key, placeholder) in enumerate(FIELDS):
            edit = AutosaveLine(placeholder=placeholder)
            edit.edit.setAccessibleName(EVALUATION_FIELDS[key][0])
            edit.setToolTip(placeholder)
            edit.committed.connect(lambda v, k=key: self.fieldCommitted.emit(k, v))
            self.edits[key] = edit
            label = QLabel(LABELS[key])
            label.setBuddy(edit.edit)
            (left if i < 2 else right).addRow(label, edit)
        help_label = QLabel(
            "En-tête et signature des courriers aux partenaires. L'adresse s'écrit sur une ligne, ses parties séparées "
            "par des virgules ; sa commune donne le lieu avant la date (« Douai, le … »)."
        )
        help_label.setObjectName("muted")
        help_label.setWordWrap(True)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(28)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.addWidget(help_label, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        keys = [k for k, _ in FIELDS]
        for a, b in zip(keys, keys[1:], strict=False):
            self.setTabOrder(self.edits[a], self.edits[b])

    def set_values(self, fields: dict) -> None:
        for key, edit in self.edits.items():
            edit.set_value(fields.get(key, "") or "")

    def flush(self) -> None:
        for edit in self.edits.values():
            edit.flush()
