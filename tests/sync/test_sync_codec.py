"""The compiled per-table codecs accept exactly the records the column-by-column reference accepts,
give the same values, and refuse the others with the reference's French message."""

from __future__ import annotations

import json
import random

from sync_helpers import dump

from desktop_app.sync.codec import _json_text, _utc_text, codec
from desktop_app.sync.records import RecordError, reference_decode_row, table_map

ODD_VALUES = [
    None, 0, -3, 2**70, 1.5, True, False, "", "x", "9" * 700, "2026-01-05", "2026-01-05T10:00:00Z",
    "2026-13-01T00:00:00Z", "12:30", "QUJD", "pas du base64 !", "12.50", [], {}, {"a": [1, "é"]},
]


def outcome(fn, st, record):
    try:
        return "ok", fn(st, record)
    except RecordError as exc:
        return "refused", str(exc)


def test_codecs_decide_and_explain_as_the_reference(machine_a, shared_eval):
    records = [(table_map()[t], r) for t, rows in dump(machine_a).items() for r in rows]
    assert records
    rng = random.Random(20261121)
    refused = 0
    for st, record in records:
        assert codec(st).decode(record) == reference_decode_row(st, record)
    for _ in range(3000):
        st, record = rng.choice(records)
        record = dict(record)
        column = rng.choice([*record, "colonne_inconnue"])
        if rng.random() < 0.15:
            record.pop(column, None)
        else:
            record[column] = rng.choice(ODD_VALUES)
        expected = outcome(reference_decode_row, st, record)
        assert outcome(lambda s, r: codec(s).decode(r), st, record) == expected, (st.name, column, record.get(column))
        refused += expected[0] == "refused"
    assert 300 < refused < 2900  # both kinds of records were tried
    assert outcome(lambda s, r: codec(s).decode(r), records[0][0], ["pas", "un", "objet"])[0] == "refused"


def test_quick_converters_write_what_sqlalchemy_writes():
    from datetime import UTC, datetime

    from sqlalchemy.dialects import sqlite

    from desktop_app.store.models import UTCDateTime

    reference = UTCDateTime().dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())
    for value in (datetime(2026, 11, 21, 21, 47, 0, 5, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC), None):
        assert _utc_text(value) == reference(value)
    for value in (None, {"b": [1, 2.5, "é\n"], "a": {"x": None}}, [], "texte", 3, 0.1, False, float("nan")):
        assert _json_text(value) == json.dumps(value)


ODD_JSON = [
    b'[1, 2.5, "\\u00e9", "\xc3\xa9", null, true, {"a": {"b": []}}]', b'{"a":1,"a":2}', b"[NaN]", b"[Infinity, -Infinity]",
    b"[1e400]", b'"\\ud800"', b"[18446744073709551616]", b"[-9223372036854775809]", b"[9223372036854775807]",
    b"[-0, -0.0, 1E5, 1.5e-7, 0.1, 1e16]", b"\xef\xbb\xbf[1]", b"[1,]", b'{"a":"\x01"}', b"\xff", b"", b" [1] ",
    b'[{"b":1,"a":2}]', b'[{"a":2,"b":1}]', b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
]


def test_quick_json_reading_gives_what_the_standard_library_gives():
    from pathlib import Path

    from desktop_app.sync.bundle import BundleError, _load_json, _load_json_quick

    def read(fn, data, **kw):
        try:
            return "ok", json.dumps(fn(Path("x.evalkit"), data, "records/t.json", **kw))
        except BundleError as exc:
            return "refused", str(exc)

    for data in ODD_JSON:
        expected = read(_load_json, data)
        assert read(_load_json_quick, data, exact=True) == expected, data
        quick = read(_load_json_quick, data, exact=False)  # only numbers may differ, and only in type
        assert quick[0] == expected[0], data


def test_timestamps_cut_from_the_bundle_text_are_those_written_from_the_value():
    from desktop_app.sync.codec import _utc, _utc_text, _utc_text_from

    rng = random.Random(9)
    texts = [
        "2026-11-21T21:47:44.022839Z", "2026-11-21T21:47:44Z", "2026-11-21T21:47:44.022839+02:00",
        "2026-11-21T21:47:44,022839Z", "2026-W47-6T21:47:44.022839Z", "2026-11-21 21:47:44.022839Z",
        "2026-11-21T21:47:44.022839", "2024-02-29T23:59:59.999999Z", "0001-01-01T00:00:00.000000Z",
        "９９９９-12-31T23:59:59.999999Z",
    ]
    for _ in range(3000):
        chars = list(rng.choice(texts[:1]))
        i = rng.randrange(len(chars))
        chars[i] = rng.choice("0123456789T Z.:,-+W٣")
        texts.append("".join(chars))
    accepted = 0
    for text in texts:
        try:
            value = _utc(text)
        except Exception:  # noqa: BLE001 - refused by the decoder: never inserted
            continue
        accepted += 1
        assert _utc_text_from(text, value) == _utc_text(value), text
    assert accepted > 500
