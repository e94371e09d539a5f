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
    with op.batch_alter_table('commune') as batch:
        batch.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_commune_district_id'), ['district_id'], unique=False)
        batch.create_foreign_key('fk_commune_district_id', 'district', ['district_id'], ['id'])
    with op.batch_alter_table('agency') as batch:
        batch.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_agency_district_id'), ['district_id'], unique=False)
        batch.create_foreign_key('fk_agency_district_id', 'district', ['district_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('agency') as batch:
        batch.drop_constraint('fk_agency_district_id', type_='foreignkey')
        batch.drop_index(batch.f('ix_agency_district_id'))
        batch.drop_column('district_id')
    with op.batch_alter_table('commune') as batch:
        batch.drop_constraint('fk_commune_district_id', type_='foreignkey')
        batch.drop_index(batch.f('ix_commune_district_id'))
        batch.drop_column('district_id')
    op.drop_index(op.f('ix_district_code'), table_name='district')
    op.drop_table('district')
