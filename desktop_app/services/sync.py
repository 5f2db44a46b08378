"""Result bundles, sync folder and conflicts: the use cases the CLI and the GUI share.

`services.sync` (built lazily by `Services`). Every import is verified whole (all files, when
several are given: signature, digests, structure, and whether each signer's key is accepted for
its evaluation) before the database is written, then written in one transaction.

This device's identity for exchanges: its label (`device_label`, « Poste-7F3A », renamable) and
its signing key (`signer`, `own_key`); the keys accepted from others: `trusted_keys`, `trust`,
`untrust` (`desktop_app.sync.trust`).
"""

from __future__ import annotations

import gc
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from desktop_app.services.base import Change, ServiceBase, ServiceError
from desktop_app.store.models import Meta
from desktop_app.store.models_sync import SyncConflict, SyncEvent, SyncPeer
from desktop_app.sync import privacy, trust
from desktop_app.sync.bundle import SUFFIX, Bundle, BundleError, file_checksum, read_bundle
from desktop_app.sync.merge import import_bundles, log_event, received_events, resolve
from desktop_app.sync.outgoing import ExportResult, export_evaluation
from desktop_app.sync.records import SYNC_META, table_map
from desktop_app.sync.signing import (
    Signer,
    SigningError,
    device_key,
    fingerprint,
    normalise_fingerprint,
    public_key_pem,
    read_public_key_file,
)

log = logging.getLogger(__name__)
FOLDER_KEY = "sync_folder"
LABEL_KEY = "device_label"
CENTRE_KEY = "centre_encryption_key"  # the resource centre's public key results may be encrypted to
MAX_LABEL = 40
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


@dataclass(frozen=True)
class OwnKey:
    device_id: str
    label: str
    fingerprint: str


class UnknownSigner(ServiceError):
    """An import refused because a file is signed by a key its evaluation does not accept: the
    file, the evaluation and the key's fingerprint, for the GUI to offer accepting it."""

    def __init__(self, exc: trust.UntrustedKeyError):
        super().__init__(str(exc))
        self.path, self.evaluation_id = exc.path, exc.evaluation_id
        self.fingerprint, self.device_label = exc.fingerprint, exc.device_label


@dataclass(frozen=True)
class KeyCandidate:
    """A key someone means to accept (`SyncService.key_of`)."""

    public_key: bytes | None  # None: given by its fingerprint only
    fingerprint: str
    label: str = ""
    evaluation_id: str | None = None  # given a results file: its evaluation
    evaluation_title: str = ""


