"""What every service shares: the store, the device id, typed user-facing errors, change values."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from desktop_app.services.errors import Change, NotFound, ServiceError  # noqa: F401  (re-exported)
from desktop_app.store.db import Store, ensure_device_row
from desktop_app.store.models import Synced, utcnow


class ServiceBase:
    def __init__(self, store: Store):
        self.store = store
        self._device_id: str | None = None

    @contextmanager
    def tx(self) -> Iterator[Session]:
        """One write transaction: committed at the end of the block, rolled back on error.

        It holds the write lock from its start (`Store.write`), so a record read in it is still
        the stored one when it is written back: concurrent saves never overwrite each other."""
        with self.store.write() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.store.sessions() as session:
            yield session

    @property
    def device_id(self) -> str:
        if self._device_id is None:
            self._device_id = ensure_device_id(self.store)
        return self._device_id

    def touch(self, record: Synced) -> None:
        """Mark a synced record as modified on this device."""
        record.updated_at = utcnow()
        record.device_id = self.device_id
        record.revision = (record.revision or 0) + 1

    def stamp_new(self, record: Synced) -> None:
        now = utcnow()
        record.created_at = now
        record.updated_at = now
        record.device_id = self.device_id
        record.revision = 1


def ensure_device_id(store: Store) -> str:
    """This database's device id (created with the database, or now for an older one)."""
    with store.write_connection() as conn:
        return ensure_device_row(conn)


def same_json(a: object, b: object) -> bool:
    """Whether two JSON values would be stored identically (True is not 1, 1.0 is not 1)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, (str, int, float, bool)) or a is None:
        return a == b
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)
