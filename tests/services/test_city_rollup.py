"""A city: the area aggregates (commune, district, city) always equal a recount from the people
and count rows (tests/oracle.py), the overview rolls up to the city's districts, and units that open and close keep
the figures of earlier dates."""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from db import session_scope
from importers.report import UnitRow
from models import AreaDay, Cluster, Commune, District
from services import aggregates
from services.analytics import load_area_histories, silent_by_district
from services.dashboard import district_choices, overview
from services.units import apply_unit_rows
from services.uploads import undo_upload
from tests.dashboard_data import add_counts, add_roster, d
from tests.oracle import recount

DISTRICTS = {"DP": ["THOAN", "HONGHA"], "HD": ["ANTHUONG"], "BV": ["TANLINH", "CAMLINH"]}


def city(engine) -> list[str]:
    """Three districts, five communes, three clusters each, an agency per commune and one
    district department; returns the cluster codes."""
    rows, clusters = [], []
    for district, communes in DISTRICTS.items():
        place = dict(district_code=district, district=f"Huyện {district}")
        for commune in communes:
            where = dict(place, commune_code=commune, commune=commune.title())
            for n in range(1, 4):
                clusters.append(f"{commune}-{n}")
                rows.append(UnitRow("d", len(rows) + 2, **where, cluster_code=clusters[-1],
                                    cluster=f"Cụm {n}", target_population=40 + 10 * n))
            rows.append(UnitRow("d", len(rows) + 2, **where, agency_code=f"UB-{commune}",
                                agency=f"UBND {commune}", staff=20))
        rows.append(UnitRow("d", len(rows) + 2, **place, agency_code=f"NV-{district}",
                            agency=f"Phòng Nội vụ {district}", staff=15))
    with session_scope(engine) as session:
        apply_unit_rows(session, rows, None)
    return clusters


def busy_month(engine, clusters: list[str], seed: int) -> list[int]:
    """Rosters (people moving between clusters), count reports and agency counts on random
    days, each brought in one at a time; returns the upload ids."""
    rng = random.Random(seed)
    uploads = []
    for n in range(24):
        day = d(5) + timedelta(days=rng.randint(0, 40))
        choice = rng.random()
        if choice < 0.45:
            people = [(f"p{rng.randint(0, 60)}", rng.choice(clusters), rng.random() < 0.7,
                       day - timedelta(days=rng.randint(0, 6)) if rng.random() < 0.6 else None)
                      for _ in range(rng.randint(3, 12))]
            uploads.append(add_roster(engine, day, list({p[0]: p for p in people}.values())))
        elif choice < 0.85:
            uploads.append(add_counts(engine, day, [(c, rng.randint(0, 60), rng.randint(0, 60))
                                                    for c in rng.sample(clusters, 3)]))
        else:
            agency = rng.choice([f"UB-{c}" for cs in DISTRICTS.values() for c in cs]
                                + [f"NV-{k}" for k in DISTRICTS])
            uploads.append(add_counts(engine, day, [(agency, rng.randint(0, 20), 20)],
                                      unit="agency"))
        aggregates.ensure_current(engine)  # follow each import, as the import service does
    return uploads


def assert_areas_equal_a_recount(engine, as_of: date) -> None:
    whole = recount(engine, as_of)
    scope = load_area_histories(as_of, engine=engine)
    assert scope.area.kind == "city" and [a.code for a in scope.children] == ["BV", "DP", "HD"]
    for key in ("residents", "staff"):
        figures = scope.area.figures[key]
        assert (figures.registered[-1], figures.installed, figures.size) == \
            whole.campaigns[key], (as_of, key)
    for code, district in whole.districts.items():
        area = next(a for a in scope.children if a.code == code)
        for key in ("residents", "staff"):
            assert (area.figures[key].registered[-1], area.figures[key].installed) == (
                district[key].registered, district[key].installed), (as_of, code, key)
        one = load_area_histories(as_of, district=code, engine=engine)
        assert one.area.figures["staff"].registered[-1] == district["staff"].registered
        for area in one.children:
            assert (area.figures["residents"].registered[-1],
                    area.figures["residents"].installed) == (
                whole.communes[area.code].registered, whole.communes[area.code].installed), \
                (as_of, area.code)


def area_rows(engine) -> list[tuple]:
    with session_scope(engine) as session:
        return sorted(tuple(row) for row in session.execute(select(
            AreaDay.area_type, AreaDay.area_id, AreaDay.campaign, AreaDay.day,
            AreaDay.registered, AreaDay.installed)))


@pytest.mark.parametrize("seed", [1, 2])
def test_area_figures_equal_a_recount_on_every_day(engine, seed):
    uploads = busy_month(engine, city(engine), seed)
    undo_upload(uploads[3], engine=engine)
    for as_of in (d(4), d(9), d(16), d(23), d(30), d(10, 8), d(20, 8)):
        assert_areas_equal_a_recount(engine, as_of)


def test_areas_followed_import_by_import_equal_a_rebuild(engine):
    uploads = busy_month(engine, city(engine), seed=3)
    undo_upload(uploads[5], engine=engine)
    followed = area_rows(engine)
    assert followed  # something to compare
    aggregates.rebuild_all(engine)
    assert area_rows(engine) == followed


