"""Property: whatever the sequence of imports, updated rosters, undos and mergers, the pages'
figures, the command line's `progress --json` and an independent recount (tests/oracle.py) agree,
on every date, on SQLite and on PostgreSQL. Seeded random sequences, so a failure replays."""
from __future__ import annotations

import io
import json
import random
from contextlib import redirect_stdout
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

import settings
from db import session_scope
from importers.report import UnitRow
from models import Agency, Cluster, Commune, open_on
from services import dashboard
from services.analytics import load_unit_histories
from services.auth import Actor
from services.admin import DirectoryError, merge_communes
from services.imports import import_file
from services.units import apply_unit_rows
from services.uploads import UndoRefused, undo_upload
from tests.oracle import recount

ADMIN = Actor("admin", "admin")
START = date(2024, 7, 5)
DISTRICTS = {"DP": ["THOAN", "HONGHA", "DONGTHAP"], "HD": ["ANTHUONG", "SONDONG"]}


def small_city(engine) -> None:
    """Two districts, five communes of three clusters (names unique in the city), an agency per
    commune and a department per district."""
    rows = []
    for district, communes in DISTRICTS.items():
        place = dict(district_code=district, district=f"Huyện {district}")
        for commune in communes:
            where = dict(place, commune_code=commune, commune=commune.title())
            for n in range(1, 4):
                rows.append(UnitRow("d", len(rows) + 2, **where, cluster_code=f"{commune}-{n}",
                                    cluster=f"Thôn {commune.title()} {n}",
                                    target_population=30 + 10 * n))
            rows.append(UnitRow("d", len(rows) + 2, **where, agency_code=f"UB-{commune}",
                                agency=f"Trường học {commune.title()}", staff=12))
        rows.append(UnitRow("d", len(rows) + 2, **place, agency_code=f"NV-{district}",
                            agency=f"Phòng Nội vụ {district}", staff=9))
    with session_scope(engine) as session:
        apply_unit_rows(session, rows, None)


def csv(rows: list[list]) -> bytes:
    return "\n".join(",".join(str(v) for v in row) for row in rows).encode()


class Campaign:
    """A random month of a small city's campaign, one step at a time."""

    def __init__(self, engine, seed: int) -> None:
        self.engine, self.rng, self.uploads, self.merged = engine, random.Random(seed), [], 0

    def day(self) -> date:
        """Every third day: reports of one date from two sources (or two imports) are common."""
        return START + timedelta(days=3 * self.rng.randint(0, 15))

    def open_communes(self, day: date | None = None) -> list[tuple[int, str, int | None]]:
        """Those open on the day (a file dated before a merger is the old communes'); None: now."""
        with session_scope(self.engine) as session:
            return [tuple(r) for r in session.execute(
                select(Commune.id, Commune.code, Commune.district_id)
                .where(open_on(Commune, day) if day else Commune.closed_on.is_(None))
                .order_by(Commune.code))]

    def clusters(self, commune: str, day: date) -> list[str]:
        with session_scope(self.engine) as session:
            return list(session.execute(select(Cluster.name).join(Commune).where(
                Commune.code == commune, open_on(Cluster, day))).scalars())

    def agencies(self, day: date) -> list[str]:
        with session_scope(self.engine) as session:
            return list(session.execute(select(Agency.code).where(open_on(Agency, day)))
                        .scalars())

    def step(self) -> None:
        rng, choice = self.rng, self.rng.random()
        if choice < 0.35:
            self.roster()
        elif choice < 0.6:
            self.counts()
        elif choice < 0.75:
            self.staff()
        elif choice < 0.9:
            if self.uploads:
                try:
                    undo_upload(self.uploads.pop(rng.randrange(len(self.uploads))),
                                engine=self.engine)
                except UndoRefused:
                    pass
        else:
            self.merge()

    def _import(self, data: bytes, name: str, **options) -> None:
        outcome = import_file(data, name, engine=self.engine, **options)
        if outcome.status == "imported":
            self.uploads.append(outcome.upload_id)

    def roster(self) -> None:
        """A resident roster of one commune: people from a small pool (so later rosters update
        them, move them between clusters, leave some out), some without a registration date,
        some with one after the report date."""
        rng, day = self.rng, self.day()
        _, commune, _ = rng.choice(self.open_communes(day))
        clusters = self.clusters(commune, day)
        rows = [["Họ và tên", "Số CCCD", "Thôn", "Đã cài đặt", "Đã tạo tài khoản",
                 "Ngày tạo tài khoản"]]
        for person in rng.sample(range(25), rng.randint(1, 12)):
            registered, installed = rng.random() < 0.6, rng.random() < 0.6
            since = day - timedelta(days=rng.randint(-2, 12)) if rng.random() < 0.7 else None
            rows.append([f"Người {person}", f"0010{person:08d}", rng.choice(clusters),
                         "x" if installed else "", "x" if registered else "",
                         since.strftime("%d/%m/%Y") if since and registered else ""])
        self._import(csv(rows), f"ds-{len(self.uploads)}.csv", commune=commune, as_of=day,
                     kind="residents")

    def counts(self) -> None:
        rng, day = self.rng, self.day()
        _, commune, _ = rng.choice(self.open_communes(day))
        clusters = self.clusters(commune, day)
        rows = [["Thôn", "Số người đã cài đặt", "Số người đã tạo tài khoản"]]
        rows += [[c, rng.randint(0, 50), rng.randint(0, 50)]
                 for c in rng.sample(clusters, rng.randint(1, len(clusters)))]
        self._import(csv(rows), f"bc-{len(self.uploads)}.csv", commune=commune, as_of=day,
                     kind="counts")

    def staff(self) -> None:
        rng, day = self.rng, self.day()
        agency = rng.choice(self.agencies(day))
        if rng.random() < 0.5:
            rows = [["Họ và tên", "Số CCCD", "Chức vụ", "Đã cài đặt", "Đã tạo tài khoản"]]
            rows += [[f"Cán bộ {p}", f"0020{p:08d}", "Chuyên viên",
                      "x" if rng.random() < 0.7 else "", "x" if rng.random() < 0.7 else ""]
                     for p in rng.sample(range(15), rng.randint(1, 8))]
            self._import(csv(rows), f"cb-{len(self.uploads)}.csv", agency=agency, as_of=day,
                         kind="staff")
        else:
            rows = [["Cơ quan", "Số người đã cài đặt", "Số người đã tạo tài khoản"],
                    [agency, rng.randint(0, 12), rng.randint(0, 12)]]
            self._import(csv(rows), f"cq-{len(self.uploads)}.csv", as_of=day, kind="counts",
                         agency=agency)

    def merge(self) -> None:
        """Two open communes of one district become one, from a random day."""
        by_district: dict = {}
        for commune_id, code, district_id in self.open_communes():
            by_district.setdefault(district_id, []).append(commune_id)
        pairs = [ids for ids in by_district.values() if len(ids) >= 2]
        if not pairs:
            return
        ids = self.rng.sample(self.rng.choice(pairs), 2)
        self.merged += 1
        try:
            merge_communes(ADMIN, ids, code=f"MERGED{self.merged}", name=f"Xã Mới {self.merged}",
                           kind="Xã", on=self.day(), engine=self.engine)
        except DirectoryError:
            pass


