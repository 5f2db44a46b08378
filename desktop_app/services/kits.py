"""Kit versions: the bundled kit, snapshots stored with evaluations, the kit of an evaluation.

An evaluation records the kit id and version it was started with. The kit's files are stored in
the database at that moment, so the evaluation still opens and exports after the application
ships a new kit version.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from desktop_app import paths
from desktop_app.kit.loader import Kit, KitError, load_files, load_folder
from desktop_app.kit.yaml_cache import ParsedYamlCache
from desktop_app.services.base import ServiceBase, ServiceError
from desktop_app.store.db import Store
from desktop_app.store.models import KitSnapshot


class KitService(ServiceBase):
    def __init__(self, store: Store, forms_dir: Path | None = None):
        super().__init__(store)
        self.forms_dir = forms_dir or paths.forms_dir()
        self._bundled: Kit | None = None
        self._cache: dict[tuple[str, str], Kit] = {}

    def bundled(self) -> Kit:
        if self._bundled is None:
            cache = ParsedYamlCache(paths.data_dir() / "cache" / "kit-yaml.json")
            try:
                self._bundled = load_folder(self.forms_dir, cache)
            except KitError as exc:
                raise ServiceError(f"Le kit fourni avec l'application contient une erreur :\n{exc}") from None
            self._cache[(self._bundled.id, self._bundled.version)] = self._bundled
            cache.save()  # the next start reads the YAML parsed here
        return self._bundled

    def snapshot(self, kit: Kit) -> None:
        """Store a kit version's files (idempotent)."""
        with self.tx() as s:
            if s.get(KitSnapshot, (kit.id, kit.version)) is None:
                s.add(KitSnapshot(kit_id=kit.id, version=kit.version, digest=kit.digest, files=kit.files))

    def get(self, kit_id: str, version: str) -> Kit:
        key = (kit_id, version)
        if key in self._cache:
            return self._cache[key]
        bundled = self.bundled()
        if (bundled.id, bundled.version) == key:
            return bundled
        with self.read() as s:
            snap = s.get(KitSnapshot, key)
            files = dict(snap.files) if snap else None
        if files is None:
            raise ServiceError(
                f"La version {version} du kit « {kit_id} » n'est pas disponible sur ce poste. "
                "Importez le kit correspondant ou mettez l'application à jour."
            )
        try:
            kit = load_files(files)
        except KitError as exc:
            raise ServiceError(f"Le kit {kit_id} {version} enregistré est invalide :\n{exc}") from None
        self._cache[key] = kit
        return kit

    def versions(self) -> list[tuple[str, str]]:
        with self.read() as s:
            return [(k, v) for k, v in s.execute(select(KitSnapshot.kit_id, KitSnapshot.version))]
