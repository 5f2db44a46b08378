"""A bundle's table checked in one pass by msgspec, and inserted as it comes.

`records.reference_decode_row` (and its compiled twin, `codec.TableCodec`) checks one record at
a time in Python and says in French what does not fit. For a table whose columns are all of the
common kinds (text, integers, booleans, decimals as floats, JSON, UTC timestamps, dates), msgspec
decodes the records file straight from its bytes, in C, into one typed object per record: the
field names (no unknown one, none missing), their types, text lengths, integers within 64 bits,
null only where the column allows it, JSON values checked but kept as their text. What is left
(timestamps and dates really in the calendar, identifiers unique, every record of the bundle's
evaluation) is checked column by column with the standard library's own parsers.

`read_batch` gives a `TableBatch`, or None whenever anything is not as bundles are written
(a timestamp in another form, a column missing from an older bundle, anything msgspec refuses):
the caller then goes the reference way, which accepts what it accepts and explains what it
refuses. A batch is therefore only ever made of records the reference accepts, with the same
values (`tests/sync/test_sync_batch_decoder.py` compares them on thousands of altered records).

`TableBatch.sqlite_rows` gives the driver rows SQLite stores for those records (what
`codec.InsertPlan` writes from the decoded values), so that records new to the database are
inserted with no Python work per record (`merge._merge_table`). JSON columns are stored as the
text the bundle carries: the same values read back.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, repeat
from operator import methodcaller
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Raw

from desktop_app.sync.codec import InsertPlan, _utc_text
from desktop_app.sync.records import _JSON_STR, SyncedTable, _table_columns

# how bundles write a UTC timestamp (`records.encode_value`): microseconds only when not zero
UTC_FORM = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?Z$"
DATE_FORM = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
INT64 = Meta(ge=-(2**63), le=2**63 - 1)  # what SQLite stores; beyond, the reference decides
KINDS = ("string", "int", "bool", "float", "json", "utc", "date")


@dataclass
class TableBatch:
    """The records of one table of a bundle, checked: column -> values in record order
    (encoded form; JSON columns as their JSON text, None for a JSON null)."""

    table: str
    raw: bytes  # the records file, for a record-by-record merge (`Bundle.records`)
    columns: dict[str, tuple[Any, ...]] = field(repr=False)

    def __len__(self) -> int:
        return len(self.columns["id"])

    @property
    def ids(self) -> tuple[str, ...]:
        return self.columns["id"]

    def version_ids(self) -> list[str]:
        """`records.version_id` of each record, written in one pass (the bookkeeping columns
        are of the usual types: checked by the decoder)."""
        c = self.columns
        ids, devices, updated = c["id"], c["device_id"], c["updated_at"]
        if not ids:
            return []
        if _plain("".join(chain(ids, devices))):  # nothing JSON escapes (timestamps: UTC_FORM)
            form = "[" + _JSON_STR(self.table) + ',"{}",{},"{}","{}"]'
            # encoded at once: no line break in any of them
            data = "\n".join(map(form.format, ids, c["revision"], devices, updated)).encode()
            return list(map(_HEX, map(hashlib.sha256, data.split(b"\n"))))
        form = "[" + _JSON_STR(self.table) + ",{},{},{},{}]"
        texts = map(form.format, map(_JSON_STR, ids), c["revision"], map(_JSON_STR, devices), map(_JSON_STR, updated))
        return list(map(_HEX, map(hashlib.sha256, map(str.encode, texts))))

    def sqlite_rows(self, plan: InsertPlan) -> list[tuple] | None:
        """Driver rows for `plan`'s INSERT on SQLite, in column order; None when the plan does
        not write these kinds the way this knows (then the caller decodes record by record)."""
        layout = _layout_of(self.table)
        if layout is None or not plan.usable or plan.columns != layout.names:
            return None
        out = []
        for name, kind, proc in zip(layout.names, layout.kinds, plan.processors, strict=True):
            values = self.columns[name]
            if kind == "utc":
                if proc is not _utc_text:
                    return None
                values = _utc_stored(values)
            elif kind == "date":
                values = [None if v is None else (proc(date.fromisoformat(v)) if proc else date.fromisoformat(v)) for v in values]
            elif kind == "json":
                if proc is None:
                    return None
                if None in values:
                    null = proc(None)
                    values = [null if v is None else v for v in values]
            elif proc is not None and not _same_for(proc, kind):
                values = list(map(proc, values))
            out.append(values)
        return list(zip(*out, strict=True))


# values of each kind a column processor can be given: when it returns each unchanged (SQLite
# stores True as 1 either way), the values are bound as they are
_SAMPLES = {"bool": (True, False, None), "float": (0.5, -1e300, 3.0, None), "int": (0, -(2**63), None), "string": ("é", "", None)}
_SAME: dict[tuple[Any, str], bool] = {}


def _same_for(proc: Callable[[Any], Any], kind: str) -> bool:
    key = (proc, kind)
    found = _SAME.get(key)
    if found is None:
        try:
            found = all(proc(v) == v and (v is None) == (proc(v) is None) for v in _SAMPLES.get(kind, ()))
            found = found and kind in _SAMPLES
        except Exception:  # noqa: BLE001 - not an identity: apply it
            found = False
        _SAME[key] = found
    return found


_HEX = methodcaller("hexdigest")


def _plain(text: str) -> bool:
    """Only printable ASCII and neither quote nor backslash: what JSON writes as it is."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def _utc_stored(texts: tuple[str | None, ...]) -> list[str | None]:
    """The text SQLite stores (`codec._utc_text`) for timestamps in the form bundles write
    (`UTC_FORM`, checked): "2026-11-21T21:47:00.123456Z" -> "2026-11-21 21:47:00.123456",
    microseconds written when the bundle left them out."""
    if texts and None not in texts:
        # All of one length (27 characters, or 20 without microseconds): the column rewritten
        # at once, its only "T" and "Z" per value (the form is checked) replaced.
        joined = "\n".join(texts)
        if len(joined) == 28 * len(texts) - 1:
            return joined.replace("T", " ").replace("Z", "").split("\n")
        if len(joined) == 21 * len(texts) - 1:
            return joined.replace("T", " ").replace("Z", ".000000").split("\n")
    return [
        None if t is None else (t[:10] + " " + t[11:26] if len(t) == 27 else t[:10] + " " + t[11:19] + ".000000")
        for t in texts
    ]


