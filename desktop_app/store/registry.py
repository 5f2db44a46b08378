"""All models, whatever feature area defines them.

Feature areas keep their tables in `desktop_app/store/models_<area>.py`; importing this module
imports them all, so `Base.metadata` is complete for Alembic, the bundle writer and the tests.
"""

from __future__ import annotations

import importlib
import pkgutil

from desktop_app import store
from desktop_app.store.models import Base, Synced

AREA_MODULES = sorted(
    name for _, name, _ in pkgutil.iter_modules(store.__path__) if name.startswith("models_")
)
for _name in AREA_MODULES:
    importlib.import_module(f"desktop_app.store.{_name}")


def synced_models() -> list[type]:
    """Every mapped class that carries the synced columns (travels in bundles)."""
    return [m.class_ for m in Base.registry.mappers if issubclass(m.class_, Synced)]


__all__ = ["Base", "synced_models", "AREA_MODULES"]
