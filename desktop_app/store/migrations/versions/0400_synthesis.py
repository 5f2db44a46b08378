"""synthesis: evidence linked to the référentiel's indicators

Revision ID: 0400_synthesis
Revises: 0003_attachments
"""

import sqlalchemy as sa
from alembic import op

import desktop_app.store.models

revision = "0400_synthesis"
down_revision = "0003_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_links",
        sa.Column("indicator_id", sa.String(length=80), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"], ["evaluations.id"],
            name=op.f("fk_evidence_links_evaluation_id_evaluations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_links")),
    )
    with op.batch_alter_table("evidence_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_links_evaluation_id"), ["evaluation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_links_indicator_id"), ["indicator_id"], unique=False)


def downgrade() -> None:
    op.drop_table("evidence_links")
