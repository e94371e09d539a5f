"""The demo district: Đan Phượng's directory (data/*.csv) and a plausible campaign history.

Everything goes through the same planning and writing code as a real import. The history is
deterministic (a fixed seed): S-shaped progress, communes spread from ahead to far behind, most
agencies done by 25/7 but a few not, Thọ An reporting with resident rosters, Hồng Hà silent
from mid-August, one cluster over 100% and one figure that goes down. The platform's account list
(30/8) confirms most of what was reported, not all: Tân Hội, ahead on paper, over-reports.
"""
from __future__ import annotations

import csv
from bisect import bisect_left
import hashlib
import math
import random
import secrets
from datetime import date, datetime, time, timedelta
from typing import Callable

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import select

from db import session_scope
from errors import UserError
from importers.report import AccountRow, CountRow, ImportReport, ParsedFile, PersonRow, UnitRow
from models import (AccountEntry, AggregateState, Agency, AreaDay, AuditEvent, Cluster, Commune,
                    CountReport, District, RosterEntry, UnitChange, UnitDay, UnitReport, Upload,
                    User)
from services import aggregates
from services.auth import create_user
from services.imports import plan_import, write_plan
from services.units import load_directory
from settings import DATA_DIR
from text import LOCAL_TIME

DEMO_USER = "demo"
DISTRICT = {"district_code": "H-DANPHUONG", "district": "Huyện Đan Phượng"}  # the demo keeps one
DEMO_ACCOUNTS = [("lanhdao", "leader", None, None), ("quantri", "admin", None, None),
                 ("xa.thoan", "commune", "THOAN", None), ("vanthu.cq05", "agency", None, "CQ05")]
START, STAFF_DEADLINE, RESIDENTS_DEADLINE = date(2024, 7, 5), date(2024, 7, 25), date(2024, 8, 30)
ROSTER_COMMUNES = {"THOAN"}
SILENT_COMMUNE, SILENT_FROM = "HONGHA", date(2024, 8, 15)
# final share of the target reached by 30/8, per commune (ahead ... far behind)
COMMUNE_FINAL = {"TTPHUNG": 0.97, "THOAN": 1.0, "DONGTHAP": 0.93, "HAMO": 0.88, "TANHOI": 0.99,
                 "SONGPHUONG": 0.82, "LIENHA": 0.9, "LIENHONG": 0.76, "LIENTRUNG": 0.95,
                 "PHUONGDINH": 0.7, "THOXUAN": 0.85, "THUONGMO": 0.62, "TANLAP": 0.91,
                 "TRUNGCHAU": 0.8, "DANPHUONG": 0.96, "HONGHA": 0.55}
LAGGING_AGENCIES = {"CQ09": 0.82, "CQ11": 0.9, "THCS-LIENHONG": 0.88, "MN-THUONGMO": 0.93,
                    "UB-PHUONGDINH": 0.95}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Quang", "Hữu", "Thanh", "Ngọc"]
# the share of the reported registrations the platform's list confirms, per commune (else CONFIRMED)
CONFIRMED, OVER_REPORTING = 0.95, {"TANHOI": 0.72}
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Linh", "Mai", "Nam",
         "Phương", "Sơn", "Thảo", "Trang", "Tú", "Tuấn", "Yến"]


class DemoRefused(UserError):
    """The database holds data other than the demo's."""


def reference_unit_rows() -> list[UnitRow]:
    """The demo district's directory, from the CSV files kept in data/."""
    rows: list[UnitRow] = []
    with open(DATA_DIR / "clusters.csv", encoding="utf-8") as handle:
        for i, r in enumerate(csv.DictReader(handle), start=2):
            rows.append(UnitRow("clusters.csv", i, **DISTRICT, commune_code=r["commune_code"],
                                commune=r["commune"], commune_kind=r["commune_kind"],
                                cluster_code=r["cluster_code"], cluster=r["cluster"],
                                households=int(r["households"]), population=int(r["population"]),
                                target_population=int(r["target_population"])))
    with open(DATA_DIR / "agencies.csv", encoding="utf-8") as handle:
        for i, r in enumerate(csv.DictReader(handle), start=2):
            rows.append(UnitRow("agencies.csv", i, **DISTRICT,
                                commune_code=r["commune_code"] or None,
                                agency_code=r["agency_code"], agency=r["agency"],
                                agency_kind=r["agency_kind"], staff=int(r["staff"])))
    return rows


