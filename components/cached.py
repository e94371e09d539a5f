"""The dashboard reads, cached for the pages (the read boundary: Streamlit's cache, nothing else).

Every key holds the database URL and the figures' version (`dashboard.figures_version`: uploads,
highest upload id, undone uploads, latest audit event not about an account), so that an import, an
undo or a directory edit shows on the next view, and a sign-in empties no cache. Keys hold the part
of the account the figures depend on (`dashboard.view_scope`), so that every leader shares one
entry per view. The charts (plotly figures, ~100 ms to build per overview on the demo, against
~10 ms to send them) are kept as built objects (`st.cache_resource`, shared by every session,
never modified by the pages: st.plotly_chart reads a copy).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go

import streamlit as st

from components import charts
from db import get_engine
from services import analytics, city_report, dashboard, quality, verification
from services.auth import Actor
from settings import current


def _source() -> tuple[str, tuple]:
    url = current().database_url
    return url, dashboard.figures_version(get_engine(url))


def date_bounds() -> tuple[date, date] | None:
    return _date_bounds(*_source())


def district_choices() -> list[tuple[str, str]]:
    return _district_choices(*_source())


def overview(as_of: date | None, district: str | None = None) -> dashboard.Overview:
    return _overview(*_source(), as_of, district)


def overview_picture(as_of: date | None, district: str | None = None) -> bytes:
    """The overview as a PNG for the Zalo groups (services.picture), drawn once per data version."""
    return _overview_picture(*_source(), as_of, district)


def commune_choices(actor: Actor | None, district: str | None = None,
                    as_of: date | None = None) -> list[tuple[str, str]]:
    return _commune_choices(*_source(), dashboard.view_scope(actor), district, as_of)


def commune(code: str, as_of: date | None,
            actor: Actor | None) -> dashboard.CommuneView | None:
    return _commune(*_source(), code, as_of, dashboard.view_scope(actor))


@dataclass(frozen=True)
class OverviewCharts:
    curves: list[go.Figure]  # one per campaign, in the overview's order
    daily: list[go.Figure]  # new registrations per day, one per campaign
    ranking: go.Figure  # the areas, with their moves in the ranking


@dataclass(frozen=True)
class CommuneCharts:
    curve: go.Figure
    clusters: go.Figure  # the ranking of its clusters


def overview_charts(as_of: date | None, district: str | None = None) -> OverviewCharts:
    """The overview's figures, built once per data version and shared by every session: read
    only."""
    return _overview_charts(*_source(), as_of, district)


def commune_charts(code: str, as_of: date | None, actor: Actor | None) -> CommuneCharts:
    """One commune's curve and cluster ranking, built once per data version: read only."""
    return _commune_charts(*_source(), code, as_of, dashboard.view_scope(actor))


def agencies(as_of: date | None, district: str | None = None) -> dashboard.AgenciesView:
    return _agencies(*_source(), as_of, district)


def data_quality(as_of: date | None, stale_days: int,
                 district: str | None = None) -> quality.DataQuality:
    return _data_quality(*_source(), as_of, stale_days, district)


def verification_of(as_of: date | None, actor: Actor | None, *, district: str | None = None,
                    commune: str | None = None) -> verification.Verification | None:
    """Reported beside what the platform's account list confirms (None: no list)."""
    return _verification(*_source(), as_of, district, commune, verification.view_scope(actor))


def city_workbook(as_of: date | None) -> tuple[date, bytes]:
    return _city_workbook(*_source(), as_of)


@st.cache_data(show_spinner=False, max_entries=16)
def _date_bounds(url: str, version: tuple):
    return analytics.date_bounds(get_engine(url))


@st.cache_data(show_spinner=False, max_entries=16)
def _district_choices(url: str, version: tuple):
    return dashboard.district_choices(engine=get_engine(url))


@st.cache_data(show_spinner=False, max_entries=64)
def _overview(url: str, version: tuple, as_of, district):
    return dashboard.overview(as_of, district=district, engine=get_engine(url))


@st.cache_data(show_spinner=False, max_entries=16)
def _overview_picture(url: str, version: tuple, as_of, district):
    from services import picture  # matplotlib loads on the first picture, not with every server
    return picture.overview_png(_overview(url, version, as_of, district))


@st.cache_resource(show_spinner=False, max_entries=64)
def _overview_charts(url: str, version: tuple, as_of, district):
    data = _overview(url, version, as_of, district)
    return OverviewCharts([charts.campaign_curve(c) for c in data.campaigns],
                          [charts.daily_registrations(dashboard.daily_new(c.curve))
                           for c in data.campaigns],
                          charts.ranking(data.areas, changes=data.place_changes))


@st.cache_resource(show_spinner=False, max_entries=256)
def _commune_charts(url: str, version: tuple, code, as_of, actor):
    view = _commune(url, version, code, as_of, actor)
    return CommuneCharts(charts.campaign_curve(view.progress), charts.ranking(view.clusters))


@st.cache_data(show_spinner=False, max_entries=16)
def _commune_choices(url: str, version: tuple, actor, district, as_of):
    return dashboard.commune_choices(actor, district=district, as_of=as_of,
                                     engine=get_engine(url))


@st.cache_data(show_spinner=False, max_entries=256)
def _commune(url: str, version: tuple, code, as_of, actor):
    return dashboard.commune_view(code, as_of, actor=actor, engine=get_engine(url))


@st.cache_data(show_spinner=False, max_entries=64)
def _agencies(url: str, version: tuple, as_of, district):
    return dashboard.agencies_view(as_of, district=district, engine=get_engine(url))


@st.cache_data(show_spinner=False, max_entries=64)
def _data_quality(url: str, version: tuple, as_of, stale_days, district):
    return quality.data_quality(as_of, district=district, stale_days=stale_days,
                                engine=get_engine(url))


@st.cache_data(show_spinner=False, max_entries=64)
def _verification(url: str, version: tuple, as_of, district, commune, actor):
    return verification.verification(as_of, district=district, commune=commune, actor=actor,
                                     engine=get_engine(url))


@st.cache_data(show_spinner="Đang lập báo cáo…", max_entries=8)
def _city_workbook(url: str, version: tuple, as_of):
    return city_report.workbook(as_of, engine=get_engine(url))
