"""questionnaires: invited respondents and Excel import log

Revision ID: 0300_questionnaires
Revises: 0003_attachments
"""

import sqlalchemy as sa
from alembic import op

import desktop_app.store.models

revision = "0300_questionnaires"
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


def upgrade() -> None:
    op.create_table(
        "questionnaire_invitees",
        sa.Column("respondent_type", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        *_synced_columns(),
        sa.ForeignKeyConstraint(
            ["evaluation_id"], ["evaluations.id"],
            name=op.f("fk_questionnaire_invitees_evaluation_id_evaluations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_invitees")),
    )
    with op.batch_alter_table("questionnaire_invitees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaire_invitees_evaluation_id"), ["evaluation_id"], unique=False)

    op.create_table(
        "questionnaire_imports",
        sa.Column("tool_id", sa.String(length=80), nullable=False),
        sa.Column("response_id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=80), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_token", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        *_synced_columns(),
        sa.ForeignKeyConstraint(
            ["evaluation_id"], ["evaluations.id"],
            name=op.f("fk_questionnaire_imports_evaluation_id_evaluations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_imports")),
    )
    with op.batch_alter_table("questionnaire_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaire_imports_evaluation_id"), ["evaluation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_questionnaire_imports_response_id"), ["response_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_questionnaire_imports_file_sha256"), ["file_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_questionnaire_imports_file_token"), ["file_token"], unique=False)


def downgrade() -> None:
    op.drop_table("questionnaire_imports")
    op.drop_table("questionnaire_invitees")
