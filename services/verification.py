"""What the platform confirms: reported figures checked against its own account list.

The district imports the list of accounts the platform made (kind `accounts`, admin only). The list
live on a day is the latest one dated on or before it (a newer list replaces the previous from its
date); before the first list, the first one. A roster person is verified on a day when their latest roster entry reports them registered
(counting from their registration date, as the figures do) and an account of the live list, made
on or before that day, has their citizen ID or phone: compared by keyed hashes
(`services.people.match_key`), never in clear.

- A unit listing people (a roster): verified = its reported people found in the list.
- A unit sending counts only has no names to check. Where the list names communes, the accounts a
  commune's rows name that match nobody on any roster stand for what its counts report: the
  commune's verified figure adds them, up to what those clusters reported. Such a cluster or agency
  has no verified figure of its own (None).
- Gap = reported − verified. Accounts that match nobody on any roster are counted per commune the
  list names (`unmatched`), and in all (`Verification.unmatched`).

A commune account sees its own commune and clusters only, an agency account its own agency only;
nobody sees the list itself (its rows are hashes, its history is the admin's).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased

from db import session_scope
from models import AccountEntry, RosterEntry, Upload
from services import aggregates
from services.analytics import UnitHistories, UnitInfo, load_unit_histories
from services.auth import Actor
from text import fold

TO_CHECK = "Cần kiểm tra"  # a person reported registered whom the platform's list does not have


@dataclass(frozen=True)
class Checked:
    """One unit's (or area's, or campaign's) reported figure beside what the platform confirms."""

    kind: str  # district | commune | cluster | agency | residents | staff
    code: str
    name: str
    parent: str | None
    reported: int
    verified: int | None  # None: counts only, nothing to check
    unmatched: int = 0  # a commune: accounts the list places there that match nobody
    unit_id: int = field(default=0, compare=False, repr=False)
    commune_id: int | None = field(default=None, compare=False, repr=False)  # where it lies

    @property
    def gap(self) -> int | None:
        return None if self.verified is None else self.reported - self.verified

    @property
    def share(self) -> float | None:
        """Verified / reported."""
        return self.verified / self.reported if self.verified is not None and self.reported \
            else None


@dataclass
class Verification:
    as_of: date
    list_date: date  # the live list's date
    campaigns: list[Checked]  # the area's residents and staff totals (none for a unit's account)
    communes: list[Checked]
    clusters: list[Checked]
    agencies: list[Checked]
    unmatched: int = 0  # in all, also the accounts naming no commune (0 for a unit's account)

    def by_gap(self) -> list[Checked]:
        """Communes, clusters and agencies with something to check, the largest gap first."""
        rows = [r for r in self.communes + self.clusters + self.agencies if r.gap is not None]
        return sorted(rows, key=lambda r: (-r.gap, fold(r.name)))

    def commune(self, code: str) -> Checked | None:
        return next((c for c in self.communes if c.code == code), None)


def live_list(session, day: date | None = None) -> Upload | None:
    """The account list that holds on the day: the latest one dated on or before it; before the
    first list, the first one (its accounts count from their own dates). None: no list at all."""
    query = select(Upload).where(Upload.kind == "accounts", Upload.undone_at.is_(None))
    newest = query.order_by(Upload.as_of.desc(), Upload.id.desc())
    if day is not None:
        found = session.execute(newest.where(Upload.as_of <= day).limit(1)).scalars().first()
        if found is not None:
            return found
        return session.execute(query.order_by(Upload.as_of, Upload.id.desc()).limit(1)
                               ).scalars().first()
    return session.execute(newest.limit(1)).scalars().first()


def view_scope(actor: Actor | None) -> Actor | None:
    """The part of an account the figures depend on: a commune's or an agency's own unit."""
    return actor if actor is not None and actor.role in ("commune", "agency") else None


def verification(as_of: date | None = None, *, district: str | None = None,
                 commune: str | None = None, actor: Actor | None = None,
                 engine: Engine | None = None) -> Verification | None:
    """The figures checked, as of a date (for one district or one commune, by code); None when
    no account list holds on that day. A commune or agency account: its own units only."""
    actor = view_scope(actor)
    units = load_unit_histories(as_of, district=district, commune=commune, engine=engine)
    with session_scope(engine) as session:
        found = live_list(session, units.as_of)
        if found is None:
            return None
        verified = _verified_by_unit(session, found.id, units.as_of)
        listed = _listed_units(session)
        unmatched = _unmatched_by_commune(session, found.id, units.as_of)
        names_communes = session.execute(select(AccountEntry.id).where(
            AccountEntry.upload_id == found.id, AccountEntry.commune_id.is_not(None)).limit(1)
        ).first() is not None
    result = _checked(units, verified, listed, unmatched, names_communes)
    result.list_date = found.as_of
    if actor is not None:
        result.campaigns, result.unmatched = [], 0
        if actor.role == "commune":
            result.communes = [c for c in result.communes if c.unit_id == actor.commune_id]
            result.clusters = [c for c in result.clusters if c.commune_id == actor.commune_id]
            result.agencies = []
        else:
            result.communes, result.clusters = [], []
            result.agencies = [a for a in result.agencies if a.unit_id == actor.agency_id]
    return result


