"""Danh sách cần vận động: the people a roster lists who have no iHaNoi account yet, and, once the
platform's account list is imported, those reported registered whom it does not have (marked
*cần kiểm tra*, `services.verification`).

A person's state is that of their deciding entry (services/figures_rule.py), as for the figures.
This is the one place where names, birth dates and phones are shown: to the commune's own staff
(residents of its clusters), the agency's own clerk (its staff) and the admin; a leader is refused
(`ScopeRefused`). Citizen IDs are never stored, so never listed: each person carries their
reference instead (`services.people.reference`), so that the list, filled in and uploaded again,
updates exactly those people.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine

from db import session_scope
from models import Agency, Cluster, Commune, RosterEntry
from services.aggregates import is_deciding
from services.analytics import load_unit_histories
from services.auth import Actor
from services.people import reference
from importers.headers import FIELD_NAMES
from services.excel import (ExcelFile, new_workbook, printable, put_row, put_title, save,
                            set_widths, sheet_title)
from services import verification
from services.scope import check_agency, check_commune
from text import fold

# Filled in ("Đã tạo tài khoản": x) and uploaded again, the list is a roster of the same people.
_FILLED = ["Đã cài đặt", "Đã tạo tài khoản", FIELD_NAMES["person_ref"][0], "Ghi chú"]
COLUMNS = ["STT", "Họ và tên", "Ngày sinh", "Số điện thoại", *_FILLED]
STAFF_COLUMNS = ["STT", "Họ và tên", "Chức vụ", "Ngày sinh", "Số điện thoại", *_FILLED]


@dataclass
class PersonToVisit:
    unit: str  # the cluster's or agency's name
    full_name: str
    born: str  # dd/mm/yyyy, a year, or ""
    phone: str | None
    position: str | None
    installed: bool  # installed the app but has no account: needs help to finish
    listed_on: date  # the report date of the roster that listed them last
    reference: str  # the person's reference, printed on the list
    to_check: bool = False  # reported registered, not in the platform's account list

    @property
    def note(self) -> str:
        return verification.TO_CHECK if self.to_check else ""


def residents_to_visit(actor: Actor, commune_id: int, *, cluster: str | None = None,
                       engine: Engine | None = None) -> list[PersonToVisit]:
    """The commune's residents not yet registered, by cluster then name (one cluster: its name)."""
    check_commune(actor, commune_id)
    people = _not_registered("residents", Cluster, Cluster.commune_id == commune_id, engine)
    return [p for p in people if cluster is None or p.unit == cluster]


def staff_to_visit(actor: Actor, agency_id: int, *,
                   engine: Engine | None = None) -> list[PersonToVisit]:
    """The agency's staff not yet registered, by name."""
    check_agency(actor, agency_id)
    return _not_registered("staff", Agency, Agency.id == agency_id, engine)


@dataclass(frozen=True)
class CountsOnly:
    """The units of a commune (or an agency) that send count reports only: no roster, so no names
    to list, though people are still to be reached (by the counts)."""

    units: list[str]  # their names, in the list's order
    of_units: int  # all the commune's clusters (1 for an agency)
    size: int  # their target population (or staff)
    registered: int  # by their latest counts
    as_of: date | None

    @property
    def not_registered(self) -> int:
        return max(self.size - self.registered, 0)


def residents_counts_only(actor: Actor, commune_id: int, *,
                          engine: Engine | None = None) -> CountsOnly | None:
    """The commune's clusters with counts and no roster (None when every cluster has one)."""
    check_commune(actor, commune_id)
    with session_scope(engine) as session:
        code = session.get(Commune, commune_id).code
    district = load_unit_histories(commune=code, engine=engine)
    return _counts_only("residents", district, district.clusters, engine)


def staff_counts_only(actor: Actor, agency_id: int, *,
                      engine: Engine | None = None) -> CountsOnly | None:
    """The agency when it sends counts and no staff list (None otherwise)."""
    check_agency(actor, agency_id)
    district = load_unit_histories(engine=engine)
    return _counts_only("staff", district, [a for a in district.agencies if a.id == agency_id],
                        engine)


