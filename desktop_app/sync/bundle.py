"""Result bundles (`.evalkit`): one zip per evaluation — write, verify, read.

Layout of the zip:
    manifest.json            format version, app and kit versions, device (id, label chosen by
                             its user, public key), evaluation, export time, privacy level,
                             record counts, digest of the records, SHA-256 and size of every file
    signature.json           the device's Ed25519 signature of manifest.json (`signing.py`)
    records/<table>.json     the evaluation's records of that table (JSON, see `records.py`)
    versions.json            per table and record, the version ids the sender has held
    kit/snapshot.json        the files of the evaluation's kit version (so the receiver can open it)
    attachments/<sha256>     the attachments' content, named by hash

Reading trusts nothing. The signature of the manifest is checked against the public key it
declares (whether that key is the one expected for the evaluation is the importer's business:
`trust.py`), then every digest it declares: each entry's SHA-256 and the digest of all records
(`data_digest`). A bundle without a signature (format 1) is refused. The file size, the
number of entries, every entry's name (no absolute path, no `..`, no backslash, no link, only names the manifest lists), its size, its compression
ratio and the total are checked before anything is decompressed; entries are read with a size
cap and compared with the manifest's SHA-256 and size; every record is checked against its table.
Nothing is ever extracted to disk: attachments go to the content-addressed store through
`AttachmentService.put_bytes`, which verifies their hash again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from desktop_app import __version__
from desktop_app.sync.batch import TableBatch, read_batch
from desktop_app.sync.codec import codec
from desktop_app.sync.records import EVALUATIONS, RecordError, table_map
from desktop_app.sync.signing import (
    ALGORITHM,
    SIGNATURE_ENTRY,
    Signer,
    decode_key,
    decode_signature,
    fingerprint,
    verify,
)

FORMAT = "evalkit-bundle"
FORMAT_VERSION = 2  # 2: signed (format 1 had no signature and is refused)
SIGNED_SINCE = 2
MAX_SIGNATURE_BYTES = 4096
SUFFIX = ".evalkit"

MAX_BUNDLE_BYTES = 2 * 1024**3  # the .evalkit file itself
MAX_ENTRIES = 50_000
MAX_MANIFEST_BYTES = 16 * 1024**2
MAX_JSON_BYTES = 512 * 1024**2  # one records file, uncompressed
MAX_ENTRY_BYTES = 256 * 1024**2  # any entry, uncompressed (attachments: 200 Mo at most)
MAX_TOTAL_BYTES = 4 * 1024**3  # all entries, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for entries past RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
KEEP_ATTACHMENTS_BYTES = 32 * 1024**2  # attachments kept in memory once verified, per bundle
IN_MEMORY_BYTES = 64 * 1024**2  # a bundle up to this size is read in one go

NEWER_FORMAT = "Ce fichier a été produit par une version plus récente d'EvalKit Quartiers : mettez l'application à jour."
UNSIGNED = (
    "ce fichier n'est pas signé (il a été produit par une version antérieure d'EvalKit Quartiers) : son origine "
    "ne peut pas être vérifiée, il est refusé. Demandez à son expéditeur de mettre l'application à jour puis "
    "d'exporter ses résultats à nouveau."
)
BAD_SIGNATURE = (
    "la signature ne correspond pas au contenu : le fichier a été modifié après son export (ou endommagé). "
    "Rien n'a été importé ; demandez à son expéditeur de l'exporter à nouveau."
)
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_HEX_DIGITS = str.maketrans("", "", "0123456789abcdef")  # deleted: a text of hex digits leaves nothing
NAME_RE = re.compile(r"^(manifest\.json|versions\.json|kit/snapshot\.json|records/[a-z0-9_]{1,80}\.json|attachments/[0-9a-f]{64})$")


class BundleError(Exception):
    """A bundle that cannot be imported; the message is French and names the file."""


class Records(Mapping[str, list[dict[str, Any]]]):
    """A bundle's records, table -> records (encoded JSON). The tables checked as a whole
    (`batches`) are parsed into records only when asked for (a record-by-record merge)."""

    def __init__(self, path: Path, parsed: dict[str, list[Any]], batches: dict[str, TableBatch], order: list[str]):
        self._path = path
        self._parsed = parsed
        self._batches = batches
        self._names = order  # the tables in the order of their files

    def __getitem__(self, table: str) -> list[dict[str, Any]]:
        found = self._parsed.get(table)
        if found is None:
            batch = self._batches[table]  # KeyError: no such table
            found = self._parsed[table] = _load_json_quick(self._path, batch.raw, f"records/{table}.json", exact=True)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


@dataclass
class Bundle:
    """A verified bundle: its manifest, records (encoded JSON), version histories, kit files."""

    path: Path
    manifest: dict[str, Any]
    records: Mapping[str, list[dict[str, Any]]]
    versions: dict[str, dict[str, list[str]]]
    kit_files: dict[str, str] | None
    attachments: list[str] = field(default_factory=list)  # sha256 of the attachments inside
    # table -> its records checked and decoded (column -> Python value), in the same order
    decoded: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    # table -> its records checked as a whole (`batch.read_batch`): not decoded one by one
    batches: dict[str, TableBatch] = field(default_factory=dict, repr=False)
    file_sha256: str = ""  # of the .evalkit file itself
    _attachment_data: dict[str, bytes] = field(default_factory=dict, repr=False)  # verified content

    @property
    def evaluation_id(self) -> str:
        return self.manifest["evaluation"]["id"]

    @property
    def device_id(self) -> str:
        return self.manifest["device"]["id"]

    @property
    def device_label(self) -> str:
        """The sender's device label, as shown in messages (printable characters only)."""
        label = str(self.manifest["device"].get("label", ""))[:200]
        return "".join(c if c.isprintable() else " " for c in label).strip()

    @cached_property
    def public_key(self) -> bytes:
        """The signer's public key (the signature was checked against it while reading);
        decoded once (an import asks for it a few times per file)."""
        key = decode_key(self.manifest["device"].get("public_key"))
        assert key is not None  # checked by _check_manifest
        return key

    @cached_property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    @property
    def privacy(self) -> str:
        return self.manifest.get("privacy", "complete")

    @property
    def redacted(self) -> dict[str, list[str]]:
        return self.manifest.get("redacted", {})

    def count(self, table: str) -> int:
        """How many records of `table` the bundle carries (without parsing a batch)."""
        batch = self.batches.get(table)
        if batch is not None:
            return len(batch)
        rows = self.records.get(table)
        return len(rows) if isinstance(rows, list) else 0

    def attachment_bytes(self, sha256: str) -> bytes:
        kept = self._attachment_data.get(sha256)
        if kept is not None:
            return kept
        name = f"attachments/{sha256}"
        with zipfile.ZipFile(self.path) as zf:
            return _read_entry(zf, zf.getinfo(name), self.manifest["files"][name], MAX_ENTRY_BYTES, self.path)


