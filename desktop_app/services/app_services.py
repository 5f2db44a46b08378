"""The services of one open database, built together (the Qt-free part of the composition root)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app import paths
from desktop_app.services.evaluations import EvaluationService
from desktop_app.services.forms import FormService
from desktop_app.services.kits import KitService
from desktop_app.store.db import Store, open_store


@dataclass
class Services:
    store: Store
    kits: KitService
    evaluations: EvaluationService
    forms: FormService

    @classmethod
    def open(cls, target: str | Path | None = None, forms_dir: Path | None = None) -> Services:
        store = open_store(target or paths.default_db_path(), backup_dir=paths.backup_dir())
        kits = KitService(store, forms_dir)
        return cls(store, kits, EvaluationService(store, kits), FormService(store, kits))

    def close(self) -> None:
        self.store.dispose()
