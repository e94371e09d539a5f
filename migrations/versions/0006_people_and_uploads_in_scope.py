"""people recognised within their commune or agency; one live upload per content and unit

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:30:00

Each roster entry's person key becomes `services.people.scoped_key` of its scope (the commune of
its cluster for residents, its agency for staff) and of the key it had, which was the identity's
keyed hash: no citizen ID is needed. Downgrading cannot undo a one-way hash: it keeps the keys.
The aggregate state is cleared, so that the first read or import after the upgrade rebuilds the
aggregates (people listed by two communes now count in each).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

LIVE = sa.text('undone_at IS NULL')
BATCH = 10_000


def upgrade() -> None:
    from services.people import scoped_key
    from settings import id_hash_key

    connection = op.get_bind()
    entries = connection.execute(sa.text(
        "SELECT r.id, r.person_key, CASE WHEN r.campaign = 'staff' THEN r.agency_id "
        "ELSE c.commune_id END FROM rosterentry r LEFT JOIN cluster c ON c.id = r.cluster_id "
        "ORDER BY r.id")).all()
    if entries:
        key = id_hash_key()[:64]
        update = sa.text("UPDATE rosterentry SET person_key = :new WHERE id = :id")
        changes = [{"id": entry_id, "new": scoped_key(scope_id, old, key)}
                   for entry_id, old, scope_id in entries]
        for start in range(0, len(changes), BATCH):
            connection.execute(update, changes[start:start + BATCH])
    op.execute('DELETE FROM aggregatestate')
    op.drop_index('ux_upload_live_sha256', table_name='upload')
    op.create_index('ux_upload_live_content', 'upload',
                    ['sha256', sa.text('coalesce(commune_id, 0)'), sa.text('coalesce(agency_id, 0)')],
                    unique=True, sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    op.drop_index('ux_upload_live_content', table_name='upload')
    op.create_index('ux_upload_live_sha256', 'upload', ['sha256'], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)
