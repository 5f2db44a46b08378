"""attachments stored by content hash

Revision ID: 0003_attachments
Revises: 0002_form_responses
"""

import sqlalchemy as sa
from alembic import op

import desktop_app.store.models

revision = "0003_attachments"
down_revision = "0002_form_responses"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("owner_type", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("caption", sa.String(length=500), nullable=False),
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluations.id"], name=op.f("fk_attachments_evaluation_id_evaluations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_evaluation_id"), ["evaluation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_table("attachments")
