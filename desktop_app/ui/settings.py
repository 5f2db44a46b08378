"""User preferences, declared once with their type and default, stored with QSettings (INI).

Domain data lives in SQLite; only UI preferences live here. Besides the fixed options, two
families of keys: `splitter/<name>` (a splitter's saved state, see `widgets/splitters.py`) and
`help_collapsed/<tool id>` (the « À quoi sert cet outil ? » box of a tool folded by the user).
Widgets without an `AppContext` at hand (the form renderer) reach the settings of the running
application with `current_settings()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings


@dataclass(frozen=True)
class Option:
    key: str
    type: type
    default: Any


OPTIONS = {
    o.key: o
    for o in (
        Option("window/geometry", bytes, b""),
        Option("window/state", bytes, b""),
        Option("last_evaluation", str, ""),
        Option("last_view", str, "cadrage"),
        Option("sync/folder", str, ""),
        Option("export/folder", str, ""),
        Option("kit/folder", str, ""),  # where the last kit version was installed from
    )
}


# Key prefixes whose options are declared once for the whole family.
FAMILIES = {
    "splitter/": Option("splitter/", bytes, b""),
    "help_collapsed/": Option("help_collapsed/", bool, False),
}

_current: Settings | None = None


def current_settings() -> Settings | None:
    """The settings of the running application (the last `AppContext` made), or None."""
    return _current


def _option(key: str) -> Option:
    if key in OPTIONS:
        return OPTIONS[key]
    for prefix, option in FAMILIES.items():
        if key.startswith(prefix) and len(key) > len(prefix):
            return option
    raise KeyError(key)


class Settings:
    def __init__(self, path: Path | None = None):
        if path is None:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "EvalKit", "EvalKitQuartiers")
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def make_current(self) -> None:
        """Make these the settings `current_settings()` answers."""
        global _current
        _current = self

    def get(self, key: str) -> Any:
        opt = _option(key)
        value = self._qs.value(key, opt.default)
        if value is None:
            return opt.default
        if opt.type is bytes:
            return bytes(value) if value else b""
        if opt.type is bool:  # INI files give "true" / "false" back as text
            return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
        try:
            return opt.type(value)
        except (TypeError, ValueError):
            return opt.default

    def set(self, key: str, value: Any) -> None:
        _option(key)
        self._qs.setValue(key, value)

    def sync(self) -> None:
        self._qs.sync()
