"""Helpers shared by commands: open the database, resolve the evaluation, print JSON."""

from __future__ import annotations

import json
import sys
from typing import Any


def register(groups) -> None:  # this module adds no command
    return None


def open_services(db: str | None):
    from desktop_app.cli import _services

    return _services(db)


def resolve_evaluation(services, evaluation_id: str | None) -> str:
    return services.evaluations.resolve(evaluation_id)


def print_json(payload: dict[str, Any]) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
