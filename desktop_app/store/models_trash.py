"""The Corbeille's local bookkeeping: tombstones the user emptied from it.

A deleted record stays a tombstone (`deleted=True`) so bundles keep carrying the deletion; once
the user empties the Corbeille, the tombstone is listed here and no longer shown there. This
table is local to the machine (not `Synced`: it never travels).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from desktop_app.store.models import Base, UTCDateTime, utcnow


class PurgedRecord(Base):
    __tablename__ = "trash_purged"
    table_name: Mapped[str] = mapped_column(String(80), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    evaluation_id: Mapped[str] = mapped_column(String(36), index=True)
    purged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # "emptied": emptied from the Corbeille; "undone": created by an import that was undone
    # (never a user's deletion: the next import of the same rows creates them afresh)
    reason: Mapped[str] = mapped_column(String(20), default="emptied")
