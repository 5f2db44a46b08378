"""sync: the public keys each evaluation's bundles are accepted from (pinned keys)

Revision ID: 0510_sync_trusted_keys
Revises: 0501_sync_known_versions
"""

import sqlalchemy as sa
from alembic import op

import desktop_app.store.models

revision = "0510_sync_trusted_keys"
down_revision = "0501_sync_known_versions"
branch_labels = None
depends_on = None

UTC = desktop_app.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "sync_trusted_keys",
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("device_label", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("added_at", UTC(), nullable=False),
        sa.Column("last_seen_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("evaluation_id", "fingerprint", name=op.f("pk_sync_trusted_keys")),
    )


def downgrade() -> None:
    op.drop_table("sync_trusted_keys")