def _counts_only(campaign: str, district, units, engine) -> CountsOnly | None:
    column = RosterEntry.cluster_id if campaign == "residents" else RosterEntry.agency_id
    with session_scope(engine) as session:
        listed = set(session.execute(select(column).distinct().where(
            RosterEntry.campaign == campaign, column.in_([u.id for u in units]))).scalars())
    unlisted = [(u, s) for u in units if u.id not in listed
                and (s := district.unit_standing(u)) is not None]
    if not unlisted:
        return None
    unlisted.sort(key=lambda pair: _unit_order(pair[0].name))
    return CountsOnly([u.name for u, _ in unlisted], len(units),
                      sum(s.size for _, s in unlisted), sum(s.registered for _, s in unlisted),
                      district.as_of)


def residents_workbook(actor: Actor, commune_id: int, *,
                       engine: Engine | None = None) -> ExcelFile:
    """A printable list, one sheet per cluster (one per community team)."""
    people = residents_to_visit(actor, commune_id, engine=engine)
    with session_scope(engine) as session:
        commune = session.get(Commune, commune_id)
    book, taken = new_workbook(), set()
    by_cluster: dict[str, list[PersonToVisit]] = {}
    for person in people:
        by_cluster.setdefault(person.unit, []).append(person)
    for cluster, members in by_cluster.items() or [("Danh sách", [])]:
        sheet = book.create_sheet(sheet_title(cluster, taken))
        title = f"{cluster} — {commune.kind} {commune.name}"
        _list_sheet(sheet, title, COLUMNS, [
            [i, p.full_name, p.born, p.phone, *_filled(p)] for i, p in enumerate(members, start=1)])
        set_widths(sheet, [6, 30, 12, 14, 11, 11, 14, 30])
    return save(book, f"can-van-dong-{commune.code.lower()}.xlsx")


def staff_workbook(actor: Actor, agency_id: int, *, engine: Engine | None = None) -> ExcelFile:
    people = staff_to_visit(actor, agency_id, engine=engine)
    with session_scope(engine) as session:
        agency = session.get(Agency, agency_id)
    book = new_workbook()
    sheet = book.create_sheet("Danh sách")
    _list_sheet(sheet, agency.name, STAFF_COLUMNS, [
        [i, p.full_name, p.position, p.born, p.phone, *_filled(p)]
        for i, p in enumerate(people, start=1)])
    set_widths(sheet, [6, 30, 20, 12, 14, 11, 11, 14, 24])
    return save(book, f"can-van-dong-{agency.code.lower()}.xlsx")


def _filled(person: PersonToVisit) -> list:
    return ["Có" if person.installed else "Chưa", "Có" if person.to_check else "Chưa",
            person.reference, person.note]


def _list_sheet(sheet, unit: str, columns: list[str], rows: list[list]) -> None:
    put_title(sheet, 1, "DANH SÁCH CHƯA TẠO TÀI KHOẢN iHANOI — CẦN VẬN ĐỘNG")
    put_title(sheet, 2, unit, bold=False)
    put_row(sheet, 4, columns, header=True)
    for index, row in enumerate(rows, start=5):
        put_row(sheet, index, row)
    if not rows:
        put_title(sheet, 5, "Không còn ai cần vận động.", bold=False)
    printable(sheet, 4)


def _not_registered(campaign: str, unit_model, unit_filter, engine) -> list[PersonToVisit]:
    """By each person's latest roster entry: the not registered, and the registered whom the
    latest account list does not have (to check; only once a list exists)."""
    unit_column = RosterEntry.cluster_id if unit_model is Cluster else RosterEntry.agency_id
    with session_scope(engine) as session:
        found = verification.live_list(session)
        state = RosterEntry.registered.is_(False)
        if found is not None:
            state = or_(state, ~verification.has_account(RosterEntry, found.id, None))
        query = (select(RosterEntry, unit_model.name)
                 .join(unit_model, unit_model.id == unit_column)
                 .where(RosterEntry.campaign == campaign, unit_filter, is_deciding(), state))
        rows = session.execute(query).all()
    people = [PersonToVisit(unit, e.full_name, _born(e.birth_date, e.birth_year), e.phone,
                            e.position, e.installed, e.report_date, reference(e.person_key),
                            bool(e.registered))
              for e, unit in rows]
    return sorted(people, key=lambda p: (_unit_order(p.unit), fold(p.full_name)))


def _born(birth_date: date | None, birth_year: int | None) -> str:
    if birth_date is not None:
        return f"{birth_date:%d/%m/%Y}"
    return str(birth_year) if birth_year else ""


def _unit_order(name: str) -> tuple:
    """`Cụm 2` before `Cụm 10`."""
    key = fold(name)
    digits = "".join(ch for ch in key if ch.isdigit())
    return (key.rstrip("0123456789 "), int(digits) if digits else 0, key)
