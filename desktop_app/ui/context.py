"""The application context handed to every widget (no module-level singletons).

It holds the services of the open database, the preferences, the task runner and one signal
hub: every mutation goes through `apply()`, which emits `changed` so views refresh from one place,
and `saved` so the status bar can say the work is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop_app.services.errors import Change, ServiceError
from desktop_app.ui.settings import Settings
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:  # the store is loaded after the main window is shown (see ui/app.py)
    from desktop_app.services.app_services import Services

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

    def watch(self, widget: QWidget, handler: Callable[[Change], None]) -> None:
        """Call `handler` with every change, but only while `widget` is shown.

        A step screen hidden behind another one (a page of the main window's stack) does not
        reload on each keystroke saved elsewhere: its changes wait, without duplicates, and are
        handed over when it is shown again. A widget with no parent (a test, a dialog) is always
        told at once.
        """
        _ChangeWatch(self, widget, handler)


class _ChangeWatch(QObject):
    """Hands `changed` to a handler while its widget is shown, keeps them for later otherwise."""

    def __init__(self, ctx: AppContext, widget: QWidget, handler: Callable[[Change], None]):
        super().__init__(widget)  # lives and dies with the widget (and its connection with it)
        self.widget = widget
        self.handler = handler
        self.pending: dict[tuple, Change] = {}
        widget.installEventFilter(self)
        ctx.changed.connect(self._on_change)

    def _hidden(self) -> bool:
        w = self.widget
        return w.parentWidget() is not None and not w.isVisibleTo(w.window())

    def _on_change(self, change: Change) -> None:
        if self._hidden():
            key = (change.evaluation_id, change.entity, change.id, change.field)
            self.pending.pop(key, None)  # keep the order of the last occurrences
            self.pending[key] = change
        else:
            self.handler(change)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            obj is self.widget
            and self.pending
            and event.type() in (QEvent.Type.ShowToParent, QEvent.Type.Show)
        ):
            pending, self.pending = list(self.pending.values()), {}
            for change in pending:
                self.handler(change)
        return False


def _describe_storage_error(exc: Exception) -> str:
    text = str(exc).lower()
    if "disk" in text and "full" in text or "no space" in text:
        return "Enregistrement impossible : le disque est plein. Libérez de la place ; la saisie précédente est conservée."
    if "locked" in text:
        return "Enregistrement impossible : la base est utilisée par un autre programme. Réessayez."
    if "readonly" in text or "read-only" in text:
        return "Enregistrement impossible : la base de données est en lecture seule."
    return f"Enregistrement impossible ({exc.__class__.__name__}). La saisie précédente est conservée."