# -- writing ----------------------------------------------------------------------------------
def records_digest(privacy: str, tables: Mapping[str, bytes]) -> str:
    """The manifest's `data_digest`: SHA-256 of `{"privacy": …, "rows": {table: records}}` in
    canonical JSON (keys sorted, compact), written from the bytes of the records entries as
    they are in the file. It is `records.digest({"rows": rows, "privacy": privacy})` for the
    rows these entries were written from (`outgoing.collect`), and checked on import."""
    h = hashlib.sha256()
    h.update(b'{"privacy":' + json.dumps(privacy, ensure_ascii=False).encode("utf-8") + b',"rows":{')
    for i, table in enumerate(sorted(tables)):
        h.update((b"," if i else b"") + json.dumps(table, ensure_ascii=False).encode("utf-8") + b":")
        h.update(tables[table])
    h.update(b"}}")
    return h.hexdigest()


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def write_bundle(
    out: Path,
    *,
    evaluation: dict[str, Any],
    records: dict[str, list[dict[str, Any]]],
    versions: dict[str, dict[str, list[str]]],
    kit: dict[str, Any],
    kit_files: dict[str, str] | None,
    attachments: dict[str, Path],
    signer: Signer,
    privacy: str,
    redacted: dict[str, list[str]],
    excluded: dict[str, int],
    data_digest: str,
) -> dict[str, Any]:
    """Write the zip atomically (temporary file, then rename), signed by `signer`, and return its
    manifest. Its `data_digest` is worked out from the records entries written (`records_digest`),
    which is what receivers check; the `data_digest` given (the caller's, from the same rows: it
    decides whether anything changed since the last export) is the same value
    (tests/sync/test_sync_signing.py checks it)."""
    files: dict[str, dict[str, Any]] = {}
    payload: list[tuple[str, bytes | Path]] = []
    tables: dict[str, bytes] = {}

    def add(name: str, data: bytes) -> None:
        files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        payload.append((name, data))

    for table, rows in records.items():
        tables[table] = _json_bytes(rows)
        add(f"records/{table}.json", tables[table])
    add("versions.json", _json_bytes(versions))
    if kit_files:
        add("kit/snapshot.json", _json_bytes(kit_files))
    for sha, path in sorted(attachments.items()):
        files[f"attachments/{sha}"] = {"sha256": sha, "size": path.stat().st_size}
        payload.append((f"attachments/{sha}", path))
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "kit": kit,
        "device": {"id": signer.device_id, "label": signer.label, "public_key": encode_public(signer)},
        "evaluation": {k: evaluation.get(k, "") for k in ("id", "title", "territory_name", "generation")},
        "exported_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "privacy": privacy,
        "redacted": redacted,
        "excluded": excluded,
        "counts": {table: len(rows) for table, rows in records.items()},
        "data_digest": records_digest(privacy, tables),
        "files": files,
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            zf.writestr("manifest.json", manifest_bytes)
            zf.writestr(SIGNATURE_ENTRY, json.dumps({"algorithm": ALGORITHM, "signature": signer.sign(manifest_bytes)}))
            for name, data in payload:
                if isinstance(data, Path):
                    zf.write(data, name, compress_type=zipfile.ZIP_STORED)
                else:
                    zf.writestr(name, data)
        os.replace(tmp, out)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BundleError(f"Impossible d'écrire « {out} » : {exc.strerror or exc}.") from None
    return manifest