def create_demo(*, engine: Engine | None = None, seed: int = 2024,
                progress_callback: Callable[[str], None] = lambda text: None
                ) -> list[tuple[str, str, str]]:
    """Fill the database with the demo district; returns (username, role, password) per account."""
    say = progress_callback
    with session_scope(engine, serial=True) as session:
        _refuse_foreign_data(session)
        _clear(session)
        say("Nạp danh mục đơn vị huyện Đan Phượng…")
        _write(session, load_directory(session), "units", reference_unit_rows(),
               "danh-muc-don-vi.csv", START)
        directory = load_directory(session)
        rng = random.Random(seed)
        commune_code = {c.id: c.code for c in directory.communes.values()}
        say("Tạo báo cáo của các xã, thị trấn…")
        listed = []
        for commune in sorted(directory.communes.values(), key=lambda c: c.code):
            clusters = sorted(directory.clusters_of(commune.id), key=lambda c: c.code)
            if commune.code in ROSTER_COMMUNES:
                listed += _roster_history(session, directory, commune, clusters, rng)
            else:
                _count_history(session, directory, commune, clusters, rng)
        say("Tạo báo cáo của các cơ quan, đơn vị…")
        _agency_history(session, directory, commune_code, rng)
        say("Tạo danh sách tài khoản của hệ thống iHaNoi…")
        _account_list(session, directory, listed, rng)
        say("Tính số liệu tổng hợp theo ngày…")
        aggregates.catch_up(session)
    say("Tạo tài khoản mẫu…")
    accounts = []
    for username, role, commune, agency in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        create_user(username, password, role, commune=commune, agency=agency, engine=engine)
        accounts.append((username, role, password))
    return accounts


def _refuse_foreign_data(session) -> None:
    foreign_upload = session.exec(select(Upload).where(Upload.username != DEMO_USER)).first()
    foreign_user = session.exec(select(User).where(
        User.username.not_in([a[0] for a in DEMO_ACCOUNTS]))).first()
    units_without_demo = session.exec(select(Commune)).first() is not None and \
        session.exec(select(Upload).where(Upload.username == DEMO_USER)).first() is None
    if foreign_upload or foreign_user or units_without_demo:
        raise DemoRefused("Cơ sở dữ liệu đã có dữ liệu thật (không phải dữ liệu mẫu): không ghi dữ "
                          "liệu mẫu vào đây. Hãy đặt DATABASE_URL tới một cơ sở dữ liệu trống.")


def _clear(session) -> None:
    """Remove an earlier demo, so that `demo` can be run again."""
    for model in (UnitDay, UnitReport, AreaDay, AggregateState, RosterEntry, CountReport,
                  AccountEntry, UnitChange, AuditEvent, User, Upload, Cluster, Agency, Commune,
                  District):
        session.execute(delete(model))


def _write(session, directory, kind: str, rows: list, file_name: str, as_of: date, *,
           commune_id: int | None = None) -> None:
    parsed = ParsedFile(kind, rows, ImportReport(file_name, kind=kind, rows_read=len(rows)))
    plan = plan_import(parsed, directory, commune_id=commune_id, as_of=as_of)
    assert not plan.report.errors, plan.report.errors[:3]
    digest = hashlib.sha256(f"demo|{file_name}|{as_of}".encode()).hexdigest()
    upload = write_plan(session, plan, file_name, digest, DEMO_USER, follow=False)
    upload.created_at = datetime.combine(as_of, time(17, 30), tzinfo=LOCAL_TIME)  # sent that evening


