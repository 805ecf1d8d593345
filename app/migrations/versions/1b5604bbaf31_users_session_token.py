"""users.session_token: the session cookie holds this random token instead of the user id

A new token (password change, logout) ends every existing session of that user. Existing rows
get a random token each here (a backfill in Python, the same on SQLite and PostgreSQL), then
the column becomes NOT NULL and unique. Existing sessions (which hold a bare id) end.

Revision ID: 1b5604bbaf31
Revises: 11c29009608c
Create Date: 2026-11-29 05:45:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1b5604bbaf31'
down_revision = '11c29009608c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))

    users = sa.table('users', sa.column('id', sa.Integer()),
                     sa.column('session_token', sa.String(length=64)))
    conn = op.get_bind()
    for (user_id,) in conn.execute(sa.select(users.c.id)).all():
        conn.execute(users.update().where(users.c.id == user_id)
                     .values(session_token=secrets.token_urlsafe(32)))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64),
                              nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_session_token'),
                                          ['session_token'])


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_session_token'), type_='unique')
        batch_op.drop_column('session_token')
