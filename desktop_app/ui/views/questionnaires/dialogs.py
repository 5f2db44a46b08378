"""Small dialogs of the questionnaires view: new response, keep one of duplicates, add an invitee,
template options."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.questionnaire_respondents import code_problem, type_label
from desktop_app.services.questionnaires import DuplicateGroup, Invitee
from desktop_app.ui.views.questionnaires.common import muted
from desktop_app.ui.views.questionnaires.models import STATUS_LABELS


def _code_label(kind: str) -> str:
    return {"commune": "Code INSEE", "association": "SIRET"}.get(kind, "Code")


class NewResponseDialog(QDialog):
    """Who is answering: an invited respondent who has not answered yet, or someone else."""

    def __init__(self, kind: str, invitees: list[Invitee], answered: set[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle("Nouvelle réponse")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.invited = QRadioButton(f"{type_label(kind)} invitée" if kind == "commune" else f"{type_label(kind)} invitée ou invité")
        self.other = QRadioButton("Un autre répondant")
        group = QButtonGroup(self)
        group.addButton(self.invited)
        group.addButton(self.other)
        self.combo = QComboBox()
        self.combo.setAccessibleName("Répondant invité")
        pending = [i for i in invitees if i.id not in answered]
        done = [i for i in invitees if i.id in answered]
        for inv in pending:
            self.combo.addItem(inv.label, inv.id)
        for inv in done:
            self.combo.addItem(f"{inv.label} — a déjà répondu", inv.id)
        self._invitees = {i.id: i for i in invitees}
        self.name = QLineEdit()
        self.name.setPlaceholderText("Nom")
        self.code = QLineEdit()
        self.code.setPlaceholderText(_code_label(kind) + " (facultatif)")
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.invited)
        layout.addWidget(self.combo)
        layout.addSpacing(6)
        layout.addWidget(self.other)
        form = QFormLayout()
        form.addRow("Nom", self.name)
        form.addRow(_code_label(kind), self.code)
        layout.addLayout(form)
        layout.addWidget(muted("L'identité peut aussi être saisie ou corrigée dans les premières questions du questionnaire."))
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Créer la réponse")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.invited if invitees else self.other).setChecked(True)
        self.invited.setEnabled(bool(invitees))
        self.combo.setEnabled(bool(invitees))
        self.name.textEdited.connect(lambda _t: self.other.setChecked(True))
        self.combo.activated.connect(lambda _i: self.invited.setChecked(True))

    def values(self) -> tuple[str, str]:
        if self.invited.isChecked() and self.combo.currentData():
            inv = self._invitees[self.combo.currentData()]
            return inv.name, inv.code
        return self.name.text().strip(), self.code.text().strip()

    def _accept(self) -> None:
        name, code = self.values()
        problem = code_problem(self.kind, code.replace(" ", "")) if code else None
        if self.other.isChecked() and problem:
            self.error.setText(problem)
            return
        self.accept()


class KeepDialog(QDialog):
    """A respondent answered twice: choose the response to keep; the others are deleted."""

    def __init__(self, group: DuplicateGroup, differences: dict[str, int], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Réponses en double")
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        title = QLabel(f"<b>{group.label}</b> a répondu {len(group.rows)} fois. Choisissez la réponse à conserver : "
                       "les autres seront supprimées.")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.buttons = QButtonGroup(self)
        for n, row in enumerate(group.rows):
            when = row.updated_at.astimezone().strftime("%d/%m/%Y à %H:%M")
            radio = QRadioButton(f"{STATUS_LABELS.get(row.status, row.status)} — {row.answered} / {row.total} réponses")
            radio.setProperty("response_id", row.id)
            self.buttons.addButton(radio, n)
            layout.addWidget(radio)
            detail = f"{row.source}, modifiée le {when}"
            diff = differences.get(row.id)
            if diff:
                detail += f" — {diff} réponse{'s' if diff > 1 else ''} différente{'s' if diff > 1 else ''} de la plus récente"
            note = muted(detail)
            note.setContentsMargins(24, 0, 0, 4)
            layout.addWidget(note)
        best = max(range(len(group.rows)), key=lambda i: (group.rows[i].status == "complete", group.rows[i].answered))
        self.buttons.button(best).setChecked(True)
        layout.addWidget(muted("Conseil : gardez la réponse la plus complète ; en cas de doute, ouvrez les deux "
                               "réponses dans la liste avant de choisir."))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Ok).setText("Garder cette réponse")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def kept(self) -> str:
        return self.buttons.checkedButton().property("response_id")


class InviteeDialog(QDialog):
    def __init__(self, kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(f"Ajouter {'une commune' if kind == 'commune' else 'une association'} invitée")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit()
        self.code = QLineEdit()
        self.code.setPlaceholderText("5 caractères" if kind == "commune" else "14 chiffres (facultatif)")
        self.email = QLineEdit()
        self.contact = QLineEdit()
        form.addRow("Nom *", self.name)
        form.addRow(_code_label(kind), self.code)
        form.addRow("Courriel", self.email)
        form.addRow("Contact", self.contact)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self._accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.error.setText("Le nom est obligatoire.")
            return
        problem = code_problem(self.kind, self.code.text().replace(" ", "").upper())
        if problem:
            self.error.setText(problem)
            return
        self.accept()

    def values(self) -> dict[str, str]:
        return {"name": self.name.text(), "code": self.code.text(), "email": self.email.text(), "contact": self.contact.text()}


class TemplateOptionsDialog(QDialog):
    """Return date and address written in the files, and which respondents get a file."""

    def __init__(self, count_all: int, count_selected: int, count_pending: int, return_to: str,
                 parent: QWidget | None = None, blank: bool = False):
        super().__init__(parent)
        self.setWindowTitle("Fichier Excel vierge" if blank else "Préparer les fichiers Excel")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.scope = QComboBox()
        self.scope.addItem(f"Tous les invités ({count_all} fichiers)", "all")
        if count_pending and count_pending != count_all:
            self.scope.addItem(f"Les invités qui n'ont pas encore répondu ({count_pending})", "pending")
        if count_selected:
            self.scope.addItem(f"Les invités sélectionnés ({count_selected})", "selected")
            self.scope.setCurrentIndex(self.scope.count() - 1)
        self.deadline_enabled = QCheckBox("Indiquer une date limite de retour")
        self.deadline = QDateEdit(QDate.currentDate().addDays(21))
        self.deadline.setDisplayFormat("dd/MM/yyyy")
        self.deadline.setCalendarPopup(True)
        self.deadline_enabled.setChecked(True)
        self.deadline_enabled.toggled.connect(self.deadline.setEnabled)
        self.return_to = QLineEdit(return_to)
        self.return_to.setPlaceholderText("adresse électronique ou postale")
        form = QFormLayout()
        if not blank:
            form.addRow("Fichiers pour", self.scope)
        form.addRow(self.deadline_enabled, self.deadline)
        form.addRow("À renvoyer à", self.return_to)
        layout.addLayout(form)
        if blank:
            layout.addWidget(muted("Le même fichier peut être envoyé à plusieurs répondants : chacun indique son nom "
                                   "et son code dans les premières questions."))
        else:
            layout.addWidget(muted("Chaque fichier est pré-rempli avec le nom et le code du répondant ; ces "
                                   "informations servent à rattacher automatiquement sa réponse à l'import."))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Ok).setText("Enregistrer sous…" if blank else "Choisir le dossier…")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def values(self) -> dict[str, str]:
        deadline = self.deadline.date().toString("dd/MM/yyyy") if self.deadline_enabled.isChecked() else ""
        return {"scope": self.scope.currentData(), "deadline": deadline, "return_to": self.return_to.text().strip()}
