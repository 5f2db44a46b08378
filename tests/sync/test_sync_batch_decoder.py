"""Tables checked as a whole (`sync/batch.py`, msgspec) accept only records the record-by-record
reference accepts, and SQLite gets the same values from them; an import through batches writes
what the record-by-record import writes."""

from __future__ import annotations

import json
import random
from functools import partial

import pytest
from sync_helpers import dump, open_machine

from desktop_app.sync.batch import DATE_FORM, UTC_FORM, _of_form, read_batch
from desktop_app.sync.bundle import read_bundle
from desktop_app.sync.codec import insert_plan
from desktop_app.sync.records import RecordError, reference_decode_row, table_map, version_id

ODD_VALUES = [
    None, 0, -3, 2**63, -(2**63) - 1, 2**63 - 1, 1.5, 1e300, True, False, "", "x", "9" * 700, "2026-01-05",
    "2026-02-30", "2026-W47-1", "20261122", "2026-01-05T10:00:00Z", "2026-01-05T10:00:00.123456Z",
    "2026-02-30T10:00:00.000000Z", "2026-01-05T24:00:00Z", "0000-01-05T10:00:00Z", "2026-01-05T10:00:00+00:00",
    "２０２６-01-05T10:00:00Z", "2026-01-05T10:00:00,123456Z", "12.50", [], {}, {"a": [1, "é", None]}, "null",
    "a\x00b", "\u2028", "é" * 36, "2026-01-05T10:00:00Z\n", "2026-01-05\n", "2026-01-05T10:00:00Z\n2026-01-05T10:00:00Z",
    "٢٠٢٦-01-05", "2026-01-05T10:00:00.1234567Z",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_template):
    """The demo evaluation (every area) and its bundle, on SQLite."""
    from db_templates import copy_demo

    tmp = tmp_path_factory.mktemp("batch")
    eid = copy_demo(demo_template, tmp / "demo.db", tmp / "demo-pieces")
    services = open_machine(tmp, "demo")
    out = tmp / "demo.evalkit"
    services.sync.export_bundle(eid, out)
    yield services, eid, out
    services.close()


@pytest.fixture(scope="module")
def plans():
    """SQLite insert plans, with the engine's JSON writer."""
    from sqlalchemy import create_engine

    from desktop_app.store.db import json_text

    conn = create_engine("sqlite://", json_serializer=json_text).connect()
    yield lambda st: insert_plan(conn, st.table)
    conn.close()


def _comparable(plan, row):
    """A driver row with JSON columns read back (their text may differ, not their values)."""
    from sqlalchemy import JSON

    return tuple(
        json.loads(v) if isinstance(col.type, JSON) and isinstance(v, str) else v
        for col, v in zip(plan.table.columns, row, strict=True)
    )


def _reference(st, record, eid):
    """What the record-by-record path does with one record: its values, or its refusal."""
    try:
        values = reference_decode_row(st, record)
    except RecordError as exc:
        return "refused", str(exc)
    if "evaluation_id" in values and values["evaluation_id"] != eid:
        return "refused", "autre évaluation"
    return "ok", values


