"""Photos, documents and recordings attached to a workshop, an immersion or a testimony.

Files are copied into the application's data by content hash (`services.attachments`): the
original may be moved or deleted afterwards. Add with the button or by dropping files on the
panel; open (a temporary copy under the original name, so the right program opens it), save a
copy elsewhere, or remove.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.attachments import AttachmentData
from desktop_app.services.base import Change, ServiceError
from desktop_app.ui.context import AppContext

IMAGES = "Photos (*.png *.jpg *.jpeg *.gif *.bmp *.webp *.heic)"
DOCUMENTS = "Documents (*.pdf *.docx *.doc *.odt *.xlsx *.xls *.ods *.pptx *.txt)"
AUDIO = "Enregistrements (*.mp3 *.m4a *.wav *.ogg *.opus *.aac *.flac *.wma *.mp4 *.mov *.webm)"
AUDIO_SUFFIXES = {
    ".mp3",
    ".m4a",
    ".wav",
    ".ogg",
    ".opus",
    ".aac",
    ".flac",
    ".wma",
    ".mp4",
    ".mov",
    ".webm",
    ".3gp",
    ".amr",
}
THUMB = QSize(96, 72)


def _size_text(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} Mo".replace(".", ",")
    return f"{max(size // 1000, 1)} ko"


class AttachmentsPanel(QWidget):
    """The files of one owner record. `kind="audio"` accepts recordings only.

    `confirm_add(paths) -> bool` may ask the user before adding (consent checks).
    """

    countChanged = Signal(int)

    def __init__(self, ctx: AppContext, kind: str = "documents", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.evaluation_id = ""
        self.owner_type = ""
        self.owner_id = ""
        self.confirm_add: Callable[[list[Path]], bool] | None = None
        self._rows: list[AttachmentData] = []
        self._temp_dir: Path | None = None  # where files are copied to be opened, made on first use
        self.setAcceptDrops(True)

        self.help = QLabel(
            "Déposez ici l'enregistrement (ou utilisez le bouton). Il est copié dans les données de l'application : "
            "le fichier d'origine peut ensuite être supprimé de l'appareil qui a servi à enregistrer."
            if kind == "audio"
            else "Déposez ici des photos ou des documents (ou utilisez le bouton). Ils sont copiés dans les données "
            "de l'application : ils restent disponibles même si le fichier d'origine est déplacé ou supprimé."
        )
        self.help.setObjectName("muted")
        self.help.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("attachments")
        self.list.setAccessibleName("Pièces jointes")
        self.list.setIconSize(THUMB)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setSpacing(4)
        self.list.itemDoubleClicked.connect(lambda _i: self.open_selected())
        self.list.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.add_button = QPushButton(
            "Ajouter un enregistrement…" if kind == "audio" else "Ajouter des photos ou documents…"
        )
        self.add_button.setObjectName("primary")
        self.add_button.clicked.connect(self.choose_files)
        self.open_button = QPushButton("Ouvrir")
        self.open_button.clicked.connect(self.open_selected)
        self.save_button = QPushButton("Copier vers…")
        self.save_button.setToolTip("Enregistrer une copie du fichier ailleurs")
        self.save_button.clicked.connect(self.save_selected)
        self.caption_button = QPushButton("Légende…")
        self.caption_button.clicked.connect(self.edit_caption)
        self.remove_button = QPushButton("Retirer")
        self.remove_button.clicked.connect(self.remove_selected)
        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addStretch(1)
        buttons = QHBoxLayout()
        for b in (self.open_button, self.save_button, self.caption_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.help)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- data ----------------------------------------------------------------------------------
    def set_owner(
        self, evaluation_id: str, owner_type: str, owner_id: str, rows: list[AttachmentData] | None = None
    ) -> None:
        """Show the files of a record; `rows`, when given, are its files already read (in a
        background load), so the GUI thread does not read them again."""
        self.evaluation_id, self.owner_type, self.owner_id = evaluation_id, owner_type, owner_id
        self.reload(rows)

    def reload(self, rows: list[AttachmentData] | None = None) -> None:
        self.list.clear()
        if rows is None:
            rows = self.ctx.services.attachments.list(self.evaluation_id, self.owner_id) if self.owner_id else []
        self._rows = rows
        for att in self._rows:
            item = QListWidgetItem(self._icon(att), self._text(att))
            item.setData(Qt.ItemDataRole.UserRole, att.id)
            item.setToolTip(
                f"{att.filename}\n{_size_text(att.size)} · {att.mime}\nEmpreinte SHA-256 : {att.sha256[:16]}…"
            )
            self.list.addItem(item)
        self._update_buttons()
        self.countChanged.emit(len(self._rows))

    def count(self) -> int:
        return len(self._rows)

    def _text(self, att: AttachmentData) -> str:
        caption = f"\n{att.caption}" if att.caption else ""
        return f"{att.filename}  ({_size_text(att.size)}){caption}"

    def _icon(self, att: AttachmentData) -> QIcon:
        if att.mime.startswith("image/"):
            try:
                reader = QImageReader(str(self.ctx.services.attachments.path_of(att.id)))
                reader.setAutoTransform(True)
                size = reader.size()
                if size.isValid():
                    reader.setScaledSize(size.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
                image = reader.read()
                if not image.isNull():
                    return QIcon(QPixmap.fromImage(image))
            except ServiceError:
                return self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if att.mime.startswith(("audio/", "video/")):
            return self.style().standardIcon(QStyle.StandardPixmap.SP_MediaVolume)
        return self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)

    def _current(self) -> AttachmentData | None:
        row = self.list.currentRow()
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def _update_buttons(self) -> None:
        has = self._current() is not None
        for b in (self.open_button, self.save_button, self.caption_button, self.remove_button):
            b.setEnabled(has)
        self.add_button.setEnabled(bool(self.owner_id))

    # -- adding --------------------------------------------------------------------------------
    def choose_files(self) -> None:
        filters = (
            [AUDIO, "Tous les fichiers (*)"]
            if self.kind == "audio"
            else [IMAGES, DOCUMENTS, "Tous les fichiers (*)"]
        )
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.add_button.text().rstrip("…"), "", ";;".join(filters)
        )
        if paths:
            self.add_files([Path(p) for p in paths])

    def add_files(self, paths: list[Path]) -> None:
        """Copy the files into the application's data (in the background), then list them."""
        if not self.owner_id or not paths:
            return
        if self.kind == "audio":
            refused = [p.name for p in paths if p.suffix.lower() not in AUDIO_SUFFIXES]
            if refused:
                QMessageBox.warning(
                    self,
                    "Enregistrement",
                    "Seuls les enregistrements audio ou vidéo sont acceptés ici : "
                    + ", ".join(refused)
                    + ".",
                )
                paths = [p for p in paths if p.suffix.lower() in AUDIO_SUFFIXES]
                if not paths:
                    return
        if self.confirm_add is not None and not self.confirm_add(paths):
            return
        services = self.ctx.services
        eid, owner_type, owner_id = self.evaluation_id, self.owner_type, self.owner_id

        def work(progress):
            changes = []
            for n, path in enumerate(paths):
                progress.report(n, len(paths), f"Copie de « {path.name} »…")
                changes.append(services.attachments.add_file(eid, owner_type, owner_id, path))
            return changes

        def done(changes: list[Change]) -> None:
            self.ctx.saved.emit(datetime.now())
            self.reload()
            if changes:
                self.ctx.changed.emit(changes[-1])

        def failed(exc: Exception) -> None:
            self.reload()
            message = (
                str(exc)
                if isinstance(exc, ServiceError)
                else f"La copie a échoué ({exc.__class__.__name__})."
            )
            QMessageBox.warning(self, "Pièce jointe", message)

        self.ctx.tasks.run(work, on_done=done, on_error=failed, writes=True, owner=self)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if event.mimeData().hasUrls() and self.owner_id:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        paths = [p for p in paths if p.is_file()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)

    # -- using ---------------------------------------------------------------------------------
    def _copy_out(self, att: AttachmentData) -> Path | None:
        try:
            source = self.ctx.services.attachments.path_of(att.id)
        except ServiceError as exc:
            QMessageBox.warning(self, "Pièce jointe", str(exc))
            return None
        if self._temp_dir is None:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="evalkit-pj-"))
        folder = self._temp_dir / att.id
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / Path(att.filename).name
        shutil.copyfile(source, target)
        return target

    def open_selected(self) -> None:
        att = self._current()
        if att is None:
            return
        path = self._copy_out(att)
        if path is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            QMessageBox.information(
                self, "Pièce jointe", f"Aucun programme n'a pu ouvrir « {att.filename} »."
            )

    def save_selected(self) -> None:
        att = self._current()
        if att is None:
            return
        target, _ = QFileDialog.getSaveFileName(self, "Enregistrer une copie", att.filename)
        if not target:
            return
        try:
            shutil.copyfile(self.ctx.services.attachments.path_of(att.id), target)
        except (ServiceError, OSError) as exc:
            QMessageBox.warning(
                self, "Pièce jointe", str(exc) if isinstance(exc, ServiceError) else exc.strerror
            )

    def edit_caption(self) -> None:
        att = self._current()
        if att is None:
            return
        text, ok = QInputDialog.getText(self, "Légende", "Légende (sans nom de personne) :", text=att.caption)
        if ok:
            workshops_service = self.ctx.services.workshops
            if self.ctx.apply(lambda: workshops_service.set_attachment_caption(att.id, text)):
                self.reload()

    def remove_selected(self) -> None:
        att = self._current()
        if att is None:
            return
        answer = QMessageBox.question(
            self,
            "Retirer",
            f"Retirer « {att.filename} » de cette fiche ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes and self.ctx.apply(
            lambda: self.ctx.services.attachments.delete(att.id)
        ):
            self.reload()
