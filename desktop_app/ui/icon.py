"""The application icon: the PNG sizes in resources/icons (drawn from evalkit.svg and
evalkit-small.svg by scripts/make_app_icon.py), found through `desktop_app.paths.resource`, so
from a checkout, an installed package or the PyInstaller bundle alike."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from desktop_app import paths

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def icon_path(size: int):
    """The PNG of the icon at size x size pixels."""
    return paths.resource("icons", f"evalkit-{size}.png")


def app_icon() -> QIcon:
    """The window and taskbar icon, every size drawn for itself (the small ones are simplified).

    Null if the icon files are missing (a broken install): Qt then shows its default icon.
    """
    icon = QIcon()
    for size in ICON_SIZES:
        path = icon_path(size)
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon
