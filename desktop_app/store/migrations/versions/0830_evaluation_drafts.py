"""evaluation drafts: text typed in a Cadrage field that is not a valid value is kept

`evaluations.drafts` keeps, per field (the contract's start and end dates), the text a user typed
that is not a valid value (« 31/02/2026 »): it is shown again « à corriger » and never used as the
value. Existing rows get {}.

Revision ID: 0830_evaluation_drafts
Revises: 0810_form_drafts
"""

import sqlalchemy as sa
from alembic import op

revision = "0830_evaluation_drafts"
down_revision = "0810_form_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch copy: on SQLite, recreating `evaluations` would delete
    # every Cadrage row through their ON DELETE CASCADE.
    op.add_column("evaluations", sa.Column("drafts", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    op.drop_column("evaluations", "drafts")
