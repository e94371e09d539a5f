"""the platform's account list, and the keys that find a roster's people in it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00

A table for the accounts of an `accounts` import (keyed hashes of the citizen ID and phone, the
day the account was made, the commune the list names), and two keyed hashes on each roster entry
(`services.people.match_key`). The phone hash of existing entries is made from the phone they
keep; their citizen ID was never kept, so entries imported before this migration are matched by
phone only until their roster is imported again.
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BATCH = 10_000


def upgrade() -> None:
    op.create_table(
        'accountentry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('upload_id', sa.Integer(), nullable=False),
        sa.Column('id_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('phone_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('created_on', sa.Date(), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id']),
        sa.ForeignKeyConstraint(['upload_id'], ['upload.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_accountentry_id_key', 'accountentry', ['upload_id', 'id_key'])
    op.create_index('ix_accountentry_phone_key', 'accountentry', ['upload_id', 'phone_key'])
    with op.batch_alter_table('rosterentry') as batch:
        batch.add_column(sa.Column('id_key', sqlmodel.sql.sqltypes.AutoString(length=32),
                                   nullable=True))
        batch.add_column(sa.Column('phone_key', sqlmodel.sql.sqltypes.AutoString(length=32),
                                   nullable=True))
    op.create_index('ix_rosterentry_id_key', 'rosterentry', ['id_key'])
    op.create_index('ix_rosterentry_phone_key', 'rosterentry', ['phone_key'])

    from services.people import match_key
    from settings import id_hash_key

    connection = op.get_bind()
    entries = connection.execute(sa.text(
        "SELECT id, phone FROM rosterentry WHERE phone IS NOT NULL ORDER BY id")).all()
    if entries:
        key = id_hash_key()[:64]
        update = sa.text("UPDATE rosterentry SET phone_key = :key WHERE id = :id")
        changes = [{"id": entry_id, "key": match_key("phone", phone, key)}
                   for entry_id, phone in entries]
        for start in range(0, len(changes), BATCH):
            connection.execute(update, changes[start:start + BATCH])


def downgrade() -> None:
    op.drop_index('ix_rosterentry_phone_key', table_name='rosterentry')
    op.drop_index('ix_rosterentry_id_key', table_name='rosterentry')
    with op.batch_alter_table('rosterentry') as batch:
        batch.drop_column('phone_key')
        batch.drop_column('id_key')
    op.drop_index('ix_accountentry_phone_key', table_name='accountentry')
    op.drop_index('ix_accountentry_id_key', table_name='accountentry')
    op.drop_table('accountentry')
