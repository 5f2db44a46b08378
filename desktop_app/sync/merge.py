"""Merge verified bundles into the database, in one transaction, and resolve conflicts.

For each record of a bundle, with L the local row and R the incoming one:
- no L: inserted;
- same content: unchanged (the greater bookkeeping is kept so both sides end identical);
- same version, other content: a pseudonymised copy leaves L as it is; a complete copy of a
  record held pseudonymised completes it; any other difference is a conflict (an edit that
  skipped the bookkeeping, or a forged version);
- L's version is in R's history: R descends from L, it updates L;
- R's version is one this database already held: R is older, L stays;
- neither, and this record was never exchanged before (no known version: a copied database):
  when one device wrote both versions, the higher revision descends from the other and wins;
  written by two devices, both were edited: a conflict;
- otherwise both changed since they last exchanged: L stays and a conflict keeps both versions
  until the user chooses (`resolve`). The chosen version gets a revision above both, so it
  descends from both and travels back as a plain update: exchanging both ways converges.

So a local edit made since the last exchange with the sending machine (a version it has not
seen) is never overwritten: at worst both are kept in a conflict. The import runs in one write
transaction that holds the database's write lock from its start (`Store.write`): a save from a
window waits for it and then changes the imported version, or comes first and is then this
local edit.

A pseudonymised bundle never overwrites the local value of a column it pseudonymised; on a
database holding the evaluation complete, it never replaces a record with a masked text or a
privacy deletion either (`sync.privacy_receive`). Elsewhere (the resource centre) a deletion it
carries, a consent withdrawn among them, is applied like any newer version.
Importing the same bundle twice changes nothing.

The bundles of one import are merged table by table (parents first), all bundles at once: the
records held, their known versions and open conflicts are looked up once per table for every
bundle (none at all when the table, or its known versions, are empty: a new territory), new
rows are inserted with one `executemany` per table, and the versions learned in every table
with one more after them (`outgoing.versions_deferred`). The
outcome is the one of importing the bundles one after the other: a record that an earlier
bundle of the same import already brought is read again before a later bundle merges it.

On SQLite, a bundle's table checked as a whole while reading (`batch.TableBatch`) whose records
are all new here goes straight to the executemany, with their version ids, without being decoded
record by record: the common case of a resource centre receiving a new territory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from sqlalchemy import Connection, exists, literal, select, union_all, update
from sqlalchemy.orm import Session

from desktop_app.store.models import KitSnapshot, new_id, utcnow
from desktop_app.store.models_sync import SyncConflict, SyncEvent, SyncKnownVersion, SyncPeer
from desktop_app.sync.batch import history_pairs
from desktop_app.sync.bundle import Bundle, BundleError
from desktop_app.sync.codec import codec, decode_row, insert_plan, insert_rows
from desktop_app.sync.outgoing import CHUNK, known_versions, remember, remember_new, versions_deferred
from desktop_app.sync.privacy_receive import altered, held_complete
from desktop_app.sync.records import (
    SYNC_META,
    SyncedTable,
    content_hash,
    encode_row,
    encode_value,
    synced_tables,
    table_map,
    version_id,
)

INSERTED, UPDATED, UNCHANGED, CONFLICT = "imported", "updated", "unchanged", "conflicts"
KnownKit = tuple[str, str, str] | Callable[[], tuple[str, str, str] | None] | None


@dataclass
class ImportResult:
    file: str
    evaluation_id: str
    title: str
    device_id: str
    counts: Counter = field(default_factory=Counter)  # imported / updated / unchanged / conflicts
    by_table: dict[str, Counter] = field(default_factory=dict)
    attachments: int = 0
    # privacy: this database holds the evaluation complete, a pseudonymised bundle's masked
    # texts and privacy deletions do not replace its records (`sync.privacy_receive`)
    keep_local: bool = field(default=False, repr=False)

    def add(self, table: str, outcome: str, n: int = 1) -> None:
        self.counts[outcome] += n
        self.by_table.setdefault(table, Counter())[outcome] += n

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "evaluation_id": self.evaluation_id,
            "title": self.title,
            "device_id": self.device_id,
            **{k: self.counts.get(k, 0) for k in (INSERTED, UPDATED, UNCHANGED, CONFLICT)},
            "attachments": self.attachments,
        }


def _meta_key(rec: dict[str, Any]) -> tuple:
    return (rec.get("revision") or 0, rec.get("updated_at") or "", rec.get("device_id") or "")


_COMPILED_SQL: dict[tuple, str] = {}


def _occupied(conn: Connection, tables: list[SyncedTable]) -> tuple[set[str], set[str]]:
    """Which of `tables` hold rows, and which have known versions: one query for all of them
    (a new territory's tables need no lookup at all)."""
    if not tables:
        return set(), set()

    def probes():
        kv = SyncKnownVersion
        found = []
        for n, st in enumerate(tables):
            found.append(select(literal(f"r{n}")).where(exists(select(st.table.c.id))))
            found.append(select(literal(f"k{n}")).where(exists(select(kv.record_id).where(kv.table_name == st.name))))
        return union_all(*found)

    sql = _driver_sql(conn, ("occupied", *(st.name for st in tables)), probes)
    found = {row[0] for row in conn.exec_driver_sql(sql)}
    held = {st.name for n, st in enumerate(tables) if f"r{n}" in found}
    known = {st.name for n, st in enumerate(tables) if f"k{n}" in found}
    return held, known


def _driver_sql(conn: Connection, name: Any, build: Callable[[], Any]) -> str:
    """A statement without parameters, compiled once per process and dialect (a new engine
    would compile it again: a few milliseconds per statement, at every first import)."""
    key = (name, conn.dialect.name, conn.dialect.driver)
    sql = _COMPILED_SQL.get(key)
    if sql is None:
        sql = _COMPILED_SQL[key] = str(build().compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    return sql


def _kept_kits(conn: Connection) -> dict[tuple[str, str], str]:
    """{(kit id, version): digest} of the kit copies this database keeps."""
    sql = _driver_sql(conn, "kits", lambda: select(KitSnapshot.kit_id, KitSnapshot.version, KitSnapshot.digest))
    return {(row[0], row[1]): row[2] for row in conn.exec_driver_sql(sql)}


def _fetch(conn: Connection, st: SyncedTable, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The rows held here among `ids`, encoded."""
    t = st.table
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), CHUNK):
        for row in conn.execute(select(t).where(t.c.id.in_(ids[i : i + CHUNK]))):
            out[row._mapping["id"]] = encode_row(st, row)
    return out


def _parent_first(st: SyncedTable, rows: list[tuple[dict[str, Any], Any]]) -> list[tuple[dict[str, Any], Any]]:
    """(record, values) pairs of a table that refers to itself, each after the row it points to."""
    self_cols = [c for c, p in st.parents.items() if p == st.name]
    if not self_cols:
        return rows
    pending, done, ordered = list(rows), set(), []
    ids = {r["id"] for r, _ in rows}
    while pending:
        rest = []
        for pair in pending:
            r = pair[0]
            if all(r.get(c) in (None, "") or r[c] not in ids or r[c] in done for c in self_cols):
                ordered.append(pair)
                done.add(r["id"])
            else:
                rest.append(pair)
        if len(rest) == len(pending):  # a cycle: keep the given order
            ordered += rest
            break
        pending = rest
    return ordered


def _open_conflicts(session: Session, table: str, ids: list[str]) -> dict[str, list[SyncConflict]]:
    out: dict[str, list[SyncConflict]] = {}
    for i in range(0, len(ids), CHUNK):
        stmt = select(SyncConflict).where(
            SyncConflict.table_name == table, SyncConflict.status == "open", SyncConflict.record_id.in_(ids[i : i + CHUNK])
        )
        for c in session.scalars(stmt):
            out.setdefault(c.record_id, []).append(c)
    return out


_KIT_DIGESTS: dict[str, str] = {}  # SHA-256 of a bundle's kit/snapshot.json -> digest of its files


def bundle_kit_digest(bundle: Bundle) -> str:
    """The digest of the files of a bundle's kit copy (`files_digest`), worked out once per
    content of the entry they were read from (checked against the manifest's SHA-256 while
    reading): the same copy in many bundles is not serialised again."""
    from desktop_app.kit.loader import files_digest

    entry = str(bundle.manifest.get("files", {}).get("kit/snapshot.json", {}).get("sha256", ""))
    digest = _KIT_DIGESTS.get(entry) if entry else None
    if digest is None:
        digest = files_digest(bundle.kit_files or {})
        if entry:
            if len(_KIT_DIGESTS) > 16:
                _KIT_DIGESTS.clear()
            _KIT_DIGESTS[entry] = digest
    return digest


def _store_kit(session: Session, bundle: Bundle, known_kit: KnownKit, digest: str) -> None:
    """Keep the bundle's kit version (checked: it must load, and be the one the manifest names)."""
    from desktop_app.kit.loader import KitError, load_files

    kit = bundle.manifest["kit"]
    files = bundle.kit_files or {}
    if callable(known_kit):
        known_kit = known_kit()
    if known_kit != (kit["id"], kit["version"], digest):  # not the kit shipped with this application
        try:
            loaded = load_files(files)
        except KitError:
            raise BundleError(f"« {bundle.path.name} » : la copie du kit jointe est invalide.") from None
        if (loaded.id, loaded.version) != (kit["id"], kit["version"]):
            raise BundleError(f"« {bundle.path.name} » : la copie du kit ne correspond pas au manifeste.")
    insert_rows(
        session.connection(),
        KitSnapshot.__table__,
        [{"kit_id": kit["id"], "version": kit["version"], "digest": digest, "files": dict(files), "stored_at": utcnow()}],
    )


def import_bundle(session: Session, bundle: Bundle, local_device: str, known_kit: KnownKit = None) -> ImportResult:
    """Merge one bundle (see `import_bundles`)."""
    return import_bundles(session, [bundle], local_device, known_kit)[0]


def import_bundles(
    session: Session,
    bundles: list[Bundle],
    local_device: str,
    known_kit: KnownKit = None,
    on_table: Callable[[int, int], None] | None = None,
) -> list[ImportResult]:
    """Merge `bundles`, in their order, using `session` (the caller owns the transaction).

    `known_kit`: the (id, version, digest) of a kit already validated on this machine (the
    bundled one), or a function giving it (called only when a kit copy has to be checked).
    `on_table(done, count)` follows the tables merged."""
    results = [
        ImportResult(b.path.name, b.evaluation_id, b.manifest["evaluation"].get("title", ""), b.device_id) for b in bundles
    ]
    _privacy_holders(session, bundles, results, local_device)
    kits: dict[tuple[str, str], str] | None = None  # the kit versions kept here, looked up once
    for bundle in bundles:
        kit = bundle.manifest["kit"]
        key = (kit["id"], kit["version"])
        if bundle.kit_files:
            if kits is None:
                kits = _kept_kits(session.connection())
            digest = bundle_kit_digest(bundle)
            if key not in kits:
                _store_kit(session, bundle, known_kit, digest)
                kits[key] = digest
            elif kits[key] != digest:  # never replaced, never used in its place
                raise BundleError(
                    f"« {bundle.path.name} » : la version {kit['version']} du kit « {kit['id']} » existe déjà dans cette "
                    f"base avec un contenu différent (empreinte dans cette base : {kits[key][:12]}, empreinte du fichier "
                    f"reçu : {digest[:12]}). Deux contenus ne peuvent pas porter le même numéro de version : "
                    "demandez au centre de ressources une version numérotée autrement."
                )
    seen_at = utcnow()
    tables = synced_tables()
    merged = [st for st in tables if any(b.count(st.name) for b in bundles)]
    held, known = _occupied(session.connection(), merged)
    with versions_deferred(session):  # the versions learned: written once, after the records
        for n, st in enumerate(tables):
            parts = [(b, r) for b, r in zip(bundles, results, strict=True) if b.count(st.name)]
            if parts:
                _merge_table(session, st, parts, seen_at, st.name in held, st.name in known)
            if on_table:
                on_table(n + 1, len(tables))
    _record_peers(session, bundles)
    session.flush()
    return results


def _privacy_holders(session: Session, bundles: list[Bundle], results: list[ImportResult], local_device: str) -> None:
    """Mark the pseudonymised bundles of evaluations this database holds complete (`keep_local`)."""
    pseudo = {b.evaluation_id for b in bundles if b.privacy == "pseudonymised"}
    if not pseudo:
        return
    complete_here = held_complete(session.connection(), pseudo, local_device)
    for bundle, result in zip(bundles, results, strict=True):
        result.keep_local = bundle.privacy == "pseudonymised" and bundle.evaluation_id in complete_here


class _Pending:
    """Writes of one table waiting for its executemany: new rows, and versions learned."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.sources: list[dict[str, Any]] = []  # the bundle record of each row
        self.batch_rows: list[tuple] = []  # driver rows of batches (`TableBatch.sqlite_rows`)
        self.learned: set[tuple[str, str]] = set()
        self.new_pairs: set[tuple[str, str]] = set()  # versions known nowhere in the table yet

    def write(self, session: Session, st: SyncedTable, known: dict[str, list[str]], seen_at) -> None:
        conn = session.connection()
        insert_rows(conn, st.table, self.rows, self.sources)
        if self.batch_rows:
            insert_plan(conn, st.table).execute(conn, self.batch_rows)
        remember(session, st.name, self.learned, known, seen_at)
        remember_new(session, st.name, self.new_pairs, seen_at)
        self.rows, self.sources, self.batch_rows, self.learned, self.new_pairs = [], [], [], set(), set()


def _merge_table(
    session: Session, st: SyncedTable, parts: list[tuple[Bundle, ImportResult]], seen_at, held: bool, has_known: bool
) -> None:
    """Merge one table of every bundle: one lookup for all of them, then bundle by bundle.
    `held`, `has_known`: whether the table had rows, and known versions, before the import.

    A bundle's table checked as a whole (`Bundle.batches`) whose records are all new here (none
    held before, none brought by an earlier bundle of this import) is inserted as it is, on
    SQLite, without being decoded record by record (`_insert_batch`); the others are merged
    record by record."""
    table = st.name
    conn = session.connection()
    plan = insert_plan(conn, st.table) if conn.dialect.name == "sqlite" else None
    ids = list(dict.fromkeys(chain.from_iterable(_ids(b, table) for b, _ in parts))) if held or has_known else []
    local = _fetch(conn, st, ids) if held else {}
    known = known_versions(session, table, ids) if has_known else {}
    conflicts = _open_conflicts(session, table, list(local)) if local else {}  # only records held can be in conflict
    pending = _Pending()
    merged: set[str] = set()
    for bundle, result in parts:
        batch = bundle.batches.get(table)
        if batch is not None and plan is not None and merged.isdisjoint(batch.ids) and local.keys().isdisjoint(batch.ids):
            rows = batch.sqlite_rows(plan)
            if rows is not None:
                pending.batch_rows += rows
                pairs = history_pairs(batch, bundle.versions.get(table) or {})
                # no version of this table known before the import: every pair is new
                (pending.learned if has_known else pending.new_pairs).update(pairs)
                result.add(table, INSERTED, len(batch))
                merged.update(batch.ids)
                continue
        records = bundle.records[table]
        values = bundle.decoded.get(table)
        if values is None or len(values) != len(records):  # not decoded while reading
            values = [codec(st).decode(r) for r in records]
        pairs = _parent_first(st, list(zip(records, values, strict=True)))
        bundle_ids = [r["id"] for r, _ in pairs]
        again = sorted(merged.intersection(bundle_ids))
        if again:  # an earlier bundle of this import merged these records: read them as they are now
            pending.write(session, st, known, seen_at)
            for rid in again:
                local.pop(rid, None)
                conflicts.pop(rid, None)
                known.pop(rid, None)
            local.update(_fetch(conn, st, again))
            conflicts.update(_open_conflicts(session, table, again))
            known.update(known_versions(session, table, again))
        _merge_rows(session, st, pairs, bundle, result, local, known, conflicts, pending)
        merged.update(bundle_ids)
    pending.write(session, st, known, seen_at)


def _ids(bundle: Bundle, table: str) -> Iterable[str]:
    batch = bundle.batches.get(table)
    return batch.ids if batch is not None else (r["id"] for r in bundle.records[table])


def _merge_rows(session, st, pairs, bundle, result, local, known, conflicts, pending: _Pending) -> None:
    table = st.name
    conn = session.connection()
    redacted = set(bundle.redacted.get(table, [])) if bundle.privacy == "pseudonymised" else set()
    source = bundle.path.name
    histories = bundle.versions.get(table, {})
    learned = pending.learned
    inserted = 0
    for remote, values in pairs:
        rid = remote["id"]
        r_vid = version_id(table, remote)
        mine = local.get(rid)
        if mine is None:
            pending.rows.append(values)
            pending.sources.append(remote)
            learned.add((rid, r_vid))
            for v in histories.get(rid, ()):
                learned.add((rid, v))
            inserted += 1
            continue
        r_hist = set(histories.get(rid, [])) | {r_vid}
        if mine.get("evaluation_id") != remote.get("evaluation_id"):
            raise BundleError(
                f"« {source} » : un enregistrement de « {table} » porte l'identifiant d'un enregistrement d'une "
                "autre évaluation de cette base. Import refusé."
            )
        l_vid = version_id(table, mine)
        same_content = content_hash(mine, redacted) == content_hash(remote, redacted)
        if l_vid == r_vid and not same_content:
            # Same version, other content: our copy came pseudonymised and this one is complete
            # (take it; also when our copy was altered by a pseudonymised file); otherwise an edit
            # skipped the bookkeeping on one side, or the version is forged: neither side is taken
            # for the other without the user (a conflict).
            if bundle.privacy != "complete":  # a pseudonymised copy never replaces what is held
                result.add(table, UNCHANGED)
                learned.add((rid, r_vid))
            elif _differs_only_in(mine, remote, privacy_columns(st)) or altered(mine):
                conn.execute(update(st.table).where(st.table.c.id == rid).values(**{k: v for k, v in values.items() if k != "id"}))
                result.add(table, UPDATED)
                learned.add((rid, r_vid))
            else:
                _conflict(session, st, mine, remote, r_hist, bundle, source, conflicts, result)
            continue
        if same_content:
            outcome = UNCHANGED
            if _meta_key(remote) > _meta_key(mine):  # same content, later bookkeeping: adopt it
                meta = {k: values[k] for k in SYNC_META if k in values}
                conn.execute(update(st.table).where(st.table.c.id == rid).values(**meta))
                outcome = UPDATED
            learned.update((rid, v) for v in r_hist | {l_vid})
            _supersede(conflicts.get(rid, []), r_hist)
            result.add(table, outcome)
            continue
        mine_known = set(known.get(rid, []))
        if l_vid in r_hist:
            newer = True
        elif r_vid in mine_known:
            newer = False
        elif (
            not mine_known
            and remote.get("revision", 0) != mine.get("revision", 0)
            and remote.get("device_id") == mine.get("device_id")
        ):  # never exchanged, one device's line of versions: the later one descends from the other
            newer = remote.get("revision", 0) > mine.get("revision", 0)
        else:
            _conflict(session, st, mine, remote, r_hist, bundle, source, conflicts, result)
            continue
        if newer and result.keep_local and altered(remote, redacted):
            newer = False  # privacy: a masked text or a privacy deletion never replaces a complete copy
        if newer:
            body = {k: v for k, v in values.items() if k != "id" and k not in redacted}
            conn.execute(update(st.table).where(st.table.c.id == rid).values(**body))
            learned.update((rid, v) for v in r_hist | {l_vid})
            _supersede(conflicts.get(rid, []), r_hist)
            result.add(table, UPDATED)
        else:
            learned.update((rid, v) for v in r_hist)
            result.add(table, UNCHANGED)
    if inserted:
        result.add(table, INSERTED, inserted)

def privacy_columns(st: SyncedTable) -> set[str]:
    from desktop_app.sync.privacy import column_rules

    return set(column_rules(st.name, st.column_names))


def _differs_only_in(a: dict[str, Any], b: dict[str, Any], columns: set[str]) -> bool:
    return bool(columns) and all(a.get(k) == b.get(k) for k in set(a) | set(b) if k not in columns)


def _supersede(open_conflicts: list[SyncConflict], history: set[str]) -> None:
    """Close the conflicts that a newer version (descending from both sides) settled elsewhere."""
    for c in open_conflicts:
        if c.status == "open" and c.remote_version in history and c.local_version in history:
            c.status, c.resolution, c.resolved_at = "resolved", "superseded", utcnow()


def _conflict(session, st, mine, remote, r_hist, bundle, source, conflicts, result) -> None:
    rid = remote["id"]
    r_vid = version_id(st.name, remote)
    for c in conflicts.get(rid, []):
        if c.remote_version == r_vid:
            result.add(st.name, UNCHANGED)  # already recorded by an earlier import of this version
            return
    redacted = set(bundle.redacted.get(st.name, [])) if bundle.privacy == "pseudonymised" else set()
    remote_data = {k: v for k, v in remote.items() if k not in redacted}
    evaluation_id = mine.get("evaluation_id") or (mine["id"] if st.name == "evaluations" else bundle.evaluation_id)
    rec = SyncConflict(
        evaluation_id=evaluation_id, table_name=st.name, record_id=rid,
        local_version=version_id(st.name, mine), remote_version=r_vid,
        local_data=mine, remote_data=remote_data, remote_history=sorted(r_hist),
        remote_device=bundle.device_id, remote_label=str(bundle.manifest["device"].get("label", ""))[:200],
        source=source[:255],
    )
    session.add(rec)
    conflicts.setdefault(rid, []).append(rec)
    result.add(st.name, CONFLICT)


def _record_peers(session: Session, bundles: list[Bundle]) -> None:
    """Count each bundle received from its machine (one lookup for all of them)."""
    from datetime import datetime

    conn = session.connection()
    sql = _driver_sql(conn, "peers", lambda: select(SyncPeer.device_id, SyncPeer.bundles_received))
    held = {row[0]: row[1] or 0 for row in conn.exec_driver_sql(sql)}  # device -> bundles received
    now = utcnow()
    peers: dict[str, dict[str, Any]] = {}
    for bundle in bundles:
        peer = peers.get(bundle.device_id)
        if peer is None:
            peer = peers[bundle.device_id] = {"device_id": bundle.device_id, "bundles_received": held.get(bundle.device_id, 0)}
            if bundle.device_id not in held:  # for a known one, an unreadable export time leaves the one kept
                peer.update(first_seen_at=now, last_exported_at=None)
        peer["label"] = str(bundle.manifest["device"].get("label", ""))[:200]
        peer["last_received_at"] = now
        peer["bundles_received"] += 1
        try:
            exported = datetime.fromisoformat(bundle.manifest.get("exported_at", ""))
            peer["last_exported_at"] = exported if exported.tzinfo else None
        except ValueError:
            pass
    table = SyncPeer.__table__
    for device, peer in peers.items():
        if device in held:
            values = {k: v for k, v in peer.items() if k != "device_id"}
            conn.execute(update(table).where(table.c.device_id == device).values(**values))
    insert_rows(conn, table, [peer for device, peer in peers.items() if device not in held])


def received_events(session: Session, events: list[dict[str, Any]]) -> None:
    """`log_event` for the files of one import, written at once (a microsecond apart, in their
    order: the history lists them as they were given)."""
    from datetime import timedelta

    now = utcnow()
    rows = [
        {"id": new_id(), "at": now + timedelta(microseconds=n), "file_name": "", "file_sha256": "", "data_digest": "",
         "evaluation_id": "", "peer_device": "", "status": "ok", "counts": {}, "message": "", **event}
        for n, event in enumerate(events)
    ]
    insert_rows(session.connection(), SyncEvent.__table__, rows)


def log_event(session: Session, **values: Any) -> None:
    session.add(SyncEvent(**values))


# -- resolution -------------------------------------------------------------------------------
def resolve(session: Session, conflict_id: str, choice: str, local_device: str) -> SyncConflict:
    """Keep the local version (`local`) or take the other machine's (`remote`)."""
    from desktop_app.sync.records import encode_row

    if choice not in ("local", "remote"):
        raise ValueError(choice)
    c = session.get(SyncConflict, conflict_id)
    if c is None:
        raise BundleError("Conflit introuvable.")
    if c.status != "open":
        raise BundleError("Ce conflit a déjà été résolu.")
    st = table_map().get(c.table_name)
    if st is None:
        raise BundleError(f"Table inconnue : {c.table_name}")
    t = st.table
    row = session.execute(select(t).where(t.c.id == c.record_id)).first()
    if row is None:
        raise BundleError("L'enregistrement en conflit n'existe plus.")
    mine = encode_row(st, row)
    values: dict[str, Any] = {}
    if choice == "remote":
        decoded = decode_row(st, {k: v for k, v in c.remote_data.items() if k in st.column_names})
        values = {k: v for k, v in decoded.items() if k not in SYNC_META and k != "id"}
    now = utcnow()
    values.update(
        revision=max(mine.get("revision") or 0, c.remote_data.get("revision") or 0) + 1,
        device_id=local_device,
        updated_at=now,
    )
    session.execute(update(t).where(t.c.id == c.record_id).values(**values))
    history = set(c.remote_history or []) | {c.remote_version, c.local_version, version_id(st.name, mine)}
    remember(session, st.name, {(c.record_id, v) for v in history})
    c.status, c.resolution, c.resolved_at = "resolved", choice, now
    return c


def encode_for_display(st: SyncedTable, data: dict[str, Any]) -> dict[str, Any]:
    """Columns in table order (for the conflict dialog)."""
    return {col.name: data.get(col.name) for col in st.columns if col.name in data}


__all__ = ["import_bundle", "resolve", "ImportResult", "log_event", "encode_value"]
