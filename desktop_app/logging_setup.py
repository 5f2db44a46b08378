"""Rotating logs and crash files in the user data directory (Qt-free)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from desktop_app import __version__, paths

_configured = False


def setup_logging(level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    import logging.handlers  # here, not at module level: the window is drawn before this runs

    root = logging.getLogger()
    root.setLevel(level)
    try:
        handler = logging.handlers.RotatingFileHandler(
            paths.log_dir() / "evalkit.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:  # read-only or full data directory: keep running, log to stderr only
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)


def write_crash_file(exc: BaseException) -> Path | str:
    """Write the traceback and environment to a crash file; return its path."""
    import platform
    import traceback
    from datetime import datetime

    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    body = (
        f"EvalKit Quartiers {__version__}\n"
        f"Python {sys.version.split()[0]} on {platform.platform()}\n"
        f"{datetime.now().isoformat()}\n\n{text}"
    )
    try:
        crash_dir = paths.log_dir() / "plantages"
        crash_dir.mkdir(parents=True, exist_ok=True)
        path = crash_dir / f"plantage-{datetime.now():%Y%m%d-%H%M%S}.txt"
        path.write_text(body, encoding="utf-8")
        return path
    except OSError:
        return "(impossible d'écrire le fichier de plantage)"
