"""Results encrypted to the resource centre (optional), as ODK's encrypted forms are to a server.

The resource centre has an X25519 key pair for this (`centre_key`, kept like the signing key:
`<data dir>/cles/<device>-chiffrement.pem`, readable by the user only) and hands its public key
to the territories (`evalkit sync keys --export-centre`). A territory registers it and exports
with `--chiffrer`: the whole signed bundle is then sealed, so that a file left on a USB key or
sent by e-mail is unreadable to anyone but the centre. Only the centre can open it; the bundle
inside is then read and checked like any other (signature, digests, pinned keys).

The envelope, through the `cryptography` library: an ephemeral X25519 key agreed with the
centre's public key, HKDF-SHA256 of the shared secret (bound to both public keys) as a one-time
AES-256-GCM key, the bundle encrypted in one piece with the header as associated data. Layout:
    EVALKIT-ENVELOPPE\\n
    {"format": "evalkit-enveloppe", "version": 1, "recipient": <fingerprint of the centre's key>,
     "ephemeral": <base64>, "nonce": <base64>, "size": <bytes of the bundle>}\\n
    <ciphertext and tag>
The bundle is held in memory while sealed or opened: sealed bundles are limited to MAX_SEALED.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop_app.sync.signing import SigningError, fingerprint, key_path, private_key

MAGIC = b"EVALKIT-ENVELOPPE\n"
FORMAT = "evalkit-enveloppe"
VERSION = 1
MAX_HEADER = 4096
MAX_SEALED = 512 * 1024**2
SUFFIX = "-chiffrement"


class EnvelopeError(SigningError):
    """An envelope that cannot be made or opened; the message is French."""


def centre_key(device_id: str, folder: Path | None = None) -> X25519PrivateKey:
    """This device's key for the results encrypted to it (created the first time)."""
    return private_key(key_path(device_id, folder, SUFFIX), X25519PrivateKey.generate, X25519PrivateKey, "de chiffrement")


def raw_public(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(public: bytes, label: str = "") -> bytes:
    pem = X25519PublicKey.from_public_bytes(public).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head = f"Clé de chiffrement du centre de ressources (EvalKit Quartiers)\nPoste : {label}\nEmpreinte : {fingerprint(public)}\n"
    return head.encode("utf-8") + pem


def read_public_pem(path: Path) -> bytes:
    try:
        data = Path(path).read_bytes()[:100_000]
    except OSError as exc:
        raise EnvelopeError(f"Impossible de lire « {path} » : {exc.strerror or exc}.") from None
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, X25519PublicKey):
        raise EnvelopeError(
            f"« {Path(path).name} » n'est pas une clé de chiffrement de centre de ressources "
            "(evalkit sync keys --export-centre sur le poste du centre)."
        )
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"evalkit-enveloppe-v1" + ephemeral + recipient).derive(shared)


def is_sealed(path: Path) -> bool:
    try:
        with Path(path).open("rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def seal(plain: Path, out: Path, recipient: bytes) -> None:
    """Write `plain` (a bundle) encrypted to `recipient` as `out`, atomically."""
    size = plain.stat().st_size
    if size > MAX_SEALED:
        raise EnvelopeError(
            f"Ce fichier de résultats est trop volumineux pour être chiffré ({size // 1024**2} Mo, "
            f"{MAX_SEALED // 1024**2} Mo au plus) : exportez-le sans chiffrement et transmettez-le par un moyen sûr."
        )
    ephemeral = X25519PrivateKey.generate()
    eph_pub = raw_public(ephemeral)
    nonce = os.urandom(12)
    header = json.dumps({
        "format": FORMAT, "version": VERSION, "recipient": fingerprint(recipient),
        "ephemeral": base64.b64encode(eph_pub).decode(), "nonce": base64.b64encode(nonce).decode(), "size": size,
    }).encode("utf-8")
    key = _key(ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient)), eph_pub, recipient)
    sealed = AESGCM(key).encrypt(nonce, plain.read_bytes(), MAGIC + header)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + header + b"\n")
            fh.write(sealed)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise EnvelopeError(f"Impossible d'écrire « {out} » : {exc.strerror or exc}.") from None


@dataclass
class Opened:
    """A sealed bundle opened into a private temporary folder, under its own name; the folder
    goes with this object (`close`, or when it is collected)."""

    path: Path
    folder: tempfile.TemporaryDirectory

    def close(self) -> None:
        self.folder.cleanup()


def open_sealed(path: Path, key: X25519PrivateKey) -> Opened:
    """Decrypt a sealed bundle with this device's key; EnvelopeError (French) when it is not
    for this device, or was altered."""
    name = Path(path).name
    try:
        with Path(path).open("rb") as fh:
            if fh.read(len(MAGIC)) != MAGIC:
                raise EnvelopeError(f"« {name} » n'est pas un fichier de résultats chiffré.")
            line = fh.readline(MAX_HEADER + 1)
            if not line.endswith(b"\n"):
                raise EnvelopeError(f"« {name} » : en-tête de chiffrement illisible.")
            data = fh.read(MAX_SEALED + 17)
    except OSError as exc:
        raise EnvelopeError(f"Impossible de lire « {name} » : {exc.strerror or exc}.") from None
    header = line[:-1]
    try:
        meta = json.loads(header.decode("utf-8"))
        ok = isinstance(meta, dict) and meta.get("format") == FORMAT
    except (UnicodeDecodeError, json.JSONDecodeError):
        ok = False
    if not ok:
        raise EnvelopeError(f"« {name} » : en-tête de chiffrement illisible.")
    if not isinstance(meta.get("version"), int) or meta["version"] > VERSION:
        raise EnvelopeError(f"« {name} » a été chiffré par une version plus récente d'EvalKit Quartiers : mettez l'application à jour.")
    mine = raw_public(key)
    if meta.get("recipient") != fingerprint(mine):
        raise EnvelopeError(
            f"« {name} » est chiffré pour un autre centre de ressources (clé {str(meta.get('recipient'))[:40]}, "
            f"celle de ce poste est {fingerprint(mine)}) : il ne peut pas être ouvert ici."
        )
    try:
        eph_pub = base64.b64decode(meta["ephemeral"], validate=True)
        nonce = base64.b64decode(meta["nonce"], validate=True)
        shared = key.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        plain = AESGCM(_key(shared, eph_pub, mine)).decrypt(nonce, data, MAGIC + header)
    except (KeyError, TypeError, ValueError, InvalidTag):
        raise EnvelopeError(f"« {name} » : le fichier chiffré a été modifié ou est endommagé ; il ne peut pas être ouvert.") from None
    folder = tempfile.TemporaryDirectory(prefix="evalkit-")  # 0700
    out = Path(folder.name) / name
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(plain)
    return Opened(out, folder)
