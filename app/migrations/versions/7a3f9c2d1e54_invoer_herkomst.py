"""invoer.herkomst: where every stored invoer value comes from

Per invoer sleutel ``{"soort": "schatting" | "eigen" | "werkboek" | "eerdere_jaren"[,
"versie"]}`` (formatie.herkomst). Existing rows get ``{}``: their values count as "herkomst
onbekend". Nothing recorded whether a value was typed or taken from the estimate button (the
audit trail kept only the save action), so no old value is called an estimate, nor the
gemeente's own registration; the next save that changes a value gives that value its herkomst.

Revision ID: 7a3f9c2d1e54
Revises: 5d2e8a41c7b3
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3f9c2d1e54'
down_revision = '5d2e8a41c7b3'
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN, no batch copy: on SQLite a batch would rebuild invoer, which the audit
# trail references (foreign keys are on), and fail on any database with figures.
def upgrade():
    op.add_column('invoer', sa.Column('herkomst', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))


def downgrade():
    op.drop_column('invoer', 'herkomst')
