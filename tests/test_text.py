"""Vietnamese text helpers: today's date is Vietnam's, not the server's."""
from datetime import date, datetime, timedelta, timezone

from text import vietnam_today


def test_before_seven_in_the_morning_vietnam_is_already_on_the_next_day():
    # 23:30 UTC on 1 August is 06:30 on 2 August in Hà Nội (UTC+7).
    assert vietnam_today(datetime(2024, 8, 1, 23, 30, tzinfo=timezone.utc)) == date(2024, 8, 2)


def test_after_five_in_the_afternoon_utc_the_dates_agree_again():
    assert vietnam_today(datetime(2024, 8, 2, 16, 59, tzinfo=timezone.utc)) == date(2024, 8, 2)
    assert vietnam_today(datetime(2024, 8, 2, 17, 0, tzinfo=timezone.utc)) == date(2024, 8, 3)


def test_a_time_in_another_zone_is_converted_not_read_as_local():
    paris = timezone(timedelta(hours=2))
    assert vietnam_today(datetime(2024, 8, 1, 20, 0, tzinfo=paris)) == date(2024, 8, 2)


# ---------------------------------------------------------------- unit names as offices write them
import pytest  # noqa: E402

from text import commune_key, unit_key  # noqa: E402


@pytest.mark.parametrize("written, directory", [
    ("Trường MN Hoa Sen", "Trường Mầm non Hoa Sen"), ("MN Hoa Sen", "Trường Mầm non Hoa Sen"),
    ("Mầm non Hoa Sen", "Trường Mầm non Hoa Sen"), ("MN Liên Hồng", "Trường Mầm non Liên Hồng"),
    ("TH Phùng", "Trường Tiểu học Phùng"), ("Trường TH Phùng", "Trường Tiểu học Phùng"),
    ("THCS Phùng", "Trường Trung học cơ sở Phùng"), ("Trường THCS Phùng", "THCS Phùng"),
    ("TH-CS Phùng", "Trường THCS Phùng"), ("THPT Đan Phượng", "Trường Trung học phổ thông Đan Phượng"),
    ("UBND xã Thọ An", "Ủy ban nhân dân xã Thọ An"), ("UBND Thọ An", "Uỷ ban nhân dân xã Thọ An"),
    ("UBND TT Phùng", "UBND thị trấn Phùng"), ("HĐND TT Phùng", "Hội đồng nhân dân thị trấn Phùng"),
    ("Văn phòng HĐND và UBND huyện", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện"),
    ("P. Tư pháp", "Phòng Tư pháp"), ("P.Nội vụ", "Phòng Nội vụ"),
    ("TT Y tế huyện", "Trung tâm Y tế huyện"), ("TT Văn hóa - Thể thao", "Trung tâm Văn hóa Thể thao"),
    ("KDC số 3", "Khu dân cư 3"), ("KDC 03", "Khu dân cư số 3"),
    ("Cụm dân cư số 03", "Cụm 3"), ("TDP 4", "Tổ dân phố 4"), ("Thôn số 2", "Thôn 2"),
])
def test_the_abbreviations_offices_write_name_the_same_unit(written, directory):
    assert unit_key(written) == unit_key(directory)


@pytest.mark.parametrize("one, other", [
    ("MN Hoa Sen", "TH Hoa Sen"), ("THCS Phùng", "THPT Phùng"), ("KDC 3", "Cụm 3"),
    ("TT Y tế huyện", "Y tế huyện"), ("UBND TT Phùng", "TT Phùng"), ("HĐND huyện", "UBND huyện"),
])
def test_different_units_stay_apart(one, other):
    assert unit_key(one) != unit_key(other)


@pytest.mark.parametrize("written", ["TT Phùng", "Thị trấn Phùng", "Phùng", "thị trấn Phùng",
                                     "UBND TT Phùng", "Ủy ban nhân dân thị trấn Phùng"])
def test_tt_before_a_commune_name_is_a_town(written):
    assert commune_key(written) == "phung"
