"""unit-day aggregates for the dashboards (services/aggregates.py)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 13:00:00

The table starts empty: the first read or import after the upgrade fills it (`catch_up`).
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'unitday',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_type', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('registered', sa.Integer(), nullable=False),
        sa.Column('installed', sa.Integer(), nullable=False),
        sa.Column('reported', sa.Boolean(), nullable=False),
        sa.Column('first_upload_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_type', 'unit_id', 'source', 'day'),
    )
    with op.batch_alter_table('unitday', schema=None) as batch_op:
        batch_op.create_index('ix_unitday_day', ['day'], unique=False)
    op.create_table(
        'aggregatestate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uploads', sa.Integer(), nullable=False),
        sa.Column('last_upload_id', sa.Integer(), nullable=False),
        sa.Column('undone', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('aggregatestate')
    with op.batch_alter_table('unitday', schema=None) as batch_op:
        batch_op.drop_index('ix_unitday_day')
    op.drop_table('unitday')
