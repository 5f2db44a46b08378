"""Which widget shows each step.

A step's view lives in the module `desktop_app.ui.views.<step>` (dashes become underscores:
`conseils_citoyens`), which defines `create_view(ctx, evaluation_id) -> QWidget`. A step whose
module does not exist yet shows the "à venir" page.
"""

from __future__ import annotations

import importlib
import importlib.util

from PySide6.QtWidgets import QWidget

from desktop_app.ui.context import AppContext


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
