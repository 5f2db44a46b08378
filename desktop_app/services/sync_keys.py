"""This device's identity for exchanges, and the keys accepted from others: part of `services.sync`.

`SyncKeys` is mixed into `SyncService` (`services/sync.py`): the device's label (« Poste-7F3A »,
renamable, what other machines see instead of its host name), its signing key (`signer`,
`own_key`, `export_public_key`), the keys accepted per evaluation (`trusted_keys`, `trust`,
`untrust`: `desktop_app.sync.trust`), and the optional encryption to the resource centre
(`own_centre_key`, `export_centre_key`, `centre_key`, `set_centre_key`: `desktop_app.sync.envelope`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from desktop_app.services.base import ServiceError
from desktop_app.store.models import Meta
from desktop_app.sync import trust
from desktop_app.sync.bundle import SUFFIX, BundleError, file_checksum
from desktop_app.sync.outgoing import ExportResult
from desktop_app.sync.signing import (
    Signer,
    SigningError,
    device_key,
    fingerprint,
    normalise_fingerprint,
    public_key_pem,
    read_public_key_file,
)

LABEL_KEY = "device_label"
MAX_LABEL = 40
CENTRE_KEY = "centre_encryption_key"  # the resource centre's public key results may be encrypted to


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


class SyncKeys:
    """The device's label and keys (see the module's docstring); mixed into `SyncService`."""

    _key = None  # this device's signing key, once read

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
        return Signer(self.device_id, self.device_label(), self._signing_key())

    def own_public_key(self) -> bytes:
        """This device's public key (`signer().public_key`, without reading its label)."""
        return Signer(self.device_id, "", self._signing_key()).public_key

    def _signing_key(self):
        if self._key is None:
            try:
                self._key = device_key(self.device_id)
            except SigningError as exc:
                raise ServiceError(str(exc)) from None
        return self._key

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
