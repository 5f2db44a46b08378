"""The sync folder dialog and the export dialog (which says what the file will contain)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop_app.services import sync_terms as privacy
from desktop_app.ui.widgets.path_field import PathField

DIRECTIONS = {"sent": "Envoyé", "received": "Reçu"}
STATUSES = {"ok": "✔", "error": "⚠ erreur"}


def import_summary(results: list[dict], open_conflicts: int) -> str:
    lines = []
    for r in results:
        lines.append(
            f"{r['file']} : {r['imported']} nouveau(x), {r['updated']} mis à jour, "
            f"{r['unchanged']} inchangé(s), {r['conflicts']} conflit(s)."
        )
    if not lines:
        lines.append("Aucun nouveau fichier.")
    if open_conflicts:
        lines.append(
            f"\n{open_conflicts} enregistrement(s) ont été modifiés sur deux postes : les deux versions sont "
            "conservées, choisissez laquelle garder (Synchronisation > Conflits…)."
        )
    return "\n".join(lines)


class SyncDialog(QDialog):
    """Choose the shared folder, synchronise, and see what was sent and received."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.report = None
        self.setWindowTitle("Synchroniser")
        self.resize(820, 560)
        intro = QLabel(
            "Le dossier de synchronisation est partagé par les animateurs d'une même évaluation : clé USB, "
            "dossier réseau ou dossier synchronisé (Nextcloud, OneDrive…). « Synchroniser » importe les "
            "résultats déposés par les autres postes, puis y dépose ceux de ce poste. Les données échangées "
            "ainsi sont complètes (noms compris) : pour le centre de ressources, utilisez « Exporter les résultats »."
        )
        intro.setWordWrap(True)
        own = ctx.services.sync.own_key()
        self.identity = QLabel(f"Ce poste : « {own.label} » — empreinte de sa clé : {own.fingerprint}")
        self.identity.setObjectName("syncIdentity")
        self.identity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.identity.setToolTip(
            "Les autres postes voient ce nom dans les fichiers reçus ; ils vérifient l'empreinte avant d'accepter "
            "un nouveau poste (Synchronisation > Postes et clés…)."
        )
        keys = QPushButton("Postes et clés…")
        keys.clicked.connect(self._keys)
        identity_row = QHBoxLayout()
        identity_row.addWidget(self.identity, 1)
        identity_row.addWidget(keys)
        self.folder_field = PathField(
            "folder", "Dossier de synchronisation", "Dossier de synchronisation",
            text=str(ctx.services.sync.folder() or ""), placeholder="Choisissez un dossier…",
        )
        self.folder_edit = self.folder_field.edit
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setObjectName("syncStatus")
        self.history = QTableWidget(0, 5)
        self.history.setHorizontalHeaderLabels(["Date", "Sens", "Fichier", "Résultat", "Détail"])
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.history.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.history.setColumnWidth(2, 300)
        self.sync_button = QPushButton("Synchroniser")
        self.sync_button.setDefault(True)
        self.sync_button.clicked.connect(self.synchronise)
        self.conflicts_button = QPushButton("Conflits…")
        self.conflicts_button.clicked.connect(self._conflicts)
        close = QPushButton("Fermer")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.conflicts_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sync_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(identity_row)
        layout.addWidget(self.folder_field)
        layout.addWidget(self.status)
        layout.addWidget(QLabel("<b>Derniers échanges</b>"))
        layout.addWidget(self.history, 1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        entries = self.ctx.services.sync.history(50)
        self.history.setRowCount(len(entries))
        for i, e in enumerate(entries):
            counts = e.counts or {}
            if e.status != "ok":
                detail = e.message
            elif e.direction == "received":
                detail = f"{counts.get('imported', 0)} nouveau(x), {counts.get('updated', 0)} mis à jour, {counts.get('conflicts', 0)} conflit(s)"
            else:
                detail = f"{sum(v for v in counts.values() if isinstance(v, int))} enregistrements"
            for col, text in enumerate(
                [e.at.astimezone().strftime("%d/%m/%Y %H:%M"), DIRECTIONS.get(e.direction, e.direction), e.file_name, STATUSES.get(e.status, e.status), detail]
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.history.setItem(i, col, item)
        self.history.resizeColumnToContents(0)
        n = self.ctx.services.sync.open_conflict_count()
        self.conflicts_button.setText(f"Conflits ({n})…" if n else "Conflits…")
        self.conflicts_button.setEnabled(bool(n))

    def synchronise(self) -> None:
        from desktop_app.ui.views.sync.running import reload_after_import, run_with_progress

        folder = self.folder_edit.text().strip()
        if not folder:
            QMessageBox.information(self, "Synchroniser", "Choisissez d'abord le dossier de synchronisation.")
            return
        sync = self.ctx.services.sync
        if str(sync.folder() or "") != folder:
            sync.set_folder(folder)

        def done(report) -> None:
            self.report = report
            received = {r["evaluation_id"] for r in report.received}
            parent = self.parent()
            if received and parent is not None and hasattr(parent, "ctx"):
                reload_after_import(parent, received)
            parts = [f"{len(report.received)} fichier(s) reçu(s), {len(report.sent)} fichier(s) envoyé(s)."]
            if not report.received and not report.sent:
                parts = ["Tout est à jour : rien de nouveau dans le dossier, rien à envoyer."]
            if report.conflicts:
                parts.append(f"{report.conflicts} conflit(s) à résoudre.")
            for e in report.errors:
                parts.append(f"⚠ {e['message']}")
            self.status.setText(" ".join(parts))
            self.status.setStyleSheet("color: #c62828;" if report.errors else "color: #2e7d32;")
            self.refresh()

        run_with_progress(self, self.ctx, "Synchronisation", lambda p: sync.sync_folder(Path(folder), p), done)

    def _conflicts(self) -> None:
        from desktop_app.ui.views.sync.conflicts import ConflictsDialog

        ConflictsDialog(self.ctx, None, self).exec()
        self.refresh()

    def _keys(self) -> None:
        from desktop_app.ui.views.sync.keys import KeysDialog

        KeysDialog(self.ctx, self).exec()
        own = self.ctx.services.sync.own_key()  # renamed there, perhaps
        self.identity.setText(f"Ce poste : « {own.label} » — empreinte de sa clé : {own.fingerprint}")


class ExportBundleDialog(QDialog):
    """Export one evaluation's results to a .evalkit file, pseudonymised by default."""

    def __init__(self, ctx, evaluation_id: str | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.result_info = None
        self.setWindowTitle("Exporter les résultats")
        self.resize(640, 520)
        self.evaluation = QComboBox()
        for ev in ctx.services.evaluations.list():
            self.evaluation.addItem(f"{ev.territory_name or ev.display_name} — {ev.generation_label}", ev.id)
        if evaluation_id:
            self.evaluation.setCurrentIndex(max(0, self.evaluation.findData(evaluation_id)))
        self.pseudo = QRadioButton("Pseudonymisé (pour le centre de ressources)")
        self.complete = QRadioButton("Complet (entre animateurs de la même évaluation)")
        self.pseudo.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.pseudo)
        group.addButton(self.complete)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.description.setObjectName("privacyDescription")
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.description.setStyleSheet("background: #f4f7f9; border: 1px solid #dfe4e8; padding: 8px;")
        self.pseudo.toggled.connect(self._describe)
        self.out_field = PathField(
            "save", "Exporter les résultats", "Fichier de résultats", filters="Résultats EvalKit (*.evalkit)"
        )
        self.out = self.out_field.edit
        form = QFormLayout()
        form.addRow("Évaluation", self.evaluation)
        form.addRow("Contenu", self.pseudo)
        form.addRow("", self.complete)
        form.addRow("Fichier", self.out_field)
        centre = ctx.services.sync.centre_key()
        self.encrypt = QCheckBox("Chiffrer pour le centre de ressources (lisible par lui seul)")
        self.encrypt.setEnabled(centre is not None)
        self.encrypt.setToolTip(
            f"Clé du centre de ressources : {centre}" if centre else
            "Aucune clé du centre de ressources n'est enregistrée (Synchronisation > Postes et clés…)."
        )
        form.addRow("", self.encrypt)
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton("Exporter", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Ce que contient le fichier</b>"))
        layout.addWidget(self.description, 1)
        layout.addWidget(buttons)
        self.evaluation.currentIndexChanged.connect(self._suggest_name)
        self._describe()
        self._suggest_name()
        self.export_button.setEnabled(self.evaluation.count() > 0)

    def level(self) -> str:
        return privacy.PSEUDONYMISED if self.pseudo.isChecked() else privacy.COMPLETE

    def _describe(self) -> None:
        self.description.setText(privacy.describe(self.level()))

    def _suggest_name(self) -> None:
        from desktop_app.services.sync_terms import slug

        eid = self.evaluation.currentData()
        if not eid:
            return
        folder = self.ctx.settings.get("export/folder") or str(Path.home())
        name = slug(self.evaluation.currentText().split(" — ")[0])
        self.out.setText(str(Path(folder) / f"resultats-{name}.evalkit"))

    def export(self) -> None:
        from desktop_app.ui.views.sync.running import run_with_progress

        eid, out, level = self.evaluation.currentData(), self.out.text().strip(), self.level()
        if not eid or not out:
            return
        self.ctx.settings.set("export/folder", str(Path(out).parent))

        def done(res) -> None:
            self.result_info = res
            left = sum(res.excluded.values())
            text = f"{res.path}\n{sum(res.counts.values())} enregistrements, {res.attachments} pièce(s) jointe(s)."
            if left:
                text += f"\n{left} enregistrement(s) non transmis (témoignages sans consentement, données liées)."
            if res.missing:
                shown = ", ".join(res.missing[:5]) + (f" et {len(res.missing) - 5} autre(s)" if len(res.missing) > 5 else "")
                text += (f"\n\nAttention : {len(res.missing)} pièce(s) jointe(s) introuvable(s) dans le dossier des pièces "
                         f"jointes, exportées sans leur fichier : {shown}.")
                QMessageBox.warning(self, "Export terminé, pièces jointes manquantes", text)
            else:
                QMessageBox.information(self, "Export terminé", text)
            self.accept()

        encrypt = self.encrypt.isChecked()
        run_with_progress(
            self, self.ctx, "Export des résultats", lambda p: self.ctx.services.sync.export_bundle(eid, Path(out), level, encrypt), done
        )
