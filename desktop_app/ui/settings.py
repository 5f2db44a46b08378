"""User preferences, declared once with their type and default, stored with QSettings (INI).

Domain data lives in SQLite; only UI preferences live here.
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


class Settings:
    def __init__(self, path: Path | None = None):
        if path is None:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "EvalKit", "EvalKitQuartiers")
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def get(self, key: str) -> Any:
        opt = OPTIONS[key]
        value = self._qs.value(key, opt.default)
        if value is None:
            return opt.default
        if opt.type is bytes:
            return bytes(value) if value else b""
        try:
            return opt.type(value)
        except (TypeError, ValueError):
            return opt.default

    def set(self, key: str, value: Any) -> None:
        if key not in OPTIONS:
            raise KeyError(key)
        self._qs.setValue(key, value)

    def sync(self) -> None:
        self._qs.sync()
