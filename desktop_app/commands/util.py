"""Helpers shared by commands: the bad-input error, open the database, resolve the evaluation,
print JSON. `desktop_app.cli` uses them too (commands never import the CLI module, which also
starts the GUI)."""

from __future__ import annotations

import json
import sys
from typing import Any


def register(groups) -> None:  # this module adds no command
    return None


class UserError(Exception):
    """Bad input: exit 1 with this French message."""


def open_services(db: str | None):
    """The services of the database `db` (a path or a URL; None: the user's); a store that
    cannot be opened is a UserError with the store's French message."""
    from desktop_app.services.app_services import Services
    from desktop_app.services.base import ServiceError
    from desktop_app.store.db import StoreError

    try:
        return Services.open(db)
    except (StoreError, ServiceError) as exc:
        raise UserError(str(exc)) from None


def resolve_evaluation(services, evaluation_id: str | None) -> str:
    return services.evaluations.resolve(evaluation_id)


def print_json(payload: dict[str, Any]) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