def test_silent_units_per_district_are_those_without_a_report_in_the_last_stale_days(engine):
    """The overview's count of silent units per district (in SQL) against the contract, read from
    the oracle's last report of each open unit: never reported, or stale_days days or more ago."""
    busy_month(engine, city(engine), seed=4)
    district_of = {f"{commune}-{n}": district for district, communes in DISTRICTS.items()
                   for commune in communes for n in range(1, 4)}
    district_of |= {f"UB-{commune}": district for district, communes in DISTRICTS.items()
                    for commune in communes} | {f"NV-{district}": district for district in DISTRICTS}
    with session_scope(engine) as session:
        codes = dict(session.execute(select(District.id, District.code)).all())
    mixed = False
    for as_of in (d(9), d(20), d(2, 8), d(14, 8)):
        whole = recount(engine, as_of)
        for stale_days in (1, 3, 7):
            expected = Counter(
                district_of[code] for code, figure in (whole.clusters | whole.agencies).items()
                if figure.last_report is None or (as_of - figure.last_report).days >= stale_days)
            silent = silent_by_district(as_of, stale_days, engine=engine)
            assert {codes[i]: n for i, n in silent.items() if n} == dict(expected), \
                (as_of, stale_days)
            mixed |= 0 < sum(expected.values()) < len(district_of)
    assert mixed  # some of the dates find units both silent and reporting


def test_the_overview_of_a_city_ranks_its_districts(engine):
    clusters = city(engine)
    add_counts(engine, d(20), [(c, 30, 30) for c in clusters if c.startswith("THOAN")])
    add_counts(engine, d(20), [("ANTHUONG-1", 50, 50)])
    add_counts(engine, d(20), [("NV-HD", 15, 15)], unit="agency")
    view = overview(d(20), engine=engine)
    assert view.of_districts and view.name == "Toàn thành phố"
    assert [(a.code, a.standing.registered, a.standing.size) for a in view.areas] == [
        ("BV", 0, 360), ("DP", 90, 360), ("HD", 50, 180)]
    # staff: Hoài Đức's department reached 15 of 35; the others have none
    assert [(a.code, a.standing.registered, a.standing.size) for a in view.agencies_behind] == [
        ("BV", 0, 55), ("DP", 0, 55), ("HD", 15, 35)]
    lines = view.summary.splitlines()
    assert lines[0] == "TIẾN ĐỘ CÀI ĐẶT iHaNoi TOÀN THÀNH PHỐ, số liệu đến ngày 20/07/2024"
    assert lines[-1] == ("Chưa báo cáo 3 ngày trở lên: Huyện BV (9 đơn vị); "
                         "Huyện DP (6 đơn vị); Huyện HD (3 đơn vị).")
    assert [code for code, _ in district_choices(engine=engine)] == ["BV", "DP", "HD"]


def test_the_overview_of_one_district_ranks_its_communes_and_lists_its_units(engine):
    clusters = city(engine)
    add_counts(engine, d(20), [(c, 30, 30) for c in clusters if c.startswith("THOAN")])
    view = overview(d(20), district="DP", engine=engine)
    assert not view.of_districts and view.name == "Huyện DP"
    assert [(a.code, a.standing.registered) for a in view.areas] == [("HONGHA", 0), ("THOAN", 90)]
    assert {a.name for a in view.agencies_behind} == {"UBND THOAN", "UBND HONGHA",
                                                     "Phòng Nội vụ DP"}
    assert {s.unit.code for s in view.silent} == {"HONGHA-1", "HONGHA-2", "HONGHA-3",
                                                  "UB-THOAN", "UB-HONGHA", "NV-DP"}


def test_a_commune_closed_by_a_merger_keeps_its_figures_before_the_merger(engine):
    city(engine)
    add_counts(engine, d(10), [("THOAN-1", 30, 30), ("HONGHA-1", 20, 20)])
    merged_on = d(20)
    with session_scope(engine, writer=True) as session:
        # Thọ An and Hồng Hà merge into Thọ Hồng on 20/7: their clusters close, new ones open
        for code in ("THOAN", "HONGHA"):
            session.execute(update(Commune).where(Commune.code == code)
                            .values(closed_on=merged_on))
        thoan_clusters = list(session.execute(
            select(Cluster).join(Commune).where(Commune.code.in_(["THOAN", "HONGHA"])))
            .scalars())
        for cluster in thoan_clusters:
            cluster.closed_on = merged_on
        district_id = session.execute(select(Commune.district_id)
                                      .where(Commune.code == "THOAN")).scalar()
        new = Commune(code="THOHONG", name="Thọ Hồng", district_id=district_id,
                      opened_on=merged_on)
        session.add(new)
        session.flush()
        session.add(Cluster(code="THOHONG-1", name="Cụm 1", commune_id=new.id,
                            target_population=500, opened_on=merged_on))
        session.flush()
        aggregates.refresh_areas(session)
    add_counts(engine, d(25), [("THOHONG-1", 70, 70)])
    before = load_area_histories(d(15), district="DP", engine=engine)
    assert [a.code for a in before.children] == ["HONGHA", "THOAN"]
    assert before.area.figures["residents"].registered[-1] == 50
    assert before.area.figures["residents"].size == 360
    after = load_area_histories(d(25), district="DP", engine=engine)
    assert [a.code for a in after.children] == ["THOHONG"]
    residents = after.area.figures["residents"]
    assert residents.size == 500
    assert residents.registered[after.days.index(d(15))] == 50  # history kept
    assert residents.registered[after.days.index(d(22))] == 0  # the new commune had no report
    assert residents.registered[-1] == 70
    assert recount(engine, d(25)).districts["DP"]["residents"].registered == 70
