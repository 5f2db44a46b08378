"""fieldwork: workshops, immersions, testimonies and commitments

Revision ID: 0200_fieldwork
Revises: 0003_attachments
"""

import sqlalchemy as sa
from alembic import op

import desktop_app.store.models

revision = "0200_fieldwork"
down_revision = "0003_attachments"
branch_labels = None
depends_on = None

TABLES = ("fieldwork_workshops", "fieldwork_immersions", "fieldwork_testimonies", "fieldwork_commitments")


def upgrade() -> None:
    op.create_table(
        "fieldwork_commitments",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("pilot", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("due_date", sa.String(length=10), nullable=False),
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_fieldwork_commitments_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fieldwork_commitments")),
    )
    op.create_index(
        op.f("ix_fieldwork_commitments_evaluation_id"),
        "fieldwork_commitments",
        ["evaluation_id"],
        unique=False,
    )
    op.create_table(
        "fieldwork_immersions",
        sa.Column("series_id", sa.String(length=36), nullable=False),
        sa.Column("response_id", sa.String(length=36), nullable=False),
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_fieldwork_immersions_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fieldwork_immersions")),
    )
    op.create_index(
        op.f("ix_fieldwork_immersions_evaluation_id"), "fieldwork_immersions", ["evaluation_id"], unique=False
    )
    op.create_index(
        op.f("ix_fieldwork_immersions_series_id"), "fieldwork_immersions", ["series_id"], unique=False
    )
    op.create_table(
        "fieldwork_testimonies",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("pseudonym", sa.String(length=40), nullable=False),
        sa.Column("profile", sa.String(length=80), nullable=False),
        sa.Column("consent_use", sa.Boolean(), nullable=True),
        sa.Column("consent_broadcast", sa.Boolean(), nullable=True),
        sa.Column("retention_date", sa.Date(), nullable=True),
        sa.Column("series_id", sa.String(length=36), nullable=False),
        sa.Column("response_id", sa.String(length=36), nullable=False),
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_fieldwork_testimonies_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fieldwork_testimonies")),
    )
    op.create_index(
        op.f("ix_fieldwork_testimonies_evaluation_id"),
        "fieldwork_testimonies",
        ["evaluation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_fieldwork_testimonies_series_id"), "fieldwork_testimonies", ["series_id"], unique=False
    )
    op.create_table(
        "fieldwork_workshops",
        sa.Column("tool_id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.String(length=36), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("facilitators", sa.String(length=300), nullable=False),
        sa.Column("qpv_codes", sa.JSON(), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("named_attendance", sa.Boolean(), nullable=False),
        sa.Column("attendance", sa.JSON(), nullable=False),
        sa.Column("response_id", sa.String(length=36), nullable=False),
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", desktop_app.store.models.UTCDateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_fieldwork_workshops_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fieldwork_workshops")),
    )
    op.create_index(
        op.f("ix_fieldwork_workshops_evaluation_id"), "fieldwork_workshops", ["evaluation_id"], unique=False
    )
    op.create_index(
        op.f("ix_fieldwork_workshops_series_id"), "fieldwork_workshops", ["series_id"], unique=False
    )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
