"""Where things live: user data, logs, backups (platformdirs) and bundled resources.

Resource lookup works from a source checkout, an installed package and a PyInstaller bundle.
`EVALKIT_HOME` overrides the data directory (tests, portable installs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "EvalKitQuartiers"
APP_AUTHOR = "EvalKit"


def _dirs() -> PlatformDirs:
    return PlatformDirs(APP_NAME, APP_AUTHOR, roaming=True)


def data_dir() -> Path:
    override = os.environ.get("EVALKIT_HOME")
    path = Path(override) if override else Path(_dirs().user_data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir() -> Path:
    return data_dir() / "sauvegardes"


def attachments_dir() -> Path:
    return data_dir() / "pieces-jointes"


def default_db_path() -> Path:
    return data_dir() / "evalkit.db"


def settings_path() -> Path:
    return data_dir() / "preferences.ini"


def _base() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def forms_dir() -> Path:
    """The kit bundled with the application."""
    return _base() / "forms"


def resources_dir() -> Path:
    return _base() / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
