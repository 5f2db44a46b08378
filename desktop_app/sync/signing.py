"""Device keys and bundle signatures: Ed25519 through the `cryptography` library.

Every device (database) signs the bundles it writes with its own Ed25519 key pair. The private
key lives in the user's data directory, one file per device id (`<data dir>/cles/<device>.pem`,
mode 0600 in a 0700 folder on POSIX; on Windows the data directory is in the user's profile,
which only they can read), never in the database: users send database files around (to the
resource centre for help, to a colleague), and a copy of the database must not carry the power
to sign in that laptop's name. A database copied to another computer therefore signs with a new
key there, which its receivers see as a new laptop to accept on purpose.

The signature covers the exact bytes of `manifest.json`, which declares the signer's public key
and the SHA-256 of every other entry (and the digest of the records): checking the signature and
then every digest checks the whole bundle. The signature itself is the entry `signature.json`.

A key is shown to people as its fingerprint: the first 16 bytes of the SHA-256 of the raw public
key, in hexadecimal groups of four (`7F3A-9C12-…`), what they compare over the phone.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
SIGNATURE_ENTRY = "signature.json"
KEYS_FOLDER = "cles"
FINGERPRINT_HEX = 32  # hexadecimal digits of a fingerprint (128 bits)
_DEVICE_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_B64_KEY_RE = re.compile(r"^[A-Za-z0-9+/]{43}=$")  # 32 bytes in base64
_B64_SIG_RE = re.compile(r"^[A-Za-z0-9+/]{86}==$")  # 64 bytes in base64


class SigningError(Exception):
    """A key that cannot be created, read or used; the message is French."""


def keys_dir() -> Path:
    from desktop_app import paths

    return paths.data_dir() / KEYS_FOLDER


# -- fingerprints and public keys -------------------------------------------------------------
def fingerprint(public_key: bytes) -> str:
    """The fingerprint people compare: `7F3A-9C12-…` (8 groups of 4 hexadecimal digits)."""
    digest = hashlib.sha256(public_key).hexdigest()[:FINGERPRINT_HEX].upper()
    return "-".join(digest[i : i + 4] for i in range(0, FINGERPRINT_HEX, 4))


def normalise_fingerprint(text: str) -> str | None:
    """A fingerprint typed or pasted by someone (spaces, colons, dashes, lower case): its
    canonical form, or None when it is not one."""
    digits = re.sub(r"[\s:\-]", "", text or "").upper()
    if len(digits) != FINGERPRINT_HEX or not re.fullmatch(r"[0-9A-F]+", digits):
        return None
    return "-".join(digits[i : i + 4] for i in range(0, FINGERPRINT_HEX, 4))


def encode_key(public_key: bytes) -> str:
    return base64.b64encode(public_key).decode("ascii")


def decode_key(text: object) -> bytes | None:
    """A public key as written in a manifest (base64 of the 32 raw bytes), None if malformed."""
    if not isinstance(text, str) or not _B64_KEY_RE.match(text):
        return None
    return base64.b64decode(text)


def decode_signature(text: object) -> bytes | None:
    if not isinstance(text, str) or not _B64_SIG_RE.match(text):
        return None
    return base64.b64decode(text)


def verify(public_key: bytes, signature: bytes, data: bytes) -> bool:
    """True when `signature` is the Ed25519 signature of `data` by `public_key`."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def read_public_key_file(path: Path) -> bytes:
    """The raw public key in a file written by `export_public_key` (PEM), or any PEM or DER
    Ed25519 public key; SigningError (French) otherwise."""
    try:
        data = Path(path).read_bytes()[:100_000]
    except OSError as exc:
        raise SigningError(f"Impossible de lire « {path} » : {exc.strerror or exc}.") from None
    loaders = (serialization.load_pem_public_key, serialization.load_der_public_key)
    for load in loaders:
        try:
            key = load(data)
        except (ValueError, TypeError):
            continue
        if isinstance(key, Ed25519PublicKey):
            return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        raise SigningError(f"« {Path(path).name} » n'est pas une clé Ed25519 d'EvalKit Quartiers.")
    raise SigningError(f"« {Path(path).name} » n'est pas un fichier de clé publique (PEM) d'EvalKit Quartiers.")


def public_key_pem(public_key: bytes, label: str = "", device_id: str = "") -> bytes:
    """The public key as a PEM file, preceded by readable comment lines (ignored by readers)."""
    pem = Ed25519PublicKey.from_public_bytes(public_key).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head = f"Clé publique EvalKit Quartiers\nPoste : {label}\nIdentifiant : {device_id}\nEmpreinte : {fingerprint(public_key)}\n"
    return head.encode("utf-8") + pem


# -- this device's key ------------------------------------------------------------------------
@dataclass(frozen=True)
class Signer:
    """What signs this device's bundles: its id, its label (shown to receivers) and its key."""

    device_id: str
    label: str
    key: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.key.sign(data)).decode("ascii")


def key_path(device_id: str, folder: Path | None = None, suffix: str = "") -> Path:
    if not _DEVICE_RE.match(device_id or ""):
        raise SigningError("Identifiant de poste invalide : impossible de trouver sa clé de signature.")
    return (folder or keys_dir()) / f"{device_id}{suffix}.pem"


def device_key(device_id: str, folder: Path | None = None) -> Ed25519PrivateKey:
    """This device's private key: read from its file, created there the first time."""
    path = key_path(device_id, folder)
    if not path.exists():
        _create(path, Ed25519PrivateKey.generate, "de signature")
    return _load(path, Ed25519PrivateKey, "de signature")


def private_key(path: Path, generate, kind: type, what: str):
    """A private key of another kind kept the same way (`envelope.py`: the key results are
    encrypted to): read from `path`, created there the first time."""
    if not path.exists():
        _create(path, generate, what)
    return _load(path, kind, what)


def _private_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)


def _create(path: Path, generate, what: str) -> None:
    """A new key written to a private temporary file, then moved into place only if no other
    process got there first (their key is then the one kept)."""
    _private_folder(path.parent)
    pem = generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = path.with_name(f".{path.stem}-{os.getpid()}-{os.urandom(4).hex()}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            if os.name == "nt":
                os.rename(tmp, path)  # refuses to replace an existing file
            else:
                os.link(tmp, path)  # idem, atomically
        except FileExistsError:
            pass
    except OSError as exc:
        raise SigningError(
            f"Impossible de créer la clé {what} de ce poste dans « {path.parent} » : {exc.strerror or exc}."
        ) from None
    finally:
        if tmp.exists():
            tmp.unlink(missing_ok=True)


def _load(path: Path, kind: type, what: str):
    try:
        if os.name == "posix" and path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)  # readable by others (copied by hand?): made private again
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise SigningError(f"Impossible de lire la clé {what} de ce poste (« {path} ») : {exc.strerror or exc}.") from None
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, kind):
        raise SigningError(
            f"La clé {what} de ce poste (« {path} ») est illisible. Restaurez-la depuis une sauvegarde, "
            "ou supprimez ce fichier pour en créer une nouvelle (les autres postes devront alors accepter la "
            "nouvelle clé de ce poste)."
        )
    return key
