"""each unit's reports, materialised with the daily tables (services/aggregates.py)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:00:00

The table starts empty; the aggregates' state row is removed so that the first read or import
after the upgrade rebuilds every daily table, this one with them.
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'unitreport',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_type', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('registered', sa.Integer(), nullable=False),
        sa.Column('installed', sa.Integer(), nullable=False),
        sa.Column('reported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('fell', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_type', 'unit_id', 'day'),
    )
    op.execute("DELETE FROM aggregatestate")


def downgrade() -> None:
    op.drop_table('unitreport')
