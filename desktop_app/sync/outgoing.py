"""Build the bundle of one evaluation from the database (records, histories, kit, attachments).

Every version exported is remembered in `sync_known_versions`: a later bundle coming back with
that version in its history descends from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from desktop_app.core.text_input import clean_value
from desktop_app.store.models import KitSnapshot, utcnow
from desktop_app.store.models_sync import SyncKnownVersion
from desktop_app.sync import privacy
from desktop_app.sync.bundle import BundleError, write_bundle
from desktop_app.sync.codec import insert_plan
from desktop_app.sync.records import EVALUATIONS, digest, select_evaluation, table_map, version_id

MAX_HISTORY = 100
CHUNK = 500


@dataclass(frozen=True)
class ExportResult:
    path: Path
    evaluation_id: str
    privacy: str
    counts: dict[str, int]
    excluded: dict[str, int]
    redacted: dict[str, list[str]]
    attachments: int
    data_digest: str
    file_sha256: str
    tombstones: dict[str, int] = field(default_factory=dict)  # table -> sent as deletions (consent withdrawn...)
    missing: tuple[str, ...] = ()  # attachments whose file is not in the attachment folder


def known_versions(session: Session, table: str, ids: list[str]) -> dict[str, list[str]]:
    """Record id -> version ids held at exchanges, most recent first."""
    write_deferred_versions(session)  # read what this transaction remembered so far, too
    out: dict[str, list[str]] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        rows = session.execute(
            select(SyncKnownVersion.record_id, SyncKnownVersion.version)
            .where(SyncKnownVersion.table_name == table, SyncKnownVersion.record_id.in_(chunk))
            .order_by(SyncKnownVersion.seen_at.desc(), SyncKnownVersion.version)
        )
        for rid, version in rows:
            out.setdefault(rid, []).append(version)
    return out


def remember(
    session: Session,
    table: str,
    pairs: set[tuple[str, str]],
    known: dict[str, list[str]] | None = None,
    seen_at: datetime | None = None,
) -> None:
    """Add (record id, version id) pairs to the known versions (skips those already there).
    `known`: what `known_versions` gave for these records (kept up to date here)."""
    if not pairs:
        return
    if known is None:
        known = known_versions(session, table, sorted({rid for rid, _ in pairs}))
    rows = []
    for rid, version in sorted(pairs):
        held = known.get(rid)
        if held is None:
            known[rid] = [version]
        elif version not in held:
            held.insert(0, version)
        else:
            continue
        rows.append((rid, version))
    _insert_versions(session, table, rows, seen_at)


def remember_new(session: Session, table: str, pairs: set[tuple[str, str]], seen_at: datetime | None = None) -> None:
    """`remember` for pairs none of which is known yet (records new to this database, in a
    table none of whose versions is known): inserted without looking."""
    _insert_versions(session, table, sorted(pairs), seen_at)


_DEFERRED = "sync_known_versions_deferred"  # Session.info key: rows waiting (`versions_deferred`)


@contextmanager
def versions_deferred(session: Session) -> Iterator[None]:
    """The known versions remembered in this block are written together at its end, in key
    order, by one executemany (and before any read of them: `known_versions`). An import
    learns a version per record, table after table: written between the tables' records,
    they took SQLite's page cache from the records' pages (a fifth of the import's writing)."""
    if _DEFERRED in session.info:  # nested: the outer block writes them
        yield
        return
    session.info[_DEFERRED] = []
    try:
        yield
        write_deferred_versions(session)
    finally:
        session.info.pop(_DEFERRED, None)


def write_deferred_versions(session: Session) -> None:
    """Write the rows `versions_deferred` holds so far (nothing outside such a block)."""
    pending = session.info.get(_DEFERRED)
    if not pending:
        return
    conn = session.connection()
    plan = insert_plan(conn, SyncKnownVersion.__table__)
    if plan.usable:  # one executemany through the driver, in the table's key order
        rows: list[tuple] = []
        for fixed, pairs in sorted(pending, key=lambda group: group[0]["table_name"]):
            rows += plan.build(fixed, ("record_id", "version"), pairs)  # each group sorted already
        if plan.columns[:3] == ("table_name", "record_id", "version"):
            rows.sort()  # runs already in order: a pass over them
        else:
            rows.sort(key=itemgetter(*(plan.columns.index(c) for c in ("table_name", "record_id", "version"))))
        plan.execute(conn, rows)
    else:
        conn.execute(
            insert(SyncKnownVersion.__table__),
            [{**fixed, "record_id": r, "version": v} for fixed, pairs in pending for r, v in pairs],
        )
    pending.clear()


def _insert_versions(session: Session, table: str, rows: list[tuple[str, str]], seen_at: datetime | None) -> None:
    if not rows:
        return
    fixed = {"table_name": str(table), "seen_at": seen_at or utcnow()}  # a plain str: the driver adapts subclasses slowly
    pending = session.info.get(_DEFERRED)
    if pending is not None:
        pending.append((fixed, rows))
        return
    conn = session.connection()
    plan = insert_plan(conn, SyncKnownVersion.__table__)
    if plan.usable:  # one executemany through the driver
        plan.execute(conn, plan.build(fixed, ("record_id", "version"), rows))
    else:
        conn.execute(insert(SyncKnownVersion.__table__), [{**fixed, "record_id": r, "version": v} for r, v in rows])


def collect(
    session: Session, evaluation_id: str, level: str, kit_rules: Callable[[str, str], dict | None] | None = None
) -> tuple[dict, privacy.Outcome, dict[str, dict[str, list[str]]], str]:
    """The evaluation's rows after the privacy rules, their histories and the data digest.
    `kit_rules(kit_id, version)`: what the evaluation's kit declares about its fields
    (`core.privacy_filter.kit_rules`), None when the kit is not at hand."""
    rows = select_evaluation(session.connection(), evaluation_id)
    if not rows.get(EVALUATIONS):
        raise BundleError(f"Évaluation introuvable : {evaluation_id}")
    if clean_stored_text(session, rows):
        rows = select_evaluation(session.connection(), evaluation_id)
    tables = table_map()
    rules = None
    if level != privacy.COMPLETE and kit_rules is not None:
        ev = rows[EVALUATIONS][0]
        rules = kit_rules(ev["kit_id"], ev["kit_version"])
    outcome = privacy.apply(rows, level, parents=lambda t: tables[t].parents, rules=rules)
    versions: dict[str, dict[str, list[str]]] = {}
    for table, records in outcome.rows.items():
        ids = [r["id"] for r in records]
        known = known_versions(session, table, ids)
        # a tombstone the privacy rules made (consent withdrawn) descends from the record held here
        originals = {r["id"]: version_id(table, r) for r in rows.get(table, ())} if outcome.tombstones.get(table) else {}
        per: dict[str, list[str]] = {}
        current: set[tuple[str, str]] = set()
        for rec in records:
            vid = version_id(table, rec)
            own = originals.get(rec["id"])
            held = known.get(rec["id"], [])
            if level != privacy.COMPLETE and held and not rec.get("deleted") and _withdrawn_before(table, rec, held):
                # sent as a privacy tombstone earlier, unchanged since, and sendable again (consent
                # given back): a version above the tombstone, so that a receiver takes it back
                rec["revision"] = (rec.get("revision") or 0) + 2
                own, vid = vid, version_id(table, rec)
            if own is not None and own != vid and own not in held:
                held = [own, *held]
            history = [vid] + [v for v in held if v != vid]
            per[rec["id"]] = history[:MAX_HISTORY]
            current.add((rec["id"], vid))
        versions[table] = per
        remember(session, table, current, known)
    data_digest = digest({"rows": outcome.rows, "privacy": level})
    # the evaluation as it leaves (its title through the privacy filter too: it goes in the manifest)
    return (outcome.rows.get(EVALUATIONS) or rows[EVALUATIONS])[0], outcome, versions, data_digest


def clean_stored_text(session: Session, rows: dict[str, list[dict[str, Any]]]) -> int:
    """Clean, as a local edit of this device, the texts an older version stored with characters
    the store no longer accepts (control characters, bidi overrides): a receiver refuses a bundle
    that carries one (`bundle.has_dirty_text`). Cheap when there is none (one serialisation and one
    search per table). Returns the number of records cleaned (their revision bumped, so the clean
    version travels as an ordinary update)."""
    import orjson

    from desktop_app.store.models import Base
    from desktop_app.sync.bundle import has_dirty_text

    models = {m.class_.__tablename__: m.class_ for m in Base.registry.mappers if hasattr(m.class_, "__tablename__")}
    cleaned = 0
    device = None
    for table, records in rows.items():
        if not records or not has_dirty_text(orjson.dumps(records, default=str)):
            continue
        model = models.get(table)
        if model is None:
            continue
        if device is None:
            device = session.connection().exec_driver_sql("SELECT value FROM meta WHERE key = 'device_id'").scalar() or ""
        for rec in records:
            if not has_dirty_text(orjson.dumps(rec, default=str)):
                continue
            obj = session.get(model, rec["id"])
            if obj is None:
                continue
            for column in model.__table__.columns:
                value = getattr(obj, column.key, None)
                if isinstance(value, (str, dict, list)):
                    fresh = clean_value(value)
                    if fresh is not value:
                        setattr(obj, column.key, fresh)
            obj.updated_at = utcnow()
            obj.device_id = device
            obj.revision = (obj.revision or 0) + 1
            cleaned += 1
    if cleaned:
        session.flush()
    return cleaned


def _withdrawn_before(table: str, rec: dict[str, Any], held: list[str]) -> bool:
    """Whether this version of a record already left once as a privacy tombstone (`privacy.apply`
    sends those one revision above the record)."""
    return version_id(table, {**rec, "revision": (rec.get("revision") or 0) + 1}) in held


def _kit_rules(services: Any, kit_id: str, version: str) -> dict | None:
    """The privacy declarations of an evaluation's kit (None when the kit cannot be loaded: the
    generic rules still apply)."""
    from desktop_app.core.privacy_filter import kit_rules

    try:
        return kit_rules(services.kits.get(kit_id, version))
    except Exception:  # noqa: BLE001 - no kit here: names and patterns are still filtered
        return None


def export_evaluation(
    services: Any, evaluation_id: str, out: Path, level: str = privacy.PSEUDONYMISED, unless_digest: str | None = None
) -> ExportResult | None:
    """Write the bundle of one evaluation to `out` (one transaction for the bookkeeping).

    With `unless_digest`, nothing is written (None returned) when the data has that digest.
    """
    import hashlib

    with services.store.write() as session:  # the versions exported are remembered: a write
        evaluation, outcome, versions, data_digest = collect(session, evaluation_id, level, lambda k, v: _kit_rules(services, k, v))
        if unless_digest is not None and data_digest == unless_digest:
            return None
        kit = {"id": evaluation["kit_id"], "version": evaluation["kit_version"]}
        snap = session.get(KitSnapshot, (evaluation["kit_id"], evaluation["kit_version"]))
        kit_files = dict(snap.files) if snap else None
        if kit_files is None:
            try:
                kit_files = dict(services.kits.get(kit["id"], kit["version"]).files)
            except Exception:  # the kit is not on this machine either: the receiver must have it
                kit_files = None
        blobs: dict[str, Path] = {}
        missing: list[str] = []
        for rec in outcome.rows.get("attachments", []):
            if rec.get("deleted"):
                continue
            path = services.attachments.blob_path(rec["sha256"])
            if path.is_file():
                blobs[rec["sha256"]] = path
            elif rec["sha256"] not in blobs:  # said, never silently left out
                missing.append(f"{rec.get('filename') or 'sans nom'} ({str(rec['sha256'])[:12]})")
        manifest = write_bundle(
            Path(out),
            evaluation=evaluation,
            records=outcome.rows,
            versions=versions,
            kit=kit,
            kit_files=kit_files,
            attachments=blobs,
            signer=services.sync.signer(),
            privacy=level,
            redacted=outcome.redacted,
            excluded=outcome.excluded,
            data_digest=data_digest,
        )
    h = hashlib.sha256()
    with Path(out).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return ExportResult(
        Path(out), evaluation_id, level, manifest["counts"], outcome.excluded, outcome.redacted,
        len(blobs), data_digest, h.hexdigest(), dict(outcome.tombstones), tuple(missing),
    )
