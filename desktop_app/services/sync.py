"""Result bundles, sync folder and conflicts: the use cases the CLI and the GUI share.

`services.sync` (built lazily by `Services`). Every import is verified whole (all files, when
several are given: signature, digests, structure, and whether each signer's key is accepted for
its evaluation) before the database is written, then written in one transaction.

This device's identity for exchanges (label, signing key), the keys accepted from others and the
optional encryption to the resource centre: `services/sync_keys.py`, mixed in.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import SQLAlchemyError

from desktop_app.kit.loader import shipped_kit  # noqa: F401  (re-exported)
from desktop_app.services.base import Change, ServiceBase, ServiceError
from desktop_app.services.sync_keys import KeyCandidate, OwnKey, SyncKeys, UnknownSigner  # noqa: F401  (re-exported)
from desktop_app.store.models import Meta
from desktop_app.store.models_sync import SyncConflict, SyncEvent, SyncPeer
from desktop_app.sync import privacy, trust
from desktop_app.sync.bundle import SUFFIX, Bundle, BundleError, file_checksum, read_bundle
from desktop_app.sync.merge import bundle_kit_digest, import_bundles, log_event, received_events, resolve
from desktop_app.sync.outgoing import ExportResult, export_evaluation
from desktop_app.sync.records import SYNC_META, table_map
from desktop_app.sync.signing import SigningError

log = logging.getLogger(__name__)
FOLDER_KEY = "sync_folder"
Progress = Callable[[int, int, str], None]

TABLE_LABELS = {
    "evaluations": "Évaluation",
    "communes": "Commune",
    "qpv": "Quartier prioritaire",
    "partners": "Partenaire",
    "team_members": "Membre de l'équipe",
    "milestones": "Jalon",
    "form_responses": "Fiche",
    "attachments": "Pièce jointe",
    "evidence_links": "Élément de preuve",
}
HIDDEN_FIELDS = set(SYNC_META) | {"id", "evaluation_id", "position"}


@dataclass(frozen=True)
class ConflictField:
    name: str
    local: Any
    remote: Any

    @property
    def differs(self) -> bool:
        return self.local != self.remote


@dataclass(frozen=True)
class ConflictData:
    id: str
    evaluation_id: str
    table: str
    table_label: str
    record_id: str
    title: str
    remote_device: str
    remote_label: str
    source: str
    detected_at: datetime
    status: str
    resolution: str
    local_updated_at: str
    remote_updated_at: str
    fields: tuple[ConflictField, ...]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    direction: str
    file_name: str
    evaluation_id: str
    peer_device: str
    status: str
    counts: dict[str, Any]
    message: str


def _title_of(table: str, data: dict[str, Any]) -> str:
    for key in ("label", "title", "name", "organisation", "territory_name", "filename", "code", "indicator_id"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:120]
    return data.get("id", "")[:8]


# the files of attachments deleted in the evaluations an import touched (`_purge_deleted_blobs`):
# plain SQL, not a statement SQLAlchemy compiles again for every new connection
_DELETED_ATTACHMENTS = text(
    "SELECT sha256 FROM attachments WHERE evaluation_id IN :ids AND deleted = :deleted"
).bindparams(bindparam("ids", expanding=True))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while bundles are read and merged: they make hundreds of
    thousands of small objects (records, rows) and no cycle, and each collection would walk the
    whole application's objects again (a full one: 70 ms in the middle of an import)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _AttachmentWriter:
    """The attachment files of the bundles being imported, written by a helper thread while the
    records are merged (`finish` waits for it and raises what made it fail). Creating their
    folders and files is mostly waiting for the disk's metadata, with the interpreter lock
    released: 3 ms on a quiet disk, up to 20 ms when other programs write to it."""

    def __init__(self, attachments: Any, bundles: list[Bundle]):
        self._error: BaseException | None = None
        todo = [(bundle, sha) for bundle in bundles for sha in bundle.attachments]
        self._thread: threading.Thread | None = None
        if todo:
            self._thread = threading.Thread(target=self._write, args=(attachments, todo), name="evalkit-pieces-jointes", daemon=True)
            self._thread.start()

    def _write(self, attachments: Any, todo: list[tuple[Bundle, str]]) -> None:
        try:
            for bundle, sha in todo:
                if not attachments.has_blob(sha):
                    attachments.put_bytes(bundle.attachment_bytes(sha), sha, absent=True)
        except BaseException as exc:  # noqa: BLE001 - raised again by finish(), on the importing thread
            self._error = exc

    def finish(self, quiet: bool = False) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        error, self._error = self._error, None
        if error is not None and not quiet:
            raise error


class SyncService(SyncKeys, ServiceBase):
    def __init__(self, services):
        super().__init__(services.store)
        self.services = services
        self._key = None

    # -- bundles ---------------------------------------------------------------------------------
    def export_bundle(
        self, evaluation_id: str, out: str | Path, level: str = privacy.PSEUDONYMISED, encrypt: bool = False
    ) -> ExportResult:
        """Write one evaluation's bundle; with `encrypt`, sealed to the resource centre's key."""
        if encrypt and self.centre_key() is None:
            raise ServiceError(
                "Aucune clé de chiffrement du centre de ressources n'est enregistrée : demandez-la au centre "
                "(evalkit sync keys --export-centre sur son poste) puis enregistrez-la (evalkit sync centre-key)."
            )
        if level not in privacy.LEVELS:
            raise ServiceError(f"Niveau de confidentialité inconnu : {level}")
        self.services.evaluations.get(evaluation_id)
        out = Path(out)
        if out.suffix != SUFFIX:
            out = out.with_name(out.name + SUFFIX)
        if out.is_dir():
            raise ServiceError(f"« {out} » est un dossier.")
        try:
            result = export_evaluation(self.services, evaluation_id, out, level)
        except BundleError as exc:
            raise ServiceError(str(exc)) from None
        assert result is not None
        if encrypt:
            result = self._seal(result)
        with self.tx() as s:
            log_event(
                s, direction="sent", file_name=out.name, file_sha256=result.file_sha256, data_digest=result.data_digest,
                evaluation_id=evaluation_id, status="ok", counts=dict(result.counts), message=str(out),
            )
        return result

    def verify(self, path: str | Path, shared: dict[str, Any] | None = None) -> Bundle:
        """Read and check a whole bundle (nothing written); ServiceError on a bad file.
        `shared`: kept across the files of one import (see `read_bundle`)."""
        from desktop_app.sync.envelope import centre_key, is_sealed, open_sealed

        opened = None
        try:
            if is_sealed(Path(path)):  # encrypted to a resource centre: opened in a private folder, if it is this one
                opened = open_sealed(Path(path), centre_key(self.device_id))
            # tables checked as a whole are inserted as they come on SQLite (`merge._merge_table`)
            bundle = read_bundle(opened.path if opened else path, shared, batches=self.store.engine.dialect.name == "sqlite")
        except (BundleError, SigningError) as exc:
            if opened is not None:
                opened.close()
            raise ServiceError(str(exc)) from None
        bundle.envelope = opened  # type: ignore[attr-defined]  # kept (and its folder) as long as the bundle
        kit = bundle.manifest["kit"]
        try:
            if bundle.kit_files:  # same id and version as a kit here, other content: refused
                copy = ("kit copy accepted", kit["id"], kit["version"], bundle_kit_digest(bundle))
                if shared is None or copy not in shared:  # the files of one import carry the same copy
                    self.services.kits.check_copy(*copy[1:], Path(path).name)
                    if shared is not None:
                        shared[copy] = True
            else:
                try:
                    self.services.kits.get(kit["id"], kit["version"])
                except ServiceError:
                    raise ServiceError(
                        f"« {Path(path).name} » : le kit {kit['id']} {kit['version']} n'est pas disponible sur ce poste : "
                        "installez-le (Fichier › Installer une version du kit…) ou mettez l'application à jour."
                    ) from None
        except ServiceError:
            if opened is not None:
                opened.close()
            raise
        return bundle

    def import_bundles(self, paths: Sequence[str | Path], progress: Progress | None = None) -> list[dict[str, Any]]:
        """Verify every file, then import them all in one transaction; one summary per file."""
        paths = [Path(p) for p in paths]
        bundles = []
        shared: dict[str, Any] = {}  # a kit copy several files carry is parsed once
        with _collector_paused():
            try:
                for i, path in enumerate(paths):
                    if progress:
                        progress(i, len(paths) * 2, f"Vérification de {path.name}")
                    bundles.append(self.verify(path, shared))
                return self.import_verified(bundles, progress, offset=len(paths), total=len(paths) * 2)
            finally:  # freed before the collector resumes: it would otherwise walk them all once more
                for bundle in bundles:
                    if getattr(bundle, "envelope", None) is not None:
                        bundle.envelope.close()
                bundles.clear()
                shared.clear()

    def import_bundle(self, path: str | Path) -> dict[str, Any]:
        return self.import_bundles([path])[0]

    def import_verified(self, bundles: list[Bundle], progress: Progress | None, offset: int = 0, total: int = 0) -> list[dict[str, Any]]:
        """Import bundles already read and checked by `verify` (used by `import_bundles` and by
        the sync folder's loop, `services.sync_folder`)."""
        own = self.own_public_key()
        try:  # whose signatures: checked before anything is written (the attachments first)
            with self.read() as s:
                trust.check_senders(s, bundles, own, pin=False)
        except trust.UntrustedKeyError as exc:
            raise UnknownSigner(exc) from None
        except BundleError as exc:
            raise ServiceError(str(exc)) from None
        # content-addressed, idempotent: written while the records merge, all there before the commit
        files = _AttachmentWriter(self.services.attachments, bundles)
        label = bundles[0].path.name if len(bundles) == 1 else f"{len(bundles)} fichiers"

        def on_table(done: int, count: int) -> None:
            if progress:
                progress(offset + done * len(bundles) // count, total or len(bundles), f"Import de {label}")

        try:
            with self.tx() as s:
                trust.check_senders(s, bundles, own, pin=True)  # again, in the transaction: pins the new keys
                merged = import_bundles(s, bundles, self.device_id, self._shipped_kit, on_table)
                files.finish()  # a file that could not be written: nothing is recorded
                results, events = [], []
                for bundle, res in zip(bundles, merged, strict=True):
                    res.attachments = len(bundle.attachments)
                    summary = res.as_dict()
                    events.append(dict(
                        direction="received", file_name=bundle.path.name[:255], file_sha256=bundle.file_sha256 or file_checksum(bundle.path),
                        data_digest=str(bundle.manifest.get("data_digest", ""))[:64], evaluation_id=bundle.evaluation_id,
                        peer_device=bundle.device_id, status="ok", counts={**summary, "privacy": bundle.privacy}, message="",
                    ))
                    results.append(summary)
                received_events(s, events)
        except trust.UntrustedKeyError as exc:  # another import pinned a key meanwhile: same offer as above
            raise UnknownSigner(exc) from None
        except BundleError as exc:
            raise ServiceError(str(exc)) from None
        except SQLAlchemyError as exc:  # rolled back: nothing was written
            from desktop_app.store.db import LOCKED_MESSAGE, is_lock_error

            if is_lock_error(exc):
                raise ServiceError(LOCKED_MESSAGE) from None
            log.exception("bundle import failed")
            names = ", ".join(b.path.name for b in bundles)
            raise ServiceError(
                f"« {names} » n'a pas pu être importé : ses données ne s'accordent pas avec cette base "
                f"({exc.__class__.__name__}). Rien n'a été modifié."
            ) from None
        finally:
            files.finish(quiet=True)  # never left writing once the import is over
        self._purge_deleted_blobs({b.evaluation_id for b in bundles})
        return results

    def _purge_deleted_blobs(self, evaluation_ids: set[str]) -> None:
        """Remove the stored files of attachments deleted by an import (a consent withdrawn, a
        record erased elsewhere) that no live attachment uses any more: personal data must go.
        The files of records in this computer's Corbeille stay until it is emptied."""
        from desktop_app.store.models_attachments import Attachment

        with self.read() as s:
            dead = set(s.scalars(_DELETED_ATTACHMENTS, {"ids": sorted(evaluation_ids), "deleted": True}))
            if not dead:  # the usual case: nothing to remove, the Corbeille need not be read
                return
            dead -= set(s.scalars(select(Attachment.sha256).where(
                Attachment.owner_id.in_(sorted(self.services.trash.kept_owner_ids(evaluation_ids))))))
            if not dead:
                return
            live = set(s.scalars(select(Attachment.sha256).where(
                Attachment.sha256.in_(sorted(dead)), Attachment.deleted.is_(False)
            )))
        for digest in sorted(dead - live):
            if not digest:
                continue
            try:
                self.services.attachments.blob_path(digest).unlink(missing_ok=True)
            except OSError:
                log.warning("stored file of a deleted attachment could not be removed")

    def _shipped_kit(self) -> tuple[str, str, str]:
        """(id, version, digest) of the kit shipped with the application: a bundle's kit copy
        with the same files needs no validation. From its files, without loading the kit when
        it is not loaded yet (a quarter of a second); worked out once per state of its files."""
        return shipped_kit(self.services.kits.forms_dir)

    # -- sync folder -----------------------------------------------------------------------------
    def folder(self) -> Path | None:
        with self.read() as s:
            row = s.get(Meta, FOLDER_KEY)
            return Path(row.value) if row and row.value else None

    def set_folder(self, folder: str | Path | None) -> None:
        with self.tx() as s:
            row = s.get(Meta, FOLDER_KEY)
            value = str(Path(folder).expanduser()) if folder else ""
            if row is None:
                s.add(Meta(key=FOLDER_KEY, value=value))
            else:
                row.value = value

    def sync_folder(self, folder: str | Path | None = None, progress: Progress | None = None):
        from desktop_app.services.sync_folder import synchronise

        target = Path(folder).expanduser() if folder else self.folder()
        if target is None:
            raise ServiceError("Choisissez d'abord un dossier de synchronisation.")
        return synchronise(self, target, progress)

    def last_sent_digest(self, file_name: str) -> str | None:
        with self.read() as s:
            return s.scalar(
                select(SyncEvent.data_digest)
                .where(SyncEvent.direction == "sent", SyncEvent.file_name == file_name, SyncEvent.status == "ok")
                .order_by(SyncEvent.at.desc())
                .limit(1)
            )

    def already_received(self, file_sha256: str) -> bool:
        with self.read() as s:
            return s.scalar(
                select(SyncEvent.id).where(
                    SyncEvent.direction == "received", SyncEvent.file_sha256 == file_sha256, SyncEvent.status == "ok"
                ).limit(1)
            ) is not None

    def log(self, **values: Any) -> None:
        with self.tx() as s:
            log_event(s, **values)

    def history(self, limit: int = 100) -> list[HistoryEntry]:
        with self.read() as s:
            rows = s.scalars(select(SyncEvent).order_by(SyncEvent.at.desc()).limit(limit))
            return [
                HistoryEntry(e.at, e.direction, e.file_name, e.evaluation_id, e.peer_device, e.status, dict(e.counts or {}), e.message)
                for e in rows
            ]

    def peers(self) -> list[dict[str, Any]]:
        with self.read() as s:
            return [
                {"device_id": p.device_id, "label": p.label, "last_received_at": p.last_received_at, "bundles": p.bundles_received}
                for p in s.scalars(select(SyncPeer).order_by(SyncPeer.last_received_at.desc()))
            ]

    # -- conflicts -------------------------------------------------------------------------------
    def conflicts(self, evaluation_id: str | None = None, include_resolved: bool = False) -> list[ConflictData]:
        stmt = select(SyncConflict).order_by(SyncConflict.detected_at, SyncConflict.id)
        if evaluation_id:
            stmt = stmt.where(SyncConflict.evaluation_id == evaluation_id)
        if not include_resolved:
            stmt = stmt.where(SyncConflict.status == "open")
        with self.read() as s:
            return [self._conflict_data(s, c) for c in s.scalars(stmt)]

    def open_conflict_count(self, evaluation_id: str | None = None) -> int:
        return len(self.conflicts(evaluation_id))

    def conflict(self, conflict_id: str) -> ConflictData:
        with self.read() as s:
            c = s.get(SyncConflict, conflict_id)
            if c is None:
                raise ServiceError("Conflit introuvable.")
            return self._conflict_data(s, c)

    def _conflict_data(self, s, c: SyncConflict) -> ConflictData:
        from desktop_app.sync.records import encode_row

        st = table_map().get(c.table_name)
        local = dict(c.local_data or {})
        if st is not None:
            row = s.execute(select(st.table).where(st.table.c.id == c.record_id)).first()
            if row is not None:
                local = encode_row(st, row)
        remote = dict(c.remote_data or {})
        names = [n for n in (st.column_names if st else sorted(set(local) | set(remote))) if n not in HIDDEN_FIELDS]
        fields = tuple(ConflictField(n, local.get(n), remote.get(n)) for n in names if n in remote or n in local)
        return ConflictData(
            c.id, c.evaluation_id, c.table_name, TABLE_LABELS.get(c.table_name, c.table_name.replace("_", " ")),
            c.record_id, _title_of(c.table_name, local or remote), c.remote_device, c.remote_label, c.source,
            c.detected_at, c.status, c.resolution, str(local.get("updated_at", "")), str(remote.get("updated_at", "")), fields,
        )

    def resolve(self, conflict_id: str, choice: str) -> Change:
        if choice not in ("local", "remote"):
            raise ServiceError(f"Choix inconnu : {choice}")
        try:
            with self.tx() as s:
                c = resolve(s, conflict_id, choice, self.device_id)
                return Change("sync", c.record_id, c.evaluation_id, c.table_name)
        except BundleError as exc:
            raise ServiceError(str(exc)) from None
