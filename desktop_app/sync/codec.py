"""Per-table codecs: bundle records decoded, and rows inserted, with work done once per table.

`records.reference_decode_row` is the reference: it checks a record column by column and says in French
what does not fit. Checking the thousands of records of an import that way was most of its
time, so each table gets a `TableCodec` built once: the columns' checks and conversions worked
out from their types, applied in one loop with the common kinds (text, JSON) inlined. The codec
accepts exactly what the reference accepts: when its fast path finds anything wrong, the record
goes through the reference, which raises the same error as before (or, were the fast path ever
stricter, returns the same values).

`InsertPlan` writes many full rows of a table with one `executemany` through the driver: the
INSERT compiled once per table and dialect, the values converted by the column types' own bind
processors for that dialect (what SQLAlchemy would do row by row, without its per-row
bookkeeping). Rows missing a column (an older bundle) go through a Core insert, which fills the
defaults.
"""

from __future__ import annotations

import base64
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from itertools import repeat
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Table, insert

from desktop_app.store.models import UTCDateTime
from desktop_app.sync.records import _table_columns, reference_decode_row

_MISSING = object()
_NO_LIMIT = sys.maxsize
# kinds handled inline by the decoding loop; the others call their converter
_STR, _JSON, _CALL = 0, 1, 2


class _Invalid(Exception):
    """The fast path found something wrong: let the reference say what."""


def _utc(value: Any) -> datetime:
    if type(value) is not str:
        raise _Invalid
    d = datetime.fromisoformat(value)
    return d.replace(tzinfo=UTC) if d.tzinfo is None else d.astimezone(UTC)


def _naive_datetime(value: Any) -> datetime:
    if type(value) is not str:
        raise _Invalid
    d = datetime.fromisoformat(value)
    return d if d.tzinfo is None else d.astimezone(UTC).replace(tzinfo=None)


def _aware_datetime(value: Any) -> datetime:
    if type(value) is not str:
        raise _Invalid
    return datetime.fromisoformat(value)


def _date(value: Any) -> date:
    if type(value) is not str:
        raise _Invalid
    return date.fromisoformat(value)


def _time(value: Any) -> time:
    if type(value) is not str:
        raise _Invalid
    return time.fromisoformat(value)


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise _Invalid
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise _Invalid
    return value


def _float(value: Any) -> float:
    if type(value) is not int and type(value) is not float:
        raise _Invalid
    return float(value)


def _numeric(value: Any) -> Decimal:
    if type(value) is not str and type(value) is not int:
        raise _Invalid
    return Decimal(str(value))


def _binary(value: Any) -> bytes:
    return base64.b64decode(value, validate=True)


def _column_spec(base_type: Any, kind: str) -> tuple[int, Any]:
    """(inline kind, argument) for one column: the length limit of text, the converter otherwise."""
    if kind == "string":
        length = getattr(base_type, "length", None)
        return _STR, _NO_LIMIT if length is None else length
    if kind in ("json", "other"):
        return _JSON, None
    if kind == "datetime":
        return _CALL, _aware_datetime if getattr(base_type, "timezone", False) else _naive_datetime
    converters: dict[str, Callable[[Any], Any]] = {
        "utc": _utc, "date": _date, "time": _time, "bool": _bool, "int": _int, "float": _float,
        "numeric": _numeric, "binary": _binary,
    }
    return _CALL, converters[kind]


