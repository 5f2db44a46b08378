"""Databases built once per test session and copied per test (SQLite and PostgreSQL).

Migrating a database with Alembic takes a few tenths of a second and building the demo several
seconds; copying a file takes milliseconds. A copy is the same database with one difference that
matters: it is another machine. So each copy gets its own device id (the `meta` row written with
the database), and the records the template wrote carry that new id too, as if this copy had
written them: two copies synchronised with each other are two laptops, never the same one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_TEMPLATE: list[Path] = []


def sqlite_template() -> Path:
    """The migrated template of this process, built on first use in a temporary folder removed at
    exit (the `migrated_template` fixture and `sync_helpers.open_machine` use it)."""
    if not _TEMPLATE:
        import atexit
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="evalkit-template-"))
        atexit.register(shutil.rmtree, folder, True)
        _TEMPLATE.append(build_sqlite_template(folder / "template.db"))
    return _TEMPLATE[0]


def build_sqlite_template(path: Path) -> Path:
    """A database migrated to the heads at `path`, its WAL folded in so that the file alone is
    the whole database."""
    from desktop_app.store.db import open_store

    store = open_store(path)
    store.dispose()
    fold_wal(path)
    return path


def fold_wal(path: Path) -> None:
    con = sqlite3.connect(str(path))
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def copy_sqlite(template: Path, target: Path) -> str:
    """Copy the template database to `target` and make it a machine of its own; returns the new
    device id."""
    shutil.copyfile(template, target)
    con = sqlite3.connect(str(target))
    try:
        with con:
            return new_device_id(con, "?")
    finally:
        con.close()


def copy_tree(source: Path, target: Path) -> None:
    """Copy a template's attachments folder (content-addressed files) into a test's data folder."""
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)


def new_device_id(con, mark: str) -> str:
    """Give the database behind the DB-API connection `con` a new device id, rewriting the records
    stamped with the old one. `mark` is the driver's parameter mark ('?' sqlite3, '%s' psycopg)."""
    cur = con.cursor()
    cur.execute("SELECT value FROM meta WHERE key = 'device_id'")
    row = cur.fetchone()
    new = str(uuid.uuid4())
    if row is None:
        cur.execute(f"INSERT INTO meta (key, value) VALUES ('device_id', {mark})", (new,))
        return new
    old = row[0]
    cur.execute(f"UPDATE meta SET value = {mark} WHERE key = 'device_id'", (new,))
    for table in _stamped_tables():
        cur.execute(f'UPDATE "{table}" SET device_id = {mark} WHERE device_id = {mark}', (new, old))
    return new


def _stamped_tables() -> list[str]:
    """Tables of synced records (a `device_id` and a `revision`; not the peers' table)."""
    from desktop_app.store.registry import Base

    return [t.name for t in Base.metadata.sorted_tables if "device_id" in t.c and "revision" in t.c]


def copy_demo(demo_template: tuple[Path, Path, str], db: Path, attachments: Path) -> str:
    """Copy the session's demo (fixture `demo_template`) to `db`, its attachments into
    `attachments`; returns the demo evaluation's id."""
    source_db, source_attachments, eid = demo_template
    copy_sqlite(source_db, db)
    copy_tree(source_attachments, attachments)
    return eid


@contextmanager
def evalkit_home(home: Path) -> Iterator[Path]:
    """EVALKIT_HOME set to `home` for a session- or module-wide fixture (each test has its own
    through conftest's `_isolated_home`), and put back as it was afterwards."""
    old = os.environ.get("EVALKIT_HOME")
    os.environ["EVALKIT_HOME"] = str(home)
    try:
        yield home
    finally:
        if old is None:
            os.environ.pop("EVALKIT_HOME", None)
        else:
            os.environ["EVALKIT_HOME"] = old