def _s_curve(day: float, midpoint: float, steepness: float) -> float:
    """Share of the final figure reached on a day of the campaign (0 at the start)."""
    def raw(t):
        return 1 / (1 + math.exp(-(t - midpoint) / steepness))
    return max(0.0, (raw(day) - raw(0)) / (1 - raw(0)))


def _count_history(session, directory, commune, clusters, rng: random.Random) -> None:
    final = COMMUNE_FINAL.get(commune.code, 0.85)
    midpoint, steepness = rng.uniform(18, 32), rng.uniform(4, 7)
    every = rng.choice([1, 2, 2, 3])
    shares = {c.id: final * rng.uniform(0.9, 1.08) for c in clusters}
    shares[clusters[-1].id] = min(shares[clusters[-1].id], 1.0)
    if commune.code == "TANHOI":
        shares[clusters[0].id] = 1.06  # a cluster over 100%: the data-quality page flags it
    day, total_days = 0, (RESIDENTS_DEADLINE - START).days
    while day <= total_days:
        report_date = START + timedelta(days=day)
        if commune.code == SILENT_COMMUNE and report_date >= SILENT_FROM:
            break
        rows = []
        for index, cluster in enumerate(clusters):
            target = cluster.target_population or 0
            registered = round(target * shares[cluster.id] * _s_curve(day, midpoint, steepness))
            if commune.code == "LIENHONG" and index == 1 and day == 40:
                registered = int(registered * 0.8)  # a figure that goes down between two reports
            installed = min(round(registered * rng.uniform(1.0, 1.04)), max(registered, target))
            rows.append(CountRow("Báo cáo", index + 6, cluster=cluster.name, installed=installed,
                                 registered=registered))
        _write(session, directory, "counts", rows, f"{commune.code.lower()}-bao-cao-{report_date:%d-%m}.xlsx",
               report_date, commune_id=commune.id)
        day += every if day > 0 else 1


def _roster_history(session, directory, commune, clusters, rng: random.Random) -> list[tuple]:
    """Weekly resident rosters: everyone visited so far, with their registration dates. Returns
    (commune, person, day registered or None) for each person listed."""
    final = COMMUNE_FINAL.get(commune.code, 0.9)
    midpoint, steepness = 20.0, 5.0
    total_days = (RESIDENTS_DEADLINE - START).days
    people = []
    for cluster in clusters:
        for n in range(cluster.target_population or 0):
            registers = rng.random() < final * 0.995
            if registers:  # inverse of the S-curve: the day this person registers
                u = rng.random()
                day = next((d for d in range(total_days + 1)
                            if _s_curve(d, midpoint, steepness) >= u), total_days)
                visit = max(0, day - rng.randint(0, 3))
            else:
                day, visit = None, rng.randint(0, total_days)
            people.append((cluster, _fake_person(rng, cluster.code, n), visit, day))
    for report_day in list(range(6, total_days + 1, 7)) + [total_days]:
        report_date = START + timedelta(days=report_day)
        rows = []
        for cluster, person, visit, day in people:
            if visit > report_day:
                continue
            registered = day is not None and day <= report_day
            rows.append(PersonRow(
                "Danh sách", len(rows) + 6, person["name"], birth_date=person["birth"],
                citizen_id=person["id"], phone=person["phone"], cluster=cluster.name,
                installed=registered, registered=registered,
                registered_on=START + timedelta(days=day) if registered else None))
        _write(session, directory, "residents", rows, f"tho-an-danh-sach-{report_date:%d-%m}.xlsx",
               report_date, commune_id=commune.id)
    return [(commune, person, day) for _, person, visit, day in people if visit <= total_days]


