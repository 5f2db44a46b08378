"""The official administrative reference (communes, EPCI) shipped in resources/reference/.

Read on first use only (`load_reference`, cached: never at start-up), from the compact file
`scripts/refresh_reference.py` derives from the Etalab « découpage administratif » package.
Lookups by INSEE code and SIREN, EPCI search for completion, and the repairs of codes a
spreadsheet damaged that the reference makes certain (« 1001 » -> « 01001 » when 01001 exists).
`reference_info` reads only the small metadata file (version, licence, counts).
"""

from __future__ import annotations

import hashlib
import json
import logging
import lzma
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from desktop_app import paths
from desktop_app.core import identifiers as ids
from desktop_app.core.errors import ServiceError
from desktop_app.core.reference_build import decode, departement_of

log = logging.getLogger(__name__)

DATA_FILE = "decoupage-administratif.json.xz"
CACHE_FORMAT = 1  # the tables below; a cache of another format is rebuilt
META_FILE = "decoupage-administratif.meta.json"

# the reference's EPCI types -> the Cadrage's (core.cadrage.EPCI_TYPES)
EPCI_KINDS = {"CC": "cc", "CA": "ca", "CU": "cu", "METRO": "metropole", "MET69": "metropole"}
EPCI_TYPE_LABELS = {"CC": "Communauté de communes", "CA": "Communauté d'agglomération", "CU": "Communauté urbaine",
                    "METRO": "Métropole", "MET69": "Métropole de Lyon"}


@dataclass(frozen=True, slots=True)
class RefCommune:
    insee: str
    name: str
    departement: str
    siren: str
    epci: str  # SIREN of its EPCI, "" for the few communes outside any (islands, overseas)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.insee})"


@dataclass(frozen=True, slots=True)
class RefEpci:
    siren: str
    name: str
    type: str  # CC, CA, CU, METRO, MET69
    members: tuple[str, ...]  # INSEE codes

    @property
    def kind(self) -> str:
        """The Cadrage's EPCI type (`core.cadrage.EPCI_TYPES` key)."""
        return EPCI_KINDS.get(self.type, "")

    @property
    def label(self) -> str:
        """What the completion shows and accepts: « CA du Douaisis Agglo (200044618) »."""
        return f"{self.name} ({self.siren})"


def fold(text: str) -> str:
    """Text compared without case, accents, punctuation nor « Saint »/« St » differences."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").casefold()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"\bst(e?)\b", r"saint\1", text)
    return " ".join(text.split())


# generic words of EPCI names, compared apart from the territory's own name
_EPCI_WORDS = {
    "ca": "communaute agglomeration", "cc": "communaute communes", "cu": "communaute urbaine",
    "agglo": "agglomeration", "metro": "metropole",
}
_GENERIC = {"communaute", "agglomeration", "communes", "commune", "urbaine", "metropole", "de", "du", "des", "la",
            "le", "les", "l", "d", "et", "en", "sur", "a", "aux", "au", "pays", "territoire", "intercommunalite"}


def _significant(name: str) -> set[str]:
    words = " ".join(_EPCI_WORDS.get(w, w) for w in fold(name).split()).split()
    return {w for w in words if w not in _GENERIC}


def same_epci_name(typed: str, official: str) -> bool:
    """Whether a name typed for an EPCI designates the official one (« Communauté d'agglomération
    du Douaisis » for « CA du Douaisis Agglo »): the territory's own words of the shorter are all
    in the other."""
    a, b = _significant(typed), _significant(official)
    if not a or not b:
        return fold(typed) == fold(official)
    return a <= b or b <= a


class _Lookup(Mapping[str, Any]):
    """A read-only mapping over one table of the reference's in-memory database."""

    def __init__(self, ref: Reference, table: str, key: str, make: Callable[[tuple], Any]):
        self._ref, self._make = ref, make
        self._get = f"SELECT * FROM {table} WHERE {key} = ?"
        self._keys = f"SELECT {key} FROM {table} ORDER BY {key}"
        self._count = f"SELECT count(*) FROM {table}"

    def __getitem__(self, key: str) -> Any:
        row = self._ref._one(self._get, (key,))
        if row is None:
            raise KeyError(key)
        return self._make(row)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._ref._one(self._get, (key,)) is not None

    def __iter__(self) -> Iterator[str]:
        return iter([k for (k,) in self._ref._all(self._keys)])

    def __len__(self) -> int:
        return self._ref._one(self._count)[0]


