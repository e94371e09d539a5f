"""The tracker's tables, one family per entity (SQLModel). Schema changes go through Alembic."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Optional

from sqlalchemy import JSON, Column, Index, UniqueConstraint, and_, or_, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timestamps are stored timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


# ---------------------------------------------------------------- units


class District(SQLModel, table=True):
    """A district (quận, huyện, thị xã): optional level above communes, for a city deployment."""

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=40)
    name: str = Field(max_length=120)
    opened_on: Optional[date] = None
    closed_on: Optional[date] = None


class Commune(SQLModel, table=True):
    """A commune or town (xã, thị trấn)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=40)
    district_id: Optional[int] = Field(default=None, foreign_key="district.id", index=True)
    name: str = Field(max_length=120)
    kind: str = Field(default="Xã", max_length=40)
    opened_on: Optional[date] = None  # a commune made by a merger counts from that day
    closed_on: Optional[date] = None


class Cluster(SQLModel, table=True):
    """A village, residential cluster or neighbourhood group (thôn, cụm dân cư, tổ dân phố)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=60)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    name: str = Field(max_length=120)
    households: Optional[int] = None
    population: Optional[int] = None
    target_population: Optional[int] = None
    opened_on: Optional[date] = None
    closed_on: Optional[date] = None


class Agency(SQLModel, table=True):
    """An agency, department, commune committee or school, with its staff number."""

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=60)
    name: str = Field(max_length=200)
    kind: Optional[str] = Field(default=None, max_length=120)
    commune_id: Optional[int] = Field(default=None, foreign_key="commune.id", index=True)
    # a district-level agency (no commune) of a city deployment
    district_id: Optional[int] = Field(default=None, foreign_key="district.id", index=True)
    staff: Optional[int] = None
    opened_on: Optional[date] = None
    closed_on: Optional[date] = None


def open_on(model, day: date):
    """A SQL condition: the unit (District, Commune, Cluster or Agency) is open on `day`: opened on
    or before it (or always there), not closed on or before it."""
    return and_(or_(model.opened_on.is_(None), model.opened_on <= day),
                or_(model.closed_on.is_(None), model.closed_on > day))


# ---------------------------------------------------------------- campaigns


class Campaign(SQLModel, table=True):
    """`staff` (agencies) or `residents` (clusters): a target percent by a deadline."""

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=20)
    name: str = Field(max_length=200)
    start: date
    deadline: date
    target_pct: float = 100.0


# ---------------------------------------------------------------- uploads


class Upload(SQLModel, table=True):
    """One imported file: who, when, what, and what it wrote (undone or not)."""

    # The same content can be live once per unit (commune, agency; none for a directory): two
    # processes importing one file at once cannot both land, and a file of one commune tells
    # nothing about another's. COALESCE: NULLs would never be equal in a unique index.
    __table_args__ = (Index("ux_upload_live_content", "sha256", text("coalesce(commune_id, 0)"),
                            text("coalesce(agency_id, 0)"), unique=True,
                            sqlite_where=text("undone_at IS NULL"),
                            postgresql_where=text("undone_at IS NULL")),)

    id: Optional[int] = Field(default=None, primary_key=True)
    created_at: datetime
    username: Optional[str] = Field(default=None, max_length=80)
    file_name: str = Field(max_length=255)
    sha256: str = Field(index=True, max_length=64)
    kind: str = Field(max_length=20)
    as_of: date
    commune_id: Optional[int] = Field(default=None, foreign_key="commune.id")
    agency_id: Optional[int] = Field(default=None, foreign_key="agency.id")
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    undone_at: Optional[datetime] = None
    undone_by: Optional[str] = Field(default=None, max_length=80)
    report: Optional[dict] = Field(default=None, sa_column=Column(JSON))


class RosterEntry(SQLModel, table=True):
    """One person as one roster listed them. The latest roster listing a person decides."""

    __table_args__ = (
        Index("ix_rosterentry_person", "campaign", "person_key", "report_date"),
        Index("ix_rosterentry_cluster", "cluster_id"),
        Index("ix_rosterentry_agency", "agency_id"),
        Index("ix_rosterentry_id_key", "id_key"),
        Index("ix_rosterentry_phone_key", "phone_key"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    campaign: str = Field(max_length=20)
    person_key: str = Field(max_length=64)  # keyed hash; citizen IDs are never stored in clear
    # the keyed hash of the entry's citizen ID in its scope (services/people.py), where it gave one
    citizen_key: Optional[str] = Field(default=None, max_length=64)
    cluster_id: Optional[int] = Field(default=None, foreign_key="cluster.id")
    agency_id: Optional[int] = Field(default=None, foreign_key="agency.id")
    report_date: date
    installed: bool = False
    registered: bool = False
    registered_on: Optional[date] = None  # from the roster, never after report_date
    full_name: str = Field(max_length=200)
    birth_date: Optional[date] = None
    birth_year: Optional[int] = None
    phone: Optional[str] = Field(default=None, max_length=20)
    position: Optional[str] = Field(default=None, max_length=200)
    # keyed hashes of the citizen ID and the phone, to find the person in the platform's account
    # list (services/people.py `match_key`); None where the roster gave none
    id_key: Optional[str] = Field(default=None, max_length=32)
    phone_key: Optional[str] = Field(default=None, max_length=32)


class AccountEntry(SQLModel, table=True):
    """One account of the platform's account list (kind `accounts`): the keyed hashes of its
    citizen ID and phone (never in clear), the day it was made, the commune the list names."""

    __table_args__ = (Index("ix_accountentry_id_key", "upload_id", "id_key"),
                      Index("ix_accountentry_phone_key", "upload_id", "phone_key"))

    id: Optional[int] = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id")
    id_key: Optional[str] = Field(default=None, max_length=32)
    phone_key: Optional[str] = Field(default=None, max_length=32)
    created_on: date
    commune_id: Optional[int] = Field(default=None, foreign_key="commune.id")


class CountReport(SQLModel, table=True):
    """A unit's counts on a report date; holds until the unit's next report."""

    __table_args__ = (
        Index("ix_countreport_cluster", "cluster_id", "report_date"),
        Index("ix_countreport_agency", "agency_id", "report_date"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    cluster_id: Optional[int] = Field(default=None, foreign_key="cluster.id")
    agency_id: Optional[int] = Field(default=None, foreign_key="agency.id")
    report_date: date
    installed: int = 0
    registered: int = 0


class DirectoryVersion(SQLModel, table=True):
    """One row: the unit directory's version, a random token renewed by every change to the units
    (services/units.py), so that a process knows whether the directory it read is current."""

    id: Optional[int] = Field(default=None, primary_key=True)
    token: str = Field(max_length=32)


class UnitChange(SQLModel, table=True):
    """What a unit-directory import changed, so that undo restores it exactly."""

    id: Optional[int] = Field(default=None, primary_key=True)
    upload_id: int = Field(foreign_key="upload.id", index=True)
    unit_type: str = Field(max_length=20)  # commune | cluster | agency
    unit_id: int
    before: Optional[dict] = Field(default=None, sa_column=Column(JSON))  # None: created


# ---------------------------------------------------------------- aggregates (services/aggregates.py)


class UnitDay(SQLModel, table=True):
    """A unit's level from one source, from `day` on (see the module's docstring)."""

    __table_args__ = (UniqueConstraint("unit_type", "unit_id", "source", "day"),
                      Index("ix_unitday_day", "day"))

    id: Optional[int] = Field(default=None, primary_key=True)
    unit_type: str = Field(max_length=10)  # cluster | agency
    unit_id: int
    source: str = Field(max_length=10)  # count | roster
    day: date
    registered: int = 0
    installed: int = 0
    reported: bool = False
    first_upload_id: Optional[int] = None


class UnitReport(SQLModel, table=True):
    """A unit's report: a day a count report or a roster of it is dated, its figures that day by
    the rule, and its first import's time (services/figures_rule.py `UnitFigures.reports`)."""

    __table_args__ = (UniqueConstraint("unit_type", "unit_id", "day"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    unit_type: str = Field(max_length=10)  # cluster | agency
    unit_id: int
    day: date
    registered: int = 0
    installed: int = 0
    reported_at: Optional[datetime] = None
    fell: bool = False  # registered below the unit's report before


class AreaDay(SQLModel, table=True):
    """A commune's, a district's or the city's level in one campaign from `day` on: the sum of its
    units open that day (see services/aggregates.py)."""

    __table_args__ = (UniqueConstraint("area_type", "area_id", "campaign", "day"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    area_type: str = Field(max_length=10)  # commune | district | city
    area_id: int  # 0 for the city
    campaign: str = Field(max_length=20)  # residents | staff
    day: date
    registered: int = 0
    installed: int = 0


class AggregateState(SQLModel, table=True):
    """The uploads `UnitDay` reflects: their count, the highest id and how many were undone."""

    id: Optional[int] = Field(default=None, primary_key=True)
    uploads: int = 0
    last_upload_id: int = 0
    undone: int = 0


# ---------------------------------------------------------------- accounts


class User(SQLModel, table=True):
    """An account: leader, admin, commune or agency. Passwords are argon2 hashes."""

    __table_args__ = (UniqueConstraint("username"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    commune_id: Optional[int] = Field(default=None, foreign_key="commune.id")
    agency_id: Optional[int] = Field(default=None, foreign_key="agency.id")
    active: bool = True
    failed_logins: int = 0
    locked_until: Optional[datetime] = None
    created_at: datetime


class AuditEvent(SQLModel, table=True):
    """Who did what, when: logins, uploads, undos, edits."""

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    username: Optional[str] = Field(default=None, max_length=80)
    action: str = Field(max_length=40)
    detail: Optional[str] = None
