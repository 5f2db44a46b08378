"""Which widget shows each step. Steps built later register here; others show "à venir"."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from desktop_app.ui.context import AppContext

ViewFactory = Callable[[AppContext, str], QWidget]


def view_factories() -> dict[str, ViewFactory]:
    from desktop_app.ui.views.cadrage.view import CadrageView

    return {
        "cadrage": CadrageView,
    }


def make_view(ctx: AppContext, evaluation_id: str, step_id: str) -> QWidget:
    factory = view_factories().get(step_id)
    if factory is not None:
        return factory(ctx, evaluation_id)
    from desktop_app.ui.views.placeholder import ComingSoonView

    return ComingSoonView(ctx, evaluation_id, step_id)
