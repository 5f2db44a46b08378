"""Adding an action by hand, or correcting one: its description and its funding for one year
(amounts per funder, beneficiaries). Corrections made here survive a re-import of the file."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop_app.core.identifiers import check_siret, format_amount
from desktop_app.core.programmation import parse_number
from desktop_app.services.actions import ActionData, FundingData

FUNDER_SUGGESTIONS = ("État", "Intercommunalité", "Ville", "Département", "Région", "CAF", "Bailleurs", "Fonds européens")


def _amount_text(value: float | None) -> str:
    return format_amount(value, currency=False) if value else ""


class ActionDialog(QDialog):
    def __init__(self, pillars: list[str], action: ActionData | None = None, parent=None):
        super().__init__(parent)
        self.action = action
        self.funding: FundingData | None = action.latest if action else None
        self.setWindowTitle("Modifier l'action" if action else "Ajouter une action")
        self.resize(760, 720)

        self.title = QLineEdit()
        self.title.setAccessibleName("Intitulé de l'action")
        self.carrier = QLineEdit()
        self.siret = QLineEdit()
        self.siret.setPlaceholderText("14 chiffres")
        self.siret_error = QLabel()
        self.siret_error.setObjectName("error")
        self.siret.textChanged.connect(lambda t: self.siret_error.setText(check_siret(t) or ""))
        self.pillar = QComboBox()
        self.pillar.setEditable(True)
        self.pillar.addItems([""] + list(pillars))
        self.qpv = QLineEdit()
        self.qpv.setPlaceholderText("codes ou noms des quartiers, séparés par des virgules")
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("Objectifs, public, contenu de l'action")
        self.description.setFixedHeight(70)
        self.first_year = QSpinBox()
        self.first_year.setRange(1999, 2100)
        self.first_year.setSpecialValueText("—")
        self.multi_year = QCheckBox("Financée par une convention pluriannuelle d'objectifs (CPO)")

        form = QFormLayout()
        form.addRow("Intitulé *", self.title)
        form.addRow("Structure porteuse", self.carrier)
        siret_row = QHBoxLayout()
        siret_row.addWidget(self.siret, 1)
        siret_row.addWidget(self.siret_error, 2)
        form.addRow("SIRET", siret_row)
        form.addRow("Pilier / axe", self.pillar)
        form.addRow("Quartiers (QPV)", self.qpv)
        form.addRow("Objectifs", self.description)
        form.addRow("Financée depuis", self.first_year)
        form.addRow("", self.multi_year)

        box = QGroupBox("Financement de l'année")
        self.year = QSpinBox()
        self.year.setRange(1999, 2100)
        self.year.setSpecialValueText("—")
        self.file_number = QLineEdit()
        self.amounts = QTableWidget(0, 2)
        self.amounts.setHorizontalHeaderLabels(["Financeur", "Montant accordé (€)"])
        self.amounts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.amounts.setColumnWidth(1, 170)
        self.amounts.verticalHeader().setVisible(False)
        self.amounts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.amounts.setFixedHeight(150)
        self.amounts.setAccessibleName("Montants par financeur")
        add = QPushButton("Ajouter un financeur")
        add.clicked.connect(lambda: self._add_amount("", None, edit=True))
        remove = QPushButton("Retirer")
        remove.clicked.connect(lambda: self.amounts.removeRow(self.amounts.currentRow()) if self.amounts.currentRow() >= 0 else None)
        self.total_cost = QLineEdit()
        self.total_cost.setPlaceholderText("coût total de l'action, tous financements")
        self.beneficiaries = QLineEdit()
        self.share = QLineEdit()
        self.share.setPlaceholderText("ex. 75 %")
        inner = QFormLayout(box)
        head = QHBoxLayout()
        head.addWidget(self.year)
        head.addWidget(QLabel("N° de dossier :"))
        head.addWidget(self.file_number, 1)
        inner.addRow("Année", head)
        inner.addRow("Montants", self.amounts)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        inner.addRow("", buttons)
        inner.addRow("Coût total (€)", self.total_cost)
        people = QHBoxLayout()
        people.addWidget(self.beneficiaries)
        people.addWidget(QLabel("dont habitant un QPV :"))
        people.addWidget(self.share)
        inner.addRow("Bénéficiaires", people)
        self.other_years = QLabel()
        self.other_years.setObjectName("muted")
        self.other_years.setWordWrap(True)
        inner.addRow("", self.other_years)

        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer")
        bb.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        bb.accepted.connect(self._accept)
        bb.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(box)
        layout.addWidget(self.error)
        layout.addWidget(bb)
        self._load()

    def _add_amount(self, funder: str, value: float | None, edit: bool = False) -> None:
        r = self.amounts.rowCount()
        self.amounts.insertRow(r)
        self.amounts.setItem(r, 0, QTableWidgetItem(funder))
        item = QTableWidgetItem(_amount_text(value))
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.amounts.setItem(r, 1, item)
        if edit:
            self.amounts.setCurrentCell(r, 0)
            self.amounts.editItem(self.amounts.item(r, 0))

    def _load(self) -> None:
        a, f = self.action, self.funding
        if a is None:
            for name in ("État", "Ville"):
                self._add_amount(name, None)
            self.year.setValue(self.year.minimum())
            return
        self.title.setText(a.title)
        self.carrier.setText(a.carrier)
        self.siret.setText(a.siret)
        self.pillar.setCurrentText(a.pillar)
        self.qpv.setText(a.qpv)
        self.description.setPlainText(a.description)
        self.first_year.setValue(a.first_year or self.first_year.minimum())
        self.multi_year.setChecked(bool(a.multi_year))
        if f is not None:
            self.year.setValue(f.year or self.year.minimum())
            self.file_number.setText(f.file_number)
            for funder, value in (f.amounts or f.requested).items():
                self._add_amount(funder, value)
            self.total_cost.setText(_amount_text(f.total_cost))
            self.beneficiaries.setText("" if f.beneficiaries is None else str(f.beneficiaries))
            self.share.setText("" if f.beneficiaries_qpv_share is None else f"{round(f.beneficiaries_qpv_share * 100)} %")
        others = [g for g in a.fundings if f is None or g.id != f.id]
        if others:
            self.other_years.setText("Autres années : " + " ; ".join(
                f"{g.year or 'année ?'} ({format_amount(g.budget)})" for g in sorted(others, key=lambda g: g.year or 0)))

    # -- result --------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.text(), "carrier": self.carrier.text(), "siret": self.siret.text(),
            "pillar": self.pillar.currentText(), "qpv": self.qpv.text(), "description": self.description.toPlainText(),
            "first_year": None if self.first_year.value() == self.first_year.minimum() else self.first_year.value(),
            "multi_year": True if self.multi_year.isChecked() else (False if self.action and self.action.multi_year is not None else None),
        }

    def funding_values(self) -> dict[str, Any]:
        amounts: dict[str, float] = {}
        for r in range(self.amounts.rowCount()):
            funder = (self.amounts.item(r, 0).text() if self.amounts.item(r, 0) else "").strip()
            text = self.amounts.item(r, 1).text() if self.amounts.item(r, 1) else ""
            value = parse_number(text).value
            if funder and value:
                amounts[funder] = amounts.get(funder, 0) + value
        out: dict[str, Any] = {
            "year": None if self.year.value() == self.year.minimum() else self.year.value(),
            "file_number": self.file_number.text(), "total_cost": self.total_cost.text() or None,
            "beneficiaries": self.beneficiaries.text() or None, "beneficiaries_qpv_share": self.share.text() or None,
        }
        key = "amounts" if self.funding is None or self.funding.amounts or not self.funding.requested else "requested"
        out[key] = amounts
        return out

    def _accept(self) -> None:
        if not self.title.text().strip():
            self.error.setText("L'intitulé de l'action est obligatoire.")
            self.title.setFocus()
            return
        for r in range(self.amounts.rowCount()):
            text = self.amounts.item(r, 1).text() if self.amounts.item(r, 1) else ""
            if text.strip() and parse_number(text).value is None:
                self.error.setText(f"Montant illisible : « {text} » (ex. 12 500 ou 12 500,50).")
                return
        # the dialog stays open on a number it cannot read: what was typed is never lost
        for edit, what, example in ((self.total_cost, "Coût total illisible", "12 500"),
                                    (self.beneficiaries, "Nombre de bénéficiaires illisible", "120"),
                                    (self.share, "Part de bénéficiaires QPV illisible", "75 %")):
            text = edit.text().strip()
            number = parse_number(text) if text else None
            bad = number is not None and number.value is None
            if not bad and edit is self.share and number is not None:
                share = number.value / 100 if (number.percent or number.value > 1) else number.value
                bad = not 0 <= share <= 1
            if bad:
                self.error.setText(f"{what} : « {text} » (ex. {example}). Corrigez-le ou videz le champ.")
                edit.setFocus()
                edit.selectAll()
                return
        self.accept()
