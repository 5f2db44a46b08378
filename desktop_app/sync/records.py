"""Records as plain JSON, whatever feature area defines their table.

Every mapped class with the synced columns (`desktop_app.store.registry.synced_models()`)
travels. Its rows are selected for one evaluation (the evaluation row itself, the rows with an
`evaluation_id`, and rows of tables without one that point by foreign key to selected rows),
serialised column by column according to the column type, and checked and decoded on the way
back in. Tables come in foreign-key order (`Base.metadata.sorted_tables`), parents first.

Two hashes identify a record's state:
- `version_id`: which version it is (table, id, revision, device, update time): what the
  merge compares with the histories carried by bundles;
- `content_hash`: what it says (every column but the sync bookkeeping), to spot two machines
  that ended with the same content.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Time,
    TypeDecorator,
    select,
)

from desktop_app.store.models import Evaluation, UTCDateTime
from desktop_app.store.registry import Base, synced_models

SYNC_META = ("created_at", "updated_at", "device_id", "revision")
EVALUATIONS = Evaluation.__tablename__


class RecordError(ValueError):
    """A record of a bundle that does not fit the table (French message)."""


@dataclass(frozen=True)
class SyncedTable:
    name: str
    table: Table
    model: type

    @property
    def columns(self) -> list[Column]:
        return list(self.table.columns)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.table.columns]

    @property
    def parents(self) -> dict[str, str]:
        """Foreign-key column -> referred table, for the references to other tables."""
        out = {}
        for fk in self.table.foreign_keys:
            out[fk.parent.name] = fk.column.table.name
        return out


_ORDERED: dict[tuple, list[SyncedTable]] = {}


def synced_tables() -> list[SyncedTable]:
    """Synced tables, parents before children (the evaluation first). Sorting the metadata's
    tables takes milliseconds: done again only when the mapped classes or tables change."""
    models = tuple(synced_models())
    key = (models, len(Base.metadata.tables))
    cached = _ORDERED.get(key)
    if cached is not None:
        return list(cached)
    by_table = {}
    for model in models:
        table = getattr(model, "__table__", None)
        if isinstance(table, Table):
            by_table[table.name] = SyncedTable(table.name, table, model)
    ordered = [by_table[t.name] for t in Base.metadata.sorted_tables if t.name in by_table]
    ordered.sort(key=lambda st: st.name != EVALUATIONS)  # stable: evaluation first, then FK order
    _ORDERED.clear()
    _ORDERED[key] = ordered
    return list(ordered)


def table_map() -> dict[str, SyncedTable]:
    return {st.name: st for st in synced_tables()}


# -- encoding ---------------------------------------------------------------------------------
def _base_type(col: Column):
    t = col.type
    if isinstance(t, TypeDecorator) and not isinstance(t, UTCDateTime):
        return t.impl if not isinstance(t.impl, type) else t.impl()
    return t


def encode_value(col: Column, value: Any) -> Any:
    if value is None:
        return None
    t = _base_type(col)
    if isinstance(t, UTCDateTime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(t, DateTime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return value.isoformat()
    if isinstance(t, (Date, Time)):
        return value.isoformat()
    if isinstance(t, Numeric) and not isinstance(t, Float):
        return str(value)
    if isinstance(t, LargeBinary):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(t, Boolean):
        return bool(value)
    return value


def encode_row(st: SyncedTable, row: Any) -> dict[str, Any]:
    mapping = row._mapping if hasattr(row, "_mapping") else row
    return {c.name: encode_value(c, mapping[c.name]) for c in st.columns}


def _bad(st: SyncedTable, col: Column, what: str) -> RecordError:
    return RecordError(f"table « {st.name} », colonne « {col.name} » : {what}")


def _kind(t: Any) -> str:
    """Which branch of `decode_value` a column type takes (computed once per column)."""
    for kind, types in (
        ("utc", UTCDateTime), ("datetime", DateTime), ("date", Date), ("time", Time), ("bool", Boolean),
        ("int", Integer), ("float", Float), ("numeric", Numeric), ("binary", LargeBinary), ("json", JSON),
        ("string", String),
    ):
        if isinstance(t, types):
            return kind
    return "other"


_COLUMNS: dict[Table, tuple[list[Column], frozenset[str], dict[str, tuple[Any, str]]]] = {}


def _table_columns(st: SyncedTable) -> tuple[list[Column], frozenset[str], dict[str, tuple[Any, str]]]:
    """The table's columns, their names and {name: (base type, kind)}, worked out once per table."""
    cached = _COLUMNS.get(st.table)
    if cached is None:
        columns = list(st.table.columns)
        kinds = {}
        for col in columns:
            t = _base_type(col)
            kinds[col.name] = (t, _kind(t))
        cached = _COLUMNS[st.table] = (columns, frozenset(c.name for c in columns), kinds)
    return cached


