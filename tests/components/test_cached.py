"""The pages' cache: its key changes with imports, undos and directory edits, not with sign-ins, and
every leader shares one entry per view."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from components import cached, charts
from db import session_scope
from models import Commune
from services import dashboard, picture
from services.auth import AccountError, Actor, authenticate, create_user, record_logout
from services.admin import update_unit
from services.uploads import undo_upload
from tests.dashboard_data import add_counts, cluster_id, d

ADMIN = Actor("quantri", "admin", None, None)


@pytest.fixture
def url(district, use_database):
    return use_database(district.url.render_as_string(hide_password=False))


def test_sign_ins_and_logouts_keep_the_cache_key(url, district):
    before = cached._source()
    create_user("lanhdao1", "mat-khau-dai-du", "leader", engine=district)
    actor = authenticate("lanhdao1", "mat-khau-dai-du", engine=district)
    with pytest.raises(AccountError):
        authenticate("lanhdao1", "sai-mat-khau", engine=district)
    record_logout(actor, engine=district)
    assert cached._source() == before


def test_an_import_an_undo_and_a_directory_edit_change_the_cache_key(url, district):
    keys = [cached._source()]
    upload = add_counts(district, d(10), [("DONGTHAP-01", 100, 100)])
    keys.append(cached._source())
    undo_upload(upload, username="quantri", engine=district)
    keys.append(cached._source())
    with session_scope(district) as session:
        unit = cluster_id(session, "DONGTHAP-01")
    update_unit(ADMIN, "cluster", unit, {"name": "Cụm Một"}, engine=district)
    keys.append(cached._source())
    assert len(set(keys)) == 4


def test_leaders_share_one_commune_view_and_a_commune_account_has_its_own(url, district,
                                                                         monkeypatch):
    computed = []
    real = dashboard.commune_view

    def counting(code, as_of, *, actor, engine):
        computed.append(actor)
        return real(code, as_of, actor=actor, engine=engine)

    monkeypatch.setattr(dashboard, "commune_view", counting)
    cached._commune.clear()
    clerk = Actor("xa.dongthap", "commune", _commune_id(district, "DONGTHAP"), None)
    for actor in (Actor("lanhdao1", "leader", None, None), Actor("lanhdao2", "leader", None, None),
                  ADMIN, clerk, clerk):
        assert cached.commune("DONGTHAP", d(12), actor).code == "DONGTHAP"
    assert computed == [None, clerk]


def _commune_id(engine, code: str) -> int:
    with session_scope(engine) as session:
        return session.execute(select(Commune.id).where(Commune.code == code)).scalar_one()


def test_the_charts_are_built_once_per_data_version(url, district):
    add_counts(district, d(10), [("DONGTHAP-01", 100, 100)])
    figures = cached.overview_charts(d(12))
    assert cached.overview_charts(d(12)).ranking is figures.ranking
    data = cached.overview(d(12))
    assert [c.to_dict() for c in figures.curves] == [charts.campaign_curve(c).to_dict()
                                                     for c in data.campaigns]
    assert [c.to_dict() for c in figures.daily] == [
        charts.daily_registrations(dashboard.daily_new(c.curve)).to_dict() for c in data.campaigns]
    assert figures.ranking.to_dict() == charts.ranking(
        data.areas, changes=data.place_changes).to_dict()
    add_counts(district, d(12), [("DONGTHAP-01", 200, 200)])
    assert cached.overview_charts(d(12)).ranking is not figures.ranking
    commune = cached.commune_charts("DONGTHAP", d(12), None)
    view = cached.commune("DONGTHAP", d(12), None)
    assert commune.curve.to_dict() == charts.campaign_curve(view.progress).to_dict()
    assert commune.clusters.to_dict() == charts.ranking(view.clusters).to_dict()


def test_the_picture_is_drawn_once_per_data_version_from_the_cached_overview(url, district,
                                                                             monkeypatch):
    drawn = []
    monkeypatch.setattr(picture, "overview_png", lambda data: drawn.append(data) or b"png")
    cached._overview_picture.clear()
    add_counts(district, d(10), [("DONGTHAP-01", 100, 100)])
    assert cached.overview_picture(d(12)) == cached.overview_picture(d(12)) == b"png"
    assert drawn == [cached.overview(d(12))]
    add_counts(district, d(12), [("DONGTHAP-01", 200, 200)])
    cached.overview_picture(d(12))
    assert len(drawn) == 2
    assert drawn[-1].campaigns[1].standing.registered == 200


def test_the_pages_draw_the_cached_figures(url, district, monkeypatch):
    """The overview and a commune draw the figures components.cached built: a second session on
    the same data version builds no chart."""
    from pathlib import Path
    from streamlit.testing.v1 import AppTest
    add_counts(district, d(10), [("DONGTHAP-01", 100, 100)])
    root = Path(__file__).resolve().parents[2]

    def view(page: str) -> AppTest:
        app = AppTest.from_file(str(root / "pages" / f"{page}.py"), default_timeout=60)
        app.session_state["actor"] = ADMIN
        app.query_params["ngay"] = "2024-07-10"  # the only report date
        app.query_params["xa"] = "DONGTHAP"
        app.run()
        assert not app.exception
        return app

    for page, count in (("overview", 5), ("commune", 2)):
        first = view(page).get("plotly_chart")
        built = []
        with monkeypatch.context() as patch:
            for name in ("campaign_curve", "daily_registrations", "ranking"):
                patch.setattr(charts, name, lambda *a, _n=name, **k: built.append(_n))
            second = view(page).get("plotly_chart")
        assert len(first) == len(second) == count and built == []
        assert [c.proto.spec for c in second] == [c.proto.spec for c in first]
