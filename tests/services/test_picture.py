"""The overview's picture for the Zalo groups: a PNG 1080 px wide, drawn from the overview's own
figures."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from PIL import Image

from db import get_engine
from services import dashboard, picture


@pytest.fixture(scope="module")
def demo_overviews(demo_database):
    engine = get_engine(demo_database)
    return {day: dashboard.overview(day, engine=engine)
            for day in (date(2024, 8, 12), date(2024, 8, 30))}


def size(png: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.size


def test_the_picture_is_1080_px_wide_and_a_phone_screen_or_two_high(demo_overviews):
    width, height = size(picture.overview_png(demo_overviews[date(2024, 8, 30)]))
    assert width == 1080
    assert 1500 <= height <= 2200  # the demo's 16 communes


def test_the_picture_changes_with_the_as_of_date(demo_overviews):
    early, late = (picture.overview_png(o) for o in demo_overviews.values())
    assert early != late


def test_the_height_follows_the_ranking(demo_overviews):
    data = demo_overviews[date(2024, 8, 30)]
    _, sixteen = size(picture.overview_png(data))
    _, forty_eight = size(picture.overview_png(replace(data, areas=data.areas * 3)))
    assert forty_eight - sixteen == 32 * picture.ROW


def test_names_that_look_like_mathtext_are_drawn_as_typed(demo_overviews):
    data = demo_overviews[date(2024, 8, 12)]
    hostile = [replace(data.areas[0], name=r"Cụm $\frac{1$"), replace(data.areas[1], name="$x$")]
    png = picture.overview_png(replace(data, areas=hostile + data.areas[2:],
                                       name=r"Huyện $\alpha$"))
    assert size(png)[0] == 1080


def test_an_overview_without_any_ranked_unit_still_has_its_cards(demo_overviews):
    data = demo_overviews[date(2024, 8, 12)]
    assert size(picture.overview_png(replace(data, areas=[])))[0] == 1080


def test_the_picture_names_the_units_not_reporting_as_the_summary_does(demo_overviews):
    data = demo_overviews[date(2024, 8, 30)]
    assert data.not_reporting == ("Chưa báo cáo 3 ngày trở lên: Hồng Hà (8 thôn, cụm, báo cáo "
                                  "cuối 14/08).")
    assert data.summary.endswith(data.not_reporting)
