"""Cell values made typed (spec: "Values")."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from importers.normalise import (Invalid, as_text, citizen_id, clean_text, count, excel_serial,
                                 parse_birth, parse_date, phone, yes_no)

# ---------------------------------------------------------------- yes / no

YES = ["x", "X", "✓", "✔", "v", "có", "co", "Có", "CÓ", "đã", "rồi", "1", "yes", "y", "true", "TRUE",
       "đã cài", "đã cài đặt", "Đã cài đặt", "đã tạo", "đã đăng ký", " x ", True, 1, 1.0]
NO = ["", "0", "không", "Không", "chưa", "Chưa", "no", "n", "false", "-", "chưa cài", "chưa cài đặt",
      "chưa tạo", "   ", False, 0, 0.0, None]


@pytest.mark.parametrize("value", YES)
def test_yes_values_are_yes(value):
    assert yes_no(value) is True


@pytest.mark.parametrize("value", NO)
def test_no_values_and_blank_are_no(value):
    assert yes_no(value) is False


@pytest.mark.parametrize("value", ["có lẽ", "2", 2, 0.5, "?", "đang cài", "ok", date(2024, 8, 1)])
def test_other_yes_no_values_are_errors_quoting_the_value(value):
    with pytest.raises(Invalid) as caught:
        yes_no(value)
    assert caught.value.code == "invalid-yes-no"
    assert f"“{as_text(value)}”" in caught.value.message


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("value, expected", [
    ("5/8/2024", date(2024, 8, 5)),
    ("05/08/2024", date(2024, 8, 5)),
    ("12/8/2024", date(2024, 8, 12)),          # day first, never month first
    ("05-08-2024", date(2024, 8, 5)),
    ("05.08.2024", date(2024, 8, 5)),
    ("2024-08-05", date(2024, 8, 5)),
    ("5/8/24", date(2024, 8, 5)),
    (" 05/08/2024 ", date(2024, 8, 5)),
    ("05/08/2024 00:00:00", date(2024, 8, 5)),
    (date(2024, 8, 5), date(2024, 8, 5)),
    (datetime(2024, 8, 5, 14, 30), date(2024, 8, 5)),
    (45509, date(2024, 8, 5)),                  # Excel serial
    (45509.0, date(2024, 8, 5)),
    (45509.75, date(2024, 8, 5)),               # serial with a time of day
    ("45509", date(2024, 8, 5)),                # serial saved as text
    ("ngày 5 tháng 8 năm 2024", date(2024, 8, 5)),
])
def test_dates_are_day_first_in_every_listed_form(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["", None, "  "])
def test_blank_date_is_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize("value", ["31/02/2024", "13/13/2024", "hôm qua", "2024", True, "8/2024", -5])
def test_unreadable_date_raises_invalid_date(value):
    with pytest.raises(Invalid) as caught:
        parse_date(value)
    assert caught.value.code == "invalid-date"


def test_excel_serials_follow_the_1900_date_system():
    assert excel_serial(1) == date(1900, 1, 1)
    assert excel_serial(59) == date(1900, 2, 28)
    assert excel_serial(61) == date(1900, 3, 1)
    assert excel_serial(45292) == date(2024, 1, 1)


# ---------------------------------------------------------------- dates of birth

def test_birth_date_from_date_cell_text_and_serial():
    assert parse_birth(datetime(1971, 5, 18)) == (date(1971, 5, 18), 1971)
    assert parse_birth(date(1971, 5, 18)) == (date(1971, 5, 18), 1971)
    assert parse_birth("06/08/1998") == (date(1998, 8, 6), 1998)
    assert parse_birth(26071) == (date(1971, 5, 18), 1971)


def test_bare_year_of_birth_gives_birth_year_only():
    assert parse_birth(1985) == (None, 1985)
    assert parse_birth(1985.0) == (None, 1985)
    assert parse_birth("1985") == (None, 1985)
    assert parse_birth("08/1985") == (None, 1985)


@pytest.mark.parametrize("value", ["3000", "30/02/1990", "không rõ", "01/01/2999", date(2999, 1, 1)])
def test_unreadable_birth_date_raises_invalid_birth_date(value):
    with pytest.raises(Invalid) as caught:
        parse_birth(value)
    assert caught.value.code == "invalid-birth-date"


def test_blank_birth_date_is_none():
    assert parse_birth("") == (None, None)


# ---------------------------------------------------------------- citizen ID

@pytest.mark.parametrize("value, expected", [
    ("001203004567", "001203004567"),
    (" 001203004567 ", "001203004567"),
    ("001 203 004 567", "001203004567"),
    ("'001203004567", "001203004567"),
    ("123456789", "123456789"),                   # old 9-digit ID
    (1203004567.0, "001203004567"),               # number cell, 10 digits: two zeros lost
    (34358498366.0, "034358498366"),              # number cell, 11 digits: one zero lost
    (34358498366, "034358498366"),
    (123456789012, "123456789012"),
])
def test_citizen_ids(value, expected):
    assert citizen_id(value) == expected


def test_csv_text_that_lost_its_zeros_gets_them_back():
    assert citizen_id("34358498366", untyped=True) == "034358498366"
    with pytest.raises(Invalid) as caught:
        citizen_id("34358498366")  # a typed sheet's text cell: a digit is missing
    assert caught.value.code == "invalid-citizen-id"


@pytest.mark.parametrize("value", ["3.43585E+10", "3,43585E+10", "3.43585e+10", 34358500000.0])
def test_scientific_notation_that_lost_digits_is_flagged(value):
    with pytest.raises(Invalid) as caught:
        citizen_id(value)
    assert caught.value.code == "citizen-id-digits-lost"


@pytest.mark.parametrize("value", ["0012030045", "00120300456789", "00120300456A", "không có", 1.5, True])
def test_invalid_citizen_ids(value):
    with pytest.raises(Invalid) as caught:
        citizen_id(value)
    assert caught.value.code == "invalid-citizen-id"


def test_blank_citizen_id_is_empty():
    assert citizen_id("") == ""


# ---------------------------------------------------------------- phone

@pytest.mark.parametrize("value, expected", [
    ("0985431395", "0985431395"),
    ("0985 431 395", "0985431395"),
    ("0985.431.395", "0985431395"),
    ("0985-431-395", "0985431395"),
    (985431395.0, "0985431395"),                  # 9-digit number cell gets its 0 back
    (985431395, "0985431395"),
    ("+84985431395", "0985431395"),
    ("+84 985 431 395", "0985431395"),
    ("(+84) 985431395", "0985431395"),
    ("84985431395", "0985431395"),
    (84985431395.0, "0985431395"),
    ("0985431395 / 0912345678", "0985431395"),   # several numbers: the first
])
def test_phones(value, expected):
    assert phone(value) == expected


@pytest.mark.parametrize("value", ["(024) 3388 1234", "024.3388.1234", "0243 388 1234"])
def test_a_landline_is_kept_as_written(value):
    assert phone(value) == value


def test_csv_phone_of_nine_digits_gets_its_zero_back():
    assert phone("985431395", untyped=True) == "0985431395"


@pytest.mark.parametrize("value", ["09854313951", "1985431395", "không", "12 3388 1234", 1.5])
def test_invalid_phones(value):
    with pytest.raises(Invalid) as caught:
        phone(value)
    assert caught.value.code == "invalid-phone"
    assert caught.value.shown is None  # quoted as written


@pytest.mark.parametrize("value, masked", [
    ("001123456789", "0011•••••789"),
    ("0011 2345 6789", "0011•••••789"),
    ("001123456789 / 0985431395", "0011•••••789"),  # the first number is the one read
    (1123456789.0, "0011•••••789"),                  # a number cell that lost its zeros
    (11123456789, "0111•••••789"),
    ("012345678", "0•••••678"),                      # an old 9-digit ID (CMND) written as text
    ("098543139", "0•••••139"),
])
def test_a_citizen_id_in_the_phone_column_is_refused_masked(value, masked):
    with pytest.raises(Invalid) as caught:
        phone(value)
    assert (caught.value.code, caught.value.shown) == ("citizen-id-in-phone", masked)
    assert "CCCD" in caught.value.message and not re.search(r"\d{3}", caught.value.message)


@pytest.mark.parametrize("value", ["0985431395, 001123456789", "0985431395 / 0011 2345 6789",
                                   "0985431395\n001123456789"])
def test_a_citizen_id_beside_a_phone_is_still_a_citizen_id_in_the_phone_column(value):
    with pytest.raises(Invalid) as caught:
        phone(value)
    assert (caught.value.code, caught.value.shown) == ("citizen-id-in-phone", "0011•••••789")


@pytest.mark.parametrize("value", ["098 765 4321", "098.765.4321", "098-765-4321", "+84 98 765 4321",
                                   "+84.98.765.4321", "+84 (0) 98 765 4321", "84 987 654 321",
                                   "098\u00a0765\u00a04321"])
def test_phones_written_with_spaces_dots_and_the_country_code(value):
    assert phone(value) == "0987654321"


def test_an_end_to_end_import_keeps_a_citizen_id_from_the_phone_column_nowhere(district):
    """The roster's phone column holds a citizen ID: the row is refused, and the ID is in neither
    the outcome, the upload's stored report, nor the roster rows."""
    import json

    from sqlalchemy import text

    from db import session_scope
    from services.imports import import_file
    from tests.workbooks import xlsx_bytes

    header = ["STT", "Họ và tên", "Số CCCD", "Số điện thoại", "Thôn", "Đã tạo tài khoản"]
    data = xlsx_bytes(("Danh sách", [["UBND XÃ ĐỒNG THÁP"], [], header,
                                     [1, "An", "001000000001", "0985431395", "Cụm 1", "x"],
                                     [2, "Bình", "", "001198765432", "Cụm 1", "x"],
                                     [3, "Cúc", "", "0011 9876 5432", "Cụm 2", ""]]))
    outcome = import_file(data, "ds.xlsx", commune="DONGTHAP", as_of=date(2024, 8, 2),
                          engine=district)
    assert (outcome.status, outcome.rows_accepted, outcome.rows_rejected) == ("imported", 1, 2)
    assert [(p.row, p.column, p.value, p.code) for p in outcome.errors] == [
        (5, "Số điện thoại", "0011•••••432", "citizen-id-in-phone"),
        (6, "Số điện thoại", "0011•••••432", "citizen-id-in-phone")]
    with session_scope(district) as session:
        report = session.execute(text("SELECT report FROM upload")).scalar_one()
        rows = session.execute(text("SELECT * FROM rosterentry")).all()
    seen = {"outcome": json.dumps(outcome.as_json(), ensure_ascii=False, default=str),
            "messages": " ".join([outcome.message, *(p.message for p in outcome.errors),
                                  *(p.message for p in outcome.warnings), *outcome.notes]),
            "report": json.dumps(json.loads(report) if isinstance(report, str) else report,
                                 ensure_ascii=False),
            "roster": " ".join(str(value) for row in rows for value in row)}
    for where, text_seen in seen.items():
        assert "98765" not in text_seen and "9876 5432" not in text_seen, where
    assert "0011•••••432" in seen["report"]  # the problem is kept, masked
    assert len(rows) == 1