class TableCodec:
    """Checks and decodes the records of one synced table (see the module docstring)."""

    def __init__(self, st: Any, reference: Callable[[Any, Any], dict[str, Any]]):
        self.st = st
        self._reference = reference
        columns, self.names, kinds = _table_columns(st)
        self.column_names = tuple(c.name for c in columns)
        spec = []
        for col in columns:
            inline, arg = _column_spec(*kinds[col.name])
            required = bool(col.primary_key or col.name in ("id", "revision", "updated_at"))
            spec.append((col.name, inline, arg, bool(col.nullable), required))
        self._spec = tuple(spec)
        self._fast = self._compile()

    def decode(self, record: Any) -> dict[str, Any]:
        """Column -> Python value; RecordError (the reference's message) when it does not fit."""
        try:
            return self._fast(record)
        except Exception:  # noqa: BLE001 - whatever it is, the reference decides and explains
            return self._reference(self.st, record)

    def _compile(self) -> Callable[[Any], dict[str, Any]]:
        """The fast path as one function written for this table: each column's check inlined,
        the record's values in locals, the result built as one dict display. A record with every
        column (the usual one) takes a shorter way: its values read by subscript, the checks of
        the common kinds (text, JSON, integers, decimals, booleans, UTC timestamps) written out."""
        env: dict[str, Any] = {
            "NAMES": self.names, "Invalid": _Invalid, "M": _MISSING, "N": len(self.names),
            "fromiso": datetime.fromisoformat, "UTC": UTC,
        }
        body = [
            "def fast(rec):",
            "    if type(rec) is not dict or not rec.keys() <= NAMES:",
            "        raise Invalid",
            "    if len(rec) == N:  # every column: no default to leave to the insert",
        ]
        for i, (name, inline, arg, nullable, _required) in enumerate(self._spec):
            body += [f"        {line}" for line in _full_check(f"v{i}", name, inline, arg, nullable, env, i)]
        items = ", ".join(f"{name!r}: v{i}" for i, (name, *_rest) in enumerate(self._spec))
        body += [
            f"        out = {{{items}}}",
            "    else:",
            "        get = rec.get",
            "        missing = False",
        ]
        for i, (name, inline, arg, nullable, required) in enumerate(self._spec):
            v = f"v{i}"
            body.append(f"        {v} = get({name!r}, M)")
            body.append(f"        if {v} is M:")
            body.append("            raise Invalid" if required else "            missing = True")
            body.append(f"        elif {v} is None:")
            body.append("            pass" if nullable else "            raise Invalid")
            if inline == _STR:
                limit = "" if arg == _NO_LIMIT else f" or len({v}) > {int(arg)}"
                body.append(f"        elif type({v}) is not str{limit}:")
                body.append("            raise Invalid")
            elif inline == _CALL:
                env[f"c{i}"] = arg
                body.append("        else:")
                body.append(f"            {v} = c{i}({v})")
        body += [
            f"        out = {{{items}}}",
            "        if missing:  # columns an older bundle lacks get their default at insert time",
            "            out = {k: v for k, v in out.items() if v is not M}",
            "    rid = out.get('id')",
            "    if type(rid) is not str or not rid or len(rid) > 36:",
            "        raise Invalid",
            "    return out",
        ]
        exec(compile("\n".join(body), f"<codec {self.st.name}>", "exec"), env)  # noqa: S102 - our own source
        return env["fast"]


def _full_check(v: str, name: str, inline: int, arg: Any, nullable: bool, env: dict[str, Any], i: int) -> list[str]:
    """Lines reading column `name` of a record that has every column into `v`, checked and
    converted as `_column_spec` says (raise Invalid when it does not fit)."""
    lines = [f"{v} = rec[{name!r}]"]
    not_none = f"{v} is not None" if nullable else "True"
    if inline == _STR:
        limit = "" if arg == _NO_LIMIT else f" or len({v}) > {int(arg)}"
        test = f"type({v}) is not str{limit}"
        lines += [f"if {v} is not None and ({test}):" if nullable else f"if {test}:", "    raise Invalid"]
    elif inline == _JSON:
        if not nullable:
            lines += [f"if {v} is None:", "    raise Invalid"]
    elif arg is _int or arg is _bool:
        kind = "int" if arg is _int else "bool"
        test = f"type({v}) is not {kind}"
        lines += [f"if {v} is not None and {test}:" if nullable else f"if {test}:", "    raise Invalid"]
    elif arg is _float:
        lines += [
            f"if type({v}) is not float:",
            f"    if type({v}) is int:",
            f"        {v} = float({v})",
            f"    elif {not_none}:",
            "        raise Invalid",
        ]
    elif arg is _utc:  # an aware timestamp in UTC, like _utc
        lines += [
            f"if type({v}) is str:",
            f"    {v} = fromiso({v})",
            f"    if {v}.tzinfo is None:",
            f"        {v} = {v}.replace(tzinfo=UTC)",
            f"    elif {v}.tzinfo is not UTC:",
            f"        {v} = {v}.astimezone(UTC)",
            f"elif {not_none}:",
            "    raise Invalid",
        ]
    else:
        env[f"c{i}"] = arg
        lines += [
            f"if {v} is not None:",
            f"    {v} = c{i}({v})",
        ]
        if not nullable:
            lines += ["else:", "    raise Invalid"]
    return lines