@dataclass(frozen=True)
class _Layout:
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    nullable: tuple[bool, ...]
    decoder: msgspec.json.Decoder
    has_evaluation: bool


_LAYOUTS: dict[str, _Layout | None] = {}
_TABLES: dict[str, SyncedTable] = {}


def _layout_of(table: str) -> _Layout | None:
    return _LAYOUTS.get(table)


def layout(st: SyncedTable) -> _Layout | None:
    """The table's decoder, made once; None for a table with a column of another kind, or that
    refers to itself (its rows must be inserted parents first: record by record)."""
    if st.name in _LAYOUTS and _TABLES.get(st.name) is st:
        return _LAYOUTS[st.name]
    columns, _, kinds = _table_columns(st)
    found: _Layout | None = None
    if st.name not in st.parents.values() and all(kinds[c.name][1] in KINDS for c in columns) and "id" in kinds:
        fields = []
        for col in columns:
            base, kind = kinds[col.name]
            nullable = bool(col.nullable) and not col.primary_key
            fields.append((col.name, _field_type(col.name, base, kind, nullable)))
        struct = msgspec.defstruct(f"Record_{st.name}", fields, forbid_unknown_fields=True)
        found = _Layout(
            names=tuple(c.name for c in columns),
            kinds=tuple(kinds[c.name][1] for c in columns),
            nullable=tuple(bool(c.nullable) and not c.primary_key for c in columns),
            decoder=msgspec.json.Decoder(list[struct]),
            has_evaluation="evaluation_id" in kinds,
        )
        if not {"revision", "device_id", "updated_at"} <= set(found.names) or any(
            found.nullable[found.names.index(n)] for n in ("revision", "device_id", "updated_at")
        ):
            found = None  # version ids need these, never null
    _LAYOUTS[st.name], _TABLES[st.name] = found, st
    return found


