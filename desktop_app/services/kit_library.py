"""Kit versions installed on this computer, beside the kit bundled with the application.

A resource centre publishes a new kit version as a `.zip` (`evalkit kit pack`) or a folder;
`install` validates it like `evalkit kit check` and copies its YAML files into the user's data
folder, `kits/<kit id>/<version>/`, with an `installation.json` saying where it came from and
the digest of its files. The folders are the user's only (0700, files 0600). A version is never
replaced: the same id and version with other content is refused, both digests in the message (a
centre that changes its kit gives it a new version number).

No database here: `evalkit kit install` and `kit list` work without one. `KitService` adds the
checks against the kit copies a database keeps.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from desktop_app import paths
from desktop_app.kit.compare import version_key
from desktop_app.kit.loader import Kit, KitError, load_folder
from desktop_app.kit.package import load_source
from desktop_app.services.errors import ServiceError

log = logging.getLogger(__name__)

INFO_FILE = "installation.json"
BUNDLED = "fourni avec l'application"


@dataclass(frozen=True)
class KitEntry:
    """One kit version available on this computer."""

    id: str
    version: str
    title: str
    digest: str
    origin: str  # BUNDLED, or the file or folder it was installed from
    installed_at: str = ""  # ISO date and time (UTC), "" for the bundled kit
    folder: str = ""

    @property
    def bundled(self) -> bool:
        return self.origin == BUNDLED

    @property
    def short_digest(self) -> str:
        return short(self.digest)

    def as_dict(self) -> dict:
        return {
            "id": self.id, "version": self.version, "title": self.title, "digest": self.digest,
            "origin": self.origin, "bundled": self.bundled, "installed_at": self.installed_at, "folder": self.folder,
        }


def short(digest: str) -> str:
    return digest[:12]


def kit_problems(exc: KitError, source: str | Path) -> ServiceError:
    problems = "\n".join(f"  - {p}" for p in exc.problems[:30])
    more = f"\n  … et {len(exc.problems) - 30} autres problèmes" if len(exc.problems) > 30 else ""
    return ServiceError(
        f"« {Path(source).name} » n'est pas un kit valide : rien n'a été installé. "
        f"Corrigez ces points (voir « evalkit kit check ») ou demandez la version corrigée au centre de ressources :\n"
        f"{problems}{more}"
    )


def conflict_message(kit_id: str, version: str, here: str, where: str, other: str, what: str) -> str:
    """Same id and version, other content: the French refusal, both digests in it."""
    return (
        f"La version {version} du kit « {kit_id} » existe déjà {where} avec un contenu différent "
        f"(empreinte {where} : {short(here)}, empreinte {what} : {short(other)}). "
        "Deux contenus ne peuvent pas porter le même numéro de version : demandez au centre de ressources "
        "une version numérotée autrement."
    )


class KitLibrary:
    def __init__(self, root: Path | None = None):
        self._root = root

    @property
    def root(self) -> Path:
        return self._root if self._root is not None else paths.data_dir() / "kits"

    def installed(self) -> list[KitEntry]:
        """The installed versions (newest first per kit); a folder without a readable
        `installation.json` is skipped (and logged): it was not installed by this application."""
        out: list[KitEntry] = []
        if not self.root.is_dir():
            return out
        for info_path in sorted(self.root.glob(f"*/*/{INFO_FILE}")):
            try:
                info = json.loads(info_path.read_text(encoding="utf-8"))
                entry = KitEntry(
                    str(info["id"]), str(info["version"]), str(info.get("title", "")), str(info["digest"]),
                    str(info.get("origin", "")), str(info.get("installed_at", "")), str(info_path.parent),
                )
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("unreadable kit installation record %s", info_path)
                continue
            out.append(entry)
        out.sort(key=lambda e: (e.id, tuple(-n for n in version_key(e.version))))
        return out

    def find(self, kit_id: str, version: str) -> KitEntry | None:
        return next((e for e in self.installed() if (e.id, e.version) == (kit_id, version)), None)

    def load(self, entry: KitEntry) -> Kit:
        """The installed kit, checked against the digest recorded at installation."""
        try:
            kit = load_folder(Path(entry.folder))
        except KitError as exc:
            raise ServiceError(
                f"Le kit {entry.id} {entry.version} installé dans « {entry.folder} » est endommagé : "
                f"installez-le à nouveau.\n{exc}"
            ) from None
        if kit.digest != entry.digest or (kit.id, kit.version) != (entry.id, entry.version):
            raise ServiceError(
                f"Le kit {entry.id} {entry.version} installé dans « {entry.folder} » a été modifié depuis son installation "
                f"(empreinte enregistrée : {short(entry.digest)}, empreinte actuelle : {short(kit.digest)}) : "
                "supprimez ce dossier et installez le kit à nouveau."
            )
        return kit

    def read(self, source: str | Path) -> Kit:
        """Read and validate a kit zip or folder (ServiceError listing its problems)."""
        try:
            return load_source(source)
        except KitError as exc:
            raise kit_problems(exc, source) from None

    def install(self, kit: Kit, origin: str, bundled: KitEntry | None) -> tuple[KitEntry, bool]:
        """Copy a validated kit in; (entry, True) when installed, (entry, False) when this very
        version was already there. ServiceError for the same id and version with other content."""
        if bundled is not None and (bundled.id, bundled.version) == (kit.id, kit.version):
            if bundled.digest != kit.digest:
                raise ServiceError(conflict_message(
                    kit.id, kit.version, bundled.digest, "dans l'application", kit.digest, "du fichier"))
            return bundled, False
        existing = self.find(kit.id, kit.version)
        if existing is not None:
            if existing.digest != kit.digest:
                raise ServiceError(conflict_message(
                    kit.id, kit.version, existing.digest, "sur ce poste", kit.digest, "du fichier"))
            return existing, False
        target = self.root / kit.id / kit.version
        paths.private_dir(self.root)
        paths.private_dir(target.parent)
        if target.exists():  # a folder left without its installation record: replaced
            shutil.rmtree(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{kit.version}-", dir=target.parent))  # 0700
        try:
            for name, text in kit.files.items():
                path = staging / name
                paths.private_dir(path.parent)
                paths.create_private_file(path)
                path.write_text(text, encoding="utf-8")
            entry = KitEntry(kit.id, kit.version, kit.title, kit.digest, origin,
                             datetime.now(UTC).replace(microsecond=0).isoformat(), str(target))
            info = staging / INFO_FILE
            paths.create_private_file(info)
            info.write_text(json.dumps({k: v for k, v in entry.as_dict().items() if k not in ("folder", "bundled")},
                                       ensure_ascii=False, indent=2), encoding="utf-8")
            staging.rename(target)  # all at once: a half-copied kit is never listed
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return entry, True


def bundled_entry(kit: Kit, folder: Path) -> KitEntry:
    return KitEntry(kit.id, kit.version, kit.title, kit.digest, BUNDLED, "", str(folder))
