"""The files of one import read one step ahead, in a worker thread.

`read_bundle` is half reading (the file and its checksum, every entry decompressed and compared
with the manifest: zlib and hashlib release the GIL while they work) and half parsing and
checking the records (Python). While one file is parsed and checked, a worker thread reads the
next one (`bundle.read_file`): on two cores most of the reading is hidden. Nothing changes in
what is refused or how: the reading keeps its first problem for `bundle.finish_reading`, which
raises it in order, and the files are still taken one after the other.

    with reading_ahead(paths) as shared:
        for path in paths:
            bundle = read_bundle(path, shared)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop_app.sync.bundle import AHEAD, FileRead, read_file


class ReadAhead:
    """Reads `paths` in their order, one file ahead of the one asked for (`take`)."""

    def __init__(self, paths: Sequence[str | Path], shared: dict[str, Any]):
        self._paths = [Path(p) for p in paths]
        self._shared = shared
        self._next = 0
        self._pending: list[tuple[Path, Future[FileRead]]] = []
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evalkit-lecture")
        self._submit()

    def _submit(self) -> None:
        if self._next < len(self._paths):
            path = self._paths[self._next]
            self._next += 1
            self._pending.append((path, self._pool.submit(read_file, path, self._shared)))

    def take(self, path: str | Path) -> FileRead | None:
        """`path` read, when it is the next file (the one after it starts at once); None when it
        is not (the caller reads it itself)."""
        if not self._pending or self._pending[0][0] != Path(path):
            return None
        _, future = self._pending.pop(0)
        self._submit()
        return future.result()

    def close(self) -> None:
        """Stop: a file being read is finished and dropped, the others are not read."""
        self._pending.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def reading_ahead(paths: Sequence[str | Path]) -> Iterator[dict[str, Any]]:
    """The `shared` dict for `read_bundle` of `paths`, in that order, with the reading ahead."""
    shared: dict[str, Any] = {}
    ahead = shared[AHEAD] = ReadAhead(paths, shared)
    try:
        yield shared
    finally:
        ahead.close()
        shared.pop(AHEAD, None)
