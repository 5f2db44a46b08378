"""Kit versions in the GUI: two entries of the Fichier menu.

- « Installer une version du kit… »: pick the `.zip` a resource centre published (or the
  `kit.yaml` of a kit folder); it is validated like `evalkit kit check` and installed in the
  user's data folder. A message says what was installed, or why nothing was (the problems found,
  or the same version number already here with other content, both digests given).
- « Passer à une version plus récente du kit… »: for the open evaluation, the preview of what
  changes (tools and questions added, removed, reworded; answers kept by question id), then
  the move once confirmed.

`install_kit_actions(window, menu)` is the hook the main window calls. Nothing here imports the
services at module level (the menus are built before the store is open).
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

INSTALL_TITLE = "Installer une version du kit"
UPGRADE_TITLE = "Passer à une version plus récente du kit"


def install_kit_actions(window: QMainWindow, menu: QMenu) -> None:
    for text, slot in (
        ("Installer une version du &kit…", lambda: install_kit(window)),
        ("&Passer à une version plus récente du kit…", lambda: upgrade_evaluation(window)),
    ):
        action = QAction(text, window)
        action.triggered.connect(slot)
        menu.addAction(action)


def show_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    """A message box (kept as an object so that tests and screenshots can look at it)."""
    from PySide6.QtCore import Qt

    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # digests can be copied
    box.exec()
    return box


def install_result_text(entry, new: bool) -> str:
    if new:
        return (
            f"Le kit « {entry.title} » version {entry.version} est installé.\n\n"
            f"Empreinte : {entry.short_digest}\nProvenance : {entry.origin}\n\n"
            "Les nouvelles évaluations l'utiliseront. Une évaluation en cours garde sa version : pour la faire "
            "passer à celle-ci, ouvrez-la puis Fichier › Passer à une version plus récente du kit…"
        )
    if entry.bundled:
        return f"La version {entry.version} du kit « {entry.id} » est celle fournie avec l'application : rien à installer."
    return f"La version {entry.version} du kit « {entry.id} » est déjà installée, avec le même contenu : rien n'a changé."


def install_kit(window: QMainWindow, path: str | None = None) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop_app.services.errors import ServiceError

    ctx = window.ctx
    if path is None:
        path, _ = QFileDialog.getOpenFileName(
            window, INSTALL_TITLE, ctx.settings.get("kit/folder") or "",
            "Kit publié (*.zip);;Dossier de kit : son fichier kit.yaml (kit.yaml)",
        )
    if not path:
        return
    source = Path(path)
    ctx.settings.set("kit/folder", str(source.parent))
    if source.name == "kit.yaml":  # a kit folder, picked through its kit file
        source = source.parent
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        entry, new = ctx.services.kits.install(source)
    except ServiceError as exc:
        QApplication.restoreOverrideCursor()
        show_box(window, QMessageBox.Icon.Warning, "Kit non installé", str(exc))
        return
    QApplication.restoreOverrideCursor()
    show_box(window, QMessageBox.Icon.Information, INSTALL_TITLE, install_result_text(entry, new))


def upgrade_evaluation(window: QMainWindow) -> None:
    from desktop_app.services.errors import ServiceError

    ctx, eid = window.ctx, window.evaluation_id
    if eid is None:
        show_box(window, QMessageBox.Icon.Information, UPGRADE_TITLE,
                 "Ouvrez d'abord l'évaluation à faire passer à une autre version du kit.")
        return
    try:
        versions = ctx.services.kits.newer_versions(eid)
    except ServiceError as exc:
        show_box(window, QMessageBox.Icon.Warning, UPGRADE_TITLE, str(exc))
        return
    if not versions:
        summary = ctx.services.evaluations.get(eid)
        show_box(window, QMessageBox.Icon.Information, UPGRADE_TITLE,
                 f"L'évaluation utilise déjà la version la plus récente du kit présente sur ce poste ({summary.kit_version}).\n\n"
                 "Pour passer à une version publiée par le centre de ressources, installez-la d'abord : "
                 "Fichier › Installer une version du kit…")
        return
    dialog = KitUpgradeDialog(ctx, eid, versions, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    try:
        ctx.services.kits.upgrade(eid, dialog.version)
    except ServiceError as exc:
        show_box(window, QMessageBox.Icon.Warning, UPGRADE_TITLE, str(exc))
        return
    step = window.ctx.settings.get("last_view") or "cadrage"
    window.open_evaluation(eid, step)  # every screen rebuilt with the new version
    window.statusBar().showMessage(f"L'évaluation utilise désormais la version {dialog.version} du kit.", 8000)


class KitUpgradeDialog(QDialog):
    """The preview of a move to a newer kit version, and its confirmation."""

    def __init__(self, ctx, evaluation_id: str, versions: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.evaluation_id = ctx, evaluation_id
        self.version = versions[0]
        summary = ctx.services.evaluations.get(evaluation_id)
        self.setWindowTitle(UPGRADE_TITLE)
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"L'évaluation « {summary.display_name} » utilise la version {summary.kit_version} du kit. "
            "Voici ce qui change si elle passe à une version plus récente. Les réponses sont conservées par "
            "identifiant de question : une question reformulée garde ses réponses."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        label = QLabel("&Version visée :")
        self.versions = QComboBox()
        self.versions.addItems(versions)
        label.setBuddy(self.versions)
        row.addWidget(label)
        row.addWidget(self.versions)
        row.addStretch(1)
        layout.addLayout(row)
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Changements entre les deux versions")
        layout.addWidget(self.preview, 1)
        buttons = QDialogButtonBox()
        self.confirm = QPushButton()
        self.confirm.setDefault(True)
        buttons.addButton(self.confirm, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.versions.currentTextChanged.connect(self._show)
        self._show(self.version)

    def _show(self, version: str) -> None:
        from desktop_app.services.errors import ServiceError
        from desktop_app.services.kits import preview_lines

        self.version = version
        self.confirm.setText(f"Passer à la version {version}")
        try:
            preview = self.ctx.services.kits.upgrade_preview(self.evaluation_id, version)
        except ServiceError as exc:
            self.preview.setPlainText(str(exc))
            self.confirm.setEnabled(False)
            return
        self.confirm.setEnabled(True)
        self.preview.setHtml(_preview_html(preview_lines(preview)))


_MARKS = {"+": "#2e7d32", "−": "#c62828", "~": "#8a5a00"}


def _preview_html(lines: list[str]) -> str:
    out = []
    for line in lines:
        text = html.escape(line)
        stripped = line.lstrip()
        if line.startswith("  ") and stripped[:1] in _MARKS:
            out.append(f'<div style="margin-left:18px;color:{_MARKS[stripped[0]]}">{text}</div>')
        elif not line.startswith("  ") and line.endswith(":"):
            out.append(f'<p style="margin-top:10px;margin-bottom:2px"><b>{text}</b></p>')
        else:
            out.append(f"<p>{text}</p>")
    return "".join(out)
