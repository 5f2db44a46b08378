"""Where things live: user data, logs, backups (platformdirs) and bundled resources.

Resource lookup works from a source checkout, an installed package and a PyInstaller bundle.
`EVALKIT_HOME` overrides the data directory (tests, portable installs).

Files at rest are private: the data directory and the folders the application makes in it
(logs, crash reports, backups, attachments) are 0700, and the database, its backups, logs, crash
reports and attachments 0600, whatever the umask (`private_dir`, `private_file`,
`create_private_file`). On Windows the data directory sits in the user's profile, whose ACLs
already keep other users out; the POSIX modes are not applied there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "EvalKitQuartiers"
APP_AUTHOR = "EvalKit"


PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_POSIX = os.name == "posix"


def private_dir(path: Path) -> Path:
    """Make the folder (and its missing parents) and keep it to its owner (0700 on POSIX)."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if _POSIX:
        try:
            if path.stat().st_mode & 0o777 != PRIVATE_DIR_MODE:
                os.chmod(path, PRIVATE_DIR_MODE)
        except OSError:  # not ours (a shared folder): leave it as it is
            pass
    return path


def private_file(path: Path) -> None:
    """Keep an existing file to its owner (0600 on POSIX)."""
    if _POSIX:
        try:
            if path.stat().st_mode & 0o777 != PRIVATE_FILE_MODE:
                os.chmod(path, PRIVATE_FILE_MODE)
        except OSError:
            pass


def create_private_file(path: Path) -> None:
    """Create the file empty, readable by its owner only, when it does not exist yet (what is
    written into it afterwards keeps that mode); an existing one is made private."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        private_file(path)
        return
    os.close(fd)
    private_file(path)  # the umask may have kept bits the mode asked for: nothing more


def _dirs() -> PlatformDirs:
    return PlatformDirs(APP_NAME, APP_AUTHOR, roaming=True)


def data_dir() -> Path:
    override = os.environ.get("EVALKIT_HOME")
    path = Path(override) if override else Path(_dirs().user_data_dir)
    return private_dir(path)


def log_dir() -> Path:
    return private_dir(data_dir() / "logs")


def backup_dir() -> Path:
    return data_dir() / "sauvegardes"


def attachments_dir() -> Path:
    return data_dir() / "pieces-jointes"


def cache_dir() -> Path:
    """What the application derives from its resources to start faster (safe to delete)."""
    return private_dir(data_dir() / "cache")


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
