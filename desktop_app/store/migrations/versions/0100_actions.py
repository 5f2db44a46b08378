"""actions structurantes: programmation, fundings per year, scores and weights

Revision ID: 0100_actions
Revises: 0003_attachments
"""

import sqlalchemy as sa
from alembic import op

import desktop_app.store.models

revision = "0100_actions"
down_revision = "0003_attachments"
branch_labels = None
depends_on = None


def _synced_columns() -> list[sa.Column]:
    return [
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def _evaluation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["evaluation_id"], ["evaluations.id"], name=op.f(f"fk_{table}_evaluation_id_evaluations"), ondelete="CASCADE"
    )


def _action_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f(f"fk_{table}_action_id_actions"), ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("carrier", sa.String(length=300), nullable=False),
        sa.Column("siret", sa.String(length=20), nullable=False),
        sa.Column("pillar", sa.String(length=200), nullable=False),
        sa.Column("qpv", sa.String(length=400), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("series_key", sa.String(length=500), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=True),
        sa.Column("multi_year", sa.Boolean(), nullable=True),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("edited_fields", sa.JSON(), nullable=False),
        *_synced_columns(),
        _evaluation_fk("actions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actions_evaluation_id"), ["evaluation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_series_key"), ["series_key"], unique=False)

    op.create_table(
        "action_fundings",
        sa.Column("action_id", sa.String(length=36), nullable=False),
        sa.Column("natural_key", sa.String(length=600), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("file_number", sa.String(length=80), nullable=False),
        sa.Column("qpv", sa.String(length=400), nullable=False),
        sa.Column("amounts", sa.JSON(), nullable=False),
        sa.Column("requested", sa.JSON(), nullable=False),
        sa.Column("total_cost", sa.Float(), nullable=True),
        sa.Column("beneficiaries", sa.Integer(), nullable=True),
        sa.Column("beneficiaries_qpv_share", sa.Float(), nullable=True),
        sa.Column("source_file", sa.String(length=255), nullable=False),
        sa.Column("source_sheet", sa.String(length=120), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("edited_fields", sa.JSON(), nullable=False),
        *_synced_columns(),
        _action_fk("action_fundings"),
        _evaluation_fk("action_fundings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_fundings")),
    )
    with op.batch_alter_table("action_fundings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_fundings_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_fundings_evaluation_id"), ["evaluation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_fundings_natural_key"), ["natural_key"], unique=False)

    op.create_table(
        "action_scores",
        sa.Column("action_id", sa.String(length=36), nullable=False),
        sa.Column("criterion_id", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        *_synced_columns(),
        _action_fk("action_scores"),
        _evaluation_fk("action_scores"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_scores")),
    )
    with op.batch_alter_table("action_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_scores_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_scores_evaluation_id"), ["evaluation_id"], unique=False)

    op.create_table(
        "action_weights",
        sa.Column("criterion_id", sa.String(length=80), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        *_synced_columns(),
        _evaluation_fk("action_weights"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_weights")),
    )
    with op.batch_alter_table("action_weights", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_weights_evaluation_id"), ["evaluation_id"], unique=False)


def downgrade() -> None:
    op.drop_table("action_weights")
    op.drop_table("action_scores")
    op.drop_table("action_fundings")
    op.drop_table("actions")
