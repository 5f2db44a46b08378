"""Splitters that remember where the user put them.

    splitter = QSplitter()
    ...
    splitter.setSizes([250, 880])                 # the default
    remember_sizes(splitter, "ateliers/tree")     # restored now, saved when moved

The state is kept in the application's settings (`splitter/<name>`), so a panel widened once
stays widened on the next screen opened and the next start. Without settings (a bare widget in
a test) the splitter simply keeps its default.
"""

from __future__ import annotations

from PySide6.QtWidgets import QSplitter

from desktop_app.ui.settings import Settings, current_settings


def remember_sizes(splitter: QSplitter, name: str, settings: Settings | None = None) -> None:
    """Restore the sizes saved under `name` and save them whenever the user moves the handle."""
    settings = settings or current_settings()
    splitter.setObjectName(splitter.objectName() or f"splitter-{name}")
    splitter.setHandleWidth(max(splitter.handleWidth(), 7))  # easy to grab, and seen
    if settings is None:
        return
    key = f"splitter/{name}"
    state = settings.get(key)
    if state:
        splitter.restoreState(state)

    def save(_pos: int, _index: int) -> None:
        settings.set(key, bytes(splitter.saveState()))

    splitter.splitterMoved.connect(save)
