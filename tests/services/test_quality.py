"""Data quality: each unit's materialised reports equal the oracle's, and the whole city's page
counts, district by district, what each district's own page lists."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db import session_scope
from models import Agency, Cluster
from services import aggregates
from services.quality import data_quality
from services.uploads import undo_upload
from tests.dashboard_data import d
from tests.oracle import unit_reports
from tests.services.test_city_rollup import DISTRICTS, busy_month, city


def _stored_reports(engine) -> dict[tuple[str, str], list[tuple]]:
    aggregates.ensure_current(engine)
    with session_scope(engine) as session:
        codes = {("cluster", i): code for i, code in session.execute(select(Cluster.id, Cluster.code))}
        codes |= {("agency", i): code for i, code in session.execute(select(Agency.id, Agency.code))}
        stored = aggregates.read_unit_reports(session, None, d(5) + timedelta(days=60))
    return {(key[0], codes[key]): [tuple(r) for r in reports]
            for key, reports in stored.items() if reports}


@pytest.mark.parametrize("seed", [3, 11])
def test_each_units_reports_are_the_oracles_after_imports_and_an_undo(engine, seed):
    uploads = busy_month(engine, city(engine), seed)
    assert _stored_reports(engine) == unit_reports(engine)
    undo_upload(uploads[4], engine=engine)
    expected = unit_reports(engine)
    assert _stored_reports(engine) == expected
    assert any(r[4] for reports in expected.values() for r in reports)  # some figure went down


@pytest.mark.parametrize("stale_days", [1, 3])
def test_the_city_counts_by_district_what_each_districts_page_lists(engine, stale_days):
    busy_month(engine, city(engine), seed=5)
    for as_of in (d(10), d(25), d(20, 8)):
        whole = data_quality(as_of, stale_days=stale_days, engine=engine)
        assert [q.code for q in whole.districts] == ["BV", "DP", "HD"]
        assert whole.silent == whole.over_target == whole.decreases == whole.no_target == []
        for row in whole.districts:
            one = data_quality(as_of, district=row.code, stale_days=stale_days, engine=engine)
            assert not one.districts and one.periods == whole.periods
            communes = len(DISTRICTS[row.code])
            assert row.units == communes * 4 + 1  # 3 clusters and an agency each, a department
            assert (row.silent, row.over_target, row.decreases, row.no_target) == (
                len(one.silent), len(one.over_target), len(one.decreases), len(one.no_target))
            assert (row.reporting.units, row.reporting.expected, row.reporting.received,
                    row.reporting.on_time) == tuple(sum(getattr(r, f) for r in one.reporting)
                                                    for f in ("units", "expected", "received",
                                                              "on_time"))
    assert sum(q.decreases for q in whole.districts) > 0
    assert sum(q.reporting.received for q in whole.districts) > 0