def _field_type(name: str, base: Any, kind: str, nullable: bool) -> Any:
    if name == "id":
        typ: Any = Annotated[str, Meta(min_length=1, max_length=min(36, getattr(base, "length", None) or 36))]
    elif kind == "string":
        length = getattr(base, "length", None)
        typ = Annotated[str, Meta(max_length=length)] if length is not None else str
    elif kind == "int":
        typ = Annotated[int, INT64]
    elif kind == "bool":
        typ = bool
    elif kind == "float":
        typ = float
    elif kind == "json":
        return Raw  # JSON null included: told apart after decoding
    else:  # utc, date: their form is checked on the whole column (`_of_form`), not value by value
        typ = str
    return typ | None if nullable else typ


# UTC_FORM and DATE_FORM as the shapes of their texts once every ASCII digit is written 0
_ZERO = str.maketrans("123456789", "000000000")
_SHAPES = {"utc": frozenset({"0000-00-00T00:00:00Z", "0000-00-00T00:00:00.000000Z"}), "date": frozenset({"0000-00-00"})}


def _of_form(texts: list[str] | tuple[str, ...], kind: str) -> bool:
    """Whether every text of a column is of the form bundles write (`UTC_FORM`, `DATE_FORM`),
    checked at once: the texts joined by line breaks, digits made 0, split again (as many
    parts as texts: none held a line break), every part one of the shapes. A pattern applied
    to each value by msgspec cost half of its decoding."""
    parts = "\n".join(texts).translate(_ZERO).split("\n")
    return len(parts) == len(texts) and set(parts) <= _SHAPES[kind]


_astuple: Callable[[Any], tuple] = msgspec.structs.astuple
_RAW_NULL = b"null"


def read_batch(st: SyncedTable, raw: bytes, evaluation_id: str) -> TableBatch | None:
    """The records file `raw` of table `st` checked as a whole (see the module docstring), or
    None: then the reference decides, record by record."""
    found = layout(st)
    if found is None:
        return None
    try:
        records = found.decoder.decode(raw)
    except Exception:  # noqa: BLE001 - whatever it is (even nesting too deep), the reference decides and explains
        return None
    if records:
        columns = list(zip(*map(_astuple, records), strict=True))
    else:
        columns = [() for _ in found.names]
    out: dict[str, tuple[Any, ...]] = {}
    for name, kind, nullable, values in zip(found.names, found.kinds, found.nullable, columns, strict=True):
        try:
            if kind == "utc" or kind == "date":
                present = [v for v in values if v is not None] if nullable and None in values else values
                if present and not _of_form(present, kind):
                    return None
                if kind == "utc":  # the form is checked; now the calendar (no 30 February, no 24 h)
                    deque(map(datetime.fromisoformat, present), maxlen=0)
                elif any(date.fromisoformat(v).isoformat() != v for v in present):
                    return None
            elif kind == "json":  # as text (UnicodeDecodeError: a ValueError)
                values = tuple(map(str, values, repeat("utf-8")))
                if "null" in values:
                    if not nullable:
                        return None
                    values = tuple(None if t == "null" else t for t in values)
        except (ValueError, TypeError):
            return None
        out[name] = values
    ids = out["id"]
    if len(set(ids)) != len(ids):
        return None
    if found.has_evaluation and ids and set(out["evaluation_id"]) != {evaluation_id}:
        return None
    return TableBatch(st.name, raw, out)


def history_pairs(batch: TableBatch, histories: dict[str, list[str]]) -> Iterable[tuple[str, str]]:
    """(record id, version id) of every record of the batch: its own version and those its
    history in the bundle lists (a pair may come twice: the caller puts them in a set)."""
    ids = batch.ids
    pairs = zip(ids, batch.version_ids(), strict=True)
    if not histories:
        return pairs
    # (rid, v) for each v of each record's history, in one pass
    return chain(pairs, chain.from_iterable(map(zip, map(repeat, ids), map(histories.get, ids, repeat(())))))
