"""Writing campaign data straight into the tables, for the dashboard tests: each helper is one
import (an upload and its rows)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from itertools import count

from sqlalchemy import select

from db import session_scope
from models import Agency, Cluster, CountReport, RosterEntry, Upload

_numbers = count()


def d(day: int, month: int = 7) -> date:
    return date(2024, month, day)


def add_upload(session, kind: str, as_of: date, created_at: datetime | None = None,
               **fields) -> int:
    upload = Upload(created_at=created_at or datetime(2024, 7, 1, tzinfo=timezone.utc),
                    file_name=f"{kind}-{as_of}.xlsx", sha256=f"{kind}-{next(_numbers)}", kind=kind,
                    as_of=as_of, **fields)
    session.add(upload)
    session.flush()
    return upload.id


def cluster_id(session, code: str) -> int:
    return session.execute(select(Cluster.id).where(Cluster.code == code)).scalar_one()


def agency_id(session, code: str) -> int:
    return session.execute(select(Agency.id).where(Agency.code == code)).scalar_one()


def add_counts(engine, as_of: date, rows: list[tuple[str, int, int]], *, unit: str = "cluster",
               created_at: datetime | None = None) -> int:
    """One count-report import: (unit code, registered, installed) dated `as_of`."""
    with session_scope(engine) as session:
        upload_id = add_upload(session, "counts", as_of, created_at)
        for code, registered, installed in rows:
            ids = ({"cluster_id": cluster_id(session, code)} if unit == "cluster"
                   else {"agency_id": agency_id(session, code)})
            session.add(CountReport(upload_id=upload_id, report_date=as_of, registered=registered,
                                    installed=installed, **ids))
        return upload_id


def add_roster(engine, as_of: date, people: list[tuple[str, str, bool, date | None]]) -> int:
    """One resident roster dated `as_of`: (person, cluster code, registered, registered on)."""
    with session_scope(engine) as session:
        upload_id = add_upload(session, "residents", as_of)
        for person, code, registered, registered_on in people:
            session.add(RosterEntry(upload_id=upload_id, campaign="residents", person_key=person,
                                    cluster_id=cluster_id(session, code), report_date=as_of,
                                    installed=registered, registered=registered,
                                    registered_on=registered_on, full_name=person))
        return upload_id