# ---------------------------------------------------------------- counts

@pytest.mark.parametrize("value, expected", [
    (1123, 1123), (1123.0, 1123), ("1123", 1123), (" 1123 ", 1123), ("1.123", 1123),
    ("12.345.678", 12345678), (0, 0), ("0", 0), ("", None), (None, None), ("-", None),
])
def test_counts_are_whole_numbers(value, expected):
    assert count(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("1.234", 1234), ("1.234.567", 1234567), ("12 345", 12345), ("12\u00a0345", 12345),
    ("1 234 567", 1234567), ("999", 999),
])
def test_text_counts_group_thousands_the_vietnamese_way(value, expected):
    assert count(value) == expected


@pytest.mark.parametrize("value, words", [
    ("1,234", "dấu phẩy là dấu thập phân"), ("12,5", "dấu phẩy là dấu thập phân"),
    ("12,0", "dấu phẩy là dấu thập phân"), ("1.234,5", "dấu phẩy là dấu thập phân"),
    ("12.5", "tách hàng nghìn"), ("12.0", "tách hàng nghìn"), ("1.23", "tách hàng nghìn"),
    ("1.2345", "tách hàng nghìn"), ("1.000.00", "tách hàng nghìn"), ("12 34", "không phải là số"),
])
def test_a_text_count_with_a_fraction_or_a_stray_dot_is_an_error_quoting_it(value, words):
    with pytest.raises(Invalid) as caught:
        count(value)
    assert caught.value.code == "invalid-count"
    assert words in caught.value.message and f"“{value}”" in caught.value.message


@pytest.mark.parametrize("value, words", [
    (-5, "âm"), ("-5", "âm"), (12.5, "số nguyên"), ("12,5", "số nguyên"), ("nhiều", "không phải là số"),
    (True, "không phải là số"),
])
def test_negative_or_non_numeric_counts_are_errors(value, words):
    with pytest.raises(Invalid) as caught:
        count(value)
    assert caught.value.code == "invalid-count"
    assert words in caught.value.message


# ---------------------------------------------------------------- text

def test_clean_text_trims_and_joins_spaces_and_composes():
    assert clean_text("  Cụm   dân cư\nsố 3 ") == "Cụm dân cư số 3"
    assert clean_text("Cu\u0323m 3") == "Cụm 3"  # decomposed marks composed (NFC)
    assert clean_text(3.0) == "3"
    assert clean_text("") is None and clean_text("   ") is None