def encode_public(signer: Signer) -> str:
    from desktop_app.sync.signing import encode_key

    return encode_key(signer.public_key)


# -- reading ----------------------------------------------------------------------------------
def file_checksum(path: Path) -> str:
    """SHA-256 of a file, read by blocks."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _fail(path: Path, message: str) -> BundleError:
    return BundleError(f"« {path.name} » : {message}")


class IncompleteBundle(BundleError):
    """A file that ends before its zip directory does: still being copied, or a copy cut short.
    Nothing was imported; the sync folder reads it again next time."""


INCOMPLETE = (
    "le fichier est incomplet (copie interrompue, ou encore en cours) : rien n'a été importé. "
    "Il sera relu à la prochaine synchronisation ; s'il reste incomplet, copiez-le de nouveau."
)


def zip_is_complete(path: Path) -> bool:
    """False when the file begins as a zip but does not end with a zip's end-of-directory record:
    a copy cut short, or still growing (whatever zip directory is found in it belongs to a file
    inside, an attached document say)."""
    try:
        with path.open("rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return True  # not the beginning of a zip: not a copy in progress either
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 22 - 65535))
            tail = fh.read()
    except OSError:
        return False
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail) or at + 22 + int.from_bytes(tail[at + 20 : at + 22], "little") != len(tail):
        return False
    cd_size, cd_offset = int.from_bytes(tail[at + 12 : at + 16], "little"), int.from_bytes(tail[at + 16 : at + 20], "little")
    if cd_offset == 0xFFFFFFFF:  # zip64: the offsets are elsewhere
        return True
    # the directory ends where the record begins: a zip inside, cut after, starts further on
    return cd_offset + cd_size == size - len(tail) + at


def _unreadable(path: Path, message: str) -> BundleError:
    """The error for a file that cannot be read as a bundle: an incomplete copy says so."""
    return IncompleteBundle(f"« {path.name} » : {INCOMPLETE}") if not zip_is_complete(path) else _fail(path, message)


def _check_name(path: Path, info: zipfile.ZipInfo) -> None:
    name = info.filename
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or "\\" in name:
        raise _fail(path, f"chemin refusé dans l'archive ({name[:80]}).")
    if any(part in ("..", ".", "") for part in name.split("/")):
        raise _fail(path, f"chemin refusé dans l'archive ({name[:80]}).")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode) or info.is_dir():
        raise _fail(path, f"lien ou dossier refusé dans l'archive ({name[:80]}).")
    if info.flag_bits & 0x1:
        raise _fail(path, "l'archive est chiffrée.")


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, expected: dict[str, Any], cap: int, path: Path) -> bytes:
    size = expected.get("size")
    if not isinstance(size, int) or size < 0 or size > cap:
        raise _fail(path, f"taille refusée pour « {info.filename} ».")
    if info.file_size != size:
        raise _fail(path, f"la taille de « {info.filename} » ne correspond pas au manifeste : fichier modifié ou endommagé.")
    try:
        with zf.open(info) as fh:
            data = fh.read(size + 1)  # at most one byte past the announced size
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error):
        raise _fail(path, "le fichier est incomplet ou endommagé (contenu illisible).") from None
    if len(data) > size:
        raise _fail(path, f"« {info.filename} » est plus gros qu'annoncé.")
    if len(data) != size or hashlib.sha256(data).hexdigest() != expected.get("sha256"):
        raise _fail(path, f"l'empreinte de « {info.filename} » ne correspond pas : fichier modifié ou endommagé.")
    return data


def _read_stored(zf: zipfile.ZipFile, info: zipfile.ZipInfo, expected: dict[str, Any], cap: int, path: Path, stored: bytes | None) -> bytes:
    """`_read_entry` from the entry's bytes as stored (`_stored_bytes`), inflated by zlib in one
    call. Only the plain case is done here (and checked against the manifest's SHA-256 all the
    same); anything else (another compression, a stream that does not end where it should) is
    read the usual way, which says what is wrong."""
    size = expected.get("size")
    if stored is None or not isinstance(size, int) or size < 0 or size > cap or info.file_size != size:
        return _read_entry(zf, info, expected, cap, path)
    if info.compress_type == zipfile.ZIP_STORED:
        data = stored
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflate = zlib.decompressobj(-15)
        try:
            data = inflate.decompress(stored, size + 1)  # at most one byte past the announced size
        except zlib.error:
            return _read_entry(zf, info, expected, cap, path)
        if not inflate.eof or inflate.unused_data or inflate.unconsumed_tail:
            return _read_entry(zf, info, expected, cap, path)
    else:
        return _read_entry(zf, info, expected, cap, path)
    if len(data) != size or hashlib.sha256(data).hexdigest() != expected.get("sha256"):
        return _read_entry(zf, info, expected, cap, path)
    return data


def _load_json(path: Path, data: bytes, name: str) -> Any:
    """Parse with the standard library (the reference: what it accepts, and the values)."""
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _fail(path, f"« {name} » n'est pas un JSON valide.") from None
    except RecursionError:  # thousands of nested brackets: no bundle is written so
        raise _fail(path, f"« {name} » est imbriqué trop profondément : fichier refusé.") from None


def _load_json_quick(path: Path, data: bytes, name: str, *, exact: bool) -> Any:
    """Parse with orjson (2× quicker) when it gives what `_load_json` gives, otherwise with it.

    orjson refuses what the standard library takes beyond strict JSON (NaN, Infinity, lone
    surrogates, numbers out of range of a double): those files go to the standard library. It
    also reads an integer beyond 64 bits as a float: with `exact`, its result is kept only when
    written back (compact, keys in the order read: the form bundles are written in) it gives the
    very bytes read, which no number read differently can; without, the caller refuses any value
    that is not a string where numbers could differ (the version histories, the kit copy)."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return _load_json(path, data, name)
    if exact and orjson.dumps(value) != data:
        return _load_json(path, data, name)
    return value


