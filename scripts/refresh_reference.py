"""Refresh the administrative reference shipped in resources/reference/ (communes and EPCI).

    .venv/bin/python scripts/refresh_reference.py                 # the package's « latest » version
    .venv/bin/python scripts/refresh_reference.py --version 6.0.0 # a given version (one per year)
    .venv/bin/python scripts/refresh_reference.py --tarball decoupage-administratif-6.0.0.tgz \
        --integrity sha512-…                                      # a tarball already downloaded

Source: the npm package @etalab/decoupage-administratif (data under the Licence Ouverte Etalab,
code MIT; see resources/reference/README.md). The script
1. reads the package's metadata from the npm registry (the one npm is configured with:
   `--registry URL`, else $npm_config_registry, else `npm config get registry`),
2. downloads the version's tarball with urllib and checks it against the integrity hash the
   registry publishes (SHA-512); a version already shipped must keep the hash recorded in
   decoupage-administratif.meta.json (a republished tarball is refused),
3. derives the compact file (desktop_app/core/reference_build.py: current communes, EPCI and
   their members, former codes of merged communes, municipal districts) and writes
   decoupage-administratif.json.xz and decoupage-administratif.meta.json beside it.
Nothing is written when a step fails (French message, exit code 1). Then run
tests/core/test_reference.py and commit the two files with the version in the message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop_app.core import reference_build as rb  # noqa: E402

OUT_DIR = ROOT / "resources" / "reference"
DATA_FILE = "decoupage-administratif.json.xz"
META_FILE = "decoupage-administratif.meta.json"
TIMEOUT = 120


def registry_url(given: str | None) -> str:
    url = given or os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY")
    if not url and shutil.which("npm"):
        url = subprocess.run(["npm", "config", "get", "registry"], capture_output=True, text=True,
                             timeout=60).stdout.strip()
    if not url:
        raise rb.ReferenceBuildError("Registre npm inconnu : passez --registry URL (npm n'est pas installé).")
    return url.rstrip("/") + "/"


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - an https registry URL
        return response.read()


def package_dist(registry: str, version: str | None) -> tuple[str, str, str]:
    """(version, tarball URL, integrity) from the registry's metadata of the package."""
    doc = json.loads(_get(registry + urllib.parse.quote(rb.PACKAGE, safe="@")))
    version = version or doc.get("dist-tags", {}).get("latest", "")
    info = doc.get("versions", {}).get(version)
    if not info:
        raise rb.ReferenceBuildError(f"Version {version!r} de {rb.PACKAGE} introuvable sur le registre.")
    dist = info.get("dist", {})
    if not dist.get("tarball") or not dist.get("integrity"):
        raise rb.ReferenceBuildError(f"Le registre ne donne ni archive ni empreinte pour {rb.PACKAGE}@{version}.")
    return version, dist["tarball"], dist["integrity"]


def build(tarball: bytes, integrity: str, out_dir: Path, retrieved: str | None = None) -> dict:
    """Check the tarball, derive the reference and write both files into out_dir; returns the
    metadata written. Refuses a version already recorded there with another hash."""
    rb.verify_integrity(tarball, integrity)
    package, communes, epcis = rb.read_package(tarball)
    meta_path = out_dir / META_FILE
    if meta_path.is_file():
        old = json.loads(meta_path.read_text(encoding="utf-8"))
        if old.get("version") == package.get("version") and old.get("integrity") not in ("", rb.integrity_of(tarball)):
            raise rb.ReferenceBuildError(
                f"La version {old['version']} est déjà livrée avec une autre empreinte ({old['integrity']}) : "
                "archive republiée ? Rien n'a été écrit."
            )
    derived = rb.derive(communes, epcis)
    data = rb.encode(derived)
    meta = rb.metadata(package, derived, rb.integrity_of(tarball), retrieved or dt.date.today().isoformat(), len(data))
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / (DATA_FILE + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out_dir / DATA_FILE)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Mettre à jour le référentiel administratif (communes, EPCI).")
    p.add_argument("--version", help="version du paquet (par défaut : la dernière publiée)")
    p.add_argument("--registry", help="URL du registre npm (par défaut : celui de npm)")
    p.add_argument("--tarball", type=Path, help="archive .tgz déjà téléchargée (avec --integrity)")
    p.add_argument("--integrity", help="empreinte de l'archive (sha512-…), obligatoire avec --tarball")
    p.add_argument("--out", type=Path, default=OUT_DIR, help="dossier de sortie")
    args = p.parse_args(argv)
    try:
        if args.tarball:
            if not args.integrity:
                raise rb.ReferenceBuildError("--integrity est obligatoire avec --tarball.")
            tarball, integrity = args.tarball.read_bytes(), args.integrity
        else:
            version, url, integrity = package_dist(registry_url(args.registry), args.version)
            print(f"Téléchargement de {rb.PACKAGE}@{version}…")
            tarball = _get(url)
        meta = build(tarball, integrity, args.out)
    except (rb.ReferenceBuildError, OSError, ValueError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    counts = meta["counts"]
    print(f"{meta['package']} {meta['version']} : {counts['communes']} communes, {counts['epci']} EPCI, "
          f"{meta['data_bytes'] // 1024} Ko écrits dans {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
