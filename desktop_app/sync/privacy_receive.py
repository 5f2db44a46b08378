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

from sqlalchemy import Connection, select, union_all

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
    if not rest:
        return out
    probes = []
    for st in synced_tables():
        t = st.table
        if "device_id" not in t.c:
            continue
        if st.name == EVALUATIONS:
            probes.append(select(t.c.id.label("eid")).where(t.c.id.in_(rest), t.c.device_id == local_device))
        elif "evaluation_id" in t.c:
            probes.append(
                select(t.c.evaluation_id.label("eid")).where(t.c.evaluation_id.in_(rest), t.c.device_id == local_device).distinct()
            )
    if probes:
        out.update(row[0] for row in conn.execute(union_all(*probes)))
    return out
