"""users: single sign-on link (iss + sub) and one-time password expiry; sso_poging

An account is linked to the provider's ``iss`` + ``sub`` at its first single sign-on, and a
later sign-on of another person is refused. A beheerder's one-time password now expires
(``wachtwoord_verloopt_op``). ``sso_poging`` keeps a sign-on attempt's state data on the
server, taken exactly once at the callback. Existing rows: not linked, no expiry.

Revision ID: 7a3c91e5b2d8
Revises: 7a3f9c2d1e54
Create Date: 2026-12-07 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3c91e5b2d8'
down_revision = '7a3f9c2d1e54'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wachtwoord_verloopt_op', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('oidc_issuer', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_oidc_issuer_oidc_subject'),
                                          ['oidc_issuer', 'oidc_subject'])
    op.create_table('sso_poging',
    sa.Column('sleutel', sa.String(length=200), nullable=False),
    sa.Column('waarde', sa.Text(), nullable=False),
    sa.Column('verloopt_op', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sleutel', name=op.f('pk_sso_poging'))
    )
    with op.batch_alter_table('sso_poging', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_poging_verloopt_op'), ['verloopt_op'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('sso_poging', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_poging_verloopt_op'))
    op.drop_table('sso_poging')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_oidc_issuer_oidc_subject'), type_='unique')
        batch_op.drop_column('oidc_subject')
        batch_op.drop_column('oidc_issuer')
        batch_op.drop_column('wachtwoord_verloopt_op')
