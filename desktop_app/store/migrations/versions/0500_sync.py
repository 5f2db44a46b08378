"""sync: known record versions, conflicts, peers and exchange history

Revision ID: 0500_sync
Revises: 0003_attachments
"""

import sqlalchemy as sa
from alembic import op

import desktop_app.store.models

revision = "0500_sync"
down_revision = "0003_attachments"
branch_labels = None
depends_on = None

UTC = desktop_app.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "sync_known_versions",
        sa.Column("table_name", sa.String(length=80), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("seen_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "record_id", "version", name=op.f("pk_sync_known_versions")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("table_name", sa.String(length=80), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("local_version", sa.String(length=64), nullable=False),
        sa.Column("remote_version", sa.String(length=64), nullable=False),
        sa.Column("local_data", sa.JSON(), nullable=False),
        sa.Column("remote_data", sa.JSON(), nullable=False),
        sa.Column("remote_history", sa.JSON(), nullable=False),
        sa.Column("remote_device", sa.String(length=36), nullable=False),
        sa.Column("remote_label", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("detected_at", UTC(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolution", sa.String(length=20), nullable=False),
        sa.Column("resolved_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_conflicts_evaluation_id"), ["evaluation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_conflicts_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_conflicts_status"), ["status"], unique=False)
    op.create_table(
        "sync_peers",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("first_seen_at", UTC(), nullable=False),
        sa.Column("last_received_at", UTC(), nullable=True),
        sa.Column("last_exported_at", UTC(), nullable=True),
        sa.Column("bundles_received", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_sync_peers")),
    )
    op.create_table(
        "sync_history",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", UTC(), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("data_digest", sa.String(length=64), nullable=False),
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("peer_device", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_history")),
    )
    with op.batch_alter_table("sync_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_history_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_history_file_sha256"), ["file_sha256"], unique=False)


def downgrade() -> None:
    op.drop_table("sync_history")
    op.drop_table("sync_peers")
    op.drop_table("sync_conflicts")
    op.drop_table("sync_known_versions")
