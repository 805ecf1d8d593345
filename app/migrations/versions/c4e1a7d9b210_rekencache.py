"""rekencache: computed figures shared between the workers, under a content-hash key

Results, ranges, gevoeligheid and prognose are cached per (inputs, normenset, policy) in this
table (app.services.rekencache), so every gunicorn worker finds what another computed. The key
is a hash of the inputs: a save changes it, nothing needs invalidating.

Revision ID: c4e1a7d9b210
Revises: c4e2b7a91d05
Create Date: 2026-12-07 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1a7d9b210'
down_revision = 'c4e2b7a91d05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rekencache',
    sa.Column('sleutel', sa.String(length=64), nullable=False),
    sa.Column('waarde', sa.LargeBinary(), nullable=False),
    sa.Column('gebruikt_op', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sleutel', name=op.f('pk_rekencache'))
    )
    with op.batch_alter_table('rekencache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rekencache_gebruikt_op'), ['gebruikt_op'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('rekencache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rekencache_gebruikt_op'))
    op.drop_table('rekencache')
