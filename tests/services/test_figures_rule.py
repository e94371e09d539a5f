"""The rule "figures as of a date" (services/figures_rule.py), on plain values."""
from __future__ import annotations

from datetime import date

from services.figures_rule import Entry, UnitFigures, counts_from, deciding, roster_changes
from services.preview import NEW_UPLOAD


def d(day: int) -> date:
    return date(2024, 8, day)


def test_a_persons_latest_entry_decides_and_a_new_upload_wins_on_the_same_date():
    old = Entry(("cluster", 1), (d(5), 7, 70), True, True, d(1))
    same_day = Entry(("cluster", 2), (d(5), NEW_UPLOAD, 0), True, False, d(3))
    earlier = Entry(("cluster", 2), (d(4), NEW_UPLOAD, 1), False, False, d(4))
    assert deciding([old, same_day, earlier]) is same_day
    assert roster_changes({"p": old}, {"p": same_day}) == {
        ("cluster", 1): {d(1): [-1, -1]}, ("cluster", 2): {d(3): [1, 0]}}
    assert roster_changes({"p": old}, {"p": earlier}) == {}


def test_people_start_to_count_from_their_registration_date_else_the_rosters():
    assert counts_from(d(2), d(5)) == d(2)
    assert counts_from(None, d(5)) == d(5)
    people = {"a": Entry(("cluster", 1), (d(5), 1, 1), True, True, counts_from(d(2), d(5))),
              "b": Entry(("cluster", 1), (d(5), 1, 2), True, False, counts_from(None, d(5))),
              "c": Entry(("cluster", 1), (d(5), 1, 3), False, False, d(5))}
    assert roster_changes(people) == {("cluster", 1): {d(2): [1, 1], d(5): [1, 0]}}


def test_the_more_recent_report_wins_and_the_count_report_on_the_same_date():
    rows = [("roster", d(2), 3, 3, False), ("roster", d(5), 8, 6, True),
            ("count", d(5), 20, 18, True), ("count", d(7), 25, 20, True),
            ("roster", d(9), 30, 28, True)]
    figures = UnitFigures(rows)
    assert figures.on(d(1)) == (0, 0, None)
    assert figures.on(d(3)) == (3, 3, None)  # counted from a registration date, not reported yet
    assert figures.on(d(5)) == (20, 18, d(5))  # same date: the count report
    assert figures.on(d(8)) == (25, 20, d(7))  # held until the next report
    assert figures.on(d(9)) == (30, 28, d(9))
    assert figures.levels() == [(d(2), 3, 3), (d(5), 20, 18), (d(7), 25, 20), (d(9), 30, 28)]