def decode_value(st: SyncedTable, col: Column, value: Any) -> Any:
    """The Python value for a column from its JSON form; RecordError when it does not fit."""
    if value is None:
        if not col.nullable:
            raise _bad(st, col, "valeur manquante")
        return None
    t, kind = _table_columns(st)[2].get(col.name) or (_base_type(col), _kind(_base_type(col)))
    try:
        if kind == "utc":
            if not isinstance(value, str):
                raise TypeError
            d = datetime.fromisoformat(value)
            return d.replace(tzinfo=UTC) if d.tzinfo is None else d.astimezone(UTC)
        if kind == "datetime":
            if not isinstance(value, str):
                raise TypeError
            d = datetime.fromisoformat(value)
            return d if getattr(t, "timezone", False) or d.tzinfo is None else d.astimezone(UTC).replace(tzinfo=None)
        if kind == "date":
            if not isinstance(value, str):
                raise TypeError
            return date.fromisoformat(value)
        if kind == "time":
            if not isinstance(value, str):
                raise TypeError
            return time.fromisoformat(value)
        if kind == "bool":
            if not isinstance(value, bool):
                raise TypeError
            return value
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            return value
        if kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError
            return float(value)
        if kind == "numeric":
            if not isinstance(value, (str, int)):
                raise TypeError
            return Decimal(str(value))
        if kind == "binary":
            return base64.b64decode(value, validate=True)
        if kind == "json":
            return value
        if kind == "string":  # String, Text, Enum, Unicode
            if not isinstance(value, str):
                raise TypeError
            if t.length is not None and len(value) > t.length:
                raise _bad(st, col, f"texte trop long ({len(value)} caractères, {t.length} au plus)")
            return value
    except RecordError:
        raise
    except (TypeError, ValueError, InvalidOperation):
        raise _bad(st, col, f"valeur invalide {str(value)[:40]!r}") from None
    return value


def reference_decode_row(st: SyncedTable, record: Any) -> dict[str, Any]:
    """The column-by-column check `codec.decode_row` stands for: what it accepts, and its messages."""
    if not isinstance(record, dict):
        raise RecordError(f"table « {st.name} » : enregistrement mal formé")
    columns, names, _ = _table_columns(st)
    unknown = set(record) - names
    if unknown:
        raise RecordError(f"table « {st.name} » : colonnes inconnues {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for col in columns:
        if col.name in record:
            out[col.name] = decode_value(st, col, record[col.name])
        elif col.primary_key or col.name in ("id", "revision", "updated_at"):
            raise _bad(st, col, "valeur manquante")
        # a column missing from an older bundle gets its default at insert time
    rid = out.get("id")
    if not isinstance(rid, str) or not rid or len(rid) > 36:
        raise RecordError(f"table « {st.name} » : identifiant invalide")
    return out


# -- hashes -----------------------------------------------------------------------------------
# the same text as json.dumps with these options; one encoder rather than one per call
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _canonical(data: Any) -> bytes:
    return _CANONICAL.encode(data).encode()


_JSON_STR = json.encoder.encode_basestring  # how json.dumps(ensure_ascii=False) writes a str


def version_id(table: str, record: dict[str, Any]) -> str:
    """Identify one version of a record from its bookkeeping (encoded form)."""
    get = record.get
    rid, revision, device, updated = get("id"), get("revision"), get("device_id"), get("updated_at")
    if type(rid) is str and type(revision) is int and type(device) is str and type(updated) is str and isinstance(table, str):
        # the usual record: the canonical JSON of the list written in one go (a table name is
        # SQLAlchemy's str subclass: JSON writes it as a str)
        text = f"[{_JSON_STR(table)},{_JSON_STR(rid)},{revision},{_JSON_STR(device)},{_JSON_STR(updated)}]"
        return hashlib.sha256(text.encode()).hexdigest()
    key = [table, rid, revision, device, updated]
    parts = []
    for v in key:  # the canonical JSON of the list, written directly for the usual types
        if isinstance(v, str):
            parts.append(_JSON_STR(v))
        elif type(v) is int:
            parts.append(int.__repr__(v))
        elif v is None:
            parts.append("null")
        else:
            return hashlib.sha256(_canonical(key)).hexdigest()
    return hashlib.sha256(("[" + ",".join(parts) + "]").encode()).hexdigest()


def content_hash(record: dict[str, Any], ignore: set[str] | frozenset[str] = frozenset()) -> str:
    body = {k: v for k, v in record.items() if k not in SYNC_META and k not in ignore}
    return hashlib.sha256(_canonical(body)).hexdigest()


def digest(data: Any) -> str:
    return hashlib.sha256(_canonical(data)).hexdigest()


# -- selection --------------------------------------------------------------------------------
def select_evaluation(conn: Connection, evaluation_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every synced row of one evaluation, encoded, table by table in FK order."""
    selected: dict[str, set[str]] = {}
    out: dict[str, list[dict[str, Any]]] = {}
    for st in synced_tables():
        t = st.table
        if st.name == EVALUATIONS:
            rows = conn.execute(select(t).where(t.c.id == evaluation_id)).all()
        elif "evaluation_id" in t.c:
            rows = conn.execute(select(t).where(t.c.evaluation_id == evaluation_id)).all()
        else:
            links = {c: p for c, p in st.parents.items() if p in selected}
            if not links:
                continue  # a table shared by all evaluations: not part of one evaluation's bundle
            rows = [
                r for r in conn.execute(select(t)).all()
                if any(r._mapping[c] in selected[p] for c, p in links.items())
            ]
        encoded = sorted((encode_row(st, r) for r in rows), key=lambda r: str(r["id"]))
        out[st.name] = encoded
        selected[st.name] = {r["id"] for r in encoded}
    return out
