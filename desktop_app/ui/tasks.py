"""Background work through one runner: a Qt-free function runs on a thread pool, its result or
error comes back on the GUI thread, progress is reported and the task can be cancelled.

Database-writing tasks are serialised (one at a time). Tests use `SyncTaskRunner`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

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

    def cancel(self) -> None:
        self._progress.cancel()


class TaskRunner:
    def __init__(self, pool: QThreadPool | None = None):
        self.pool = pool or QThreadPool.globalInstance()
        self._write_lock = threading.Lock()
        self._handles: set[TaskHandle] = set()

    def run(
        self,
        fn: Callable[[Progress], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        writes: bool = False,
    ) -> TaskHandle:
        signals = _Signals()
        progress = Progress(signals.progress.emit)
        handle = TaskHandle(progress, signals)
        self._handles.add(handle)

        def finish(_=None) -> None:
            self._handles.discard(handle)

        if on_progress:
            signals.progress.connect(on_progress)
        if on_done:
            signals.done.connect(on_done)
        if on_error:
            signals.failed.connect(on_error)
        signals.done.connect(finish)
        signals.failed.connect(finish)
        self.pool.start(_Job(fn, progress, signals, self._write_lock if writes else None))
        return handle

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)


class SyncTaskRunner(TaskRunner):
    """Runs tasks immediately on the calling thread (tests)."""

    def __init__(self):
        self._handles = set()

    def run(self, fn, on_done=None, on_error=None, on_progress=None, writes=False) -> TaskHandle:
        signals = _Signals()
        progress = Progress(lambda d, t, s: on_progress(d, t, s) if on_progress else None)
        try:
            result = fn(progress)
        except Exception as exc:
            if on_error:
                on_error(exc)
            else:
                raise
        else:
            if on_done:
                on_done(result)
        return TaskHandle(progress, signals)

    def wait(self, msecs: int = 30000) -> bool:
        return True
