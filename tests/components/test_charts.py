"""The ranking chart (issue 12 items 10 and 11): labels clear of the 100% line, the level needed
by now on every bar, the legend above the plot (clear of the axis title at phone width)."""
from __future__ import annotations

from types import SimpleNamespace

from components import charts


def unit(name, percent, status, expected_share, size=1000):
    return SimpleNamespace(name=name, silent=False, standing=SimpleNamespace(
        percent=percent, status=status, registered=round(percent * size), size=size,
        expected=expected_share * size, last_report=None))


UNITS = [unit("Hồng Hà", 0.40, "behind", 0.80), unit("Thọ An", 0.97, "at_risk", 0.80),
         unit("Đồng Tháp", 1.00, "reached", 0.80), unit("Liên Hà", 1.12, "reached", 0.80)]


def bars(figure):
    return {name: (trace.text[i], trace.textposition[i])
            for trace in figure.data if trace.type == "bar" for i, name in enumerate(trace.y)}


def test_labels_near_100_percent_sit_inside_their_bar_not_across_the_line():
    shown = bars(charts.ranking(UNITS))
    assert shown == {"Hồng Hà": ("40,0%", "outside"), "Thọ An": ("97,0%", "inside"),
                     "Đồng Tháp": ("100,0%", "inside"), "Liên Hà": ("112,0%", "outside")}


def test_each_bar_shows_the_level_needed_by_now():
    figure = charts.ranking(UNITS)
    [needed] = [t for t in figure.data if t.name == "Cần đạt đến nay"]
    assert list(needed.y) == ["Hồng Hà", "Thọ An", "Đồng Tháp", "Liên Hà"]
    assert [round(x, 6) for x in needed.x] == [80.0] * 4
    assert list(needed.text) == ["80,0%"] * 4


def test_the_legend_is_above_the_plot_clear_of_the_axis_title():
    layout = charts.ranking(UNITS).layout
    assert layout.xaxis.title.text == "Tỷ lệ đã tạo tài khoản"
    assert (layout.legend.yanchor, layout.legend.y, layout.legend.orientation) == ("bottom", 1.02, "h")


def test_each_name_carries_its_move_in_the_ranking():
    from services.dashboard import PlaceChange
    units = [SimpleNamespace(code=c, **vars(u)) for c, u in zip("ABC", UNITS[:3])]
    changes = {"A": PlaceChange(3, 1), "B": PlaceChange(2, 2), "C": PlaceChange(1, None)}
    assert set(bars(charts.ranking(units, changes=changes))) == {"Hồng Hà ▼2", "Thọ An =",
                                                                   "Đồng Tháp —"}