def _check_manifest(path: Path, manifest: Any) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _fail(path, "ce n'est pas un fichier de résultats EvalKit Quartiers.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(path, "version de format invalide.")
    if version > FORMAT_VERSION:
        raise BundleError(f"« {path.name} » : {NEWER_FORMAT}")
    if version < SIGNED_SINCE:
        raise _fail(path, UNSIGNED)
    for key, kind in (("files", dict), ("evaluation", dict), ("device", dict), ("kit", dict), ("counts", dict)):
        if not isinstance(manifest.get(key), kind):
            raise _fail(path, f"manifeste incomplet (« {key} » manquant).")
    for key in ("id",):
        if not isinstance(manifest["evaluation"].get(key), str) or not isinstance(manifest["device"].get(key), str):
            raise _fail(path, "manifeste incomplet (évaluation ou poste).")
    if not isinstance(manifest["kit"].get("id"), str) or not isinstance(manifest["kit"].get("version"), str):
        raise _fail(path, "manifeste incomplet (kit).")
    if decode_key(manifest["device"].get("public_key")) is None:
        raise _fail(path, "manifeste incomplet (clé publique du poste absente ou invalide).")
    if not isinstance(manifest.get("data_digest"), str) or not SHA_RE.match(manifest["data_digest"]):
        raise _fail(path, "manifeste incomplet (empreinte des données absente ou invalide).")
    if manifest.get("privacy", "complete") not in ("complete", "pseudonymised"):
        raise _fail(path, "niveau de confidentialité inconnu.")
    for name, entry in manifest["files"].items():
        if not NAME_RE.match(name) or not isinstance(entry, dict) or not SHA_RE.match(str(entry.get("sha256", ""))):
            raise _fail(path, f"entrée du manifeste refusée ({str(name)[:80]}).")


def _zip_entries(path: Path, zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _fail(path, "trop de fichiers dans l'archive.")
    entries: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        _check_name(path, info)
        if info.filename in entries:
            raise _fail(path, f"entrée en double ({info.filename[:80]}).")
        if info.file_size > MAX_ENTRY_BYTES and not info.filename.startswith("records/"):
            raise _fail(path, f"« {info.filename[:80]} » est trop volumineux.")
        if info.file_size > MAX_JSON_BYTES:
            raise _fail(path, f"« {info.filename[:80]} » est trop volumineux.")
        # records are bounded by MAX_JSON_BYTES alone: texts the store accepts (store.text_guard)
        # may be repetitive enough to pass any ratio, and must not make a bundle unreadable
        if (info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
                and not info.filename.startswith("records/")):
            raise _fail(path, "taux de compression anormal (bombe de décompression) : fichier refusé.")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _fail(path, "contenu décompressé trop volumineux : fichier refusé.")
        entries[info.filename] = info
    return entries


def peek_manifest(path: str | Path) -> dict[str, Any]:
    """Only the manifest, checked (to recognise a file before verifying all of it)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise _fail(path, "fichier trop volumineux.")
        with zipfile.ZipFile(path) as zf:
            entries = _zip_entries(path, zf)
            info = entries.get("manifest.json")
            if info is None or info.file_size > MAX_MANIFEST_BYTES:
                raise _unreadable(path, "manifeste absent : ce n'est pas un fichier de résultats EvalKit Quartiers.")
            raw = zf.read(info)
            manifest = _load_json(path, raw, "manifest.json")
            _check_manifest(path, manifest)
            _check_signature(path, zf, entries, raw, manifest)
    except OSError:
        raise BundleError(f"Fichier illisible : {path}") from None
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error) as exc:
        if isinstance(exc, BundleError):
            raise
        raise _unreadable(path, "le fichier est endommagé (ce n'est pas une archive lisible).") from None
    return manifest


def _check_signature(path: Path, zf: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], raw: bytes, manifest: dict[str, Any]) -> None:
    """The manifest's bytes signed by the key the manifest declares (checked by `_check_manifest`)."""
    info = entries.get(SIGNATURE_ENTRY)
    if info is None:
        raise _fail(path, "signature absente : " + UNSIGNED.split(" : ", 1)[1])
    if info.file_size > MAX_SIGNATURE_BYTES:
        raise _fail(path, "signature illisible.")
    try:
        signed = json.loads(zf.read(info).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error):
        raise _fail(path, "signature illisible.") from None
    signature = decode_signature(signed.get("signature")) if isinstance(signed, dict) else None
    if signature is None or signed.get("algorithm") != ALGORITHM:
        raise _fail(path, "signature illisible.")
    key = decode_key(manifest["device"].get("public_key"))
    if key is None or not verify(key, signature, raw):
        raise _fail(path, BAD_SIGNATURE)


def read_bundle(path: str | Path, shared: dict[str, Any] | None = None, *, batches: bool = True) -> Bundle:
    """Open and verify a whole bundle; raise BundleError (French) at the first problem.

    `shared`: a dict kept across the bundles of one import, so that a kit copy several of them
    carry (same SHA-256, checked in each) is parsed once. `batches`: check the tables that can
    be as a whole (`batch.read_batch`), their records parsed only when asked for; without, every
    record is parsed and decoded."""
    path = Path(path)
    return finish_reading(read_file(path, {} if shared is None else shared), batches=batches)


@dataclass
class FileRead:
    """A bundle file read and its entries verified, not yet parsed (`read_file`)."""

    path: Path
    manifest: dict[str, Any] = field(default_factory=dict)
    file_sha256: str = ""
    raw: list[tuple[str, bytes]] = field(default_factory=list)  # records and versions, in name order
    kit_files: Any = None
    attachments: list[str] = field(default_factory=list)
    kept: dict[str, bytes] = field(default_factory=dict)
    failure: BundleError | None = None  # the first problem met, after the entries of `raw`


def read_file(path: Path, shared: dict[str, Any]) -> FileRead:
    """The reading half of `read_bundle`: the file and its checksum, the zip's directory, the
    manifest, every entry decompressed and compared with the manifest, the attachments, the kit
    copy (parsed once per import). A problem is kept, not raised: the entries before it are
    still parsed first (`finish_reading`), so that the problem reported is the one a reading in
    order meets first."""
    read = FileRead(path)
    try:
        _read_into(read, shared)
    except BundleError as exc:
        read.failure = exc
    return read


# Text is cleaned at the door of every database (`store.text_guard`: no C0 control but tab and
# line feed, no bidi override), so a bundle written by the application never carries one. In the
# JSON bytes they appear as an escape after an odd number of backslashes (\u0000-\u001f, \b, \f)
# or as raw UTF-8 (U+202A-202E, U+2066-2069). A carriage return is let through: harmless to every
# back end and export, and texts stored before the door was cleaned may hold one. One found means
# a hostile or broken file: refused before anything is written, so both back ends store the same
# thing and no export meets a character it cannot write (openpyxl's IllegalCharacterError).
_DIRTY_ESCAPE = re.compile(rb"\\(?:u00(?:0[0-8bcefBCEF]|1[0-9a-fA-F])|[bf])")
_BIDI_OVERRIDE = re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])")


