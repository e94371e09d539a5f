"""The dashboard's computed figures, each against values worked out by hand."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from services.analytics import (CampaignInfo, average_pace, expected_by_now, needed_pace,
                                projected_date, standing, status, target_of)
from services.figures_rule import ReportedFigure, UnitFigures
from services.quality import (days_without_report, decreases, is_silent, reporting_periods,
                              reporting_rates)

START, DEADLINE = date(2024, 7, 5), date(2024, 8, 30)  # 56 days apart


# ---------------------------------------------------------------- expected by now


def test_expected_by_now_is_the_target_pro_rated_from_start_to_deadline():
    # 12/8 is 38 of the 56 days: 5600 * 38 / 56 = 3800
    assert expected_by_now(5600, START, DEADLINE, date(2024, 8, 12)) == pytest.approx(3800)


def test_expected_by_now_is_zero_at_the_start_and_the_whole_target_from_the_deadline():
    assert expected_by_now(5600, START, DEADLINE, START) == 0
    assert expected_by_now(5600, START, DEADLINE, date(2024, 7, 1)) == 0
    assert expected_by_now(5600, START, DEADLINE, DEADLINE) == 5600
    assert expected_by_now(5600, START, DEADLINE, date(2024, 9, 15)) == 5600


# ---------------------------------------------------------------- paces


def test_average_pace_is_the_last_seven_days_increase_divided_by_seven():
    levels = [0, 10, 20, 35, 50, 60, 80, 100, 130, 150]  # ten days
    # the last 7 days run from levels[2] = 20 to levels[9] = 150: 130 / 7
    assert average_pace(levels) == pytest.approx(130 / 7)


def test_average_pace_of_a_campaign_younger_than_a_week_uses_its_own_days():
    assert average_pace([4, 10, 25]) == pytest.approx(25 / 3)  # 25 people in 3 days
    assert average_pace([]) == 0


def test_needed_pace_is_what_remains_divided_by_the_days_left():
    # 5600 - 3000 = 2600 people in the 18 days from 12/8 to 30/8
    assert needed_pace(5600, 3000, date(2024, 8, 12), DEADLINE) == pytest.approx(2600 / 18)
    assert needed_pace(5600, 6000, date(2024, 8, 12), DEADLINE) == 0
    assert needed_pace(5600, 3000, DEADLINE, DEADLINE) is None


# ---------------------------------------------------------------- projection


def test_projection_adds_the_days_the_current_pace_needs_rounded_up():
    # 2600 left at 150 a day: 17.33 days, so the 18th day after 12/8 = 30/8
    assert projected_date(5600, 3000, 150, date(2024, 8, 12)) == date(2024, 8, 30)
    # at 200 a day: exactly 13 days -> 25/8
    assert projected_date(5600, 3000, 200, date(2024, 8, 12)) == date(2024, 8, 25)


def test_no_projection_when_reached_or_not_moving():
    assert projected_date(5600, 5600, 150, date(2024, 8, 12)) is None
    assert projected_date(5600, 3000, 0, date(2024, 8, 12)) is None
    assert projected_date(5600, 3000, -4, date(2024, 8, 12)) is None


# ---------------------------------------------------------------- status


@pytest.mark.parametrize("registered, pace, expected_status", [
    (5600, 0, "reached"),      # the target is met
    (3000, 150, "on_track"),   # below the expected 3800, but needs 2600/18 = 144.4 a day: makes 150
    (3900, 50, "at_risk"),     # needs 1700/18 = 94.4 a day, makes 50; still above the expected 3800
    (3000, 100, "behind"),     # too slow (needs 144.4) and below the expected 3800
])
def test_status_from_pace_and_the_expected_line(registered, pace, expected_status):
    as_of = date(2024, 8, 12)
    expected = expected_by_now(5600, START, DEADLINE, as_of)  # 3800
    needed = needed_pace(5600, registered, as_of, DEADLINE)
    assert status(registered, 5600, expected, pace, needed, as_of, DEADLINE) == expected_status


def test_status_after_the_deadline_is_reached_or_behind():
    assert status(5599, 5600, 5600, 500, None, DEADLINE, DEADLINE) == "behind"
    assert status(5600, 5600, 5600, 0, None, date(2024, 9, 3), DEADLINE) == "reached"


def test_a_unit_without_a_target_has_no_status_but_that():
    assert status(12, 0, 0, 1, None, date(2024, 8, 12), DEADLINE) == "no_target"


def test_target_is_the_target_percent_of_the_size_rounded_up():
    assert target_of(1000, 100) == 1000
    assert target_of(1001, 90) == 901  # 900.9 people: 901 to reach


def test_standing_puts_the_figures_together():
    campaign = CampaignInfo("residents", "Người dân", date(2024, 7, 1), date(2024, 7, 11), 100)
    days = [date(2024, 7, d) for d in range(1, 9)]  # 1/7 .. 8/7
    levels = [0, 5, 15, 30, 40, 55, 62, 70]
    figures = standing(levels, 72, 100, campaign, days, date(2024, 7, 8))
    # expected: 100 * 7/10 = 70; pace: the 7 days after 1/7 went 0 -> 70, 10 a day;
    # needed: 30 left in the 3 days to 11/7, 10 a day
    assert (figures.registered, figures.installed, figures.percent) == (70, 72, 0.7)
    assert figures.expected == pytest.approx(70)
    assert figures.pace == pytest.approx(10)
    assert figures.needed_pace == pytest.approx(10)
    assert figures.projected == date(2024, 7, 11)  # 30 left at 10 a day
    assert figures.status == "on_track"
    assert figures.reached_on is None and figures.last_report == date(2024, 7, 8)


def test_standing_slower_than_needed_but_on_the_line_is_at_risk():
    campaign = CampaignInfo("residents", "Người dân", date(2024, 7, 1), date(2024, 7, 11), 100)
    days = [date(2024, 7, d) for d in range(1, 9)]
    levels = [5, 20, 40, 55, 62, 66, 69, 70]
    figures = standing(levels, 70, 100, campaign, days, None)
    # pace: 70 - 5 = 65 over 7 days = 9.29 < the 10 needed; 70 >= expected 70: at risk
    assert figures.pace == pytest.approx(65 / 7)
    assert figures.status == "at_risk"
    assert figures.projected == date(2024, 7, 12)  # 30 / 9.29 = 3.2 days, rounded up to 4


# ---------------------------------------------------------------- reporting


def test_days_without_report_and_silence():
    as_of = date(2024, 8, 12)
    assert days_without_report(date(2024, 8, 9), as_of) == 3
    assert days_without_report(None, as_of) is None
    assert is_silent(date(2024, 8, 9), as_of, 3)       # 10, 11, 12/8 without a report
    assert not is_silent(date(2024, 8, 10), as_of, 3)
    assert is_silent(None, as_of, 3)


def test_reporting_periods_end_on_the_as_of_date_and_stop_at_the_start():
    assert reporting_periods(date(2024, 7, 5), date(2024, 7, 12), 3) == [
        (date(2024, 7, 5), date(2024, 7, 6)),  # cut at the start
        (date(2024, 7, 7), date(2024, 7, 9)),
        (date(2024, 7, 10), date(2024, 7, 12))]
    assert reporting_periods(date(2024, 7, 5), date(2024, 7, 4), 3) == []


def _at(day: int, hour: int = 10) -> datetime:  # 10:00 UTC is 17:00 in Vietnam
    return datetime(2024, 7, day, hour, tzinfo=timezone.utc)


def test_completeness_counts_periods_with_a_report_and_timeliness_those_imported_in_time():
    periods = [(date(2024, 7, 7), date(2024, 7, 9)), (date(2024, 7, 10), date(2024, 7, 12))]
    unit_a = [ReportedFigure(date(2024, 7, 8), 5, 5, _at(8)),     # period 1, imported the same day
              ReportedFigure(date(2024, 7, 12), 9, 9, _at(15))]   # period 2, imported 3 days late
    unit_b = [ReportedFigure(date(2024, 7, 9), 3, 3, _at(10))]    # period 1, imported the next day
    unit_c: list[ReportedFigure] = []                              # never reported
    # 3 units x 2 periods = 6 expected; received: a1, a2, b1 = 3; on time: a1, b1 = 2
    assert reporting_rates([unit_a, unit_b, unit_c], periods) == (6, 3, 2)


def test_timeliness_reads_the_import_time_in_vietnam():
    periods = [(date(2024, 7, 7), date(2024, 7, 9))]
    # 17:30 UTC on 10/7 is 00:30 on 11/7 in Vietnam: two days after the period, late
    late = [ReportedFigure(date(2024, 7, 9), 1, 1,
                           datetime(2024, 7, 10, 17, 30, tzinfo=timezone.utc))]
    assert reporting_rates([late], periods) == (1, 1, 0)


def test_decreases_are_registered_figures_going_down_between_two_reports():
    reports = UnitFigures(("count", date(2024, 7, day), registered, installed, True, None)
                          for day, registered, installed in ((8, 10, 12), (9, 14, 11), (10, 12, 15),
                                                             (11, 12, 15))).reports()
    # 14 -> 12 went down; 12 -> 11 installed alone is not flagged
    assert [r.fell for r in reports] == [False, False, True, False]
    assert decreases(reports) == [(reports[1], reports[2])]
