"""Tables of the sync area: what this database knows about exchanges with other machines.

None of these records travels (they are not `Synced`): they describe this copy's exchanges.

- `sync_known_versions`: for each record, the versions (opaque version ids, see
  `desktop_app.sync.records.version_id`) this database has held at an exchange. A bundle carries
  the same history for each of its records, so an import can tell a newer version (it descends
  from ours), an older one (we already had it) and two concurrent edits (a conflict).
- `sync_conflicts`: both versions of a record changed on two machines since they last exchanged,
  kept until the user chooses.
- `sync_peers`: the other machines (devices) this database received bundles from.
- `sync_history`: every bundle sent or received (file, checksum, counts, outcome).
- `sync_trusted_keys`: per evaluation, the public keys whose bundles this database accepts (the
  first one seen, or those the user registered on purpose: `desktop_app.sync.trust`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.models import Base, UTCDateTime, new_id, utcnow


class SyncKnownVersion(Base):
    __tablename__ = "sync_known_versions"
    __table_args__ = {"sqlite_with_rowid": False}  # only reached by its key: one b-tree (0501)
    table_name: Mapped[str] = mapped_column(String(80), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SyncConflict(Base):
    __tablename__ = "sync_conflicts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    evaluation_id: Mapped[str] = mapped_column(String(36), index=True)
    table_name: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    local_version: Mapped[str] = mapped_column(String(64))
    remote_version: Mapped[str] = mapped_column(String(64))
    local_data: Mapped[dict] = mapped_column(JSON, default=dict)
    remote_data: Mapped[dict] = mapped_column(JSON, default=dict)
    remote_history: Mapped[list] = mapped_column(JSON, default=list)
    remote_device: Mapped[str] = mapped_column(String(36), default="")
    remote_label: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(255), default="")  # bundle file name
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | resolved
    resolution: Mapped[str] = mapped_column(String(20), default="")  # local | remote | superseded
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SyncPeer(Base):
    __tablename__ = "sync_peers"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    bundles_received: Mapped[int] = mapped_column(Integer, default=0)


class SyncEvent(Base):
    __tablename__ = "sync_history"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    direction: Mapped[str] = mapped_column(String(20))  # sent | received
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_sha256: Mapped[str] = mapped_column(String(64), default="", index=True)
    data_digest: Mapped[str] = mapped_column(String(64), default="")
    evaluation_id: Mapped[str] = mapped_column(String(36), default="")
    peer_device: Mapped[str] = mapped_column(String(36), default="")
    status: Mapped[str] = mapped_column(String(20), default="ok")  # ok | error
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")


class SyncTrustedKey(Base):
    __tablename__ = "sync_trusted_keys"
    evaluation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(40), primary_key=True)  # signing.fingerprint()
    public_key: Mapped[str] = mapped_column(String(64), default="")  # base64; "" when registered by fingerprint only
    device_id: Mapped[str] = mapped_column(String(36), default="")  # the last device seen signing with it
    device_label: Mapped[str] = mapped_column(String(200), default="")
    origin: Mapped[str] = mapped_column(String(20), default="first")  # first (first bundle seen) | manual
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