def has_dirty_text(raw: bytes) -> bool:
    """Whether JSON bytes carry a control character or a bidi override in a string. Each
    search starts with a fixed byte, which the regular expression engine looks for at C speed
    (one pattern with both alternatives tried every position: 30 times slower); the escapes
    only in bytes holding a backslash at all. An escape counts when an even number of
    backslashes precedes it (otherwise it is a typed backslash, "\\\\u0000" in JSON)."""
    if _BIDI_OVERRIDE.search(raw) is not None:
        return True
    if b"\\" not in raw:
        return False
    for m in _DIRTY_ESCAPE.finditer(raw):
        start = m.start()
        j = start - 1
        while j >= 0 and raw[j] == 0x5C:
            j -= 1
        if (start - 1 - j) % 2 == 0:
            return True
    return False


def _check_clean_text(path: Path, name: str, raw: bytes) -> None:
    if has_dirty_text(raw):
        raise _fail(path, f"« {name} » contient des caractères de contrôle ou de direction du texte qu'EvalKit "
                          "n'enregistre jamais : fichier modifié ou endommagé, rien n'a été importé. "
                          "Demandez à l'expéditeur de l'exporter de nouveau.")


def finish_reading(read: FileRead, *, batches: bool = True) -> Bundle:
    """The parsing half of `read_bundle`: records and histories parsed and checked."""
    path = read.path
    records: dict[str, list[dict[str, Any]]] = {}
    checked: dict[str, TableBatch] = {}
    versions: dict[str, dict[str, list[str]]] = {}
    order: list[str] = []
    tables = table_map() if batches and read.failure is None else {}
    eid = read.manifest["evaluation"]["id"] if tables else ""
    for name, raw in read.raw:
        if name == "versions.json":
            versions = _load_json_quick(path, raw, name, exact=False)
            continue
        table = name[len("records/"):-len(".json")]
        order.append(table)
        _check_clean_text(path, name, raw)
        batch = read_batch(tables[table], raw, eid) if table in tables else None
        if batch is not None:
            checked[table] = batch
        else:
            records[table] = _load_json_quick(path, raw, name, exact=True)
    if read.failure is not None:
        raise read.failure
    bundle = Bundle(
        path, read.manifest, Records(path, records, checked, order), versions, read.kit_files, read.attachments,
        batches=checked, file_sha256=read.file_sha256, _attachment_data=read.kept,
    )
    check_structure(bundle)
    return bundle


