"""A task runner for tests that keeps background work until the test lets it finish: what a user
sees while a screen loads ("Chargement…") can be checked before the result arrives."""

from __future__ import annotations

from desktop_app.ui.tasks import Progress, SyncTaskRunner, TaskHandle, _Signals, owner_alive, owner_ref


class DeferredTaskRunner(SyncTaskRunner):
    def __init__(self):
        super().__init__()
        self.queue: list = []

    def run(self, fn, on_done=None, on_error=None, on_progress=None, writes=False, owner=None) -> TaskHandle:
        ref = owner_ref(owner)

        def guarded(callback):  # as TaskRunner: once the owner is destroyed, the outcome is dropped
            return None if callback is None else lambda value: callback(value) if owner_alive(ref) else None

        self.queue.append((fn, guarded(on_done), guarded(on_error)))
        return TaskHandle(Progress(lambda *_: None), _Signals())

    def finish_waiting(self) -> int:
        """Run only the tasks waiting now (not those their results start); the number run."""
        waiting, self.queue = self.queue, []
        for task in waiting:
            self._run(*task)
        return len(waiting)

    def finish(self) -> int:
        """Run every waiting task (and those they start); the number run."""
        n = 0
        while self.queue:
            self._run(*self.queue.pop(0))
            n += 1
        return n

    @staticmethod
    def _run(fn, on_done, on_error) -> None:
        try:
            result = fn(Progress(lambda *_: None))
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
        else:
            if on_done:
                on_done(result)
