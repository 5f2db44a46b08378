"""The services of one open database, built together (the Qt-free part of the composition root).

The core services are built at once; the feature areas' services are built on first use from
their module (`desktop_app.services.<area>`), each class taking this `Services` object so it
can reach the others.
"""

from __future__ import annotations

import importlib
from functools import cached_property
from pathlib import Path

from desktop_app import paths
from desktop_app.services.attachments import AttachmentService
from desktop_app.services.evaluations import EvaluationService
from desktop_app.services.forms import FormService
from desktop_app.services.kits import KitService
from desktop_app.store.db import Store, open_store

# attribute -> (module, class) of the feature areas' services
AREA_SERVICES = {
    "actions": ("desktop_app.services.actions", "ActionService"),
    "fieldwork": ("desktop_app.services.fieldwork", "FieldworkService"),
    "questionnaires": ("desktop_app.services.questionnaires", "QuestionnaireService"),
    "synthesis": ("desktop_app.services.synthesis", "SynthesisService"),
    "exports": ("desktop_app.services.exports", "ExportService"),
    "sync": ("desktop_app.services.sync", "SyncService"),
    "trash": ("desktop_app.services.trash", "TrashService"),
}


class Services:
    def __init__(self, store: Store, forms_dir: Path | None = None, attachments_dir: Path | None = None):
        self.store = store
        self.kits = KitService(store, forms_dir)
        self.evaluations = EvaluationService(store, self.kits)
        self.forms = FormService(store, self.kits)
        self.attachments = AttachmentService(store, attachments_dir)
        self._areas: dict[str, object] = {}

    @classmethod
    def open(cls, target: str | Path | None = None, forms_dir: Path | None = None, attachments_dir: Path | None = None) -> Services:
        store = open_store(target or paths.default_db_path(), backup_dir=paths.backup_dir())
        services = cls(store, forms_dir, attachments_dir)
        services.kits.upgrade_legacy()  # evaluations of a kit from before tool roles (as migrations do for tables)
        return services

    def __getattr__(self, name: str):
        spec = AREA_SERVICES.get(name)
        if spec is None:
            raise AttributeError(name)
        if name not in self._areas:
            module = importlib.import_module(spec[0])
            self._areas[name] = getattr(module, spec[1])(self)
        return self._areas[name]

    @cached_property
    def device_id(self) -> str:
        return self.evaluations.device_id

    def close(self) -> None:
        self.store.dispose()
