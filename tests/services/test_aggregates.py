"""The aggregates follow an import with work that follows the import's units, not the city's size:
the areas take the change their units bring, and only the units' people are ranked."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import or_, true

from db import session_scope
from importers.report import UnitRow
from services import aggregates
from services.units import apply_unit_rows
from tests.dashboard_data import add_counts, add_roster, cluster_id, d
from tests.query_plans import city_statistics, plans_of, whole_reads
from tests.services.test_city_rollup import area_rows, city


def loose_units(engine) -> list[str]:
    """A commune under no district, and an agency under neither commune nor district."""
    with session_scope(engine) as session:
        apply_unit_rows(session, [
            UnitRow("d", 2, commune_code="LE", commune="Lẻ", cluster_code="LE-1", cluster="Cụm 1",
                    target_population=30),
            UnitRow("d", 3, agency_code="SO-TTTT", agency="Sở Thông tin", staff=12)], None)
    return ["LE-1"]


def follow_random_imports(engine, clusters: list[str], seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(16):
        day = d(5) + timedelta(days=rng.randint(0, 30))
        choice = rng.random()
        if choice < 0.5:
            add_roster(engine, day, list({p[0]: p for p in (
                (f"p{rng.randint(0, 30)}", rng.choice(clusters), rng.random() < 0.7, None)
                for _ in range(rng.randint(2, 8)))}.values()))
        elif choice < 0.8:
            add_counts(engine, day, [(rng.choice(clusters), rng.randint(0, 30), rng.randint(0, 30))])
        else:
            add_counts(engine, day, [(rng.choice(["SO-TTTT", "NV-DP", "UB-THOAN"]),
                                      rng.randint(0, 12), 12)], unit="agency")
        aggregates.ensure_current(engine)


def test_areas_followed_with_loose_units_equal_a_rebuild(engine):
    clusters = city(engine) + loose_units(engine)
    follow_random_imports(engine, clusters, seed=5)
    followed = area_rows(engine)
    aggregates.rebuild_all(engine)
    assert area_rows(engine) == followed
    assert {row[0] for row in followed} == {"commune", "district", "city"}


def test_an_import_reads_the_rows_of_its_own_areas_only(engine, monkeypatch):
    clusters = city(engine)
    follow_random_imports(engine, clusters, seed=6)
    reads = []
    original = aggregates.read_area_days

    def recording(session, area_type, area_ids, until):
        reads.append((area_type, None if area_ids is None else sorted(area_ids)))
        return original(session, area_type, area_ids, until)
    monkeypatch.setattr(aggregates, "read_area_days", recording)
    add_roster(engine, d(20), [("someone new", "THOAN-1", True, None)])
    aggregates.ensure_current(engine)
    assert ("district", None) not in reads and ("commune", None) not in reads
    assert reads and all(len(ids) == 1 if ids is not None else area_type == "city"
                         for area_type, ids in reads)  # Thọ An, its district, the city


def test_the_units_deltas_are_those_of_the_whole_ranking(engine):
    clusters = city(engine)
    follow_random_imports(engine, clusters, seed=7)
    with session_scope(engine) as session:
        everything = sorted(tuple(r) for r in aggregates._roster_deltas(session, lambda m: true()))
        ids = [cluster_id(session, code) for code in clusters[:4]]
        mine = sorted(tuple(r) for r in aggregates._roster_deltas(session, lambda m: or_(
            m.cluster_id.in_(ids), m.agency_id.in_([]))))
    assert mine and mine == [r for r in everything if r[0] in ids]


def test_following_an_import_reads_no_table_whole_on_sqlite(sqlite_engine):
    """On a city's statistics, every statement of an import's catch-up finds its rows by an index:
    an empty agency list beside a cluster list (`IN ()` under an OR) once made SQLite scan every
    roster entry of the city (1.2 s a file at 720,000 entries, once ANALYZE had run)."""
    clusters = city(sqlite_engine) + loose_units(sqlite_engine)
    follow_random_imports(sqlite_engine, clusters, seed=8)
    city_statistics(sqlite_engine)

    def follow_one_roster():
        add_roster(sqlite_engine, d(21), [("p1", clusters[0], True, None),
                                          ("p2", clusters[1], False, None)])
        aggregates.ensure_current(sqlite_engine)
    plans = plans_of(sqlite_engine, follow_one_roster)
    assert len(plans) > 10
    assert whole_reads(plans, "rosterentry|countreport|unitday|unitreport") == []
