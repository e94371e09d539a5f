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
