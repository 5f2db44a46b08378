"""trash: tombstones emptied from the Corbeille (local, never synced)

Revision ID: 0800_trash
Revises: 0003_attachments
"""

import sqlalchemy as sa
from alembic import op

from desktop_app.store.models import UTCDateTime

revision = "0800_trash"
down_revision = "0003_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trash_purged",
        sa.Column("table_name", sa.String(80), primary_key=True),
        sa.Column("record_id", sa.String(36), primary_key=True),
        sa.Column("evaluation_id", sa.String(36), nullable=False),
        sa.Column("purged_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
    )
    op.create_index("ix_trash_purged_evaluation_id", "trash_purged", ["evaluation_id"])


def downgrade() -> None:
    op.drop_index("ix_trash_purged_evaluation_id", "trash_purged")
    op.drop_table("trash_purged")
