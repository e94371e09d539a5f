"""each roster entry keeps its citizen ID's keyed hash, so that a person is recognised across
identifiers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00

`citizen_key` is the keyed hash of the entry's citizen ID within its scope (`services.people`),
never the ID itself. Entries imported before have none: no citizen ID was kept to compute it.
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('rosterentry') as batch:
        batch.add_column(sa.Column('citizen_key', sqlmodel.sql.sqltypes.AutoString(length=64),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('rosterentry') as batch:
        batch.drop_column('citizen_key')
