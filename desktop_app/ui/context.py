"""The application context handed to every widget (no module-level singletons).

It holds the services of the open database, the preferences, the task runner and one signal
hub: every mutation goes through `apply()`, which emits `changed` so views refresh from one place,
and `saved` so the status bar can say the work is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop_app.services.app_services import Services
from desktop_app.services.base import Change, ServiceError
from desktop_app.ui.settings import Settings
from desktop_app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class AppContext(QObject):
    changed = Signal(object)  # Change
    saved = Signal(datetime)
    saveFailed = Signal(str)

    def __init__(self, services: Services, settings: Settings, tasks: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.settings = settings
        self.tasks = tasks

    def apply(self, mutation: Callable[[], Change | Any]) -> Change | Any | None:
        """Run a service mutation now (it is a short transaction); signal success or failure.

        Returns the mutation's result, or None when it failed (the failure is shown in the
        status bar; what was saved before stays saved).
        """
        try:
            result = mutation()
        except ServiceError as exc:
            self.saveFailed.emit(str(exc))
            return None
        except Exception as exc:  # disk full, locked database...: never lose the window
            log.exception("save failed")
            self.saveFailed.emit(_describe_storage_error(exc))
            return None
        self.saved.emit(datetime.now())
        if isinstance(result, Change):
            self.changed.emit(result)
        return result


def _describe_storage_error(exc: Exception) -> str:
    text = str(exc).lower()
    if "disk" in text and "full" in text or "no space" in text:
        return "Enregistrement impossible : le disque est plein. Libérez de la place ; la saisie précédente est conservée."
    if "locked" in text:
        return "Enregistrement impossible : la base est utilisée par un autre programme. Réessayez."
    if "readonly" in text or "read-only" in text:
        return "Enregistrement impossible : la base de données est en lecture seule."
    return f"Enregistrement impossible ({exc.__class__.__name__}). La saisie précédente est conservée."
