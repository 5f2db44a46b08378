"""The store's door for text: every text and JSON value is cleaned and checked before a flush.

One choke point rather than one per screen, import and command: before any ORM flush, each new
or changed record's text columns (String, Text) and JSON columns (every string inside, keys
included) go through `core.text_input.clean_text` (NFC, no control characters but tab and line
feed, no bidirectional overrides), so SQLite and PostgreSQL store the same thing. A text longer
than its column allows (a `String(n)`, or `MAX_TEXT_CHARS` for a free text) is refused with a
French message and nothing is written: PostgreSQL would refuse it anyway, and SQLite, which does
not, would keep a value that later makes an export or a bundle fail.

Kit copies (`kit_snapshots`) are stored byte for byte: their digest is checked against them.
Bundle imports write through the driver (`sync.codec`), not through a flush; what a bundle
carries was cleaned by the EvalKit that wrote it, and exports clean again at the cell.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import JSON, String, event
from sqlalchemy.orm import Mapper, Session

from desktop_app.core.text_input import clean_text, clean_value, needs_cleaning
from desktop_app.store.errors import StoreError

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 100_000  # a free text (Text column), or a string inside a JSON column
EXEMPT_TABLES = frozenset({"kit_snapshots"})

_STR, _JSON = 0, 1
_COLUMNS: dict[Mapper, tuple[tuple[str, int, int, str], ...]] = {}


# how a refusal names what was too long (other columns are named as in the database)
COLUMN_LABELS = {
    "title": "intitulé", "name": "nom", "label": "libellé", "carrier": "structure porteuse",
    "description": "description", "notes": "notes", "answers": "réponses", "organisation": "organisme",
    "contact": "contact", "email": "adresse e-mail", "role": "rôle", "territory_name": "nom du territoire",
    "pillar": "pilier", "qpv": "QPV", "place": "lieu", "siret": "SIRET", "code": "code",
}
TABLE_LABELS = {
    "actions": "d'une action", "evaluations": "de l'évaluation", "form_responses": "d'une réponse",
    "partners": "d'un partenaire", "team_members": "d'un membre de l'équipe", "communes": "d'une commune",
    "qpv": "d'un quartier", "milestones": "d'une étape du calendrier",
}


class TextRefused(StoreError):
    """A text the store will not keep (too long); the message is French."""


def _columns(mapper: Mapper) -> tuple[tuple[str, int, int, str], ...]:
    """(attribute, kind, maximum length, column name) of the mapper's text and JSON columns."""
    found = _COLUMNS.get(mapper)
    if found is None:
        out = []
        table = getattr(mapper.local_table, "name", "")
        if table not in EXEMPT_TABLES:
            for prop in mapper.column_attrs:
                col = prop.columns[0]
                kind = col.type
                if isinstance(kind, JSON):
                    out.append((prop.key, _JSON, MAX_TEXT_CHARS, col.name))
                elif isinstance(kind, String):  # Text included (no length)
                    out.append((prop.key, _STR, kind.length or MAX_TEXT_CHARS, col.name))
        found = _COLUMNS[mapper] = tuple(out)
    return found


def _too_long(table: str, column: str, size: int, limit: int) -> TextRefused:
    log.warning("text refused: %s.%s has %d characters, at most %d", table, column, size, limit)
    def n(x: int) -> str:
        return f"{x:_}".replace("_", "\u202f")

    return TextRefused(
        f"Texte trop long ({COLUMN_LABELS.get(column, column)} {TABLE_LABELS.get(table, f'dans « {table} »')}) : "
        f"{n(size)} caractères, {n(limit)} au plus. "
        "Raccourcissez-le ; rien n'a été enregistré."
    )


def _longest_string(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max((max(_longest_string(k), _longest_string(v)) for k, v in value.items()), default=0)
    if isinstance(value, (list, tuple)):
        return max((_longest_string(v) for v in value), default=0)
    return 0


def check_record(obj: Any) -> None:
    """Clean the record's loaded text and JSON values in place; refuse one too long."""
    mapper = obj.__mapper__
    state = obj.__dict__
    table = getattr(mapper.local_table, "name", "")
    for key, kind, limit, column in _columns(mapper):
        value = state.get(key)
        if value is None:
            continue
        if kind == _STR:
            if not isinstance(value, str):
                continue
            if needs_cleaning(value):
                value = clean_text(value)
                setattr(obj, key, value)
            if len(value) > limit:
                raise _too_long(table, column, len(value), limit)
        else:
            cleaned = clean_value(value)
            if cleaned is not value:
                setattr(obj, key, cleaned)
            longest = _longest_string(cleaned)
            if longest > limit:
                raise _too_long(table, column, longest, limit)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.new:
        check_record(obj)
    for obj in session.dirty:
        check_record(obj)


def install() -> None:
    """Listen on every session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
