"""Shared set-up for the reference tests: a kit carrying the fixture QPV list, and a tiny
synthetic npm tarball of the « découpage administratif » package (no network in tests)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from tests.kit_versions import make_version

QPV_LIST = Path(__file__).resolve().parent / "fixtures" / "reference" / "qpv_list.yaml"
QPV_KIT_VERSION = "9.0.0"  # newer than any shipped kit: a new evaluation uses it


def kit_with_qpv_list(dest: Path) -> Path:
    """A copy of the shipped kit, version QPV_KIT_VERSION, with the fixture QPV list."""
    folder = make_version(dest, QPV_KIT_VERSION, changes=False)
    kit = folder / "kit.yaml"
    kit.write_text(kit.read_text(encoding="utf-8") + "\n" + QPV_LIST.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def tarball(files: dict[str, object], version: str = "0.0.1") -> bytes:
    """An npm package tarball (files under package/) holding package.json and the given data."""
    members = {"package/package.json": {"name": "@etalab/decoupage-administratif", "version": version},
               **{f"package/{name}": data for name, data in files.items()}}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return buf.getvalue()


SMALL_COMMUNES = [
    {"code": "01001", "nom": "L'Abergement-Clémenciat", "type": "commune-actuelle", "departement": "01",
     "siren": "210100012"},
    {"code": "59350", "nom": "Lille", "type": "commune-actuelle", "departement": "59", "siren": "215903501",
     "anciensCodes": ["59298", "59355"]},
    {"code": "59009", "nom": "Villeneuve-d'Ascq", "type": "commune-actuelle", "departement": "59", "siren": "215900097"},
    {"code": "98411", "nom": "Îles Saint-Paul et Nouvelle-Amsterdam", "type": "commune-actuelle", "departement": "984"},
    {"code": "01015", "nom": "Arbignieu", "type": "commune-deleguee", "departement": "01", "chefLieu": "01015"},
    {"code": "13201", "nom": "Marseille 1er Arrondissement", "type": "arrondissement-municipal", "commune": "13055"},
    {"code": "13055", "nom": "Marseille", "type": "commune-actuelle", "departement": "13", "siren": "211300553"},
]
SMALL_EPCI = [
    {"code": "200093201", "nom": "Métropole Européenne de Lille", "type": "METRO",
     "membres": [{"code": "59350", "nom": "Lille"}, {"code": "59009", "nom": "Villeneuve-d'Ascq"}]},
]
