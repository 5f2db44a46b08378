"""The application context handed to every widget (no module-level singletons).

It holds the services of the open database, the preferences, the task runner and one signal
hub: every mutation goes through `apply()`, which emits `changed` so views refresh from one place,
and `saved` so the status bar can say the work is stored.

A save given a `key` (what it stores: a record's field) is never lost when the database cannot
take it (locked by another program or an import, disk full): it stays pending, `unsavedChanged`
tells the widget showing that field (`follow_saves`), it is retried automatically with a growing
delay, and `flush_pending()` tries once more before the window closes.

A mutation the user may take back goes through `apply_undoable(text, do, undo)`: it runs as
`apply`, then sits on `undo_stack` (Édition › Annuler / Rétablir); undoing and redoing run the
service calls `undo` / `do` through `apply` too (a deletion's undo: the service's `restore_*`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Hashable
from contextlib import nullcontext
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from desktop_app.services.errors import Change, ServiceError
from desktop_app.ui.settings import Settings
from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:  # the store is loaded after the main window is shown (see ui/app.py)
    from desktop_app.services.app_services import Services

log = logging.getLogger(__name__)

# A keyed save waits this long for another writer (an import, another window or program), then
# is kept for a retry rather than freeze the window for the whole busy timeout.
QUICK_WAIT_MS = 300
# Delays between automatic retries of the pending saves (the last one repeats).
RETRY_DELAYS_MS = (1000, 2000, 4000, 8000, 15000, 30000)


class AppContext(QObject):
    changed = Signal(object)  # Change
    saved = Signal(datetime)
    saveFailed = Signal(str)
    unsavedChanged = Signal(object, str)  # (key, French message), message "" once it is saved

    def __init__(self, services: Services, settings: Settings, tasks: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.settings = settings
        settings.make_current()
        self.tasks = tasks
        self._pending: dict[Hashable, Callable[[], Any]] = {}  # saves to retry, in order
        self._unsaved: dict[Hashable, str] = {}  # keys told unsaved (pending, or refused): message
        self._retries = 0
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self.retry_pending)
        self.undo_stack = QUndoStack(self)

    def apply_undoable(self, text: str, do: Callable[[], Any], undo: Callable[[], Any]) -> Change | Any | None:
        """`apply(do)`; once it succeeded, put it on the undo stack as « text » (French, what
        follows « Annuler » / « Rétablir » in the Édition menu: « la suppression de l'action
        « … » »). Returns what `apply` returns (None when it failed: nothing is stacked)."""
        result = self.apply(do)
        if result is not None:
            self.push_done(text, do, undo)
        return result

    def push_done(self, text: str, do: Callable[[], Any], undo: Callable[[], Any]) -> None:
        """Stack a mutation that already ran elsewhere (an import in a background task)."""
        self.undo_stack.push(_ServiceCommand(self, text, do, undo))

    def apply(self, mutation: Callable[[], Change | Any], key: Hashable | None = None) -> Change | Any | None:
        """Run a service mutation now (it is a short transaction); signal success or failure.

        Returns the mutation's result, or None when it failed (the failure is shown in the
        status bar; what was saved before stays saved).

        With a `key`, a failure of the storage (not a refusal of the value: `ServiceError`) keeps
        the mutation pending: `unsavedChanged(key, message)`, retried automatically, and
        replaced by a later save of the same key. `unsavedChanged(key, "")` once saved.
        """
        if key is None:
            try:
                result = mutation()
            except ServiceError as exc:
                self.saveFailed.emit(str(exc))
                return None
            except Exception as exc:  # disk full, locked database...: never lose the window
                log.exception("save failed")
                self.saveFailed.emit(_describe_storage_error(exc))
                return None
            return self._done(result)
        self._pending.pop(key, None)  # this save replaces an older one of the same key
        ok, result = self._attempt(key, mutation)
        if ok:
            return result
        self._schedule_retry()
        return None

    def follow_saves(self, widget: QObject, scope: tuple, mark: Callable[[Any, str], None]) -> None:
        """Tell `widget` when a save whose key starts with `scope` fails or is finally stored:
        `mark(rest of the key, message)` ("" once stored), while the widget lives. The keys of
        that scope still pending are told at once (a form opened again shows what is unsaved)."""
        _SaveFollower(self, widget, scope, mark)

    def pending_count(self) -> int:
        return len(self._pending)

    def unsaved(self, scope: tuple) -> dict[Any, str]:
        """The saves still pending whose key starts with `scope`: {rest of the key: message}."""
        n = len(scope)
        return {
            (k[n] if len(k) == n + 1 else k[n:]): self._unsaved.get(k, "")
            for k in self._pending
            if isinstance(k, tuple) and len(k) > n and k[:n] == tuple(scope)
        }

    def retry_pending(self) -> bool:
        """Try the pending saves again (oldest first, waiting as a window save does); True when
        none is left. Stops at the first that fails again: the database is still unavailable."""
        self._retry_timer.stop()
        for key, mutation in list(self._pending.items()):
            if self._pending.get(key) is not mutation:
                continue  # replaced or dropped meanwhile
            del self._pending[key]
            ok, _ = self._attempt(key, mutation)
            if not ok and key in self._pending:
                break
        if self._pending:
            self._retries += 1
            self._schedule_retry()
            return False
        self._retries = 0
        return True

    def flush_pending(self) -> bool:
        """Before closing: try every pending save once more, waiting for the database as long as
        any save does; True when nothing is left unsaved."""
        self._retry_timer.stop()
        for key, mutation in list(self._pending.items()):
            if self._pending.get(key) is not mutation:
                continue
            del self._pending[key]
            ok, _ = self._attempt(key, mutation, quick=False)
            if not ok and key in self._pending:
                break  # still unavailable: the others would wait as long
        if self._pending:
            self._schedule_retry()
        return not self._pending

    def _attempt(self, key: Hashable, mutation: Callable[[], Any], quick: bool = True) -> tuple[bool, Any]:
        store = getattr(self.services, "store", None)
        waiting = store.waiting(QUICK_WAIT_MS) if quick and hasattr(store, "waiting") else nullcontext()
        try:
            with waiting:
                result = mutation()
        except ServiceError as exc:  # the value is refused: retrying would not help
            self._unsaved[key] = str(exc)
            self.unsavedChanged.emit(key, str(exc))
            self.saveFailed.emit(str(exc))
            return False, None
        except Exception as exc:  # locked database, disk full...: kept for a retry
            log.warning("save of %r failed (%s), kept for a retry", key, exc.__class__.__name__)
            message = _describe_storage_error(exc, retried=True)
            self._pending[key] = mutation
            self._unsaved[key] = message
            self.unsavedChanged.emit(key, message)
            self.saveFailed.emit(message)
            return False, None
        if key in self._unsaved:
            del self._unsaved[key]
            self.unsavedChanged.emit(key, "")
        return True, self._done(result)

    def _done(self, result: Any) -> Any:
        self.saved.emit(datetime.now())
        if isinstance(result, Change):
            self.changed.emit(result)
        return result

    def _schedule_retry(self) -> None:
        if self._pending and not self._retry_timer.isActive():
            self._retry_timer.start(RETRY_DELAYS_MS[min(self._retries, len(RETRY_DELAYS_MS) - 1)])

    def watch(self, widget: QWidget, handler: Callable[[Change], None]) -> None:
        """Call `handler` with every change, but only while `widget` is shown.

        A step screen hidden behind another one (a page of the main window's stack) does not
        reload on each keystroke saved elsewhere: its changes wait, without duplicates, and are
        handed over when it is shown again. A widget with no parent (a test, a dialog) is always
        told at once.
        """
        _ChangeWatch(self, widget, handler)


class _ServiceCommand(QUndoCommand):
    """One undoable mutation: `do` already ran when it is pushed; undo/redo run through `apply`.
    If the database refuses (the record changed meanwhile), the failure shows in the status bar
    and the command leaves the stack rather than stay and fail again."""

    def __init__(self, ctx: AppContext, text: str, do: Callable[[], Any], undo: Callable[[], Any]):
        super().__init__(_shorten_quotes(text))
        self.ctx, self.do, self.undo_call = ctx, do, undo
        self._first = True

    def redo(self) -> None:
        if self._first:  # pushed after it ran
            self._first = False
            return
        if self.ctx.apply(self.do) is None:
            self.setObsolete(True)

    def undo(self) -> None:
        if self.ctx.apply(self.undo_call) is None:
            self.setObsolete(True)


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


class _SaveFollower(QObject):
    """Forwards `unsavedChanged` of one scope of keys to a widget, while it lives."""

    def __init__(self, ctx: AppContext, widget: QObject, scope: tuple, mark: Callable[[Any, str], None]):
        super().__init__(widget)  # dies with the widget, and its connection with it
        self.scope = tuple(scope)
        self.mark = mark
        ctx.unsavedChanged.connect(self._on_unsaved)
        for key in list(ctx._pending):
            self._on_unsaved(key, ctx._unsaved.get(key, ""))

    def _on_unsaved(self, key: Hashable, message: str) -> None:
        n = len(self.scope)
        if isinstance(key, tuple) and len(key) > n and key[:n] == self.scope:
            self.mark(key[n] if len(key) == n + 1 else key[n:], message)


def _shorten_quotes(text: str, limit: int = 48) -> str:
    """Long titles inside « … » cut to `limit` characters, so the Édition menu stays narrow."""
    return re.sub(r"« ([^«»]*) »", lambda m: f"« {m.group(1) if len(m.group(1)) <= limit else m.group(1)[:limit - 1].rstrip() + '…'} »", text)


def _describe_storage_error(exc: Exception, retried: bool = False) -> str:
    text = str(exc).lower()
    kept = (
        " La saisie est conservée et sera enregistrée automatiquement dès que possible."
        if retried
        else " La saisie précédente est conservée."
    )
    if "disk" in text and "full" in text or "no space" in text:
        return "Enregistrement impossible : le disque est plein. Libérez de la place." + kept
    if "locked" in text or "lock timeout" in text:
        if retried:
            return "Enregistrement en attente : la base est occupée (import en cours ou autre programme)." + kept
        return "Enregistrement impossible : la base est utilisée par un autre programme. Réessayez."
    if "readonly" in text or "read-only" in text:
        return "Enregistrement impossible : la base de données est en lecture seule." + (kept if retried else "")
    return f"Enregistrement impossible ({exc.__class__.__name__})." + kept
