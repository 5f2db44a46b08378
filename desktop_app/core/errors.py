"""The values every layer shares about a refusal or a change, without importing the store.

`ServiceError` (a French message for the user) and `Change` (what a mutation changed) live here,
free of SQLAlchemy, so that the main window can be drawn before the database layer is loaded, and
so that exporters and the sync engine can refuse in French without importing the services.
`desktop_app.services.errors` and `desktop_app.services.base` re-export them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


class ServiceError(Exception):
    """A use case that cannot be carried out; the message is French and shown to the user."""


class NotFound(ServiceError):
    pass


@dataclass(frozen=True)
class Change:
    """What a mutation changed: the UI refreshes from this single value."""

    entity: str  # "evaluation", "commune", "qpv", "partner", "team_member", "milestone", "form_response"
    id: str
    evaluation_id: str
    field: str | None = None


def is_user_facing(exc: BaseException) -> bool:
    """A service's or the store's refusal: its message is French and meant for the user. (The
    store's module is only looked at if it was loaded: the window is drawn before it is.)"""
    store = sys.modules.get("desktop_app.store.db")
    return isinstance(exc, ServiceError) or (store is not None and isinstance(exc, store.StoreError))
