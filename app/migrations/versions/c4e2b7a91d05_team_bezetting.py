"""team_bezetting: a team's bezetting entered once per team (issue 21); soort doorstroompunt

A team (uitvoeringsorganisatie) employs its staff, so its bezetting (fte in dienst) is entered
once per team and year, as a region enters its Doorstroompunt's (regio_bezetting): one row per
team and year with ``waarden`` {functie: fte}, optimistic locking (``version``) and audit
entries of its own (``audit_entry.team_bezetting_id``: an audit entry still has exactly one
target). A team may be of the soort ``doorstroompunt`` (a region's Doorstroompunt as a team,
formatie.teams.standaard_teams). No existing row changes meaning.

On SQLite the team table is rebuilt (its check constraint changes) while other tables
reference it: foreign keys are off for the rebuild (outside a transaction, as SQLite requires)
and checked after it.

Revision ID: c4e2b7a91d05
Revises: 9b4d2c7e1f36
Create Date: 2026-12-07 15:00:00.000000

"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e2b7a91d05'
down_revision = '9b4d2c7e1f36'
branch_labels = None
depends_on = None

SOORT_OUD = "soort IN ('rbl', 'centrumgemeente', 'eigen')"
SOORT_NIEUW = "soort IN ('rbl', 'centrumgemeente', 'eigen', 'doorstroompunt')"
DOEL_OUD = ("(CASE WHEN invoer_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN regio_bezetting_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN team_id IS NULL THEN 0 ELSE 1 END) = 1")
DOEL_NIEUW = ("(CASE WHEN invoer_id IS NULL THEN 0 ELSE 1 END) + "
              "(CASE WHEN regio_bezetting_id IS NULL THEN 0 ELSE 1 END) + "
              "(CASE WHEN team_id IS NULL THEN 0 ELSE 1 END) + "
              "(CASE WHEN team_bezetting_id IS NULL THEN 0 ELSE 1 END) = 1")


@contextmanager
def _sqlite_sleutels_uit():
    """SQLite: foreign keys off while a referenced table is rebuilt (DROP TABLE would fail
    on the rows pointing to it), on again and checked after."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute('PRAGMA foreign_keys = OFF')
    try:
        yield
    finally:
        if sqlite:
            with op.get_context().autocommit_block():
                fouten = op.get_bind().execute(sa.text('PRAGMA foreign_key_check')).fetchall()
                op.execute('PRAGMA foreign_keys = ON')
    if sqlite and fouten:
        raise RuntimeError(f"foreign keys broken after the rebuild: {fouten[:5]}")


def upgrade():
    op.create_table('team_bezetting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('jaar', sa.Integer(), nullable=False),
    sa.Column('waarden', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'],
                            name=op.f('fk_team_bezetting_team_id_team')),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'],
                            name=op.f('fk_team_bezetting_updated_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_bezetting')),
    sa.UniqueConstraint('team_id', 'jaar', name=op.f('uq_team_bezetting_team_id_jaar'))
    )
    with op.batch_alter_table('team_bezetting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_bezetting_team_id'), ['team_id'],
                              unique=False)

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_bezetting_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_audit_entry_team_bezetting_id_team_bezetting'),
                                    'team_bezetting', ['team_bezetting_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_audit_entry_team_bezetting_id'),
                              ['team_bezetting_id'], unique=False)
        batch_op.drop_constraint(op.f('ck_audit_entry_doel'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_entry_doel'), DOEL_NIEUW)

    with _sqlite_sleutels_uit(), op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_team_soort'), type_='check')
        batch_op.create_check_constraint(op.f('ck_team_soort'), SOORT_NIEUW)


def downgrade():
    if op.get_bind().scalar(sa.text("SELECT count(*) FROM team WHERE soort = 'doorstroompunt'")):
        raise RuntimeError("Er zijn nog teams van de soort doorstroompunt: geef ze eerst een "
                           "andere soort of verwijder ze; dan kan de migratie terug.")
    with _sqlite_sleutels_uit(), op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_team_soort'), type_='check')
        batch_op.create_check_constraint(op.f('ck_team_soort'), SOORT_OUD)

    op.execute('DELETE FROM audit_entry WHERE team_bezetting_id IS NOT NULL')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_entry_doel'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_entry_doel'), DOEL_OUD)
        batch_op.drop_index(batch_op.f('ix_audit_entry_team_bezetting_id'))
        batch_op.drop_constraint(batch_op.f('fk_audit_entry_team_bezetting_id_team_bezetting'),
                                 type_='foreignkey')
        batch_op.drop_column('team_bezetting_id')

    with op.batch_alter_table('team_bezetting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_bezetting_team_id'))
    op.drop_table('team_bezetting')
