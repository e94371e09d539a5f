"""Vietnamese formats (Babel, vi_VN): 12.345; 45,6%; 30/08/2024. And the status labels and colours.

No Streamlit here: services (the daily summary, the city report) and charts use it too.
"""
from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from text import local_time

LOCALE = "vi_VN"
NONE = "—"
PLOTLY_SEPARATORS = ",."  # decimal comma, thousands dot: plotly's `layout.separators`

STATUS_LABELS = {"reached": "Đã đạt", "on_track": "Đúng tiến độ", "at_risk": "Có nguy cơ chậm",
                 "behind": "Chậm tiến độ", "no_target": "Chưa có chỉ tiêu"}
STATUS_ICONS = {"reached": "✔", "on_track": "●", "at_risk": "▲", "behind": "✖", "no_target": "○"}
# Okabe-Ito: told apart with every common colour-vision deficiency; always shown with the label.
STATUS_COLOURS = {"reached": "#0072B2", "on_track": "#009E73", "at_risk": "#E69F00",
                  "behind": "#D55E00", "no_target": "#999999"}
STATUS_TEXT_COLOURS = {"reached": "#FFFFFF", "on_track": "#FFFFFF", "at_risk": "#000000",
                       "behind": "#FFFFFF", "no_target": "#000000"}
STATUS_FILLS = {"reached": "#CCE3F0", "on_track": "#CCECE3", "at_risk": "#FAECCC",
                "behind": "#F7DFCC", "no_target": "#EBEBEB"}  # light tints, for table cells
STATUS_PATTERNS = {"reached": "", "on_track": "", "at_risk": "/", "behind": "x", "no_target": "."}
STATUS_RULES = ("✔ Đã đạt: đủ chỉ tiêu. ● Đúng tiến độ: tốc độ 7 ngày qua đủ để đạt chỉ tiêu đúng "
                "hạn. ▲ Có nguy cơ chậm: tốc độ chưa đủ nhưng vẫn trên mức cần đạt đến nay. "
                "✖ Chậm tiến độ: dưới mức cần đạt và tốc độ chưa đủ, hoặc đã quá hạn mà chưa đạt.")


def number(value: float | None, decimals: int = 0) -> str:
    """12345 -> `12.345`; 1234.56 with one decimal -> `1.234,6`."""
    if value is None:
        return NONE
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def percent(share: float | None, decimals: int = 1) -> str:
    """0.456 -> `45,6%`."""
    if share is None:
        return NONE
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(share, format=pattern, locale=LOCALE)


def pace(per_day: float | None) -> str:
    """People per day, always with one decimal, so a column reads alike: `2,0`, `3,4`, `2.082,0`."""
    return number(per_day, 1)


def day(value: date | None) -> str:
    """`30/08/2024`."""
    return NONE if value is None else format_date(value, "dd/MM/yyyy", locale=LOCALE)


def short_day(value: date | None) -> str:
    """`30/08`."""
    return NONE if value is None else format_date(value, "dd/MM", locale=LOCALE)


def moment(value: datetime | None) -> str:
    """A stored UTC time in Vietnam's time: `30/08/2024 14:05`."""
    if value is None:
        return NONE
    return format_datetime(local_time(value), "dd/MM/yyyy HH:mm", locale=LOCALE)


def status_label(status: str) -> str:
    """The status with its sign, readable without colour: `▲ Có nguy cơ chậm`."""
    return f"{STATUS_ICONS[status]} {STATUS_LABELS[status]}"


def days_left(left: int) -> str:
    """Days to the deadline: `còn 18 ngày`, `hôm nay là hạn chót`, `đã quá hạn 5 ngày`."""
    if left > 0:
        return f"còn {number(left)} ngày"
    return "hôm nay là hạn chót" if left == 0 else f"đã quá hạn {number(-left)} ngày"


def place_rule(days: int) -> str:
    return (f"▲2 / ▼1 / =: lên 2 bậc / xuống 1 bậc / giữ nguyên thứ hạng so với {days} ngày "
            "trước (hạng 1: tỷ lệ cao nhất).")


def place_move(moved: int | None) -> str:
    """Places gained in the ranking: `▲2`, `▼1`, `=`; `—` without an earlier place."""
    if moved is None:
        return NONE
    return "=" if moved == 0 else f"{'▲' if moved > 0 else '▼'}{abs(int(moved))}"


def file_size(size: int) -> str:
    """Bytes as a file size, 1 KB = 1.024 byte: `512 byte`, `31,6 KB`, `50,0 MB`."""
    if size < 1024:
        return f"{number(size)} byte"
    if size < 1024 * 1024:
        return f"{number(size / 1024, 1)} KB"
    return f"{number(size / 1024 / 1024, 1)} MB"