def _checked(units: UnitHistories, verified: dict, listed: set, unmatched: dict,
             names_communes: bool) -> Verification:
    commune_ids = {c.code: c.id for c in units.communes}

    def row(unit: UnitInfo, parent: str | None) -> Checked:
        key = (unit.kind, unit.id)
        reported = units.history[key].registered[-1]
        return Checked(unit.kind, unit.code, unit.name, parent, reported,
                       min(verified.get(key, 0), reported) if key in listed else None,
                       unit_id=unit.id, commune_id=commune_ids.get(unit.commune_code))

    clusters = [row(u, u.commune_name) for u in units.clusters]
    agencies = [row(u, u.commune_name or u.group) for u in units.agencies]
    communes = []
    for commune in units.communes:
        mine = [c for c in clusters if c.commune_id == commune.id]
        counts_only = sum(c.reported for c in mine if c.verified is None)
        extra = unmatched.get(commune.id, 0)
        parts = [c.verified for c in mine if c.verified is not None]
        if names_communes:
            parts.append(min(extra, counts_only))
        communes.append(Checked("commune", commune.code, commune.name, commune.kind,
                                sum(c.reported for c in mine), sum(parts) if parts else None,
                                extra, unit_id=commune.id, commune_id=commune.id))
    campaigns = []
    for key, rows in (("residents", communes), ("staff", agencies)):
        campaign = units.campaign(key)
        if campaign is None:
            continue
        parts = [r.verified for r in rows if r.verified is not None]
        campaigns.append(Checked(key, key, campaign.name, None, sum(r.reported for r in rows),
                                 sum(parts) if parts else None))
    return Verification(units.as_of, units.as_of, campaigns, communes, clusters, agencies,
                        sum(unmatched.values()))


def has_account(entry, list_id: int, day: date | None):
    """A condition on a roster entry (`RosterEntry` of the enclosing query): an account of the
    list, made by the day, has a citizen ID or phone any of the person's roster entries gave."""
    keys = aliased(RosterEntry)

    def by(column: str):
        made = [AccountEntry.created_on <= day] if day is not None else []
        return exists().where(
            keys.campaign == entry.campaign, keys.person_key == entry.person_key,
            AccountEntry.upload_id == list_id,
            getattr(AccountEntry, column) == getattr(keys, column), *made)

    return or_(by("id_key"), by("phone_key"))


def _verified_by_unit(session, list_id: int, day: date) -> dict[tuple[str, int], int]:
    """Per unit: the people whose deciding entry there says registered by the day, with an
    account on the list."""
    query = select(RosterEntry.cluster_id, RosterEntry.agency_id, func.count()).where(
        RosterEntry.registered, aggregates.counts_from_column() <= day, aggregates.is_deciding(),
        has_account(RosterEntry, list_id, day)).group_by(RosterEntry.cluster_id, RosterEntry.agency_id)
    return {_key(c, a): n for c, a, n in session.execute(query)}


def _listed_units(session) -> set[tuple[str, int]]:
    """The units whose people a roster lists (people count from their registration date, so a
    roster dated later still tells who they were)."""
    return {_key(c, a) for c, a in session.execute(
        select(RosterEntry.cluster_id, RosterEntry.agency_id).distinct())}


def _unmatched_by_commune(session, list_id: int, day: date) -> dict[int | None, int]:
    """Accounts of the list made by the day whose citizen ID and phone no roster gave."""
    query = select(AccountEntry.commune_id, func.count()).where(
        AccountEntry.upload_id == list_id, AccountEntry.created_on <= day,
        ~exists().where(RosterEntry.id_key == AccountEntry.id_key),
        ~exists().where(RosterEntry.phone_key == AccountEntry.phone_key),
    ).group_by(AccountEntry.commune_id)
    return {commune_id: n for commune_id, n in session.execute(query)}


def _key(cluster_id: int | None, agency_id: int | None) -> tuple[str, int]:
    return ("cluster", cluster_id) if cluster_id is not None else ("agency", agency_id)
