"""Writing export files safely: to a temporary file next to the target, renamed at the end.

A cancelled or failed export therefore never leaves a half-written file where the user expects
the result (and never damages the previous version of that file). Progress is reported through
any object with `report(done, total, text)` (the GUI's `ui.tasks.Progress`, which raises its
`Cancelled` there when the user cancels) or a plain callable `(done, total, text)`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish(tmp: Path, target: Path) -> None:
    """Rename the finished temporary file over the target, with ordinary permissions
    (mkstemp creates it readable by its owner only)."""
    try:
        os.chmod(tmp, 0o666 & ~_umask())
    except OSError:
        pass
    os.replace(tmp, target)


class NullProgress:
    def report(self, done: int, total: int, text: str = "") -> None:
        return None


class _CallableProgress:
    def __init__(self, fn: Callable[[int, int, str], Any]):
        self._fn = fn

    def report(self, done: int, total: int, text: str = "") -> None:
        self._fn(done, total, text)


def as_progress(progress: Any) -> Any:
    """An object with `report(done, total, text)` from None, a callable or such an object."""
    if progress is None:
        return NullProgress()
    if hasattr(progress, "report"):
        return progress
    if callable(progress):
        return _CallableProgress(progress)
    raise TypeError("progress must have report(done, total, text) or be callable")


class ScaledProgress:
    """Reports a sub-task's progress as a slice [start, start + span) of an overall total."""

    def __init__(self, progress: Any, start: int, span: int, total: int):
        self._p = as_progress(progress)
        self.start, self.span, self.total = start, span, total

    def report(self, done: int, total: int, text: str = "") -> None:
        frac = done / total if total else 0.0
        self._p.report(self.start + round(frac * self.span), self.total, text)


@contextmanager
def atomic_output(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces the target,
    on any error (cancellation included) it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=f"{target.suffix}.part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        _publish(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_folder_outputs(targets: list[Path]) -> Iterator[list[Path]]:
    """Several files written together: all renamed at the end, or none left behind."""
    temps: list[Path] = []
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=f"{target.suffix}.part", dir=target.parent)
            os.close(fd)
            temps.append(Path(name))
        yield temps
        for tmp, target in zip(temps, targets, strict=True):
            _publish(tmp, target)
    except BaseException:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        raise
