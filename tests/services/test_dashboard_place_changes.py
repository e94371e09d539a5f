"""Issue 12 item 14: the week-on-week change of each commune's place in the overview's ranking
(place 1: the highest percent; equal percents share a place)."""
from __future__ import annotations

from types import SimpleNamespace

from services.dashboard import PlaceChange, overview, place_changes, places
from tests.dashboard_data import add_counts, d


def unit(code, percent):
    return SimpleNamespace(code=code, standing=SimpleNamespace(percent=percent))


def test_equal_percents_share_a_place_and_the_next_counts_them_all():
    units = [unit("A", 0.5), unit("B", 0.2), unit("C", 0.5), unit("D", None), unit("E", 0.1)]
    assert places(units) == {"A": 1, "C": 1, "B": 3, "E": 4}  # D has no target: no place


def test_a_unit_not_ranked_before_has_no_move():
    changes = place_changes([unit("NEW", 0.3), unit("OLD", 0.2)], [unit("OLD", 0.1)])
    assert changes == {"NEW": PlaceChange(1, None), "OLD": PlaceChange(2, 1)}
    assert (changes["NEW"].moved, changes["OLD"].moved) == (None, -1)


def test_each_communes_place_as_of_the_date_against_7_days_before(district):
    add_counts(district, d(5), [("DONGTHAP-01", 100, 100), ("HONGHA-01", 300, 300)])
    add_counts(district, d(12), [("DONGTHAP-01", 2000, 2000), ("TTPHUNG-01", 50, 50)])
    # 05/07: Hồng Hà 300/7.961 = 3,8% (1), Đồng Tháp 100/10.062 = 1,0% (2), 14 others at 0% (3)
    # 12/07: Đồng Tháp 2.000/10.062 = 19,9% (1), Hồng Hà 3,8% (2), Phùng 50/9.526 = 0,5% (3),
    #        13 others at 0% (4)
    changes = overview(d(12), engine=district).place_changes
    assert len(changes) == 16
    assert (changes["DONGTHAP"], changes["HONGHA"], changes["TTPHUNG"]) == (
        PlaceChange(1, 2), PlaceChange(2, 1), PlaceChange(3, 3))
    assert [changes[c].moved for c in ("DONGTHAP", "HONGHA", "TTPHUNG")] == [1, -1, 0]
    others = [c for code, c in changes.items() if code not in ("DONGTHAP", "HONGHA", "TTPHUNG")]
    assert len(others) == 13 and set(others) == {PlaceChange(4, 3)}


def test_no_move_when_nothing_was_reported_7_days_before(district):
    add_counts(district, d(5), [("DONGTHAP-01", 100, 100)])
    changes = overview(d(8), engine=district).place_changes  # 01/07: no report yet
    assert changes["DONGTHAP"] == PlaceChange(1, None)
    assert {c.before for c in changes.values()} == {None}
