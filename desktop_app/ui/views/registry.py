"""Which widget shows each step.

A step's view lives in the module `desktop_app.ui.views.<step>` (dashes become underscores:
`conseils_citoyens`), which defines `create_view(ctx, evaluation_id) -> QWidget`. A step whose
module does not exist yet shows the "à venir" page.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging

from PySide6.QtWidgets import QWidget

from desktop_app.ui.context import AppContext

log = logging.getLogger(__name__)


def step_module(step_id: str) -> str:
    return f"desktop_app.ui.views.{step_id.replace('-', '_')}"


def make_view(ctx: AppContext, evaluation_id: str, step_id: str) -> QWidget:
    name = step_module(step_id)
    if importlib.util.find_spec(name) is not None:
        module = importlib.import_module(name)
        factory = getattr(module, "create_view", None)
        if factory is not None:
            return factory(ctx, evaluation_id)
    from desktop_app.ui.views.placeholder import ComingSoonView

    return ComingSoonView(ctx, evaluation_id, step_id)


def preload(step_id: str) -> None:
    """Import a step's screen module ahead of its first visit (its view module and what that
    imports: 15–30 ms per step at its first click otherwise). Anything failing here is left for
    the visit, which says it."""
    name = step_module(step_id)
    try:
        if importlib.util.find_spec(name) is not None and importlib.util.find_spec(f"{name}.view") is not None:
            importlib.import_module(f"{name}.view")
    except Exception:  # noqa: BLE001 - the step's own opening reports it
        log.debug("preloading %s failed", name, exc_info=True)
