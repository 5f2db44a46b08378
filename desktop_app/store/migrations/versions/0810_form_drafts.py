"""form drafts: text that could not be read as an answer is kept, and why a response was completed

`form_responses.drafts` keeps, per field, the text a user typed that is not a valid answer
(« environ un et demi » in a number field): it is shown again « à corriger » and never counted
as an answer. `form_responses.status_comment` holds the reason given when a response is marked
complete with questions missing (« Terminer quand même »). Existing rows get {} and "".

Revision ID: 0810_form_drafts
Revises: 0003_attachments
"""

import sqlalchemy as sa
from alembic import op

revision = "0810_form_drafts"
down_revision = "0003_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("form_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drafts", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column("status_comment", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("form_responses", schema=None) as batch_op:
        batch_op.drop_column("status_comment")
        batch_op.drop_column("drafts")
