"""What a receiving database does with the privacy rules of a pseudonymised bundle.

A pseudonymised bundle is meant for the resource centre: its texts have people pseudonymised
and contact details removed (`core.privacy_filter`), and a testimony whose consent is missing
or withdrawn travels as a deletion (`sync.privacy.tombstone`). The centre applies all of it:
that is how a consent withdrawn reaches it.

A facilitator's laptop holding the evaluation complete (it wrote some of its records, or
received a complete bundle of it) must not lose its copy to such a file by mistake: from a
pseudonymised bundle it takes only the records the privacy rules left as they are, never a
masked text or a privacy deletion (`altered`). A complete bundle later replaces a copy that
came pseudonymised (same version, better content).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, select, text

from desktop_app.core.privacy_filter import EMAIL_MASK, NAME_MASK, PHONE_MASK
from desktop_app.sync.records import EVALUATIONS, SYNC_META, synced_tables

_MASKS = (EMAIL_MASK, PHONE_MASK, NAME_MASK)
_PSEUDONYM_RE = re.compile(r"\b(?:Membre|Contact|Personne|Participant) [0-9A-F]{6}\b")


def altered(record: dict[str, Any], redacted: Iterable[str] = ()) -> bool:
    """Whether the privacy rules changed this record of a pseudonymised bundle (a deletion, a
    masked or pseudonymised text), the columns pseudonymised as a whole (`redacted`) aside."""
    if record.get("deleted"):
        return True
    skip = set(redacted) | set(SYNC_META)
    for key, value in record.items():
        if key in skip or value is None or isinstance(value, (bool, int, float)):
            continue
        text = value if isinstance(value, str) else str(value)
        if any(m in text for m in _MASKS) or _PSEUDONYM_RE.search(text):
            return True
    return False


_WRITTEN_HERE: dict[tuple, Any] = {}
_HELD = text(f"SELECT id FROM {EVALUATIONS} WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))


def _written_here(conn: Connection):
    """The evaluations among :rest with a record written by :device, one probe per synced table
    with a device column: its SQL text made once per process (the expression built and compiled
    by SQLAlchemy took a tenth of a small import, for every new connection)."""
    tables = synced_tables()
    key = (conn.dialect.name, tuple(st.name for st in tables))
    statement = _WRITTEN_HERE.get(key)
    if statement is None:
        q = conn.dialect.identifier_preparer.quote
        probes = []
        for st in tables:
            c = st.table.c
            if "device_id" not in c:
                continue
            if st.name == EVALUATIONS:
                probes.append(f"SELECT {q('id')} AS eid FROM {q(st.name)} WHERE {q('id')} IN :rest AND device_id = :device")
            elif "evaluation_id" in c:
                probes.append(f"SELECT DISTINCT evaluation_id AS eid FROM {q(st.name)} WHERE evaluation_id IN :rest AND device_id = :device")
        statement = text(" UNION ALL ".join(probes)).bindparams(bindparam("rest", expanding=True)) if probes else None
        _WRITTEN_HERE.clear()
        _WRITTEN_HERE[key] = statement
    return statement


def held_complete(conn: Connection, evaluation_ids: set[str], local_device: str) -> set[str]:
    """The evaluations among `evaluation_ids` this database holds complete: some record of theirs
    was written here, or a complete bundle of theirs was received."""
    if not evaluation_ids:
        return set()
    from desktop_app.store.models_sync import SyncEvent

    out: set[str] = set()
    for row in conn.execute(
        select(SyncEvent.evaluation_id, SyncEvent.counts).where(
            SyncEvent.direction == "received", SyncEvent.status == "ok", SyncEvent.evaluation_id.in_(sorted(evaluation_ids))
        )
    ):
        if isinstance(row.counts, dict) and row.counts.get("privacy") == "complete":
            out.add(row.evaluation_id)
    rest = sorted(evaluation_ids - out)
    if rest:  # records refer to their evaluation (a foreign key): none of an evaluation not held here
        held = conn.execute(_HELD, {"ids": rest}).scalars()
        rest = sorted(held)
    if not rest:  # a resource centre receiving new territories: no probe of every table
        return out
    statement = _written_here(conn)
    if statement is not None:
        out.update(row[0] for row in conn.execute(statement, {"rest": rest, "device": local_device}))
    return out