def _read_into(read: FileRead, shared: dict[str, Any]) -> None:
    path = read.path
    try:
        size = path.stat().st_size
    except OSError:
        raise BundleError(f"Fichier introuvable : {path}") from None
    if size > MAX_BUNDLE_BYTES:
        raise _fail(path, "fichier trop volumineux.")
    content: bytes | None = None
    try:
        if size <= IN_MEMORY_BYTES:  # one read: its checksum, then the zip read from memory
            content = path.read_bytes()
            read.file_sha256 = hashlib.sha256(content).hexdigest()
            zf = zipfile.ZipFile(io.BytesIO(content))
        else:
            read.file_sha256 = file_checksum(path)
            zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable(path, "le fichier est endommagé (ce n'est pas une archive lisible).") from None

    def stored(info: zipfile.ZipInfo) -> bytes | None:
        if content is not None:
            return _stored_bytes(io.BytesIO(content), info)
        try:
            with path.open("rb") as fh:
                return _stored_bytes(fh, info)
        except OSError:
            return None

    with zf:
        entries = _zip_entries(path, zf)
        if "manifest.json" not in entries:
            raise _unreadable(path, "manifeste absent : ce n'est pas un fichier de résultats EvalKit Quartiers.")
        info = entries["manifest.json"]
        if info.file_size > MAX_MANIFEST_BYTES:
            raise _fail(path, "manifeste trop volumineux.")
        try:
            raw = zf.read(info)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error):
            raise _fail(path, "le fichier est incomplet ou endommagé (manifeste illisible).") from None
        manifest = _load_json(path, raw, "manifest.json")
        _check_manifest(path, manifest)
        _check_signature(path, zf, entries, raw, manifest)
        read.manifest = manifest  # from here on, the manifest is the signer's
        listed = manifest["files"]
        extra = set(entries) - set(listed) - {"manifest.json", SIGNATURE_ENTRY}
        if extra:
            raise _fail(path, f"fichier non déclaré dans l'archive ({sorted(extra)[0][:80]}).")
        missing = set(listed) - set(entries)
        if missing:
            raise _fail(path, f"fichier manquant dans l'archive ({sorted(missing)[0][:80]}) : fichier incomplet.")
        kept_size = 0
        for name in sorted(listed):
            if name.startswith("attachments/"):
                info = entries[name]  # as stored (usually not compressed), checked against its SHA-256
                blob = _read_stored(zf, info, listed[name], MAX_ENTRY_BYTES, path, stored(info))
                sha = name.split("/", 1)[1]
                read.attachments.append(sha)
                if kept_size + len(blob) <= KEEP_ATTACHMENTS_BYTES:  # verified: no second read
                    read.kept[sha] = blob
                    kept_size += len(blob)
            elif name == "kit/snapshot.json":  # the same kit in every bundle: verified in full once
                read.kit_files = _shared_entry(zf, path, entries[name], listed[name], shared, stored(entries[name]))
            else:  # parsed by finish_reading
                info = entries[name]
                read.raw.append((name, _read_stored(zf, info, listed[name], MAX_JSON_BYTES, path, stored(info))))
        tables = {name[len("records/"):-len(".json")]: raw for name, raw in read.raw if name.startswith("records/")}
        if records_digest(manifest.get("privacy", "complete"), tables) != manifest["data_digest"]:
            raise _fail(
                path, "l'empreinte des données (data_digest) ne correspond pas aux enregistrements du fichier : "
                "fichier falsifié ou produit par un logiciel défectueux. Rien n'a été importé."
            )


