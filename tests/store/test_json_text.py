"""JSON columns are written by orjson (`db.json_text`): the values `json.dumps` wrote, whatever
they hold, and what `json.dumps` refused is still refused. They are read by orjson too
(`db.json_value`), with what orjson refuses (NaN, big integers) read as `json.loads` reads it."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, datetime

import pytest

from desktop_app.store.db import json_text, json_value

VALUES = [
    None, True, False, 0, -1, 2**63, 2**64 - 1, 2**64, -(2**63) - 1, 2**70, 0.1, -0.0, 1e16, 1e-7, 5e-324,
    1.7976931348623157e308, "", "é\n\t\"\\\u2028\x7f\x00", "𝄞", [], {}, (1, "x"),
    {"b": [1, 2.5, "é"], "a": {"x": None, "y": True}}, {"réponse": {"1": [None, {"z": 1e300}]}},
    [float("nan")], {"x": float("inf")}, [None, -math.inf], {1: "clé entière"}, {None: 1, True: 2, 2.5: 3},
    [[[[[[[[[["profond"]]]]]]]]]], "null", ["null", None],
]


def same(a, b) -> bool:
    """Equal, NaN included (json.loads gives a new NaN each time)."""
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str) and type(a) is type(b)


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_json_text_reads_back_as_json_dumps(value):
    text = json_text(value)
    assert isinstance(text, str)
    assert same(json.loads(text), json.loads(json.dumps(value)))


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_json_value_reads_what_json_loads_reads(value):
    for text in (json_text(value), json.dumps(value), json.dumps(value, ensure_ascii=False, indent=2)):
        assert same(json_value(text), json.loads(text))


def test_json_text_refuses_what_json_dumps_refuses():
    @dataclasses.dataclass
    class D:
        x: int = 1

    for value in (datetime(2026, 1, 1, tzinfo=UTC), D(), {1, 2}, b"octets", object()):
        with pytest.raises(TypeError):
            json.dumps(value)
        with pytest.raises(TypeError):
            json_text(value)


def test_existing_rows_read_the_same(tmp_path):
    """A row written with json.dumps (before) and one written now read back the same."""
    from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert, select, text

    from desktop_app.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'j.db'}")
    value = {"b": [1, 2.5, "é"], "a": {"x": None, "n": 2**62}}
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v JSON)"))
        conn.execute(text("INSERT INTO t (id, v) VALUES (1, :v)"), {"v": json.dumps(value)})
    t = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("v", JSON))
    with engine.begin() as conn:
        conn.execute(insert(t), {"id": 2, "v": value})
        rows = dict(conn.execute(select(t.c.id, t.c.v)).all())
        raw = dict(conn.execute(text("SELECT id, v FROM t")).all())
    engine.dispose()
    assert rows[1] == rows[2] == value
    assert raw[1] != raw[2]  # the text differs (compact, UTF-8), not what it says
