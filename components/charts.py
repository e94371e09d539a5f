"""Plotly figure builders: Vietnamese numbers and dates, status colours with patterns and labels."""
from __future__ import annotations

from typing import Mapping, Sequence

import plotly.graph_objects as go

import formats as fmt
from components.safe_text import chart_text
from services.dashboard import silent_note

CONFIG = {"displayModeBar": False, "responsive": True}
_LINE = {"registered": "#0072B2", "target": "#000000", "expected": "#6E6E6E",
         "projection": "#CC79A7"}


def _layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(
        separators=fmt.PLOTLY_SEPARATORS, height=height, margin=dict(l=8, r=8, t=8, b=8),
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0, title=None),
        hoverlabel=dict(namelength=-1), font=dict(size=13))
    return figure


def campaign_curve(progress) -> go.Figure:
    """Cumulative registrations against the target, the expected line (start to deadline) and the
    projection to the deadline at the last 7 days' pace. `progress`: a CampaignProgress."""
    curve = progress.curve
    figure = go.Figure()
    figure.add_scatter(x=[curve.start, curve.deadline], y=[curve.target, curve.target],
                       mode="lines", name=f"Chỉ tiêu ({fmt.number(curve.target)})",
                       line=dict(color=_LINE["target"], width=1.5, dash="dash"),
                       hovertemplate="Chỉ tiêu: %{y:,.0f}<extra></extra>")
    figure.add_scatter(x=[curve.start, curve.deadline], y=[0, curve.target], mode="lines",
                       name="Tiến độ cần đạt (tuyến tính)",
                       line=dict(color=_LINE["expected"], width=1.5, dash="dot"),
                       hovertemplate="Cần đạt: %{y:,.0f}<extra></extra>")
    last = progress.standing.last_report if progress.silent else None
    reported = [i for i, day in enumerate(curve.days) if last is None or day <= last]
    figure.add_scatter(x=[curve.days[i] for i in reported],
                       y=[curve.registered[i] for i in reported], mode="lines",
                       name="Đã tạo tài khoản", line=dict(color=_LINE["registered"], width=3),
                       hovertemplate="%{x|%d/%m/%Y}: %{y:,.0f} người<extra></extra>")
    if last is not None and reported:  # stopped reporting: after its last report, unknown
        unknown = range(reported[-1], len(curve.days))
        figure.add_scatter(x=[curve.days[i] for i in unknown],
                           y=[curve.registered[i] for i in unknown], mode="lines",
                           name=f"Không báo cáo từ {last:%d/%m} (chưa rõ)",
                           line=dict(color=_LINE["registered"], width=2, dash="dot"),
                           opacity=0.5, hoverinfo="skip")
    if curve.projection:
        (start_day, start_value), (end_day, end_value) = curve.projection
        figure.add_scatter(x=[start_day, end_day], y=[start_value, end_value],
                           mode="lines+markers", name="Dự báo theo tốc độ 7 ngày",
                           line=dict(color=_LINE["projection"], width=2, dash="dashdot"),
                           marker=dict(symbol="diamond", size=7),
                           hovertemplate="Dự báo %{x|%d/%m/%Y}: %{y:,.0f}<extra></extra>")
    if curve.days:
        figure.add_scatter(x=[curve.days[-1]], y=[curve.expected], mode="markers",
                           name=f"Cần đạt đến nay ({fmt.number(curve.expected)})",
                           marker=dict(color=_LINE["expected"], symbol="line-ew-open", size=16,
                                       line=dict(width=3)),
                           hovertemplate="Cần đạt đến %{x|%d/%m/%Y}: %{y:,.0f}<extra></extra>")
    figure.update_xaxes(tickformat="%d/%m", hoverformat="%d/%m/%Y", showgrid=False)
    figure.update_yaxes(tickformat=",.0f", rangemode="tozero", title=None)
    return _layout(figure, 340)


def daily_registrations(daily) -> go.Figure:
    """New registrations each day (bars) and their 7-day average (a line, the cards' pace).
    `daily`: services.dashboard.DailyNew."""
    figure = go.Figure()
    figure.add_bar(x=daily.days, y=daily.new, name="Tạo tài khoản mới trong ngày",
                   marker=dict(color="#9ECAE1"),
                   hovertemplate="%{x|%d/%m/%Y}: %{y:,.0f} người<extra></extra>")
    figure.add_scatter(x=daily.days, y=daily.average, mode="lines", name="Trung bình 7 ngày",
                       line=dict(color=_LINE["registered"], width=2.5),
                       hovertemplate="Trung bình 7 ngày đến %{x|%d/%m/%Y}: %{y:,.1f} người/ngày"
                                     "<extra></extra>")
    figure.update_xaxes(tickformat="%d/%m", hoverformat="%d/%m/%Y", showgrid=False)
    figure.update_yaxes(tickformat=",.0f", title=None)
    return _layout(figure, 260)


