"""regio_bezetting: the Doorstroompunt's bezetting, entered once per region and year

The Doorstroompunt is a regional organisation, so its fte in dienst is one figure per region,
not per gemeente. Audit entries now belong to an invoer or to a regio_bezetting row (exactly
one of the two). Old per-gemeente Doorstroompunt values in invoer.bezetting stay stored.

Revision ID: 5d2e8a41c7b3
Revises: 5c2e7a91d4f3
Create Date: 2026-11-29 16:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2e8a41c7b3'
down_revision = '5c2e7a91d4f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('regio_bezetting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('regio_code', sa.String(length=4), nullable=False),
    sa.Column('jaar', sa.Integer(), nullable=False),
    sa.Column('waarden', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['regio_code'], ['regio.code'],
                            name=op.f('fk_regio_bezetting_regio_code_regio')),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'],
                            name=op.f('fk_regio_bezetting_updated_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regio_bezetting')),
    sa.UniqueConstraint('regio_code', 'jaar', name=op.f('uq_regio_bezetting_regio_code_jaar'))
    )
    with op.batch_alter_table('regio_bezetting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regio_bezetting_regio_code'), ['regio_code'],
                              unique=False)

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regio_bezetting_id', sa.Integer(), nullable=True))
        batch_op.alter_column('invoer_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_audit_entry_regio_bezetting_id_regio_bezetting'),
                                    'regio_bezetting', ['regio_bezetting_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_audit_entry_regio_bezetting_id'),
                              ['regio_bezetting_id'], unique=False)
        batch_op.create_check_constraint(
            'doel', '(invoer_id IS NULL) <> (regio_bezetting_id IS NULL)')


def downgrade():
    op.execute('DELETE FROM audit_entry WHERE regio_bezetting_id IS NOT NULL')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint('doel', type_='check')
        batch_op.drop_index(batch_op.f('ix_audit_entry_regio_bezetting_id'))
        batch_op.drop_constraint(batch_op.f('fk_audit_entry_regio_bezetting_id_regio_bezetting'),
                                 type_='foreignkey')
        batch_op.alter_column('invoer_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('regio_bezetting_id')

    with op.batch_alter_table('regio_bezetting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regio_bezetting_regio_code'))
    op.drop_table('regio_bezetting')