class SyncService(ServiceBase):
    def __init__(self, services):
        super().__init__(services.store)
        self.services = services
        self._key = None

    # -- this device: label and signing key ------------------------------------------------------
    def device_label(self) -> str:
        """This device's label as others see it (created with the database, or now for an older one)."""
        from desktop_app.store.db import new_device_label

        with self.read() as s:
            row = s.get(Meta, LABEL_KEY)
            if row is not None and row.value:
                return row.value
        with self.tx() as s:
            row = s.get(Meta, LABEL_KEY)
            if row is None:
                row = Meta(key=LABEL_KEY, value=new_device_label())
                s.add(row)
            elif not row.value:
                row.value = new_device_label()
            return row.value

    def rename_device(self, label: str) -> str:
        """Rename this device as other machines will see it in the next bundles."""
        clean = " ".join(unicodedata.normalize("NFC", label or "").split())
        if not clean:
            raise ServiceError("Le nom du poste ne peut pas être vide.")
        if len(clean) > MAX_LABEL:
            raise ServiceError(f"Le nom du poste est trop long ({len(clean)} caractères, {MAX_LABEL} au plus).")
        if any(unicodedata.category(c).startswith("C") for c in clean) or re.search(r"[<>]", clean):
            raise ServiceError("Le nom du poste contient des caractères non autorisés.")
        with self.tx() as s:
            row = s.get(Meta, LABEL_KEY)
            if row is None:
                s.add(Meta(key=LABEL_KEY, value=clean))
            else:
                row.value = clean
        return clean

    def signer(self) -> Signer:
        """What signs this device's bundles (its private key is created the first time)."""
        if self._key is None:
            try:
                self._key = device_key(self.device_id)
            except SigningError as exc:
                raise ServiceError(str(exc)) from None
        return Signer(self.device_id, self.device_label(), self._key)

    def own_key(self) -> OwnKey:
        signer = self.signer()
        return OwnKey(signer.device_id, signer.label, signer.fingerprint)

    def export_public_key(self, out: str | Path) -> Path:
        """Write this device's public key (for the resource centre to register it)."""
        signer = self.signer()
        out = Path(out)
        try:
            out.write_bytes(public_key_pem(signer.public_key, signer.label, signer.device_id))
        except OSError as exc:
            raise ServiceError(f"Impossible d'écrire « {out} » : {exc.strerror or exc}.") from None
        return out

    # -- keys accepted from other devices --------------------------------------------------------
    def trusted_keys(self, evaluation_id: str | None = None) -> list[trust.TrustedKey]:
        with self.read() as s:
            return trust.trusted_keys(s, evaluation_id)

    def key_of(self, key: str | Path) -> KeyCandidate:
        """A key given as a fingerprint, a public key file (.pem, from `export_public_key`) or a
        results file (.evalkit: the key that signed it, its signature checked)."""
        from desktop_app.sync.bundle import peek_manifest
        from desktop_app.sync.signing import decode_key

        text = str(key).strip()
        fp = normalise_fingerprint(text)
        if fp is not None:
            return KeyCandidate(None, fp)
        path = Path(text).expanduser()
        if not path.is_file():
            raise ServiceError(
                f"« {text[:80]} » n'est ni un fichier de clé publique ou de résultats, ni une empreinte "
                "(32 chiffres hexadécimaux, par exemple 7F3A-9C12-…)."
            )
        if path.suffix.lower() == SUFFIX:
            try:
                manifest = peek_manifest(path)
            except BundleError as exc:
                raise ServiceError(str(exc)) from None
            public = decode_key(manifest["device"].get("public_key"))
            assert public is not None  # checked with the signature
            ev = manifest["evaluation"]
            return KeyCandidate(
                public, fingerprint(public), str(manifest["device"].get("label", ""))[:200], ev["id"],
                str(ev.get("territory_name") or ev.get("title") or "")[:120],
            )
        try:
            public = read_public_key_file(path)
        except SigningError as exc:
            raise ServiceError(str(exc)) from None
        return KeyCandidate(public, fingerprint(public))

    def trust(
        self, evaluation_id: str | None, key: str | Path, replace: bool = False, label: str = ""
    ) -> tuple[trust.TrustedKey, list[trust.TrustedKey]]:
        """Accept the bundles of an evaluation signed by `key` (see `key_of`), on purpose: a
        territory's key registered in advance by the resource centre, or a new laptop. With
        `replace`, the evaluation's other keys are dropped. Given a results file, the evaluation
        may be left out: the file's."""
        candidate = self.key_of(key)
        eid = (evaluation_id or candidate.evaluation_id or "").strip()
        if not eid:
            raise ServiceError("Indiquez l'évaluation pour laquelle accepter cette clé (son identifiant).")
        if len(eid) > 36:
            raise ServiceError("Identifiant d'évaluation invalide.")
        if candidate.evaluation_id and candidate.evaluation_id != eid:
            raise ServiceError("Ce fichier de résultats est celui d'une autre évaluation.")
        if candidate.fingerprint == self.own_key().fingerprint:
            raise ServiceError("C'est la clé de ce poste : ses propres fichiers sont toujours acceptés.")
        with self.tx() as s:
            return trust.register(
                s, eid, public_key=candidate.public_key, fp=candidate.fingerprint, replace=replace, label=label or candidate.label
            )

    def untrust(self, evaluation_id: str, key: str) -> None:
        fp = normalise_fingerprint(key)
        if fp is None:
            raise ServiceError(f"« {key[:80]} » n'est pas une empreinte de clé.")
        with self.tx() as s:
            if not trust.remove(s, evaluation_id, fp):
                raise ServiceError(f"La clé {fp} n'est pas enregistrée pour cette évaluation.")

    # -- encryption to the resource centre (optional, `sync/envelope.py`) -------------------------
    def own_centre_key(self) -> str:
        """Fingerprint of this device's encryption key (what a resource centre hands out)."""
        from desktop_app.sync.envelope import centre_key, raw_public

        try:
            return fingerprint(raw_public(centre_key(self.device_id)))
        except SigningError as exc:
            raise ServiceError(str(exc)) from None

    def export_centre_key(self, out: str | Path) -> Path:
        """Write this device's encryption public key, for the territories to encrypt to it."""
        from desktop_app.sync.envelope import centre_key, public_pem, raw_public

        out = Path(out)
        try:
            out.write_bytes(public_pem(raw_public(centre_key(self.device_id)), self.device_label()))
        except SigningError as exc:
            raise ServiceError(str(exc)) from None
        except OSError as exc:
            raise ServiceError(f"Impossible d'écrire « {out} » : {exc.strerror or exc}.") from None
        return out

    def centre_key(self) -> str | None:
        """Fingerprint of the resource centre's key registered here, None if none is."""
        from desktop_app.sync.signing import decode_key

        with self.read() as s:
            row = s.get(Meta, CENTRE_KEY)
            key = decode_key(row.value) if row is not None else None
        return fingerprint(key) if key else None

    def set_centre_key(self, path: str | Path | None) -> str | None:
        """Register the resource centre's encryption key (its file), or forget it (None)."""
        from desktop_app.sync.envelope import read_public_pem
        from desktop_app.sync.signing import encode_key

        value = ""
        if path is not None:
            try:
                value = encode_key(read_public_pem(Path(path).expanduser()))
            except SigningError as exc:
                raise ServiceError(str(exc)) from None
        with self.tx() as s:
            row = s.get(Meta, CENTRE_KEY)
            if row is None:
                s.add(Meta(key=CENTRE_KEY, value=value))
            else:
                row.value = value
        return self.centre_key()

    def _seal(self, result: ExportResult) -> ExportResult:
        import dataclasses

        from desktop_app.sync.envelope import seal
        from desktop_app.sync.signing import decode_key

        with self.read() as s:
            row = s.get(Meta, CENTRE_KEY)
            recipient = decode_key(row.value) if row is not None else None
        assert recipient is not None  # checked before exporting
        out = result.path
        plain = out.with_name(f".{out.name}.{os.getpid()}.clair")
        try:
            os.replace(out, plain)
            seal(plain, out, recipient)
        except SigningError as exc:
            raise ServiceError(str(exc)) from None
        finally:
            plain.unlink(missing_ok=True)
        return dataclasses.replace(result, file_sha256=file_checksum(out))

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
        if not bundle.kit_files:
            try:
                self.services.kits.get(kit["id"], kit["version"])
            except ServiceError:
                raise ServiceError(
                    f"« {Path(path).name} » : le kit {kit['id']} {kit['version']} n'est pas disponible sur ce poste : "
                    "mettez l'application à jour."
                ) from None
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
                return self._import(bundles, progress, offset=len(paths), total=len(paths) * 2)
            finally:  # freed before the collector resumes: it would otherwise walk them all once more
                for bundle in bundles:
                    if getattr(bundle, "envelope", None) is not None:
                        bundle.envelope.close()
                bundles.clear()
                shared.clear()

    def import_bundle(self, path: str | Path) -> dict[str, Any]:
        return self.import_bundles([path])[0]

    def _import(self, bundles: list[Bundle], progress: Progress | None, offset: int = 0, total: int = 0) -> list[dict[str, Any]]:
        own = self.signer().public_key
        try:  # whose signatures: checked before anything is written (the attachments first)
            with self.read() as s:
                trust.check_senders(s, bundles, own, pin=False)
        except trust.UntrustedKeyError as exc:
            raise UnknownSigner(exc) from None
        except BundleError as exc:
            raise ServiceError(str(exc)) from None
        for bundle in bundles:  # content-addressed, idempotent: before the transaction
            for sha in bundle.attachments:
                if not self.services.attachments.has_blob(sha):
                    self.services.attachments.put_bytes(bundle.attachment_bytes(sha), sha)
        label = bundles[0].path.name if len(bundles) == 1 else f"{len(bundles)} fichiers"

        def on_table(done: int, count: int) -> None:
            if progress:
                progress(offset + done * len(bundles) // count, total or len(bundles), f"Import de {label}")

        try:
            with self.tx() as s:
                trust.check_senders(s, bundles, own, pin=True)  # again, in the transaction: pins the new keys
                merged = import_bundles(s, bundles, self.device_id, self._shipped_kit, on_table)
                results, events = [], []
                for bundle, res in zip(bundles, merged, strict=True):
                    res.attachments = len(bundle.attachments)
                    summary = res.as_dict()
                    events.append(dict(
                        direction="received", file_name=bundle.path.name[:255], file_sha256=bundle.file_sha256 or _sha(bundle.path),
                        data_digest=str(bundle.manifest.get("data_digest", ""))[:64], evaluation_id=bundle.evaluation_id,
                        peer_device=bundle.device_id, status="ok", counts=summary, message="",
                    ))
                    results.append(summary)
                received_events(s, events)
        except BundleError as exc:
            raise ServiceError(str(exc)) from None
        except SQLAlchemyError as exc:  # rolled back: nothing was written
            log.exception("bundle import failed")
            names = ", ".join(b.path.name for b in bundles)
            raise ServiceError(
                f"« {names} » n'a pas pu être importé : ses données ne s'accordent pas avec cette base "
                f"({exc.__class__.__name__}). Rien n'a été modifié."
            ) from None
        return results

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
        from desktop_app.sync.folder import synchronise

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


_SHIPPED: dict[tuple, tuple[str, str, str]] = {}


def shipped_kit(forms_dir: Path) -> tuple[str, str, str]:
    """(id, version, digest) of the kit in `forms_dir`, ("", "", "") when it is not usable.
    Kept per folder and state of its files (name, size, modification time)."""
    import yaml

    from desktop_app.kit.loader import KIT_FILE, files_digest, read_folder

    try:
        state = tuple(
            (p.as_posix(), st.st_size, st.st_mtime_ns) for p in sorted(Path(forms_dir).rglob("*.y*ml")) for st in [p.stat()]
        )
    except OSError:
        state = None
    key = (str(forms_dir), state)
    if state is not None and key in _SHIPPED:
        return _SHIPPED[key]
    try:
        files = read_folder(forms_dir)
        manifest = yaml.load(files.get(KIT_FILE, ""), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:  # noqa: BLE001 - no usable shipped kit: every kit copy gets validated
        return ("", "", "")
    if not isinstance(manifest, dict):
        return ("", "", "")
    found = (str(manifest.get("id", "")), str(manifest.get("version", "")), files_digest(files))
    if state is not None:
        _SHIPPED.clear()
        _SHIPPED[key] = found
    return found


def _sha(path: Path) -> str:
    return file_checksum(path)