def cli_progress(engine, as_of: date) -> dict:
    import cli
    url = engine.url.render_as_string(hide_password=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "_current", replace(settings.current(), database_url=url))
        out = io.StringIO()
        with redirect_stdout(out):
            assert cli.main(["progress", "--as-of", as_of.isoformat(), "--json"]) == 0
    return json.loads(out.getvalue())


def assert_all_agree(engine, as_of: date) -> None:
    oracle = recount(engine, as_of)
    cli = cli_progress(engine, as_of)
    where = f"as of {as_of}"
    # the command line
    assert {c["code"]: (c["registered"], c["installed"], c["last_report"])
            for c in cli["clusters"]} == {
        code: (f.registered, f.installed, f.last_report and f.last_report.isoformat())
        for code, f in oracle.clusters.items()}, where
    assert {a["code"]: (a["registered"], a["installed"], a["last_report"])
            for a in cli["agencies"]} == {
        code: (f.registered, f.installed, f.last_report and f.last_report.isoformat())
        for code, f in oracle.agencies.items()}, where
    assert {c["code"]: (c["registered"], c["installed"]) for c in cli["communes"]} == {
        code: (f.registered, f.installed) for code, f in oracle.communes.items()}, where
    assert {c["key"]: (c["registered"], c["installed"], c["denominator"])
            for c in cli["campaigns"]} == oracle.campaigns, where
    assert {d["code"]: (d["registered"], d["installed"], d["staff_registered"],
                        d["staff_installed"]) for d in cli["districts"]} == {
        code: (f["residents"].registered, f["residents"].installed, f["staff"].registered,
               f["staff"].installed) for code, f in oracle.districts.items()}, where
    # the pages: the city's overview, each district's, each unit's standing
    city = dashboard.overview(as_of, engine=engine)
    assert {c.key: (c.standing.registered, c.standing.installed, c.standing.size)
            for c in city.campaigns} == oracle.campaigns, where
    assert {a.code: a.standing.registered for a in city.areas} == {
        code: f["residents"].registered for code, f in oracle.districts.items()}, where
    for code in oracle.districts:
        district = dashboard.overview(as_of, district=code, engine=engine)
        assert {a.code: (a.standing.registered, a.standing.installed) for a in district.areas} \
            == {c: (oracle.communes[c].registered, oracle.communes[c].installed)
                for c in (a.code for a in district.areas)}, where
    units = load_unit_histories(as_of, engine=engine)
    shown = {u.code: (s.registered, s.installed, s.last_report)
             for u in units.clusters + units.agencies if (s := units.unit_standing(u))}
    assert shown == {code: (f.registered, f.installed, f.last_report) for code, f in
                     (oracle.clusters | oracle.agencies).items()}, where
    agencies = dashboard.agencies_view(as_of, engine=engine)
    assert {a.code: a.standing.registered for g in agencies.groups for a in g.agencies} == {
        code: f.registered for code, f in oracle.agencies.items()}, where


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_pages_command_line_and_oracle_agree_after_random_campaigns(engine, seed):
    small_city(engine)
    month = Campaign(engine, seed)
    for step in range(30):
        month.step()
        if step % 10 == 9:
            assert_all_agree(engine, month.day())
    for as_of in (START - timedelta(days=1), START + timedelta(days=9), date(2024, 7, 31),
                  START + timedelta(days=45)):
        assert_all_agree(engine, as_of)