def ranking(units: Sequence, value_title: str = "Tỷ lệ đã tạo tài khoản",
            changes: Mapping | None = None) -> go.Figure:
    """Horizontal bars of each unit's percent, furthest behind on top, one trace per status so the
    legend names every colour; at-risk and behind bars are also hatched. A black tick on each bar
    marks the level needed by now (`standing.expected`). A bar ending near the dashed 100% line
    carries its percent inside its end, so no label is drawn across the line. The legend is above
    the plot, clear of the axis title at any width. `units`: UnitProgress; `changes`: their
    PlaceChange by code, written after each name (`Hồng Hà ▼1`)."""
    shown = [u for u in units if u.standing.percent is not None]
    names = {id(u): chart_text(u.name) + (f" {fmt.place_move(changes[u.code].moved)}"
                                          if changes and u.code in changes else "")
             for u in shown}
    order = [names[id(u)] for u in shown]
    figure = go.Figure()
    for status in fmt.STATUS_LABELS:
        members = [u for u in shown if u.standing.status == status]
        if not members:
            continue
        figure.add_bar(
            orientation="h", name=fmt.status_label(status), showlegend=True,
            x=[u.standing.percent * 100 for u in members],
            y=[names[id(u)] for u in members],
            text=[_label(u) for u in members],
            textposition=[_label_position(u.standing.percent) for u in members],
            insidetextanchor="end", cliponaxis=False,
            insidetextfont=dict(color=fmt.STATUS_TEXT_COLOURS[status]),
            marker=dict(color=fmt.STATUS_COLOURS[status],
                        pattern=dict(shape=fmt.STATUS_PATTERNS[status], fillmode="overlay",
                                     fgcolor="#FFFFFF", solidity=0.25)),
            customdata=[[fmt.number(u.standing.registered), fmt.number(u.standing.size),
                         fmt.status_label(status), fmt.percent(_needed_share(u))]
                        for u in members],
            hovertemplate=("<b>%{y}</b><br>%{customdata[0]} / %{customdata[1]} người (%{text})"
                           "<br>Cần đạt đến nay: %{customdata[3]}<br>%{customdata[2]}"
                           "<extra></extra>"))
    needed = [u for u in shown if _needed_share(u) is not None]
    if needed:
        figure.add_scatter(
            x=[_needed_share(u) * 100 for u in needed], y=[names[id(u)] for u in needed],
            text=[fmt.percent(_needed_share(u)) for u in needed], mode="markers",
            name="Cần đạt đến nay", cliponaxis=False,
            marker=dict(symbol="line-ns", size=18, color="#000000", line=dict(width=3)),
            hovertemplate="<b>%{y}</b><br>Cần đạt đến nay: %{text}<extra></extra>")
    figure.add_vline(x=100, line=dict(color="#000000", width=1, dash="dash"))
    top = max([u.standing.percent * 100 for u in shown] + [100])
    figure.update_xaxes(range=[0, top * 1.2], ticksuffix="%", title=value_title)
    figure.update_yaxes(categoryorder="array", categoryarray=order[::-1], title=None,
                        automargin=True)
    figure.update_layout(barmode="overlay", bargap=0.25)
    _layout(figure, 150 + 28 * max(len(shown), 1))
    return figure.update_layout(legend=dict(yanchor="bottom", y=1.02))


# A label outside a bar ending in this band (percent) would be drawn across the 100% line, even
# at phone width (a label is about a fifth of a 390 px chart): it goes inside the bar's end.
_INSIDE = (0.70, 1.04)


def _label_position(percent: float) -> str:
    return "inside" if _INSIDE[0] <= percent <= _INSIDE[1] else "outside"


def _label(unit) -> str:
    note = silent_note(unit)
    return fmt.percent(unit.standing.percent) + (f" · {note}" if note else "")


def _needed_share(unit) -> float | None:
    """The share of the unit's people needed by now (its expected level), or None."""
    standing = unit.standing
    return standing.expected / standing.size if standing.size else None
