"""Background work through one runner: a Qt-free function runs on a thread pool, its result or
error comes back on the GUI thread, progress is reported and the task can be cancelled.

Database-writing tasks are serialised (one at a time). Tests use `SyncTaskRunner`.

A task started for a widget names it: `run(..., owner=widget)`. Once the owner is destroyed (its
window closed and deleted while the task ran), the task's result, error and progress are dropped
instead of reaching callbacks bound to a deleted C++ object.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from shiboken6 import isValid

log = logging.getLogger(__name__)


class Cancelled(Exception):
    pass


class Progress:
    """Handed to task functions: `report(done, total, text)`; raises Cancelled when asked."""

    def __init__(self, emit: Callable[[int, int, str], None]):
        self._emit = emit
        self._cancel = threading.Event()

    def report(self, done: int, total: int, text: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self._emit(done, total, text)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _Signals(QObject):
    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(object)


def owner_alive(owner: weakref.ref | None) -> bool:
    """True when the task has no owner, or its owner (a weak reference) still exists in C++ too."""
    if owner is None:
        return True
    obj = owner()
    return obj is not None and isValid(obj)


def owner_ref(owner: QObject | None) -> weakref.ref | None:
    return None if owner is None else weakref.ref(owner)


class _Delivery(QObject):
    """The callbacks of one task, on the GUI thread (created there, so the worker's signals reach
    it queued); each one is dropped when the owner is gone."""

    def __init__(self, owner, on_done, on_error, on_progress, finish):
        super().__init__()
        self.owner = owner_ref(owner)
        self.on_done, self.on_error, self.on_progress, self.finish = on_done, on_error, on_progress, finish

    @Slot(int, int, str)
    def progress(self, done: int, total: int, text: str) -> None:
        if self.on_progress and owner_alive(self.owner):
            self.on_progress(done, total, text)

    @Slot(object)
    def done(self, result) -> None:
        self._call(self.on_done, result)

    @Slot(object)
    def failed(self, exc) -> None:
        self._call(self.on_error, exc)

    def _call(self, callback, value) -> None:
        try:
            if callback is None:
                return
            if owner_alive(self.owner):
                callback(value)
            else:
                log.debug("task result dropped: its owner was destroyed")
        finally:
            self.finish()


class _Job(QRunnable):
    def __init__(self, fn, progress: Progress, signals: _Signals, lock: threading.Lock | None):
        super().__init__()
        self.fn, self.progress, self.signals, self.lock = fn, progress, signals, lock

    def run(self) -> None:
        try:
            if self.lock:
                with self.lock:
                    result = self.fn(self.progress)
            else:
                result = self.fn(self.progress)
        except Exception as exc:  # delivered to the GUI thread
            log.error("task failed", exc_info=exc)  # the traceback, without the message (logging_setup)
            self._deliver(self.signals.failed, exc)
        else:
            self._deliver(self.signals.done, result)

    @staticmethod
    def _deliver(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the application is closing: nobody is left to receive it
            log.debug("task result dropped: receiver gone")


class TaskHandle:
    def __init__(self, progress: Progress, signals: _Signals):
        self._progress = progress
        self.signals = signals
        self.delivery: _Delivery | None = None

    def cancel(self) -> None:
        self._progress.cancel()


class TaskRunner:
    def __init__(self, pool: QThreadPool | None = None):
        self.pool = pool or QThreadPool.globalInstance()
        self._write_lock = threading.Lock()
        self._handles: set[TaskHandle] = set()
        self._idle: list[Callable[[], None]] = []  # called once no task is under way (when_idle)

    def run(
        self,
        fn: Callable[[Progress], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        writes: bool = False,
        owner: QObject | None = None,
    ) -> TaskHandle:
        """Run `fn(progress)` on the pool; its outcome goes to `on_done`/`on_error` on the GUI
        thread, unless `owner` (the widget the task works for) has been destroyed by then."""
        signals = _Signals()
        progress = Progress(signals.progress.emit)
        handle = TaskHandle(progress, signals)
        self._handles.add(handle)
        delivery = _Delivery(owner, on_done, on_error, on_progress, lambda: self._finished(handle))
        handle.delivery = delivery  # kept alive with the handle until the task ends
        signals.progress.connect(delivery.progress)
        signals.done.connect(delivery.done)
        signals.failed.connect(delivery.failed)
        self.pool.start(_Job(fn, progress, signals, self._write_lock if writes else None))
        return handle

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)

    def when_idle(self, fn: Callable[[], None]) -> None:
        """Call `fn` (on the GUI thread) once no task is under way nor waiting to be delivered:
        now if none is, else right after the last one's result was handed over. Callbacks run
        in the order they were given, each once."""
        if not self._handles:
            fn()
        else:
            self._idle.append(fn)

    def next_pass(self, fn: Callable[[], None], owner: QObject | None = None) -> None:
        """Call `fn` on the GUI thread at the event loop's next pass, once what this pass laid
        out is drawn: a screen built in parts (the visible part first) keeps the window
        answering between them. Counted as work under way until it runs (`when_idle`, a
        screen's "ready" waits for it); dropped if `owner` is destroyed meanwhile."""
        from PySide6.QtCore import QTimer

        handle = TaskHandle(Progress(lambda *_: None), None)
        self._handles.add(handle)
        ref = owner_ref(owner)

        def run() -> None:
            try:
                if owner_alive(ref):
                    fn()
            finally:
                self._finished(handle)

        # 1 ms, not 0: Qt 6 turns a zero-delay single shot into a queued call, run in the same
        # pass as the paint of what was just built, before timers and input get their turn
        QTimer.singleShot(1, run)

    def _finished(self, handle: TaskHandle) -> None:
        self._handles.discard(handle)
        if not self._handles and self._idle:
            waiting, self._idle = self._idle, []
            for fn in waiting:
                fn()


class SyncTaskRunner(TaskRunner):
    """Runs tasks immediately on the calling thread (tests)."""

    def __init__(self):
        self._handles = set()

    def run(self, fn, on_done=None, on_error=None, on_progress=None, writes=False, owner=None) -> TaskHandle:
        signals = _Signals()
        ref = owner_ref(owner)
        progress = Progress(lambda d, t, s: on_progress(d, t, s) if on_progress and owner_alive(ref) else None)
        try:
            result = fn(progress)
        except Exception as exc:
            if not owner_alive(ref):
                log.debug("task error dropped: its owner was destroyed")
            elif on_error:
                on_error(exc)
            else:
                raise
        else:
            if on_done and owner_alive(ref):
                on_done(result)
        return TaskHandle(progress, signals)

    def wait(self, msecs: int = 30000) -> bool:
        return True

    def when_idle(self, fn: Callable[[], None]) -> None:
        fn()

    def next_pass(self, fn: Callable[[], None], owner: QObject | None = None) -> None:
        if owner_alive(owner_ref(owner)):
            fn()
