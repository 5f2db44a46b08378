"""sync: known versions stored WITHOUT ROWID on SQLite (one b-tree keyed by the primary key)

The table is only ever reached by its primary key (table, record, version): as an ordinary
SQLite table it was a rowid b-tree plus the primary key's index, every row written twice. SQLite
cannot change that in place, so the table is rebuilt, its rows copied. PostgreSQL has no rowid:
nothing to do there.

Revision ID: 0501_sync_known_versions
Revises: 0500_sync
"""

from alembic import op

revision = "0501_sync_known_versions"
down_revision = "0500_sync"
branch_labels = None
depends_on = None

COLUMNS = "table_name, record_id, version, seen_at"


def _rebuild(suffix: str) -> None:
    op.execute(
        "CREATE TABLE sync_known_versions_rebuilt ("
        " table_name VARCHAR(80) NOT NULL,"
        " record_id VARCHAR(36) NOT NULL,"
        " version VARCHAR(64) NOT NULL,"
        " seen_at DATETIME NOT NULL,"
        " CONSTRAINT pk_sync_known_versions PRIMARY KEY (table_name, record_id, version)"
        f"){suffix}"
    )
    op.execute(f"INSERT INTO sync_known_versions_rebuilt ({COLUMNS}) SELECT {COLUMNS} FROM sync_known_versions")
    op.execute("DROP TABLE sync_known_versions")
    op.execute("ALTER TABLE sync_known_versions_rebuilt RENAME TO sync_known_versions")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(" WITHOUT ROWID")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild("")
