"""one live upload per file content (concurrent imports of the same file)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 13:20:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ux_upload_live_sha256', 'upload', ['sha256'], unique=True,
                    sqlite_where=sa.text('undone_at IS NULL'),
                    postgresql_where=sa.text('undone_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ux_upload_live_sha256', table_name='upload')