class Reference:
    """The loaded reference: `communes` by INSEE code, `epcis` by SIREN (read-only mappings).

    Kept for the whole session once read (the Cadrage checks every code typed against it), in a
    SQLite database rather than as Python objects: 35,000 communes took 19 MB of the window's
    memory as objects. A lookup is one indexed query (microseconds; the checks make a few dozen).
    The database is derived once from the shipped file into the user's cache folder
    (`load_reference`); later sessions open it instead of decoding the file again (0.1 s).
    Thread-safe: the GUI reads it in a task, then uses it."""

    def __init__(self, db: sqlite3.Connection, info: dict[str, Any]):
        self.info = info
        self._lock = threading.Lock()
        self._db = db
        self.communes: Mapping[str, RefCommune] = _Lookup(self, "commune", "insee", lambda r: RefCommune(*r))
        self.epcis: Mapping[str, RefEpci] = _Lookup(
            self, "epci", "siren", lambda r: RefEpci(r[0], r[1], r[2], tuple(r[3].split()))
        )
        # 4,240 former codes and 45 districts: plain dictionaries
        self.former_codes: dict[str, str] = dict(self._all("SELECT old, new FROM former_code"))
        self.districts: dict[str, str] = dict(self._all("SELECT code, commune FROM district"))

    @classmethod
    def build(cls, data: dict[str, Any], info: dict[str, Any], db: sqlite3.Connection | None = None) -> Reference:
        """The reference from the shipped file's decoded content, written into `db` (in memory
        by default)."""
        col = data["communes"]
        exceptions = data.get("departements", {})
        epci_of = {m: siren for siren, _, _, members in data["epci"] for m in members}
        db = db or sqlite3.connect(":memory:", check_same_thread=False)
        db.executescript(
            "CREATE TABLE commune (insee TEXT PRIMARY KEY, name TEXT, departement TEXT, siren TEXT, epci TEXT)"
            " WITHOUT ROWID;"
            "CREATE INDEX commune_siren ON commune (siren);"
            "CREATE TABLE epci (siren TEXT PRIMARY KEY, name TEXT, type TEXT, members TEXT) WITHOUT ROWID;"
            "CREATE TABLE former_code (old TEXT PRIMARY KEY, new TEXT) WITHOUT ROWID;"
            "CREATE TABLE district (code TEXT PRIMARY KEY, commune TEXT) WITHOUT ROWID;"
            f"PRAGMA user_version = {CACHE_FORMAT};"
        )
        db.executemany("INSERT INTO commune VALUES (?, ?, ?, ?, ?)", (
            (code, name, exceptions.get(code) or departement_of(code), siren, epci_of.get(code, ""))
            for code, name, siren in zip(col["code"], col["nom"], col["siren"], strict=True)
        ))
        db.executemany("INSERT INTO epci VALUES (?, ?, ?, ?)", (
            (siren, name, kind, " ".join(members)) for siren, name, kind, members in data["epci"]
        ))
        db.executemany("INSERT INTO former_code VALUES (?, ?)", data.get("anciens_codes", {}).items())
        db.executemany("INSERT INTO district VALUES (?, ?)", data.get("arrondissements", {}).items())
        db.commit()
        return cls(db, info)

    def _one(self, sql: str, params: tuple = ()) -> tuple | None:
        with self._lock:
            return self._db.execute(sql, params).fetchone()

    def _all(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    @property
    def version(self) -> str:
        return str(self.info.get("version", ""))

    def communes_among(self, codes: Iterable[str]) -> dict[str, RefCommune]:
        """{code: commune} of those of `codes` the reference knows, in one query per 500 codes
        (an EPCI's members, a Cadrage's communes)."""
        wanted = sorted({c for c in codes if c})
        out: dict[str, RefCommune] = {}
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            sql = f"SELECT * FROM commune WHERE insee IN ({', '.join('?' * len(part))})"
            out.update((row[0], RefCommune(*row)) for row in self._all(sql, tuple(part)))
        return out

    def is_commune_siren(self, siren: str) -> bool:
        """Whether `siren` (normalised, 9 digits) is a commune's."""
        return self._one("SELECT 1 FROM commune WHERE siren = ? LIMIT 1", (siren,)) is not None

    @cached_property
    def _epci_index(self) -> list[tuple[str, str, str]]:
        """(folded « name (SIREN) », name, SIREN) of every EPCI, by name: the search's list."""
        rows = self._all("SELECT siren, name FROM epci")
        return sorted(((fold(f"{name} ({siren})"), name, siren) for siren, name in rows), key=lambda p: p[1])

    def commune(self, insee: str) -> RefCommune | None:
        return self.communes.get(ids.normalize_insee(insee))

    def epci(self, siren: str) -> RefEpci | None:
        return self.epcis.get(ids.normalize_siren(siren))

    def epci_labels(self) -> list[str]:
        """Every EPCI as « Nom (SIREN) », sorted by name (the completion's list)."""
        return [f"{name} ({siren})" for _, name, siren in self._epci_index]

    def find_epci(self, text: str) -> RefEpci | None:
        """The EPCI a completion label, a SIREN or an exact name designates (None if not one)."""
        text = (text or "").strip()
        m = re.search(r"\((\d{9})\)\s*$", text) or re.fullmatch(r"(\d[\d\s.]{8,})", text)
        if m:
            return self.epci(m.group(1))
        folded = fold(text)
        matches = [siren for _, name, siren in self._epci_index if fold(name) == folded]
        return self.epcis[matches[0]] if len(matches) == 1 else None

    def search_epci(self, text: str, limit: int = 20) -> list[RefEpci]:
        """EPCI whose name or SIREN contains every word typed (accents and case ignored)."""
        words = fold(text).split()
        if not words:
            return []
        found = [siren for key, _, siren in self._epci_index if all(w in key for w in words)]
        return [self.epcis[siren] for siren in found[:limit]]

    def repair_insee(self, value: object) -> str | None:
        """The code a spreadsheet damaged, when the reference makes it certain: « 1001 » (a number
        that lost its leading 0) -> « 01001 » if 01001 exists. None otherwise (`normalize_insee`
        already drops the « .0 » a spreadsheet adds; other codes are never guessed)."""
        code = ids.normalize_insee(value)
        if re.fullmatch(r"\d{4}", code) and "0" + code in self.communes:
            return "0" + code
        return None

    def repair_siren(self, value: object, epci_only: bool = False) -> str | None:
        """A SIREN a spreadsheet turned into a number (« 200044618.0 », « 2.00044618E+8 ») or
        into a SIRET whose establishment number was lost (« 21860194600000.0 », « 2.18601946E+13 »),
        when the result is a valid SIREN the reference knows (an EPCI's, or a commune's)."""
        siren = ids.siren_from_spreadsheet(value)
        if not siren or siren == ids.normalize_siren(str(value or "")):
            return None
        known = siren in self.epcis or (not epci_only and self.is_commune_siren(siren))
        return siren if known else None


_lock = threading.Lock()
_loaded: dict[Path, Reference] = {}


def reference_dir() -> Path:
    return paths.resource("reference")


def reference_info(folder: Path | None = None) -> dict[str, Any]:
    """The metadata of the shipped reference (version, source, licences, counts), without
    loading the data."""
    path = (folder or reference_dir()) / META_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ServiceError(f"Le référentiel administratif est introuvable ou illisible ({path}) : {exc}") from None


def reference_loaded(folder: Path | None = None) -> bool:
    """Whether the reference is already in memory (then checking against it costs nothing)."""
    with _lock:
        return (folder or reference_dir()).resolve() in _loaded


def load_reference(folder: Path | None = None) -> Reference:
    """The reference, read on first use and kept (thread-safe: the GUI loads it in a task).

    The shipped file is decoded into a SQLite database once, kept in the cache folder under the
    digest of the file it comes from; later sessions open that database (a refreshed reference
    has another digest and is derived again). Without a usable cache folder, the database is
    made in memory."""
    folder = (folder or reference_dir()).resolve()
    with _lock:
        ref = _loaded.get(folder)
        if ref is None:
            info = reference_info(folder)
            try:
                raw = (folder / DATA_FILE).read_bytes()
            except OSError as exc:
                raise ServiceError(f"Le référentiel administratif est illisible ({folder / DATA_FILE}) : {exc}") from None
            cache = _cache_path(raw)
            ref = _open_cache(cache, info) if cache is not None else None
            if ref is None:
                try:
                    data = decode(raw)
                except (ValueError, lzma.LZMAError) as exc:
                    raise ServiceError(
                        f"Le référentiel administratif est illisible ({folder / DATA_FILE}) : {exc}"
                    ) from None
                ref = Reference.build(data, info)
                if cache is not None:
                    _write_cache(ref, cache)
            _loaded[folder] = ref
        return ref


def _cache_path(raw: bytes) -> Path | None:
    try:
        folder = paths.cache_dir()
    except OSError:
        return None
    return folder / f"reference-{hashlib.sha256(raw).hexdigest()[:24]}.sqlite"


def _open_cache(path: Path, info: dict[str, Any]) -> Reference | None:
    """The reference from its cached database, or None when it is missing or not whole."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        try:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            (count,) = db.execute("SELECT count(*) FROM commune").fetchone()
            expected = (info.get("counts") or {}).get("communes")
            if version != CACHE_FORMAT or (expected is not None and count != expected):
                raise sqlite3.DatabaseError("not the expected content")
            return Reference(db, info)
        except sqlite3.Error:
            db.close()
            raise
    except sqlite3.Error as exc:
        log.warning("reference cache %s not used (%s): derived again", path.name, exc.__class__.__name__)
        return None


def _write_cache(ref: Reference, path: Path) -> None:
    """Keep the derived database for the next sessions (written aside, then renamed: a session
    starting meanwhile never opens half a file); older caches of the reference are removed."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        paths.create_private_file(tmp)
        target = sqlite3.connect(tmp)
        try:
            with ref._lock:
                ref._db.backup(target)
        finally:
            target.close()
        os.replace(tmp, path)
        for old in path.parent.glob("reference-*.sqlite"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, sqlite3.Error) as exc:
        log.warning("reference cache not written (%s)", exc.__class__.__name__)
        tmp.unlink(missing_ok=True)
