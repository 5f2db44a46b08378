"""What every service shares: the store, the device id, typed user-facing errors, change values."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from sqlalchemy.orm import Session

from desktop_app.services.errors import Change, NotFound, ServiceError  # noqa: F401  (re-exported)
from desktop_app.store.db import Store, ensure_device_row
from desktop_app.store.models import Synced, utcnow

P = ParamSpec("P")
R = TypeVar("R")


def one_write(method: Callable[P, R]) -> Callable[P, R]:
    """Run a service method in one write transaction (`ServiceBase.tx`).

    For a method that reads through other methods (each with its session) and ends with a save
    built from what it read: with the write lock held from the start, no other save can come
    in between, and the saves it makes join this transaction."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with args[0].tx():  # type: ignore[attr-defined]
            return method(*args, **kwargs)

    return wrapper


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
        """A session to read with (inside a `tx()` of this thread: that transaction's)."""
        with self.store.read() as session:
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

    def revive(self, record: Synced | None) -> bool:
        """Bring a tombstoned record back (undo of a deletion, the Corbeille's « Restaurer »):
        `deleted=False` with a new revision, so the restoration travels like any edit."""
        if record is None or not record.deleted:
            return False
        record.deleted = False
        self.touch(record)
        return True

    def undo_creation(self, session: Session, model: type, record_id: str, evaluation_id: str) -> None:
        """Undo of a record an action created (an import, an EPCI fill): a tombstone marked
        « undone », not shown in the Corbeille, so that doing the action again creates it anew."""
        from desktop_app.store.models_trash import PurgedRecord

        rec = session.get(model, record_id)
        if rec is None:
            return
        if not rec.deleted:
            rec.deleted = True
            self.touch(rec)
        if session.get(PurgedRecord, (model.__tablename__, record_id)) is None:
            session.add(PurgedRecord(table_name=model.__tablename__, record_id=record_id,
                                     evaluation_id=evaluation_id, reason="undone"))

    def redo_creation(self, session: Session, model: type, record_id: str) -> None:
        """Redo of `undo_creation`: the record is back and its « undone » mark gone."""
        from desktop_app.store.models_trash import PurgedRecord

        self.revive(session.get(model, record_id))
        mark = session.get(PurgedRecord, (model.__tablename__, record_id))
        if mark is not None:
            session.delete(mark)

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


def is_empty_answer(value: object) -> bool:
    """An answer that is not stored (saving it removes the key)."""
    return value is None or value == "" or value == []


def answer_unchanged(answers: dict | None, key: str, value: object) -> bool:
    """Whether saving `value` under `key` would leave `answers` as they are (nothing to write,
    no revision to bump)."""
    answers = answers or {}
    if is_empty_answer(value):
        return key not in answers
    return key in answers and same_json(answers[key], value)
