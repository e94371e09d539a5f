"""units open on a date (communes merged in 2025); per-area daily aggregates

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 16:00:00

The area table starts empty and the aggregate state is cleared, so that the first read or import
after the upgrade rebuilds both aggregate tables (`services.aggregates.catch_up`).
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

UNIT_TABLES = ('district', 'commune', 'cluster', 'agency')


def upgrade() -> None:
    for table in UNIT_TABLES:  # a nullable column without a reference: no batch copy on SQLite
        op.add_column(table, sa.Column('opened_on', sa.Date(), nullable=True))
    op.create_table(
        'areaday',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('area_type', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('campaign', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('registered', sa.Integer(), nullable=False),
        sa.Column('installed', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('area_type', 'area_id', 'campaign', 'day'),
    )
    op.execute('DELETE FROM aggregatestate')


def downgrade() -> None:
    op.drop_table('areaday')
    for table in UNIT_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('opened_on')
    op.execute('DELETE FROM aggregatestate')
