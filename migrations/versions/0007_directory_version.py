"""the unit directory's version, so that a process reads the directory once per change

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:00:00

One row holding a random token that every write to the unit tables renews (services/units.py).
"""
import uuid
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    table = op.create_table(
        'directoryversion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(table, [{'id': 1, 'token': uuid.uuid4().hex}])


def downgrade() -> None:
    op.drop_table('directoryversion')
