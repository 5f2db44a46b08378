"""The store's schema comes from Alembic migrations that match the models, and upgrades keep data."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from desktop_app.store.db import StoreError, open_store, upgrade
from desktop_app.store.registry import Base


def test_migrated_database_matches_models(db_path):
    store = open_store(db_path)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    store.dispose()
    assert diff == []


def test_sqlite_pragmas(db_path):
    store = open_store(db_path)
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.dispose()


def test_upgrade_from_first_migration_keeps_data(db_path, tmp_path):
    # A database as the very first release created it, with an evaluation and a commune in it.
    store = open_store(db_path, migrate=False)
    upgrade(store.engine, store.url, "0001_initial")
    with store.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO evaluations (id, created_at, updated_at, device_id, revision, deleted, title, territory_name,"
            " epci_type, siren, generation, description, kit_id, kit_version, scope)"
            " VALUES ('e1', '2025-01-01 10:00:00', '2025-01-01 10:00:00', 'd', 1, 0, 'Ancienne', 'CA Ancienne',"
            " 'ca', '200099919', '2015-2023', '', 'kit-evaluation-cv', '1.0.0', '[]')"
        ))
        conn.execute(text(
            "INSERT INTO communes (id, created_at, updated_at, device_id, revision, deleted, evaluation_id, position, name, insee)"
            " VALUES ('c1', '2025-01-01 10:00:00', '2025-01-01 10:00:00', 'd', 1, 0, 'e1', 0, 'Douai', '59178')"
        ))
    store.dispose()

    backups = tmp_path / "backups"
    store = open_store(db_path, backup_dir=backups)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT territory_name FROM evaluations WHERE id='e1'")).scalar() == "CA Ancienne"
        assert conn.execute(text("SELECT insee FROM communes WHERE id='c1'")).scalar() == "59178"
        assert conn.execute(text("SELECT count(*) FROM form_responses")).scalar() == 0
    store.dispose()
    # The file was copied before the upgrade, and the copy is the old schema with the data.
    copies = list(backups.glob("*.db"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001_initial"
        assert old.execute("SELECT name FROM communes").fetchone()[0] == "Douai"


def test_not_a_database_is_refused_and_untouched(tmp_path):
    bogus = tmp_path / "notes.db"
    content = b"Ceci est un compte rendu, pas une base de donnees.\n" * 50
    bogus.write_bytes(content)
    with pytest.raises(StoreError) as err:
        open_store(bogus)
    assert "n'est pas une base de données" in str(err.value)
    assert bogus.read_bytes() == content


def test_database_from_newer_application_is_refused(db_path):
    store = open_store(db_path)
    with store.engine.begin() as conn:
        # several heads (one branch per feature area) mean several rows: leave one unknown revision
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('9999_future')"))
    store.dispose()
    with pytest.raises(StoreError, match="plus récente"):
        open_store(db_path)


def test_new_database_has_its_own_device_id_from_creation(tmp_path):
    """The identity a database's changes carry to other machines is written when it is
    created, and each database gets its own; a service reads the same one."""
    from desktop_app.services.base import ensure_device_id

    ids = []
    for name in ("a.db", "b.db"):
        store = open_store(tmp_path / name)
        with store.engine.connect() as conn:
            found = conn.execute(text("SELECT value FROM meta WHERE key = 'device_id'")).scalar()
        assert found and len(found) == 36
        assert ensure_device_id(store) == found
        store.dispose()
        ids.append(found)
    assert ids[0] != ids[1]
    again = open_store(tmp_path / "a.db")  # reopening keeps it
    assert ensure_device_id(again) == ids[0]
    again.dispose()


def test_database_without_device_id_gets_one_when_first_needed(db_path):
    store = open_store(db_path)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM meta WHERE key = 'device_id'"))
    from desktop_app.services.base import ensure_device_id

    first = ensure_device_id(store)
    assert first and ensure_device_id(store) == first
    store.dispose()