_CODECS: dict[Table, TableCodec] = {}


def codec(st: Any) -> TableCodec:
    """The table's codec, built on first use."""
    found = _CODECS.get(st.table)
    if found is None:
        found = _CODECS[st.table] = TableCodec(st, reference_decode_row)
    return found


def decode_row(st: Any, record: Any) -> dict[str, Any]:
    """Check one record of a bundle against its table and return column -> Python value
    (RecordError, French, when it does not fit). Through the table's compiled codec."""
    return codec(st).decode(record)


# -- inserting --------------------------------------------------------------------------------
class InsertPlan:
    """One table's INSERT of every column, compiled for one dialect, and its value converters."""

    def __init__(self, table: Table, dialect: Any):
        self.table = table
        self.columns = tuple(c.key for c in table.columns)
        compiled = insert(table).compile(dialect=dialect, column_keys=list(self.columns))
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        names = list(compiled.positiontup or []) if self.positional else sorted(compiled.binds)
        escaped = getattr(compiled, "escaped_bind_names", None)
        # usable only when every column is one plain bind named after it (otherwise: Core insert)
        self.usable = not escaped and (
            names == list(self.columns) if self.positional else set(names) == set(self.columns)
        )
        self.processors = tuple(_processor(c, dialect) for c in table.columns)
        self.row = self._compile_row()
        self.row_from = self._compile_row(from_source=True)

    def to_db(self, name: str, value: Any) -> Any:
        """One value as the driver receives it."""
        proc = self.processors[self.columns.index(name)]
        return proc(value) if proc is not None else value

    def _compile_row(self, from_source: bool = False) -> Callable[..., tuple]:
        """row(values): a full row (column -> Python value) as driver parameters, in column
        order; written for this table as one tuple display. With `from_source`,
        row(values, record): the same from the values and the bundle record they were decoded
        from, UTC timestamps cut from the record's text when it has the usual form."""
        env: dict[str, Any] = {"utc_from": _utc_text_from}
        items = []
        for i, (name, proc) in enumerate(zip(self.columns, self.processors, strict=True)):
            if proc is None:
                items.append(f"d[{name!r}]")
            elif from_source and proc is _utc_text:
                items.append(f"utc_from(r.get({name!r}), d[{name!r}])")
            else:
                env[f"p{i}"] = proc
                items.append(f"p{i}(d[{name!r}])")
        source = f"def row(d{', r' if from_source else ''}):\n    return ({', '.join(items)},)"
        exec(compile(source, f"<insert {self.table.name}>", "exec"), env)  # noqa: S102 - our own source
        return env["row"]

    def build(self, fixed: dict[str, Any], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[tuple]:
        """Driver-ready rows from values of `names` per row and values `fixed` for all (converted
        once); together they must give every column."""
        slots: list[tuple[bool, Any, Any]] = []  # (from the row?, fixed value or index, converter)
        for col, proc in zip(self.columns, self.processors, strict=True):
            if col in fixed:
                slots.append((False, self.to_db(col, fixed[col]), None))
            else:
                slots.append((True, names.index(col), proc))  # ValueError: a column given by no one
        if all(not from_row or proc is None for from_row, _, proc in slots):  # plain placement, column by column
            rows = rows if isinstance(rows, (list, tuple)) else list(rows)
            return list(zip(*[map(itemgetter(arg), rows) if from_row else repeat(arg, len(rows)) for from_row, arg, _ in slots], strict=True))
        return [
            tuple([(row[arg] if proc is None else proc(row[arg])) if from_row else arg for from_row, arg, proc in slots])
            for row in rows
        ]

    def execute(self, conn: Connection, rows: Sequence[tuple]) -> None:
        """executemany of driver-ready rows (tuples in column order)."""
        if not rows:
            return
        if self.positional:
            conn.exec_driver_sql(self.sql, list(rows))
        else:
            conn.exec_driver_sql(self.sql, [dict(zip(self.columns, r, strict=True)) for r in rows])


def _processor(col: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The column type's bind processor for the dialect; for a UTC timestamp or JSON, a quicker
    one when it gives exactly the same values on samples (with SQLite: the timestamp's text
    written directly, the engine's JSON serializer without SQLAlchemy's wrapper)."""
    proc = col.type.dialect_impl(dialect).bind_processor(dialect)
    if proc is None:
        return proc
    if isinstance(col.type, UTCDateTime):
        candidate: Callable[[Any], Any] = _utc_text
        samples: list[Any] = [
            datetime(2026, 11, 21, 21, 47, 0, 123456, tzinfo=UTC),
            datetime(2026, 1, 1, tzinfo=UTC),
            datetime(999, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
            datetime(2026, 6, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))),
            None,
        ]
    elif isinstance(col.type, JSON) and not col.type.none_as_null:
        candidate = getattr(dialect, "_json_serializer", None) or _json_text  # the engine's, unwrapped
        samples = [None, {"b": [1, 2.5, "é\n"], "a": {"x": None, "y": True}}, [], "texte", 3, 0.1, False, float("nan"), 2**70]
    else:
        return proc
    try:
        same = all(candidate(v) == proc(v) for v in samples)
    except Exception:  # noqa: BLE001 - not the same behaviour: keep SQLAlchemy's
        same = False
    return candidate if same else proc


def _json_encoder() -> Callable[[Any], str]:
    """json.dumps with its default options, its C encoder made once rather than on every call
    (no circular-reference check: the values come from parsing JSON)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.dumps
    default = json.JSONEncoder().default
    encode = make(None, default, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True)

    def dumps(value: Any) -> str:
        return "".join(encode(value, 0))

    return dumps


_json_text = _json_encoder()


def _utc_text(value: datetime | None) -> str | None:
    """An aware timestamp as SQLite stores UTCDateTime: naive UTC, microseconds always written."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


_UTC_FORM = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", re.ASCII)  # how bundles write them


def _utc_text_from(text: Any, value: datetime | None) -> str | None:
    """`_utc_text(value)`, `value` being decoded from `text` (`_utc`): in the form bundles write,
    the same characters, cut from it rather than written again from the timestamp."""
    if type(text) is str and len(text) == 27 and _UTC_FORM.fullmatch(text):
        return text[:10] + " " + text[11:26]
    return _utc_text(value)


_PLANS: dict[tuple[Table, str, str], InsertPlan] = {}


def insert_plan(conn: Connection, table: Table) -> InsertPlan:
    dialect = conn.dialect
    key = (table, dialect.name, dialect.driver)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = InsertPlan(table, dialect)
    return plan


def insert_rows(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], sources: Sequence[dict[str, Any]] | None = None
) -> None:
    """Insert rows (column -> Python value) in their order: full rows by `executemany` through
    the driver, runs of rows lacking a column through a Core insert (defaults filled).
    `sources`: the bundle records the rows were decoded from (`codec`), one per row."""
    plan = insert_plan(conn, table)
    full = frozenset(plan.columns)
    batch: list[tuple] = []
    partial: list[dict[str, Any]] = []
    row, row_from = plan.row, plan.row_from
    for n, values in enumerate(rows):
        if plan.usable and len(values) == len(full) and values.keys() == full:
            if partial:
                _core_insert(conn, table, partial)
                partial = []
            batch.append(row(values) if sources is None else row_from(values, sources[n]))
        else:
            if batch:
                plan.execute(conn, batch)
                batch = []
            partial.append(values)
    if batch:
        plan.execute(conn, batch)
    if partial:
        _core_insert(conn, table, partial)


def _core_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany per run of rows with the same columns (Core fills the missing ones)."""
    start = 0
    while start < len(rows):
        columns = rows[start].keys()
        end = start + 1
        while end < len(rows) and rows[end].keys() == columns:
            end += 1
        conn.execute(insert(table), rows[start:end])
        start = end
