"""Rotating logs and crash files in the user data directory (Qt-free).

Logs and crash reports say where and what kind of error happened, never what the user typed or
imported: an exception is written as its traceback and its type, without its message (a message
may quote a cell, an answer or SQL parameters); an exception passed as a log argument is written
as its type. SQL parameters are also kept out of SQLAlchemy's messages (`hide_parameters`, see
`store.db.make_engine`). Both files are readable by their owner only (0600 on POSIX).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from desktop_app import __version__, paths

_configured = False
HIDDEN = "message non enregistré : il peut contenir des données saisies ou importées"


def _exception_chain(exc: BaseException) -> list[BaseException]:
    chain, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return chain


def scrubbed_traceback(exc: BaseException) -> str:
    """The traceback of `exc` (and of the exceptions it was raised from), each ending with its
    type only: where it happened and what kind of error, never its message."""
    import traceback

    parts: list[str] = []
    for n, e in enumerate(reversed(_exception_chain(exc))):
        if n:
            parts.append("\nPuis, pendant le traitement de cette erreur :\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(e.__traceback__))
        kind = type(e)
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        parts.append(f"{name} ({HIDDEN})\n")
    return "".join(parts)


class ScrubbingFormatter(logging.Formatter):
    """Tracebacks without exception messages (see `scrubbed_traceback`)."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_text  # another handler may have cached the full traceback there
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = saved

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        exc = ei[1]
        if exc is None:
            return ""
        return scrubbed_traceback(exc).rstrip("\n")


class ScrubbingFilter(logging.Filter):
    """An exception given as a log argument is written as its type."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(isinstance(a, BaseException) for a in args):
            record.args = tuple(f"{type(a).__name__} ({HIDDEN})" if isinstance(a, BaseException) else a for a in args)
        return True


def _private_rotating_handler(path: Path):
    import logging.handlers

    class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
        """A rotating log whose every file is created readable by its owner only."""

        def _open(self):
            paths.create_private_file(Path(self.baseFilename))
            return super()._open()

    return PrivateRotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")


def setup_logging(level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    _configured = True

    root = logging.getLogger()
    root.setLevel(level)
    try:
        handler: logging.Handler = _private_rotating_handler(paths.log_dir() / "evalkit.log")
    except OSError:  # read-only or full data directory: keep running, log to stderr only
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
    handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ScrubbingFilter())
    root.addHandler(handler)


def write_crash_file(exc: BaseException) -> Path | str:
    """Write the traceback (without messages) and environment to a crash file; return its path."""
    import platform
    from datetime import datetime

    body = (
        f"EvalKit Quartiers {__version__}\n"
        f"Python {sys.version.split()[0]} on {platform.platform()}\n"
        f"{datetime.now().isoformat()}\n\n{scrubbed_traceback(exc)}"
    )
    try:
        crash_dir = paths.private_dir(paths.log_dir() / "plantages")
        path = crash_dir / f"plantage-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.txt"
        paths.create_private_file(path)
        path.write_text(body, encoding="utf-8")
        return path
    except OSError:
        return "(impossible d'écrire le fichier de plantage)"
