"""letters: the sender, signatory and partners' postal details of the partners' letters

The Cadrage gains what a French administrative letter needs: the writing structure's name and
postal address and the signatory (on the evaluation), and per partner the article of its name,
the contact's civility and title and the postal address. Existing rows get empty values (an
empty article is guessed from the name).

Revision ID: 0410_letters
Revises: 0400_synthesis
"""

import sqlalchemy as sa
from alembic import op

revision = "0410_letters"
down_revision = "0400_synthesis"
branch_labels = None
depends_on = None

EVALUATION_COLUMNS = (("sender_name", 200), ("sender_address", 400), ("signatory_name", 200), ("signatory_title", 200))
PARTNER_COLUMNS = (("article", 10), ("civility", 20), ("title", 200), ("postal_address", 400))


def upgrade() -> None:
    for table, columns in (("evaluations", EVALUATION_COLUMNS), ("partners", PARTNER_COLUMNS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, length in columns:
                batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=""))


def downgrade() -> None:
    for table, columns in (("evaluations", EVALUATION_COLUMNS), ("partners", PARTNER_COLUMNS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _length in columns:
                batch_op.drop_column(name)
