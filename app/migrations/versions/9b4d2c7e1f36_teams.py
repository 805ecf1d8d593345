"""team and team_lid: teams as they are organised (issue 21); role team; audit of teams

A team (uitvoeringsorganisatie: RBL, centrumgemeente) for one functie with its member
gemeenten, each from a year on; a gemeente is in at most one team per functie (team_lid
repeats the team's functie through a composite foreign key, so a unique constraint holds the
rule). Users get the role ``team`` (a coordinator) with ``team_id``. Audit entries may belong
to a team (``team_id``): still exactly one target. No existing row changes meaning: without
teams every gemeente is its own team, as before.

On SQLite the users table is rebuilt (its check constraints change) while other tables
reference it: foreign keys are off for the rebuild (outside a transaction, as SQLite requires)
and checked after it.

Revision ID: 9b4d2c7e1f36
Revises: 7a3c91e5b2d8
Create Date: 2026-12-07 12:00:00.000000

"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b4d2c7e1f36'
down_revision = '7a3c91e5b2d8'
branch_labels = None
depends_on = None

ROL_OUD = "role IN ('gemeente', 'regio', 'beheerder')"
ROL_NIEUW = "role IN ('gemeente', 'regio', 'team', 'beheerder')"
SCOPE_OUD = ("(role <> 'gemeente' OR gemeente_code IS NOT NULL) "
             "AND (role <> 'regio' OR regio_code IS NOT NULL)")
SCOPE_NIEUW = SCOPE_OUD + " AND (role <> 'team' OR team_id IS NOT NULL)"
DOEL_OUD = "(invoer_id IS NULL) <> (regio_bezetting_id IS NULL)"
DOEL_NIEUW = ("(CASE WHEN invoer_id IS NULL THEN 0 ELSE 1 END) + "
              "(CASE WHEN regio_bezetting_id IS NULL THEN 0 ELSE 1 END) + "
              "(CASE WHEN team_id IS NULL THEN 0 ELSE 1 END) = 1")


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
    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('naam', sa.String(length=200), nullable=False),
    sa.Column('functie', sa.String(length=50), nullable=False),
    sa.Column('soort', sa.String(length=20), nullable=False),
    sa.Column('verdeelsleutel', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("soort IN ('rbl', 'centrumgemeente', 'eigen')",
                       name=op.f('ck_team_soort')),
    sa.CheckConstraint("verdeelsleutel IN ('werklast', 'inwoners', 'leerplichtigen')",
                       name=op.f('ck_team_verdeelsleutel')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team')),
    sa.UniqueConstraint('id', 'functie', name=op.f('uq_team_id_functie')),
    sa.UniqueConstraint('naam', 'functie', name=op.f('uq_team_naam_functie'))
    )
    op.create_table('team_lid',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('functie', sa.String(length=50), nullable=False),
    sa.Column('gemeente_code', sa.String(length=4), nullable=False),
    sa.Column('vanaf_jaar', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['gemeente_code'], ['gemeente.code'],
                            name=op.f('fk_team_lid_gemeente_code_gemeente')),
    sa.ForeignKeyConstraint(['team_id', 'functie'], ['team.id', 'team.functie'],
                            name=op.f('fk_team_lid_team_id_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_lid')),
    sa.UniqueConstraint('functie', 'gemeente_code',
                        name=op.f('uq_team_lid_functie_gemeente_code'))
    )
    with op.batch_alter_table('team_lid', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_lid_gemeente_code'), ['gemeente_code'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_team_lid_team_id'), ['team_id'], unique=False)

    with _sqlite_sleutels_uit(), op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_team_id_team'), 'team', ['team_id'],
                                    ['id'])
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_role_scope'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), ROL_NIEUW)
        batch_op.create_check_constraint(op.f('ck_users_role_scope'), SCOPE_NIEUW)

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_audit_entry_team_id_team'), 'team',
                                    ['team_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_audit_entry_team_id'), ['team_id'], unique=False)
        batch_op.drop_constraint(op.f('ck_audit_entry_doel'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_entry_doel'), DOEL_NIEUW)


def downgrade():
    op.execute('DELETE FROM audit_entry WHERE team_id IS NOT NULL')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_entry_doel'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_entry_doel'), DOEL_OUD)
        batch_op.drop_index(batch_op.f('ix_audit_entry_team_id'))
        batch_op.drop_constraint(batch_op.f('fk_audit_entry_team_id_team'), type_='foreignkey')
        batch_op.drop_column('team_id')

    if op.get_bind().scalar(sa.text("SELECT count(*) FROM users WHERE role = 'team'")):
        raise RuntimeError("Er zijn nog gebruikers met de rol team: geef ze eerst een andere "
                           "rol of verwijder ze; dan kan de migratie terug.")
    with _sqlite_sleutels_uit(), op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role_scope'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), ROL_OUD)
        batch_op.create_check_constraint(op.f('ck_users_role_scope'), SCOPE_OUD)
        batch_op.drop_constraint(batch_op.f('fk_users_team_id_team'), type_='foreignkey')
        batch_op.drop_column('team_id')

    with op.batch_alter_table('team_lid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_lid_team_id'))
        batch_op.drop_index(batch_op.f('ix_team_lid_gemeente_code'))
    op.drop_table('team_lid')
    op.drop_table('team')
