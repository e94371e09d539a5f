"""districts: an optional level above communes (a city deployment)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 13:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'district',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('closed_on', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_district_code'), 'district', ['code'], unique=True)
    # Plain ADD COLUMN (with its reference) rather than a batch copy: on SQLite a batch would drop
    # and recreate `commune`, which tables with data reference.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in ('commune', 'agency'):
        if sqlite:  # SQLite adds a column with its reference in place; alembic only batches it
            op.execute(f'ALTER TABLE {table} ADD COLUMN district_id INTEGER REFERENCES district (id)')
        else:
            op.add_column(table, sa.Column('district_id', sa.Integer(),
                                           sa.ForeignKey('district.id'), nullable=True))
        op.create_index(op.f(f'ix_{table}_district_id'), table, ['district_id'], unique=False)


def downgrade() -> None:
    for table in ('agency', 'commune'):
        op.drop_index(op.f(f'ix_{table}_district_id'), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column('district_id')
    op.drop_index(op.f('ix_district_code'), table_name='district')
    op.drop_table('district')
