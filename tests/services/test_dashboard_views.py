"""What the dashboard pages show, on a small district history whose figures are worked out by hand.

As of 12/7/2024 (the residents' campaign began 5/7, ends 30/8: 49 days left; the staff's ends 25/7):
- Đồng Tháp, Cụm 1 (target 2,108): 100 on 5/7 (imported that day), 800 on 12/7 (imported 15/7);
- Hồng Hà, Cụm 1 (1,088): 300 on 10/7, 250 on 11/7 (down); Cụm 2 (898): 900 on 10/7 (over 100%);
- Văn phòng HĐND và UBND huyện (CQ01, 11 staff): 11 on 10/7; Phòng Nội vụ (CQ02, 18): 9 on 12/7.
Residents day by day from 5/7: 100 … 100 (9/7), 1,300 (10/7), 1,250 (11/7), 1,950 (12/7).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from db import session_scope
from models import Cluster, Commune
from services.auth import Actor
from services.dashboard import agencies_view, commune_choices, commune_view, overview
from services.quality import data_quality
from services.scope import ScopeRefused
from tests.dashboard_data import add_counts, add_upload, d

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = d(12)


def imported(day: int) -> datetime:
    return datetime(2024, 7, day, 17, tzinfo=VIETNAM)


@pytest.fixture
def history(district):
    add_counts(district, d(5), [("DONGTHAP-01", 100, 100)], created_at=imported(5))
    add_counts(district, d(12), [("DONGTHAP-01", 800, 820)], created_at=imported(15))
    add_counts(district, d(10), [("HONGHA-01", 300, 300), ("HONGHA-02", 900, 905)],
               created_at=imported(10))
    add_counts(district, d(11), [("HONGHA-01", 250, 260)], created_at=imported(11))
    add_counts(district, d(10), [("CQ01", 11, 11)], unit="agency")
    add_counts(district, d(12), [("CQ02", 9, 9)], unit="agency")
    return district


# ---------------------------------------------------------------- overview


def test_overview_campaign_cards(history):
    staff, residents = overview(AS_OF, engine=history).campaigns
    s = residents.standing
    assert (residents.key, residents.days_left, s.size, s.registered, s.installed) == \
        ("residents", 49, 135746, 1950, 1985)
    assert s.expected == pytest.approx(135746 * 7 / 56)          # 16,968.25
    assert s.pace == pytest.approx((1950 - 100) / 7)              # 264.3 a day
    assert s.needed_pace == pytest.approx((135746 - 1950) / 49)  # 2,730.5 a day
    assert s.projected == AS_OF + timedelta(days=507)             # 133,796 / 264.3 = 506.3
    assert s.status == "behind" and s.last_report == d(12)
    t = staff.standing
    assert (staff.days_left, t.size, t.registered) == (13, 2739, 20)
    assert t.expected == pytest.approx(2739 * 7 / 20)
    assert t.pace == pytest.approx(20 / 7)
    assert t.needed_pace == pytest.approx((2739 - 20) / 13)
    assert t.status == "behind"


def test_overview_curve_has_the_daily_figures_and_the_projection_to_the_deadline(history):
    residents = overview(AS_OF, engine=history).campaigns[1]
    curve = residents.curve
    assert curve.days == [d(n) for n in range(5, 13)]
    assert curve.registered == [100, 100, 100, 100, 100, 1300, 1250, 1950]
    assert (curve.start, curve.deadline, curve.target) == (d(5), d(30, 8), 135746)
    (start_day, start_value), (end_day, end_value) = curve.projection
    assert (start_day, start_value, end_day) == (AS_OF, 1950, d(30, 8))
    assert end_value == pytest.approx(1950 + 1850 / 7 * 49)  # 14,900


def test_overview_ranks_the_communes_furthest_behind_first(history):
    communes = overview(AS_OF, engine=history).areas
    assert len(communes) == 16
    assert [c.name for c in communes[:5]] == ["Đan Phượng", "Hạ Mỗ", "Liên Hà", "Liên Hồng",
                                               "Liên Trung"]  # 0%, by name
    dong_thap, hong_ha = communes[-2:]
    assert (dong_thap.name, dong_thap.standing.registered, dong_thap.standing.size) == \
        ("Đồng Tháp", 800, 10062)
    assert (hong_ha.name, hong_ha.standing.registered, hong_ha.standing.size) == \
        ("Hồng Hà", 1150, 7961)
    assert hong_ha.standing.percent == pytest.approx(1150 / 7961)


def test_overview_lists_the_agencies_below_100_percent(history):
    behind = overview(AS_OF, engine=history).agencies_behind
    assert len(behind) == 79  # all but CQ01, at 11/11
    assert (behind[-1].code, behind[-1].standing.percent) == ("CQ02", 0.5)
    assert "CQ01" not in {a.code for a in behind}


def test_daily_summary_states_both_campaigns_the_lowest_units_and_the_silent_ones(history):
    lines = overview(AS_OF, engine=history).summary.splitlines()
    assert lines[0] == "TIẾN ĐỘ CÀI ĐẶT iHaNoi HUYỆN ĐAN PHƯỢNG, số liệu đến ngày 12/07/2024"
    assert lines[1] == ("1. Cán bộ, công chức, viên chức, người lao động: 20/2.739 người đã tạo "
                        "tài khoản (0,7%); hạn 25/07/2024, còn 13 ngày; cần 209,2 người/ngày, 7 ngày "
                        "qua 2,9 người/ngày. Đánh giá: Chậm tiến độ.")
    assert lines[2] == ("2. Người dân trong diện (từ 15 tuổi, có điện thoại thông minh): "
                        "1.950/135.746 người đã tạo tài khoản (1,4%); hạn 30/08/2024, còn 49 ngày; "
                        "cần 2.730,5 người/ngày, 7 ngày qua 264,3 người/ngày. Đánh giá: Chậm tiến độ.")
    assert lines[3] == ("5 xã, thị trấn thấp nhất: Đan Phượng 0,0%; Hạ Mỗ 0,0%; Liên Hà 0,0%; "
                        "Liên Hồng 0,0%; Liên Trung 0,0%.")
    assert lines[4].startswith("5 cơ quan, đơn vị thấp nhất: ")
    assert lines[5].startswith("Chưa báo cáo 3 ngày trở lên: ")
    assert "Hồng Hà (6 thôn, cụm, chưa báo cáo lần nào)" in lines[5]
    assert lines[5].endswith("đơn vị khác.")  # 16 communes' clusters and 78 agencies: cut short


# ---------------------------------------------------------------- one commune, the agencies


def test_commune_view_ranks_its_clusters_and_draws_its_own_curve(history):
    view = commune_view("DONGTHAP", AS_OF, engine=history)
    assert [c.name for c in view.clusters] == ["Cụm 2", "Cụm 3", "Cụm 4", "Cụm 5", "Cụm 1"]
    cum1 = view.clusters[-1].standing
    assert (cum1.registered, cum1.size, cum1.last_report) == (800, 2108, d(12))
    assert cum1.pace == pytest.approx(100)                       # 100 -> 800 in 7 days
    assert cum1.needed_pace == pytest.approx((2108 - 800) / 49)  # 26.7: on track
    assert cum1.status == "on_track"
    assert cum1.projected == d(26)                               # 1,308 / 100 = 13.1 -> 14 days
    commune = view.progress.standing
    assert (commune.registered, commune.size, commune.status) == (800, 10062, "behind")
    assert commune.expected == pytest.approx(10062 / 8)          # 1,257.75 > 800
    assert view.progress.curve.registered == [100] * 7 + [800]
    assert [a.code for a in view.agencies] == ["MN-DONGTHAP", "THCS-DONGTHAP", "TH-DONGTHAP",
                                               "UB-DONGTHAP"]  # all at 0%, by name


def test_commune_view_of_an_unknown_commune_is_none(history):
    assert commune_view("NOWHERE", AS_OF, engine=history) is None


def test_a_commune_account_may_open_only_its_own_commune(history):
    with session_scope(history) as session:
        hong_ha = session.execute(select(Commune.id).where(Commune.code == "HONGHA")).scalar_one()
    assert commune_choices(Actor("xa", "commune", commune_id=hong_ha), engine=history) == [
        ("HONGHA", "Hồng Hà")]
    assert len(commune_choices(Actor("ld", "leader"), engine=history)) == 16
    own = commune_view("HONGHA", AS_OF, actor=Actor("xa", "commune", commune_id=hong_ha),
                       engine=history)
    assert own.name == "Hồng Hà"
    with pytest.raises(ScopeRefused):
        commune_view("DONGTHAP", AS_OF, actor=Actor("xa", "commune", commune_id=hong_ha),
                     engine=history)


def test_agencies_by_kind_with_those_below_100_percent_first(history):
    view = agencies_view(AS_OF, engine=history)
    assert [g.name for g in view.groups] == ["Phòng, ban, đơn vị huyện", "UBND xã, thị trấn",
                                             "Trường học"]
    district = view.groups[0]
    assert [a.code for a in district.agencies[-2:]] == ["CQ02", "CQ01"]  # 50%, then 100%
    assert district.agencies[-1].standing.status == "reached"
    assert district.agencies[-1].standing.reached_on == d(10)
    assert (district.standing.registered, district.standing.size) == (20, 465)
    assert view.campaign.standing.registered == 20


# ---------------------------------------------------------------- data quality


def test_silent_units_never_reported_or_not_for_n_days(history):
    quality = data_quality(AS_OF, stale_days=3, engine=history)
    # 129 - 3 clusters and 80 - 2 agencies never reported; the others did within 2 days
    assert len(quality.silent) == 126 + 78
    assert all(s.days is None for s in quality.silent)
    quality = data_quality(AS_OF, stale_days=2, engine=history)
    # now Hồng Hà's Cụm 2 and CQ01, both last reporting on 10/7, are silent too
    assert {(s.unit.code, s.days) for s in quality.silent if s.days is not None} == {
        ("HONGHA-02", 2), ("CQ01", 2)}


def test_completeness_and_timeliness_per_commune(history):
    rates = {r.commune_code: r for r in data_quality(AS_OF, stale_days=3,
                                                      engine=history).reporting}
    # periods: 5-6/7, 7-9/7, 10-12/7. Đồng Tháp: 5 clusters x 3 = 15 expected; Cụm 1 reported in
    # the first (imported on time) and the last (imported 15/7, after 13/7: late)
    dong_thap = rates["DONGTHAP"]
    assert (dong_thap.expected, dong_thap.received, dong_thap.on_time) == (15, 2, 1)
    assert dong_thap.completeness == pytest.approx(2 / 15)
    assert dong_thap.timeliness == pytest.approx(1 / 15)
    hong_ha = rates["HONGHA"]  # 8 clusters x 3 = 24; Cụm 1 and Cụm 2 in the last, on time
    assert (hong_ha.expected, hong_ha.received, hong_ha.on_time) == (24, 2, 2)
    assert (rates["THOAN"].received, rates["THOAN"].completeness) == (0, 0)


def test_figures_above_the_target_and_going_down(history):
    quality = data_quality(AS_OF, engine=history)
    [over] = quality.over_target
    assert (over.unit.code, over.size, over.registered, over.installed) == ("HONGHA-02", 898, 900,
                                                                             905)
    assert over.percent == pytest.approx(905 / 898)
    [down] = quality.decreases
    assert (down.unit.code, down.before.day, down.before.registered, down.after.day,
            down.after.registered) == ("HONGHA-01", d(10), 300, d(11), 250)


def test_units_without_a_target(history):
    assert data_quality(AS_OF, engine=history).no_target == []
    with session_scope(history) as session:
        commune = session.execute(select(Commune).where(Commune.code == "DONGTHAP")).scalar_one()
        session.add(Cluster(code="DONGTHAP-06", commune_id=commune.id, name="Cụm 6"))
    [missing] = data_quality(AS_OF, engine=history).no_target
    assert (missing.code, missing.name, missing.commune) == ("DONGTHAP-06", "Cụm 6", "Đồng Tháp")


def test_imports_with_rejected_rows_not_undone_up_to_the_date(history):
    with session_scope(history) as session:
        kept = add_upload(session, "counts", d(11), rows_read=5, rows_rejected=2,
                          report={"errors": [{"message": "Không tìm thấy “Cụm 9”"}]})
        add_upload(session, "counts", d(11), rows_read=5, rows_rejected=1,
                   undone_at=imported(12))
        add_upload(session, "counts", d(20), rows_read=5, rows_rejected=1)
    [rejected] = data_quality(AS_OF, engine=history).rejected_imports
    assert (rejected.upload_id, rejected.rows_read, rejected.rows_rejected, rejected.first_error) \
        == (kept, 5, 2, "Không tìm thấy “Cụm 9”")


# ---------------------------------------------------------------- a new database


def test_an_empty_database_gives_empty_views(engine):
    assert overview(d(12), engine=engine).is_empty
    assert agencies_view(d(12), engine=engine).is_empty
    assert data_quality(d(12), engine=engine).is_empty
    assert commune_view("DONGTHAP", d(12), engine=engine) is None
    assert commune_choices(engine=engine) == []


def test_a_directory_without_reports_shows_zeros_as_of_the_given_date(district):
    view = overview(d(12), engine=district)
    assert not view.is_empty
    assert [c.standing.registered for c in view.campaigns] == [0, 0]
    assert all(c.standing.status == "behind" for c in view.campaigns)