def _bundle_bytes(records):
    return json.dumps(records, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def test_every_table_of_the_demo_bundle_is_checked_as_a_whole_with_the_reference_values(demo, plans):
    _, eid, out = demo
    bundle = read_bundle(out)
    plain = read_bundle(out, batches=False)
    assert not plain.batches and set(bundle.batches) == set(plain.records)
    for table, batch in bundle.batches.items():
        st = table_map()[table]
        records = plain.records[table]
        assert len(batch) == len(records) == bundle.count(table)
        plan = plans(st)
        expected = [_comparable(plan, plan.row(reference_decode_row(st, r))) for r in records]
        assert [_comparable(plan, row) for row in batch.sqlite_rows(plan)] == expected, table
        assert batch.version_ids() == [version_id(table, r) for r in records], table
    # asked for, a batched table's records are those of the file
    assert bundle.records["actions"] == plain.records["actions"]


def test_altered_records_are_batched_only_when_the_reference_takes_them_with_the_same_values(demo, plans):
    _, eid, out = demo
    plain = read_bundle(out, batches=False)
    records = [(table_map()[t], r) for t, rows in plain.records.items() for r in rows]
    rng = random.Random(20261122)
    batched = refused = 0
    for _ in range(4000):
        st, record = rng.choice(records)
        record = dict(record)
        column = rng.choice([*record, "colonne_inconnue"])
        if rng.random() < 0.1:
            record.pop(column, None)
        else:
            record[column] = rng.choice(ODD_VALUES)
        expected = _reference(st, record, eid)
        batch = read_batch(st, _bundle_bytes([record]), eid)
        refused += expected[0] == "refused"
        if batch is None:
            continue
        batched += 1
        assert expected[0] == "ok", (st.name, column, record.get(column), expected)
        plan = plans(st)
        rows = batch.sqlite_rows(plan)
        assert rows is not None
        assert _comparable(plan, rows[0]) == _comparable(plan, plan.row(expected[1])), (st.name, column, record.get(column))
        assert batch.version_ids() == [version_id(st.name, record)]
    assert batched > 1000 and refused > 1000  # both kinds were tried


@pytest.mark.parametrize(
    "stamps",
    [
        ["2026-01-05T10:00:00Z", "2026-01-06T11:30:00Z", "2026-01-07T12:00:59Z"],  # none with microseconds
        ["2026-01-05T10:00:00.000001Z", "2026-01-06T11:30:00.500000Z"],  # all with microseconds
        ["2026-01-05T10:00:00Z", "2026-01-06T11:30:00.123456Z", "2026-01-07T12:00:59Z"],  # both forms
    ],
)
def test_a_table_whose_timestamps_come_in_either_form_gets_the_reference_values(demo, plans, stamps):
    _, eid, out = demo
    plain = read_bundle(out, batches=False)
    table = max(plain.records, key=lambda t: len(plain.records[t]))
    st = table_map()[table]
    records = [dict(r) for r in plain.records[table]]
    assert len(records) >= 3
    for n, record in enumerate(records):
        record["updated_at"] = record["created_at"] = stamps[n % len(stamps)]
    batch = read_batch(st, _bundle_bytes(records), eid)
    assert batch is not None
    plan = plans(st)
    expected = [_comparable(plan, plan.row(reference_decode_row(st, r))) for r in records]
    assert [_comparable(plan, row) for row in batch.sqlite_rows(plan)] == expected
    assert batch.version_ids() == [version_id(table, r) for r in records]


def test_a_table_with_a_duplicate_or_a_foreign_record_is_left_to_the_reference(demo):
    _, eid, out = demo
    st = table_map()["actions"]
    rows = read_bundle(out, batches=False).records["actions"][:3]
    assert read_batch(st, _bundle_bytes(rows), eid) is not None
    assert read_batch(st, _bundle_bytes([*rows, rows[0]]), eid) is None
    assert read_batch(st, _bundle_bytes(rows), "une-autre-evaluation") is None
    assert read_batch(st, b'[{"id": "x"', eid) is None
    assert read_batch(st, _bundle_bytes(rows).replace("é".encode(), b"\xff", 1), eid) is None or "é" not in json.dumps(rows)


def test_an_import_through_batches_writes_what_the_record_by_record_import_writes(demo, tmp_path, monkeypatch):
    from sqlalchemy import select

    from desktop_app.store.models_sync import SyncKnownVersion

    _, _, out = demo

    def imported(name):
        services = open_machine(tmp_path, name)
        summary = services.sync.import_bundle(out)
        with services.store.engine.connect() as conn:
            known = set(conn.execute(select(SyncKnownVersion.table_name, SyncKnownVersion.record_id, SyncKnownVersion.version)))
        data = dump(services)
        services.close()
        return summary, data, known

    fast = imported("batches")
    import desktop_app.services.sync as sync_service

    monkeypatch.setattr(sync_service, "read_bundle", partial(read_bundle, batches=False))
    slow = imported("records")
    assert fast[0]["imported"] == slow[0]["imported"] > 500
    assert fast[1] == slow[1]
    assert fast[2] == slow[2]


def test_a_column_of_timestamps_or_dates_is_of_form_only_when_each_text_is():
    """`_of_form` checks a whole column at once; it says what the form's pattern says of each
    text (no line break let through at the end of one, no text cut in two by one)."""
    import re

    valid = {"utc": ["2026-01-05T10:00:00Z", "2026-01-05T10:00:00.123456Z"], "date": ["2026-01-05"]}
    forms = {"utc": re.compile(UTC_FORM.strip("^$")), "date": re.compile(DATE_FORM.strip("^$"))}
    alphabet = "0129\n\r -:T.Z٢２é\x00"
    rng = random.Random(5)
    seen = {True: 0, False: 0}
    for _ in range(4000):
        kind = rng.choice(["utc", "date"])
        texts = []
        for _ in range(rng.randint(1, 4)):
            text = rng.choice(valid[kind] + valid["utc" if kind == "date" else "date"][:1] * (rng.random() < 0.05))
            if rng.random() < 0.15:  # one character replaced, added or removed
                at, c = rng.randrange(len(text) + 1), rng.choice(alphabet)
                text = rng.choice([text[:at] + c + text[at + 1:], text[:at] + c + text[at:], text[:at] + text[at + 1:]])
            texts.append(text)
        expected = all(forms[kind].fullmatch(t) for t in texts)
        assert _of_form(texts, kind) == expected, (kind, texts)
        seen[expected] += 1
    assert seen[True] > 1000 and seen[False] > 1000
    # two texts' worth in one: as many parts as there are texts, or not of form
    assert not _of_form(["2026-01-05\n2026-01-05"], "date")
    assert not _of_form(["2026-01-05T10:00:00Z\n2026-01-05T10:00:00.123456Z", "2026-01-05T10:00:00Z"], "utc")
    assert _of_form(("2026-01-05T10:00:00Z", "2026-01-05T10:00:00.123456Z"), "utc")
