"""Attachments: files copied into the application's data, addressed by their SHA-256.

`add_file` copies the content (once per hash) and records who it belongs to; `path_of` gives
the stored file; `put_bytes` is used by bundle import (the hash is verified).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from desktop_app import paths
from desktop_app.services.base import Change, NotFound, ServiceBase, ServiceError
from desktop_app.store.db import Store
from desktop_app.store.models_attachments import Attachment

MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class AttachmentData:
    id: str
    evaluation_id: str
    owner_type: str
    owner_id: str
    sha256: str
    size: int
    filename: str
    mime: str
    caption: str


_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _private_temp(target: Path) -> tuple[int, str]:
    """A new file beside `target`, readable by its owner only (what `tempfile.mkstemp` does,
    without its name generator and file object: an import writes dozens of small files)."""
    for _ in range(100):
        tmp = f"{target}.{secrets.token_hex(6)}.part"
        try:
            return os.open(tmp, _TEMP_FLAGS, paths.PRIVATE_FILE_MODE), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"{target}.part")


class AttachmentService(ServiceBase):
    def __init__(self, store: Store, root: str | Path | None = None):
        super().__init__(store)
        self.root = Path(root) if root else paths.attachments_dir()
        self._private_dirs: set[Path] = set()  # folders this service made (or checked) private

    def blob_path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def _folder(self, target: Path) -> None:
        """The attachment folder and the blob's sub-folder, readable by their owner only; each
        made (or checked) once by this service, not at every file (an import writes dozens).
        A sub-folder made here is made private (0700, or less with the umask): not checked again."""
        if self.root not in self._private_dirs:
            paths.private_dir(self.root)
            self._private_dirs.add(self.root)
        folder = target.parent
        if folder not in self._private_dirs:
            try:
                os.mkdir(folder, paths.PRIVATE_DIR_MODE)
            except FileExistsError:  # made earlier, perhaps by someone else: checked
                paths.private_dir(folder)
            except FileNotFoundError:  # the attachment folder was removed meanwhile: made again
                paths.private_dir(self.root)
                paths.private_dir(folder)
            self._private_dirs.add(folder)

    def has_blob(self, sha256: str) -> bool:
        return self.blob_path(sha256).is_file()

    def put_bytes(self, data: bytes, expected_sha256: str | None = None, *, absent: bool = False) -> str:
        """Store `data` under its SHA-256 (checked against `expected_sha256`). `absent`: the
        caller has just seen no such file (`has_blob`): not looked for again."""
        digest = hashlib.sha256(data).hexdigest()
        if expected_sha256 and digest != expected_sha256:
            raise ServiceError("Le contenu de la pièce jointe ne correspond pas à son empreinte.")
        target = self.blob_path(digest)
        if absent or not target.exists():
            self._folder(target)
            try:
                fd, tmp = _private_temp(target)
            except FileNotFoundError:  # the folder was removed meanwhile: made again
                self._private_dirs.clear()
                self._folder(target)
                fd, tmp = _private_temp(target)
            try:
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view):]
                finally:
                    os.close(fd)
                os.replace(tmp, target)
            except OSError as exc:
                Path(tmp).unlink(missing_ok=True)
                raise ServiceError(f"Impossible d'enregistrer la pièce jointe : {exc.strerror}.") from None
        return digest

    def add_file(self, evaluation_id: str, owner_type: str, owner_id: str, source: Path, caption: str = "") -> Change:
        source = Path(source)
        if not source.is_file():
            raise ServiceError(f"Fichier introuvable : {source}")
        size = source.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise ServiceError(f"« {source.name} » est trop volumineux ({size // 1_000_000} Mo ; 200 Mo au plus).")
        h = hashlib.sha256()
        with source.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        digest = h.hexdigest()
        target = self.blob_path(digest)
        if not target.exists():
            self._private_dirs.clear()  # one file added by hand: its folders made and checked again
            self._folder(target)
            tmp = target.with_suffix(".part")
            try:
                paths.create_private_file(tmp)
                shutil.copyfile(source, tmp)  # into the private file: its mode is kept
                os.replace(tmp, target)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise ServiceError(f"Impossible de copier « {source.name} » : {exc.strerror}.") from None
        mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        with self.tx() as s:
            rec = Attachment(
                evaluation_id=evaluation_id, owner_type=owner_type, owner_id=owner_id, sha256=digest,
                size=size, filename=source.name, mime=mime, caption=caption,
            )
            self.stamp_new(rec)
            s.add(rec)
            s.flush()
            return Change("attachment", rec.id, evaluation_id)

    def list(self, evaluation_id: str, owner_id: str | None = None) -> list[AttachmentData]:
        stmt = select(Attachment).where(Attachment.evaluation_id == evaluation_id, Attachment.deleted.is_(False))
        if owner_id is not None:
            stmt = stmt.where(Attachment.owner_id == owner_id)
        with self.read() as s:
            return [self._data(a) for a in s.scalars(stmt.order_by(Attachment.created_at))]

    def path_of(self, attachment_id: str) -> Path:
        with self.read() as s:
            rec = s.get(Attachment, attachment_id)
            if rec is None or rec.deleted:
                raise NotFound("Pièce jointe introuvable.")
            path = self.blob_path(rec.sha256)
        if not path.is_file():
            raise ServiceError("Le fichier de cette pièce jointe manque dans les données de l'application.")
        return path

    def delete(self, attachment_id: str) -> Change:
        with self.tx() as s:
            rec = s.get(Attachment, attachment_id)
            if rec is None:
                raise NotFound("Pièce jointe introuvable.")
            rec.deleted = True
            self.touch(rec)
            return Change("attachment", rec.id, rec.evaluation_id)

    @staticmethod
    def _data(a: Attachment) -> AttachmentData:
        return AttachmentData(a.id, a.evaluation_id, a.owner_type, a.owner_id, a.sha256, a.size, a.filename, a.mime, a.caption)
