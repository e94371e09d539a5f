"""The unit-day aggregates and the district read from them: the rules of "Figures as of a date",
kept current through imports and undos, and equal to `progress()`."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, select

from db import get_engine, session_scope
from models import CountReport, RosterEntry, Upload
from services import aggregates
from models import AggregateState, UnitDay
from services.aggregates import data_version
from services.analytics import latest_report_date, load_unit_histories
from services.progress import progress
from services.uploads import undo_upload
from tests.dashboard_data import add_counts, add_roster, add_upload, cluster_id, d


def figure(engine, code: str, as_of: date) -> tuple[int, int, date | None]:
    district = load_unit_histories(as_of, engine=engine)
    unit = next(u for u in district.clusters + district.agencies if u.code == code)
    history = district.history[unit.kind, unit.id]
    return history.registered[-1], history.installed[-1], history.last_report


# ---------------------------------------------------------------- count reports


def test_a_count_report_holds_from_its_date_until_the_next(district):
    add_counts(district, d(10), [("DONGTHAP-01", 50, 55)])
    add_counts(district, d(12), [("DONGTHAP-01", 80, 82)])
    assert figure(district, "DONGTHAP-01", d(9)) == (0, 0, None)
    assert figure(district, "DONGTHAP-01", d(10)) == (50, 55, d(10))
    assert figure(district, "DONGTHAP-01", d(11)) == (50, 55, d(10))
    assert figure(district, "DONGTHAP-01", d(20)) == (80, 82, d(12))


def test_a_later_import_for_the_same_unit_and_date_replaces_the_figure(district):
    add_counts(district, d(10), [("DONGTHAP-01", 50, 55)])
    add_counts(district, d(10), [("DONGTHAP-01", 40, 41)])
    assert figure(district, "DONGTHAP-01", d(10)) == (40, 41, d(10))


def test_daily_series_steps_with_the_reports(district):
    add_counts(district, d(6), [("DONGTHAP-01", 10, 10)])
    add_counts(district, d(8), [("DONGTHAP-01", 30, 30)])
    district_figures = load_unit_histories(d(9), engine=district)
    unit = next(u for u in district_figures.clusters if u.code == "DONGTHAP-01")
    # the days run from the campaigns' start, 5/7, to 9/7
    assert district_figures.days == [d(5), d(6), d(7), d(8), d(9)]
    assert district_figures.history[unit.kind, unit.id].registered == [0, 10, 10, 30, 30]


# ---------------------------------------------------------------- rosters


def test_a_roster_counts_people_from_their_registration_date(district):
    add_roster(district, d(10), [("an", "THOAN-01", True, d(6)), ("binh", "THOAN-01", True, None),
                                 ("cuong", "THOAN-01", False, None)])
    # An counts from 6/7 although the roster is dated 10/7; Bình from the roster's date
    assert figure(district, "THOAN-01", d(5)) == (0, 0, None)
    assert figure(district, "THOAN-01", d(7)) == (1, 1, None)
    assert figure(district, "THOAN-01", d(10)) == (2, 2, d(10))


def test_the_latest_roster_listing_a_person_decides_their_unit_and_state(district):
    add_roster(district, d(10), [("an", "THOAN-01", True, d(8)), ("binh", "THOAN-01", True, d(8))])
    add_roster(district, d(12), [("an", "THOAN-02", True, d(8)), ("binh", "THOAN-01", False, None)])
    # An moved to Cụm 2 (counted there from 8/7); Bình's latest roster says not registered
    assert figure(district, "THOAN-01", d(10)) == (0, 0, d(10))
    assert figure(district, "THOAN-02", d(9)) == (1, 1, None)
    assert figure(district, "THOAN-02", d(12)) == (1, 1, d(12))


def test_the_more_recent_report_wins_and_the_count_report_on_the_same_date(district):
    add_roster(district, d(10), [("an", "THOAN-01", True, d(6)), ("binh", "THOAN-01", True, d(7))])
    add_counts(district, d(10), [("THOAN-01", 5, 6)])
    add_roster(district, d(12), [("cuong", "THOAN-01", True, d(12))])
    assert figure(district, "THOAN-01", d(9)) == (2, 2, None)    # roster people, no report yet
    assert figure(district, "THOAN-01", d(10)) == (5, 6, d(10))  # same date: the count report
    assert figure(district, "THOAN-01", d(12)) == (3, 3, d(12))  # the newer roster


def test_the_district_equals_progress_on_every_day(district):
    add_roster(district, d(10), [("an", "THOAN-01", True, d(6)), ("binh", "THOAN-02", True, None)])
    add_counts(district, d(10), [("THOAN-01", 5, 6), ("DONGTHAP-02", 7, 9)])
    add_roster(district, d(12), [("an", "THOAN-03", True, d(6)),
                                 ("cuong", "THOAN-01", True, d(11))])
    add_counts(district, d(11), [("CQ05", 12, 13)], unit="agency")
    for as_of in (d(4) + timedelta(days=n) for n in range(10)):
        expected = progress(as_of, engine=district)
        got = load_unit_histories(as_of, engine=district)
        for unit in got.clusters + got.agencies:
            figures = expected.clusters if unit.kind == "cluster" else expected.agencies
            fig = next(f for f in figures if f.code == unit.code)
            history = got.history[unit.kind, unit.id]
            assert (history.registered[-1], history.installed[-1], history.last_report) == \
                (fig.registered, fig.installed, fig.last_report), (as_of, unit.code)


def test_latest_report_date_comes_from_the_reports(district):
    assert latest_report_date(district) is None
    add_counts(district, d(10), [("DONGTHAP-01", 50, 55)])
    add_roster(district, d(14), [("an", "THOAN-01", True, d(6))])
    assert latest_report_date(district) == d(14)


# ---------------------------------------------------------------- kept current


def test_reading_brings_in_a_new_import_without_rebuilding(district, monkeypatch):
    add_counts(district, d(10), [("DONGTHAP-01", 50, 55)])
    load_unit_histories(d(10), engine=district)  # first read: builds the table
    rebuilds = []
    monkeypatch.setattr(aggregates, "rebuild", lambda session: rebuilds.append(1))
    add_counts(district, d(11), [("DONGTHAP-02", 7, 8)])
    assert figure(district, "DONGTHAP-02", d(11)) == (7, 8, d(11))
    assert figure(district, "DONGTHAP-01", d(11)) == (50, 55, d(10))
    assert rebuilds == []
    with session_scope(district) as session:
        state = session.get(AggregateState, 1)
        assert (state.uploads, state.last_upload_id, state.undone) == data_version(session)


def test_a_reader_with_nothing_new_does_not_write(district, monkeypatch):
    add_counts(district, d(10), [("DONGTHAP-01", 50, 55)])
    aggregates.ensure_current(district)
    catch_ups = []
    monkeypatch.setattr(aggregates, "catch_up", lambda session: catch_ups.append(1))
    aggregates.ensure_current(district)
    assert catch_ups == []
    add_counts(district, d(11), [("DONGTHAP-01", 60, 61)])
    aggregates.ensure_current(district)
    assert catch_ups == [1]


def test_catch_up_after_writing_makes_the_import_current_in_its_transaction(district):
    add_counts(district, d(10), [("DONGTHAP-01", 50, 55)])
    with session_scope(district) as session:
        upload_id = add_upload(session, "counts", d(11))
        session.add(CountReport(upload_id=upload_id, cluster_id=cluster_id(session, "DONGTHAP-01"),
                                report_date=d(11), registered=60, installed=61))
        session.flush()
        aggregates.catch_up(session)  # the call the import service makes after writing
        state = session.get(AggregateState, 1)
        assert (state.uploads, state.last_upload_id, state.undone) == data_version(session)
        rows = session.execute(select(UnitDay.day, UnitDay.registered).where(
            UnitDay.unit_type == "cluster", UnitDay.unit_id == cluster_id(session, "DONGTHAP-01"))
            .order_by(UnitDay.day)).all()
    assert rows == [(d(10), 50), (d(11), 60)]


def test_an_undo_puts_the_figures_back(district):
    add_counts(district, d(10), [("DONGTHAP-01", 50, 55)])
    second = add_counts(district, d(12), [("DONGTHAP-01", 80, 82)])
    assert figure(district, "DONGTHAP-01", d(12)) == (80, 82, d(12))
    undo_upload(second, engine=district)
    assert figure(district, "DONGTHAP-01", d(12)) == (50, 55, d(10))


def test_refresh_after_undo_recomputes_the_units_it_touched_without_rebuilding(district,
                                                                             monkeypatch):
    add_roster(district, d(10), [("an", "THOAN-01", True, d(6))])
    moved = add_roster(district, d(12), [("an", "THOAN-02", True, d(6))])
    assert figure(district, "THOAN-02", d(12)) == (1, 1, d(12))
    rebuilds = []
    monkeypatch.setattr(aggregates, "rebuild", lambda session: rebuilds.append(1))
    with session_scope(district) as session:  # what undo_upload does, with the two calls
        touched = aggregates.units_of_uploads(session, [moved])
        session.execute(delete(RosterEntry).where(RosterEntry.upload_id == moved))
        session.get(Upload, moved).undone_at = datetime.now(timezone.utc)
        session.flush()
        aggregates.refresh_after_undo(session, touched)
    assert touched == {("cluster", cluster_id_of(district, "THOAN-01")),
                       ("cluster", cluster_id_of(district, "THOAN-02"))}
    assert figure(district, "THOAN-01", d(12)) == (1, 1, d(10))  # An is back in Cụm 1
    assert figure(district, "THOAN-02", d(12)) == (0, 0, None)
    assert rebuilds == []


def cluster_id_of(engine, code: str) -> int:
    with session_scope(engine) as session:
        return cluster_id(session, code)


# ---------------------------------------------------------------- the demo


def test_the_demo_district_equals_progress(demo_database):
    engine = get_engine(demo_database)
    for as_of in (d(4), d(25), d(12, 8), d(30, 8)):
        expected = progress(as_of, engine=engine)
        got = load_unit_histories(as_of, engine=engine)
        units = {(u.kind, u.code): got.history[u.kind, u.id] for u in got.clusters + got.agencies}
        for kind, figures in (("cluster", expected.clusters), ("agency", expected.agencies)):
            for f in figures:
                history = units[kind, f.code]
                assert (history.registered[-1], history.installed[-1], history.last_report) == \
                    (f.registered, f.installed, f.last_report), (as_of, f.code)
        for campaign in expected.campaigns:
            standing = got.group_standing(got.units_of(campaign.key), got.campaign(campaign.key))
            assert (standing.registered, standing.installed, standing.size) == \
                (campaign.registered, campaign.installed, campaign.denominator)


def test_an_empty_database_reads_as_an_empty_district(engine):
    got = load_unit_histories(d(25), engine=engine)
    assert got.is_empty and got.history == {} and [c.key for c in got.campaigns] == [
        "staff", "residents"]
