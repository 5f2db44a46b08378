"""Loading a screen's data off the GUI thread: the work runs through `ctx.tasks`, its result comes
back to the widget only if the widget still exists and no newer load was asked for since.

    self.loader = BackgroundLoad(self, ctx.tasks)
    self.loader.run(lambda _p: service.heavy(...), self._show)   # _show(result) on the GUI thread

Tests use `SyncTaskRunner`, where `_show` runs before `run` returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

log = logging.getLogger(__name__)


class BackgroundLoad:
    def __init__(self, owner: QWidget, tasks):
        self.owner = owner
        self.tasks = tasks
        self.generation = 0
        self.pending = False

    def run(
        self,
        work: Callable[[Any], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Start `work(progress)`; `on_done(result)` (or `on_error(exc)`) for the latest request only."""
        self.generation += 1
        generation = self.generation
        self.pending = True

        def current() -> bool:
            return isValid(self.owner) and generation == self.generation

        def done(result) -> None:
            if current():
                self.pending = False
                on_done(result)

        def failed(exc: Exception) -> None:
            if not current():
                return
            self.pending = False
            if on_error is not None:
                on_error(exc)
            else:
                log.warning("background load failed: %s", exc)

        self.tasks.run(work, on_done=done, on_error=failed, owner=self.owner)

    def cancel(self) -> None:
        """Forget the load under way (its result will be dropped)."""
        self.generation += 1
        self.pending = False
