"""users.moet_wachtwoord_wijzigen: a password change forced after a beheerder's reset

A beheerder's reset gives the account a one-time password and sets this flag; until the user
has chosen a new password every page redirects to the change page. Existing rows get false.

Revision ID: 5c2e7a91d4f3
Revises: 1b5604bbaf31
Create Date: 2026-11-29 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c2e7a91d4f3'
down_revision = '1b5604bbaf31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moet_wachtwoord_wijzigen', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('moet_wachtwoord_wijzigen')
