"""0501: the known versions rebuilt WITHOUT ROWID on SQLite keep every row, and go back."""

from __future__ import annotations

from sqlalchemy import text

from desktop_app.store.db import open_store, upgrade

ROWS = [
    ("actions", "a1", "f" * 64, "2026-11-21 21:47:44.022839"),
    ("actions", "a1", "0" * 64, "2026-11-20 08:00:00.000000"),
    ("form_responses", "r1", "1" * 64, "2026-11-21 21:47:44.000001"),
]


def schema(conn) -> str:
    return conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'sync_known_versions'")).scalar()


def known(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text("SELECT table_name, record_id, version, seen_at FROM sync_known_versions ORDER BY 1, 2, 3"))]


def test_known_versions_rebuilt_without_rowid_keep_their_rows(db_path):
    store = open_store(db_path, migrate=False)
    upgrade(store.engine, store.url, "0500_sync")
    with store.engine.begin() as conn:
        assert "WITHOUT ROWID" not in schema(conn)
        conn.execute(
            text("INSERT INTO sync_known_versions (table_name, record_id, version, seen_at) VALUES (:t, :r, :v, :s)"),
            [dict(zip("trvs", row, strict=True)) for row in ROWS],
        )
    store.dispose()

    store = open_store(db_path)  # upgraded to the heads
    with store.engine.connect() as conn:
        assert schema(conn).rstrip().endswith("WITHOUT ROWID")
        assert known(conn) == sorted(ROWS)
        pk = conn.execute(text("PRAGMA index_list('sync_known_versions')")).all()
        assert [row[3] for row in pk] == ["pk"]  # the primary key, nothing else
    with store.engine.begin() as conn:
        from alembic import command

        from desktop_app.store.db import alembic_config

        cfg = alembic_config(store.url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0500_sync")
        assert "WITHOUT ROWID" not in schema(conn)
        assert known(conn) == sorted(ROWS)
    store.dispose()