def _account_list(session, directory, listed: list[tuple], rng: random.Random) -> None:
    """The platform's accounts on 30/8: most people a roster reports registered (by citizen ID,
    some by phone only), a few accounts of people on no roster, and for the communes reporting
    counts, accounts naming the commune for a share of what they reported (Tân Hội: far less)."""
    total_days = (RESIDENTS_DEADLINE - START).days
    rows = []

    def made(day: int) -> date:
        return START + timedelta(days=min(day + rng.randint(0, 2), total_days))

    for commune, person, day in listed:
        if day is None or rng.random() >= OVER_REPORTING.get(commune.code, CONFIRMED):
            continue
        by_phone = rng.random() < 0.2
        rows.append(AccountRow("Tài khoản", len(rows) + 2, None if by_phone else person["id"],
                               person["phone"], made(day), commune.name))
    reported: dict[int, int] = {}
    latest: dict[int, date] = {}
    for report in session.exec(select(CountReport).where(CountReport.cluster_id.is_not(None))):
        if report.report_date >= latest.get(report.cluster_id, date.min):
            latest[report.cluster_id], reported[report.cluster_id] = (report.report_date,
                                                                      report.registered)
    communes = {c.id: c for c in directory.communes.values()}
    curve = [_s_curve(d, 24, 6) for d in range(total_days + 1)]  # the day an account is made
    by_commune: dict[int, int] = {}
    for cluster_id, registered in reported.items():
        commune_id = directory.clusters[cluster_id].commune_id
        by_commune[commune_id] = by_commune.get(commune_id, 0) + registered
    for commune_id, registered in sorted(by_commune.items()):
        commune = communes[commune_id]
        share = OVER_REPORTING.get(commune.code, rng.uniform(0.9, 0.98))
        for n in range(round(registered * share)):
            day = min(bisect_left(curve, rng.random()), total_days)
            rows.append(AccountRow("Tài khoản", len(rows) + 2,
                                   f"002{commune_id:03d}{n:06d}", None, made(day), commune.name))
    for commune in communes.values():  # people on no roster, in the roster communes
        if commune.code in ROSTER_COMMUNES:
            rows += [AccountRow("Tài khoản", len(rows) + 2, f"003{commune.id:03d}{n:06d}", None,
                                made(rng.randint(10, total_days)), commune.name)
                     for n in range(40)]
    _write(session, directory, "accounts", rows, "danh-sach-tai-khoan-ihanoi.xlsx",
           RESIDENTS_DEADLINE)


def _agency_history(session, directory, commune_code, rng: random.Random) -> None:
    """Agencies report their counts by commune (schools, committees) or for the district."""
    groups: dict[str | None, list] = {}
    for agency in directory.agencies.values():
        groups.setdefault(commune_code.get(agency.commune_id), []).append(agency)
    for code, members in sorted(groups.items(), key=lambda item: item[0] or ""):
        curves = {a.id: (rng.uniform(6, 12), rng.uniform(2, 3.5)) for a in members}
        for day in range(1, (RESIDENTS_DEADLINE - START).days + 1, 3):
            report_date = START + timedelta(days=day)
            rows = []
            for agency in members:
                share = LAGGING_AGENCIES.get(agency.code, 1.0)
                midpoint, steepness = curves[agency.id]
                if agency.code in LAGGING_AGENCIES:
                    midpoint += 8
                registered = min(agency.staff, round(agency.staff * share *
                                                     _s_curve(day, midpoint, steepness) * 1.02))
                rows.append(CountRow("Báo cáo", len(rows) + 5, agency=agency.name,
                                     installed=registered, registered=registered))
            _write(session, directory, "counts", rows,
                   f"co-quan-{(code or 'huyen').lower()}-{report_date:%d-%m}.xlsx", report_date)


def _fake_person(rng: random.Random, cluster_code: str, number: int) -> dict:
    """An invented resident: name, birth date (15 or older), citizen ID and phone."""
    born = date(1945, 1, 1) + timedelta(days=rng.randint(0, 365 * 63))
    return {"name": f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            "birth": born, "id": f"001{rng.randint(0, 10**9 - 1):09d}",
            "phone": f"0{rng.choice('39587')}{rng.randint(0, 10**8 - 1):08d}"}
