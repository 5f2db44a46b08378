"""Derive the compact administrative reference shipped with the application from the Etalab
« découpage administratif » npm package (its `data/communes.json` and `data/epci.json`).

Pure functions, no network: `scripts/refresh_reference.py` downloads the package tarball, checks
its integrity with `verify_integrity` and writes what `derive` returns with `write_reference`.
The derived file (`FORMAT` 1, JSON compressed with xz) keeps, column by column so that it packs
small, the current communes (type « commune-actuelle »: INSEE code, name, SIREN), the EPCI with
their SIREN, name, type and member INSEE codes, the former codes of merged communes and the
municipal districts (Paris, Lyon, Marseille) with their commune.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import lzma
import tarfile
from collections.abc import Mapping
from typing import Any

FORMAT = 1
PACKAGE = "@etalab/decoupage-administratif"
DATA_LICENCE = "Licence Ouverte / Open Licence (Etalab)"
CODE_LICENCE = "MIT"
UPSTREAM = "https://github.com/etalab/decoupage-administratif"


class ReferenceBuildError(ValueError):
    """The package is not what the refresh expects (French message)."""


def departement_of(insee: str) -> str:
    """The département of an INSEE code: 3 characters overseas (971…, 984…), 2 otherwise (2A, 59)."""
    return insee[:3] if insee[:2] in ("97", "98") else insee[:2]


def verify_integrity(data: bytes, integrity: str) -> None:
    """Check `data` against an npm integrity string (Subresource Integrity: « sha512-<base64> »,
    several separated by spaces); raises `ReferenceBuildError` when none matches."""
    for item in (integrity or "").split():
        algo, _, expected = item.partition("-")
        if algo not in ("sha512", "sha384", "sha256", "sha1"):
            continue
        if base64.b64encode(hashlib.new(algo, data).digest()).decode("ascii") == expected:
            return
    raise ReferenceBuildError(
        f"L'archive téléchargée ne correspond pas à l'empreinte publiée ({integrity or 'aucune'}) : rien n'a été écrit."
    )


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def read_package(tarball: bytes) -> tuple[dict, list[dict], list[dict]]:
    """(package.json, communes, epci) read from the npm tarball (files under `package/`)."""
    wanted = {"package/package.json": None, "package/data/communes.json": None, "package/data/epci.json": None}
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
            for member in tar:
                if member.name in wanted and member.isfile():
                    wanted[member.name] = json.load(tar.extractfile(member))
    except (tarfile.TarError, OSError, json.JSONDecodeError) as exc:
        raise ReferenceBuildError(f"Archive du paquet illisible : {exc}") from None
    missing = [name for name, value in wanted.items() if value is None]
    if missing:
        raise ReferenceBuildError(f"Fichiers absents de l'archive du paquet : {', '.join(missing)}")
    return wanted["package/package.json"], wanted["package/data/communes.json"], wanted["package/data/epci.json"]


def derive(communes: list[Mapping[str, Any]], epcis: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The compact reference (see the module docstring) from the package's two data files."""
    current = sorted((c for c in communes if c.get("type") == "commune-actuelle"), key=lambda c: c["code"])
    if not current:
        raise ReferenceBuildError("Aucune commune actuelle dans communes.json.")
    codes = {c["code"] for c in current}
    former: dict[str, str] = {}
    for c in current:
        for old in c.get("anciensCodes") or ():
            if old not in codes:
                former[old] = c["code"]
    districts = {c["code"]: c["commune"] for c in communes
                 if c.get("type") == "arrondissement-municipal" and c.get("commune") in codes}
    out_epci = []
    for e in sorted(epcis, key=lambda e: e["code"]):
        members = sorted(m["code"] for m in e.get("membres") or ())
        unknown = [m for m in members if m not in codes]
        if unknown:
            raise ReferenceBuildError(f"EPCI {e['code']} : membres absents des communes actuelles ({', '.join(unknown[:5])}).")
        out_epci.append([e["code"], e["nom"], e.get("type", ""), members])
    return {
        "format": FORMAT,
        "communes": {
            "code": [c["code"] for c in current],
            "nom": [c["nom"] for c in current],
            "siren": [c.get("siren") or "" for c in current],
        },
        # only where the rule of `departement_of` does not give the data's département
        "departements": {c["code"]: c["departement"] for c in current
                         if c.get("departement") and c["departement"] != departement_of(c["code"])},
        "epci": out_epci,
        "anciens_codes": dict(sorted(former.items())),
        "arrondissements": dict(sorted(districts.items())),
    }


def encode(derived: Mapping[str, Any]) -> bytes:
    """The derived reference as written in resources/reference (compact JSON, xz)."""
    raw = json.dumps(derived, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    # a 2 MiB dictionary holds the whole file (1.6 MB): the same size as preset 9's 64 MiB, but
    # reading it back needs 2 MiB instead of 65 (the window's peak memory pays for the difference)
    filters = [{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME, "dict_size": max(1 << 20, 1 << (len(raw) - 1).bit_length())}]
    return lzma.compress(raw, format=lzma.FORMAT_XZ, filters=filters)


def decode(data: bytes) -> dict[str, Any]:
    return json.loads(lzma.decompress(data))


def metadata(package: Mapping[str, Any], derived: Mapping[str, Any], integrity: str, retrieved: str,
             data_bytes: int) -> dict[str, Any]:
    """What is written beside the data: where it comes from, its version, licence and counts."""
    return {
        "name": "Découpage administratif (communes et EPCI à fiscalité propre)",
        "package": package.get("name", PACKAGE),
        "version": package.get("version", ""),
        "integrity": integrity,
        "source": f"paquet npm {package.get('name', PACKAGE)}@{package.get('version', '')} "
                  "(fichiers data/communes.json et data/epci.json)",
        "upstream": UPSTREAM,
        "producers": "Etalab / DINUM, d'après le Code officiel géographique de l'INSEE et la liste des EPCI à "
                     "fiscalité propre de la DGCL",
        "data_licence": DATA_LICENCE,
        "code_licence": CODE_LICENCE,
        "retrieved": retrieved,
        "counts": {
            "communes": len(derived["communes"]["code"]),
            "epci": len(derived["epci"]),
            "anciens_codes": len(derived["anciens_codes"]),
            "arrondissements": len(derived["arrondissements"]),
        },
        "data_file": "decoupage-administratif.json.xz",
        "data_bytes": data_bytes,
        "format": derived["format"],
    }
