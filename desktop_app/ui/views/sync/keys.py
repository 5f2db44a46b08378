"""« Postes et clés… »: this device's name and key fingerprint, and the keys accepted from others.

Every bundle is signed by its device's key; for each evaluation, bundles are accepted only from
the keys listed here (the first one received, or those accepted on purpose). The user renames
this device, exports its public key for the resource centre, accepts a new laptop (from its key
file or the fingerprint read to them over the phone), and stops accepting a key.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop_app.ui.widgets.path_field import PathField


def ask(box: QMessageBox) -> object:
    """Show a message box; the button clicked (tests replace this)."""
    box.exec()
    return box.clickedButton()


def offer_new_laptop(parent, ctx, refusal) -> bool:
    """A file was refused, signed by a key its evaluation does not accept (`UnknownSigner`):
    say so, and offer to accept that laptop after checking its fingerprint with its user.
    True when it was accepted (the caller imports the file again)."""
    from desktop_app.services.base import ServiceError

    box = QMessageBox(QMessageBox.Icon.Warning, "Fichier refusé", str(refusal), parent=parent)
    accept = box.addButton("Accepter ce poste…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Fermer", QMessageBox.ButtonRole.RejectRole)
    if ask(box) is not accept:
        return False
    label = f" « {refusal.device_label} »" if refusal.device_label else ""
    confirm = QMessageBox(
        QMessageBox.Icon.Question, "Accepter un nouveau poste",
        f"Vérifiez avec l'utilisateur du poste{label} (par téléphone par exemple) que l'empreinte de sa clé est :\n\n"
        f"{refusal.fingerprint}\n\n(Synchronisation > Postes et clés… sur son poste). Si elle est identique, ses "
        "fichiers de résultats seront acceptés pour cette évaluation.",
        parent=parent,
    )
    replace = QCheckBox("Ne plus accepter l'ancien poste de cette évaluation (il n'est plus utilisé)")
    confirm.setCheckBox(replace)
    yes = confirm.addButton("L'empreinte est identique : accepter", QMessageBox.ButtonRole.AcceptRole)
    confirm.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    if ask(confirm) is not yes:
        return False
    try:
        ctx.services.sync.trust(refusal.evaluation_id, refusal.path, replace=replace.isChecked())
    except ServiceError as exc:
        QMessageBox.warning(parent, "Accepter un nouveau poste", str(exc))
        return False
    return True


def _mono(label: QLabel) -> QLabel:
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class KeysDialog(QDialog):
    """This device's label and fingerprint; the keys accepted per evaluation."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Postes et clés de signature")
        self.resize(860, 520)
        sync = ctx.services.sync
        own = sync.own_key()

        mine = QGroupBox("Ce poste")
        self.label_edit = QLineEdit(own.label)
        self.label_edit.setMaxLength(40)
        self.label_edit.setAccessibleName("Nom de ce poste")
        rename = QPushButton("Renommer")
        rename.clicked.connect(self.rename)
        name_row = QHBoxLayout()
        name_row.addWidget(self.label_edit, 1)
        name_row.addWidget(rename)
        self.fingerprint = _mono(QLabel(own.fingerprint))
        self.fingerprint.setObjectName("ownFingerprint")
        export = QPushButton("Exporter la clé publique…")
        export.clicked.connect(self.export_key)
        fp_row = QHBoxLayout()
        fp_row.addWidget(self.fingerprint, 1)
        fp_row.addWidget(export)
        form = QFormLayout(mine)
        form.addRow("Nom (vu par les autres postes)", name_row)
        form.addRow("Empreinte de sa clé", fp_row)

        centre = QGroupBox("Chiffrement pour le centre de ressources (facultatif)")
        self.centre_label = QLabel()
        self.centre_label.setWordWrap(True)
        self.centre_label.setObjectName("centreKey")
        choose = QPushButton("Clé du centre…")
        choose.setToolTip("Enregistrer la clé de chiffrement que le centre de ressources vous a transmise")
        choose.clicked.connect(self.choose_centre_key)
        give = QPushButton("Exporter ma clé de chiffrement…")
        give.setToolTip("Sur le poste du centre de ressources : la clé à transmettre aux territoires")
        give.clicked.connect(self.export_centre_key)
        centre_row = QHBoxLayout(centre)
        centre_row.addWidget(self.centre_label, 1)
        centre_row.addWidget(choose)
        centre_row.addWidget(give)

        explain = QLabel(
            "Chaque fichier de résultats est signé par la clé du poste qui l'a produit. Pour chaque évaluation, "
            "seuls les fichiers signés par les clés ci-dessous sont acceptés : celle du premier fichier reçu, "
            "ou celles acceptées volontairement (nouvel ordinateur, clé d'un territoire enregistrée d'avance). "
            "Vérifiez une empreinte avec l'utilisateur du poste (par téléphone) avant de l'accepter."
        )
        explain.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Évaluation", "Poste", "Empreinte", "Origine", "Dernier fichier"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel("Aucune clé d'un autre poste n'est encore acceptée : la première reçue pour une évaluation le sera.")
        self.empty.setWordWrap(True)
        add = QPushButton("Accepter un poste…")
        add.clicked.connect(self.add_key)
        self.remove_button = QPushButton("Ne plus accepter")
        self.remove_button.clicked.connect(self.remove_key)
        close = QPushButton("Fermer")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(mine)
        layout.addWidget(centre)
        layout.addWidget(QLabel("<b>Clés acceptées des autres postes</b>"))
        layout.addWidget(explain)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._selection)
        self.refresh()

    def _show_centre(self) -> None:
        found = self.ctx.services.sync.centre_key()
        self.centre_label.setText(
            f"Les résultats exportés avec « Chiffrer » le sont pour le centre de clé {found}." if found else
            "Aucune clé de centre de ressources enregistrée : les résultats exportés ne sont pas chiffrés."
        )

    def choose_centre_key(self) -> None:
        from desktop_app.services.base import ServiceError

        path, _ = QFileDialog.getOpenFileName(self, "Clé de chiffrement du centre de ressources", "", "Clé (*.pem);;Tous les fichiers (*)")
        if not path:
            return
        try:
            found = self.ctx.services.sync.set_centre_key(Path(path))
        except ServiceError as exc:
            self._fail(exc)
            return
        self._show_centre()
        QMessageBox.information(self, "Postes et clés", f"Clé du centre enregistrée : {found}.\nVérifiez cette empreinte avec le centre.")

    def export_centre_key(self) -> None:
        from desktop_app.services.base import ServiceError

        start = Path(self.ctx.settings.get("export/folder") or str(Path.home())) / "cle-chiffrement-centre.pem"
        path, _ = QFileDialog.getSaveFileName(self, "Exporter la clé de chiffrement", str(start), "Clé (*.pem)")
        if not path:
            return
        try:
            out = self.ctx.services.sync.export_centre_key(Path(path))
            fp = self.ctx.services.sync.own_centre_key()
        except ServiceError as exc:
            self._fail(exc)
            return
        QMessageBox.information(
            self, "Postes et clés",
            f"Clé de chiffrement écrite dans {out} (empreinte {fp}).\nEnvoyez-la aux territoires : ils pourront chiffrer "
            "leurs résultats pour ce poste seul.",
        )

    def _titles(self) -> dict[str, str]:
        return {ev.id: ev.territory_name or ev.display_name for ev in self.ctx.services.evaluations.list()}

    def refresh(self) -> None:
        keys = self.ctx.services.sync.trusted_keys()
        titles = self._titles()
        self.keys = keys
        self.table.setRowCount(len(keys))
        for i, k in enumerate(keys):
            seen = k.last_seen_at.astimezone().strftime("%d/%m/%Y %H:%M") if k.last_seen_at else "aucun"
            cells = [titles.get(k.evaluation_id) or k.evaluation_id, k.device_label or "—", k.fingerprint, k.origin_label, seen]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{text}\n{k.evaluation_id}" if col == 0 else text)
                if col == 2:
                    item.setFont(self.fingerprint.font())
                self.table.setItem(i, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.empty.setVisible(not keys)
        self._selection()
        self._show_centre()

    def _selection(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _fail(self, exc: Exception) -> None:
        from desktop_app.ui.views.sync.running import failure_message as _message

        QMessageBox.warning(self, "Postes et clés", _message(exc))

    def rename(self) -> None:
        from desktop_app.services.base import ServiceError

        try:
            label = self.ctx.services.sync.rename_device(self.label_edit.text())
        except ServiceError as exc:
            self._fail(exc)
            return
        self.label_edit.setText(label)
        QMessageBox.information(self, "Postes et clés", f"Ce poste s'appelle désormais « {label} » dans les fichiers qu'il envoie.")

    def export_key(self) -> None:
        from desktop_app.services.base import ServiceError
        from desktop_app.services.sync_terms import slug

        start = Path(self.ctx.settings.get("export/folder") or str(Path.home())) / f"cle-{slug(self.label_edit.text())}.pem"
        path, _ = QFileDialog.getSaveFileName(self, "Exporter la clé publique", str(start), "Clé publique (*.pem)")
        if not path:
            return
        try:
            out = self.ctx.services.sync.export_public_key(Path(path))
        except ServiceError as exc:
            self._fail(exc)
            return
        QMessageBox.information(
            self, "Postes et clés",
            f"Clé publique écrite dans {out}.\nEnvoyez-la au centre de ressources ; communiquez-lui aussi l'empreinte "
            f"{self.fingerprint.text()} par un autre moyen (téléphone) pour qu'il la vérifie.",
        )

    def add_key(self) -> None:
        from desktop_app.services.base import ServiceError

        dialog = TrustDialog(self.ctx, self._titles(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            key, removed = self.ctx.services.sync.trust(dialog.evaluation_id(), dialog.key_text(), dialog.replace.isChecked())
        except ServiceError as exc:
            self._fail(exc)
            return
        self.refresh()
        text = f"Les résultats signés par la clé {key.fingerprint} seront acceptés pour cette évaluation."
        if removed:
            text += "\nNe sont plus acceptées : " + ", ".join(k.fingerprint for k in removed) + "."
        QMessageBox.information(self, "Postes et clés", text)

    def remove_key(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        key = self.keys[rows[0].row()]
        answer = QMessageBox.question(
            self, "Ne plus accepter",
            f"Ne plus accepter les fichiers signés par la clé {key.fingerprint} pour cette évaluation ?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.services.sync.untrust(key.evaluation_id, key.fingerprint)
        self.refresh()


class TrustDialog(QDialog):
    """Accept a laptop for an evaluation: its public key file or its fingerprint."""

    def __init__(self, ctx, titles: dict[str, str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Accepter un poste")
        self.resize(620, 260)
        self.evaluation = QComboBox()
        self.evaluation.setEditable(True)  # an evaluation not received yet: its identifier
        self.evaluation.setAccessibleName("Évaluation")
        for eid, title in titles.items():
            self.evaluation.addItem(f"{title} — {eid}", eid)
        self.evaluation.setToolTip("Choisissez l'évaluation, ou collez l'identifiant d'une évaluation pas encore reçue.")
        self.key_field = PathField(
            "open", "Clé du poste", "Clé du poste",
            filters="Clé publique ou fichier de résultats (*.pem *.evalkit);;Tous les fichiers (*)",
            placeholder="Empreinte (7F3A-9C12-…), clé publique .pem ou fichier de résultats .evalkit refusé",
            button_text="Fichier…",
            start_from_text=False,  # the field mostly holds a fingerprint, not a path
        )
        self.key = self.key_field.edit
        self.key.editingFinished.connect(self._describe)
        self.key_field.chosen.connect(lambda _path: self._describe())
        self.ctx = ctx
        self.about = QLabel("")
        self.about.setWordWrap(True)
        self.about.setObjectName("keyAbout")
        self.replace = QCheckBox("Ne plus accepter les autres postes de cette évaluation (l'ancien ordinateur n'est plus utilisé)")
        form = QFormLayout()
        form.addRow("Évaluation", self.evaluation)
        form.addRow("Clé", self.key_field)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("Accepter", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.about)
        layout.addWidget(self.replace)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def _describe(self) -> None:
        """Which key that is (and, from a results file, its evaluation and its laptop's name)."""
        from desktop_app.services.base import ServiceError

        text = self.key_text()
        if not text:
            self.about.setText("")
            return
        try:
            found = self.ctx.services.sync.key_of(text)
        except ServiceError as exc:
            self.about.setText(f"⚠ {exc}")
            return
        who = f"poste « {found.label} », " if found.label else ""
        self.about.setText(f"Clé : {who}empreinte {found.fingerprint}. Vérifiez-la avec l'utilisateur de ce poste.")
        if found.evaluation_id:
            index = self.evaluation.findData(found.evaluation_id)
            if index >= 0:
                self.evaluation.setCurrentIndex(index)
            else:
                self.evaluation.setEditText(found.evaluation_id)

    def evaluation_id(self) -> str:
        text = self.evaluation.currentText().strip()
        index = self.evaluation.findText(text)
        if index >= 0:
            return str(self.evaluation.itemData(index))
        return text.rsplit(" — ", 1)[-1].strip()

    def key_text(self) -> str:
        return self.key.text().strip()
