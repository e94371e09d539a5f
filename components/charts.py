"""Plotly figure builders: Vietnamese numbers and dates, status colours with patterns and labels."""
from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from components import format as fmt
from components.safe_text import chart_text

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
    figure.add_scatter(x=curve.days, y=curve.registered, mode="lines", name="Đã tạo tài khoản",
                       line=dict(color=_LINE["registered"], width=3),
                       hovertemplate="%{x|%d/%m/%Y}: %{y:,.0f} người<extra></extra>")
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


def ranking(units: Sequence, value_title: str = "Tỷ lệ đã tạo tài khoản") -> go.Figure:
    """Horizontal bars of each unit's percent, furthest behind on top, one trace per status so the
    legend names every colour; at-risk and behind bars are also hatched. `units`: UnitProgress."""
    shown = [u for u in units if u.standing.percent is not None]
    order = [chart_text(u.name) for u in shown]
    figure = go.Figure()
    for status in fmt.STATUS_LABELS:
        members = [u for u in shown if u.standing.status == status]
        if not members:
            continue
        figure.add_bar(
            orientation="h", name=fmt.status_label(status), showlegend=True,
            x=[u.standing.percent * 100 for u in members],
            y=[chart_text(u.name) for u in members],
            text=[fmt.percent(u.standing.percent) for u in members], textposition="outside",
            cliponaxis=False,
            marker=dict(color=fmt.STATUS_COLOURS[status],
                        pattern=dict(shape=fmt.STATUS_PATTERNS[status], fillmode="overlay",
                                     fgcolor="#FFFFFF", solidity=0.25)),
            customdata=[[fmt.number(u.standing.registered), fmt.number(u.standing.size),
                         fmt.status_label(status)] for u in members],
            hovertemplate=("<b>%{y}</b><br>%{customdata[0]} / %{customdata[1]} người (%{text})"
                           "<br>%{customdata[2]}<extra></extra>"))
    figure.add_vline(x=100, line=dict(color="#000000", width=1, dash="dash"))
    top = max([u.standing.percent * 100 for u in shown] + [100])
    figure.update_xaxes(range=[0, top * 1.15], ticksuffix="%", title=value_title)
    figure.update_yaxes(categoryorder="array", categoryarray=order[::-1], title=None,
                        automargin=True)
    figure.update_layout(barmode="overlay", bargap=0.25)
    return _layout(figure, 110 + 28 * max(len(shown), 1))