def _stored_bytes(fh: BinaryIO, info: zipfile.ZipInfo) -> bytes | None:
    """An entry's bytes as stored (compressed), read after its local header; None when that
    header is not the plain one the central directory describes (then read it the usual way)."""
    try:
        fh.seek(info.header_offset)
        header = fh.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            return None
        flags, name_len, extra_len = struct.unpack("<H", header[6:8])[0], *struct.unpack("<HH", header[26:30])
        raw_name = fh.read(name_len)
        if raw_name.decode("utf-8" if flags & 0x800 else "cp437") != info.orig_filename:
            return None
        fh.seek(extra_len, os.SEEK_CUR)
        data = fh.read(info.compress_size)
    except (OSError, UnicodeDecodeError, struct.error):
        return None
    return data if len(data) == info.compress_size else None


def _shared_entry(
    zf: zipfile.ZipFile, path: Path, info: zipfile.ZipInfo, expected: dict[str, Any], shared: dict[str, Any], stored: bytes | None
) -> Any:
    """The kit copy's JSON. Each bundle carries the same one: when this entry's stored bytes are
    those of a copy already verified in this import (same compression, CRC and size), its
    content is that copy's, checked against the same SHA-256; otherwise it is read and checked."""
    key = ("kit", expected.get("sha256"), expected.get("size"), info.compress_type, info.CRC, info.file_size)
    known = shared.get(key)
    if known is not None and stored is not None and known[0] == stored:
        return known[1]
    data = _load_json_quick(path, _read_entry(zf, info, expected, MAX_JSON_BYTES, path), info.filename, exact=False)
    if stored is not None:
        shared[key] = (stored, data)
    return data


def check_structure(bundle: Bundle) -> None:
    """Every record fits its table and belongs to the bundle's evaluation; histories are hashes."""
    path, manifest = bundle.path, bundle.manifest
    tables = table_map()
    eid = bundle.evaluation_id
    unknown = set(bundle.records) - set(tables)
    if unknown:
        raise BundleError(
            f"« {path.name} » contient des données inconnues de cette version ({', '.join(sorted(unknown))}) : "
            "mettez l'application à jour."
        )
    batches = bundle.batches
    if EVALUATIONS in batches:
        ev_ids = batches[EVALUATIONS].ids
        if ev_ids != (eid,):
            raise _fail(path, "l'évaluation du fichier est absente ou ne correspond pas au manifeste.")
    else:
        ev_rows = bundle.records.get(EVALUATIONS, [])
        if len(ev_rows) != 1 or not isinstance(ev_rows[0], dict) or ev_rows[0].get("id") != eid:
            raise _fail(path, "l'évaluation du fichier est absente ou ne correspond pas au manifeste.")
    for table in bundle.records:
        batch = batches.get(table)
        if batch is not None:  # checked as a whole while reading (`batch.read_batch`)
            if manifest["counts"].get(table) != len(batch):
                raise _fail(path, f"nombre d'enregistrements de « {table} » différent du manifeste.")
            continue
        rows = bundle.records[table]
        if not isinstance(rows, list):
            raise _fail(path, f"table « {table} » mal formée.")
        if manifest["counts"].get(table) != len(rows):
            raise _fail(path, f"nombre d'enregistrements de « {table} » différent du manifeste.")
        bundle.decoded[table] = _check_rows(path, table, tables[table], rows, eid)
    if not isinstance(bundle.versions, dict):
        raise _fail(path, "historique des versions mal formé.")
    for per_record in bundle.versions.values():
        if not isinstance(per_record, dict):
            raise _fail(path, "historique des versions mal formé.")
        histories = list(per_record.values())
        if not set(map(type, histories)) <= {list}:
            raise _fail(path, "historique des versions mal formé.")
        # every version id a SHA-256 in hexadecimal: checked on all of them at once (what is left
        # once the digits 0-9a-f are taken out: nothing; a pattern took 1 ms per 5,000 ids)
        ids = list(chain.from_iterable(histories))
        if not set(map(type, ids)) <= {str} or not set(map(len, ids)) <= {64} or "".join(ids).translate(_HEX_DIGITS):
            raise _fail(path, "historique des versions mal formé.")
    if bundle.kit_files is not None and (
        not isinstance(bundle.kit_files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in bundle.kit_files.items())
    ):
        raise _fail(path, "copie du kit mal formée.")


def _check_rows(path: Path, table: str, st: Any, rows: list[Any], eid: str) -> list[dict[str, Any]]:
    """The records of one table decoded, each checked; the first problem in their order raised.
    All records decoded first, then the identifiers and evaluations checked on all of them at
    once; on any problem, record by record to say which comes first."""
    decode = codec(st).decode
    try:
        out = [decode(rec) for rec in rows]
    except RecordError:
        out = None
    if out is not None:
        ids = {d["id"] for d in out}
        evaluations = {d.get("evaluation_id", eid) for d in out}
        if len(ids) == len(out) and evaluations <= {eid}:
            return out
    seen = set()
    out = []
    for rec in rows:
        try:
            decoded = decode(rec)
        except RecordError as exc:
            raise _fail(path, f"enregistrement invalide — {exc}.") from None
        if decoded["id"] in seen:
            raise _fail(path, f"enregistrement en double dans « {table} ».")
        seen.add(decoded["id"])
        if "evaluation_id" in decoded and decoded["evaluation_id"] != eid:
            raise _fail(path, f"un enregistrement de « {table} » appartient à une autre évaluation.")
        out.append(decoded)
    return out


def iter_bundle_files(folder: Path) -> Iterator[Path]:
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.suffix == SUFFIX and not p.name.startswith("."):
            yield p
