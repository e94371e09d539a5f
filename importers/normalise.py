"""Cell values made typed: yes/no, dates, citizen IDs, phones, counts, plain text.

Each function takes one cell value as the reader gives it (str, float, int, bool, date, datetime,
'' for empty) and is pure, so callers memoise them on the cell value (values repeat a lot).
Invalid values raise `Invalid` with a slug `code` and a Vietnamese `message`.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from errors import UserError
from importers.problems import Problem
from text import fold, vietnam_today


class Invalid(UserError, ValueError):
    """A cell that is not what its column needs: a `Problem` of the catalogue and the values its
    template names. `shown`: what the problem quotes instead of the cell, where the cell must not
    be repeated (a citizen ID in the phone column, masked)."""

    def __init__(self, problem: Problem, shown: str | None = None, **values):
        super().__init__(problem.text(**values))
        self.problem, self.values, self.shown = problem, values, shown

    @property
    def code(self) -> str:
        return self.problem.code


def as_text(value) -> str:
    """A cell as the user wrote it (numbers without a trailing `.0`)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def clean_text(value) -> str | None:
    """Plain text: NFC, trimmed, runs of spaces made one; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return as_text(value)
    text = " ".join(str(value).split())
    if not text:
        return None
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


# ---------------------------------------------------------------- yes / no
_YES = frozenset(fold(w) for w in (
    "x", "v", "có", "co", "đã", "rồi", "1", "yes", "y", "true", "đã cài", "đã cài đặt", "đã tạo",
    "đã đăng ký",
    # not in the spec's list, same meaning
    "đã tạo tài khoản", "có tài khoản"))
_NO = frozenset(fold(w) for w in (
    "0", "không", "chưa", "no", "n", "false", "chưa cài", "chưa cài đặt", "chưa tạo",
    # not in the spec's list, same meaning
    "chưa tạo tài khoản", "chưa đăng ký", "chưa có tài khoản"))
_YES_SYMBOLS = frozenset({"✓", "✔", "✅", "☑", "√"})
_NO_SYMBOLS = frozenset({"-", "–", "—"})


def yes_no(value) -> bool:
    """Yes/no per the spec; anything else raises `Invalid('invalid-yes-no')`."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if value == 1:
            return True
        if value == 0:
            return False
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return False
        if text in _YES_SYMBOLS:
            return True
        if text in _NO_SYMBOLS:
            return False
        key = fold(text)
        if key in _YES:
            return True
        if key in _NO:
            return False
    raise Invalid(Problem.INVALID_YES_NO, value=as_text(value))


# ---------------------------------------------------------------- dates
_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_SPLIT = re.compile(r"\s*[/.\-]\s*")
_VN_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_MIN_DATE, _MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)


def excel_serial(number: float) -> date:
    """Excel's day number (1900 date system) as a date."""
    if number != number:
        raise ValueError(number)
    n = int(number)  # a fraction is the time of day
    if n < 1 or n > 2958465 or n == 60:
        raise ValueError(number)
    return _EXCEL_EPOCH + timedelta(days=n if n > 60 else n + 1)


def _two_digit_year(yy: int) -> int:
    pivot = vietnam_today().year % 100
    return 2000 + yy if yy <= pivot else 1900 + yy


def _date_from_text(text: str) -> date:
    parts = text.split("/")
    if len(parts) == 3:  # the usual d/m/yyyy, without regular expressions
        d, m, y = parts
        if len(y) == 4 and d.isdigit() and m.isdigit() and y.isdigit() and y.isascii():
            return date(int(y), int(m), int(d))
    text = text.strip()
    head = text.split()[0] if text else ""
    if "T" in head and head[:4].isdigit():  # 2024-08-12T00:00:00
        head = head.split("T", 1)[0]
    parts = _DATE_SPLIT.split(head)
    if len(parts) == 3 and all(p.isdigit() and p.isascii() for p in parts):
        a, b, c = parts
        if len(a) == 4:  # yyyy-mm-dd
            return date(int(a), int(b), int(c))
        if len(c) == 4:
            return date(int(c), int(b), int(a))
        if len(c) == 2:
            return date(_two_digit_year(int(c)), int(b), int(a))
        raise ValueError(text)
    if head.isdigit() and head.isascii() and len(head) == 5:  # a serial number saved as text
        return excel_serial(int(head))
    match = _VN_DATE.search(fold(text))
    if match:
        d, m, y = (int(g) for g in match.groups())
        return date(y, m, d)
    raise ValueError(text)


def parse_date(value) -> date | None:
    """A date cell, a day-first text date or an Excel serial; None when empty.

    Raises `Invalid('invalid-date')` when the value is not a date."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, datetime):
            result = value.date()
        elif isinstance(value, date):
            result = value
        elif isinstance(value, bool):
            raise ValueError(value)
        elif isinstance(value, (int, float)):
            result = excel_serial(value)
        elif isinstance(value, str):
            if not value.strip():
                return None
            result = _date_from_text(value)
        else:
            raise ValueError(value)
        if not _MIN_DATE <= result <= _MAX_DATE:
            raise ValueError(value)
        return result
    except (ValueError, OverflowError):
        raise Invalid(Problem.INVALID_DATE, column="ngày", value=as_text(value),
                      then=" (ghi theo ngày/tháng/năm, ví dụ 12/8/2024)") from None


_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")


def parse_birth(value, today: date | None = None) -> tuple[date | None, int | None]:
    """(date of birth, year of birth). A bare year (number or text) gives only the year.

    Raises `Invalid('invalid-birth-date')`."""
    if value is None or value == "":
        return None, None
    if today is None:
        today = vietnam_today()
    if value.__class__ is date:
        if _MIN_DATE <= value <= today:
            return value, value.year
        raise Invalid(Problem.INVALID_BIRTH_DATE, value=as_text(value))
    this_year = today.year
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 1900 <= value <= this_year \
                and float(value).is_integer():
            return None, int(value)
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None, None
            if len(text) == 4 and text.isdigit() and text.isascii():
                year = int(text)
                if 1900 <= year <= this_year:
                    return None, year
                raise ValueError(text)
            match = _MONTH_YEAR.match(text)
            if match and 1 <= int(match.group(1)) <= 12:
                year = int(match.group(2))
                if 1900 <= year <= this_year:
                    return None, year
                raise ValueError(text)
        born = parse_date(value)
        if born is None:
            return None, None
        if born > today:
            raise ValueError(value)
        return born, born.year
    except (ValueError, Invalid):
        raise Invalid(Problem.INVALID_BIRTH_DATE, value=as_text(value)) from None


# ---------------------------------------------------------------- citizen ID and phone
_SEPARATORS = str.maketrans("", "", " .-_\u00a0\t'’`")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


def _significant_digits(digits: str) -> int:
    return len(digits.strip("0"))


def citizen_id(value, *, untyped: bool = False) -> str:
    """12-digit citizen ID (or an old 9-digit ID); None-like '' when empty.

    A number cell (or a csv value, `untyped`) of 10 or 11 digits gets its leading zeros back.
    Raises `Invalid('citizen-id-digits-lost')` for scientific notation that lost digits and
    `Invalid('invalid-citizen-id')` for anything else that is not an ID.
    """
    if value is None or value == "":
        return ""
    lost, bad = Invalid(Problem.CITIZEN_ID_DIGITS_LOST), Invalid(Problem.INVALID_CITIZEN_ID)
    number = False
    if isinstance(value, bool):
        raise bad
    if isinstance(value, float):
        if not value.is_integer() or value < 0:
            raise bad
        digits, number = str(int(value)), True
    elif isinstance(value, int):
        if value < 0:
            raise bad
        digits, number = str(value), True
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return ""
        if _SCIENTIFIC.match(text.replace(" ", "")):
            raise lost
        digits = text.translate(_SEPARATORS)
        if not (digits.isdigit() and digits.isascii()):
            raise bad
        number = untyped
    else:
        raise bad
    if number and len(digits) >= 10 and _significant_digits(digits) <= 7:
        raise lost  # 3.43585E+10 read back as 34358500000
    if len(digits) in (12, 9):
        return digits
    if number and len(digits) in (10, 11):
        return digits.zfill(12)
    raise bad


_SEVERAL = re.compile(r"[,;/\n–]| - ")


def phone(value, *, untyped: bool = False) -> str:
    """10 digits starting with 0; '' when empty. `+84`/`84` (and `+84 (0)`) become 0; spaces, dots,
    dashes and brackets are ignored; a 9-digit number cell (or csv value) gets its 0 back; of several
    numbers the first is kept; a landline written as text (0 + area code 2x + 8 digits) is kept as
    written. Raises `Invalid('invalid-phone')`, and `Invalid('citizen-id-in-phone')`
    (its `shown` masked) where any of the numbers is what `citizen_id` takes as a citizen ID: a row
    error."""
    if value is None or value == "":
        return ""
    bad = Invalid(Problem.INVALID_PHONE, value=as_text(value))
    if isinstance(value, bool):
        raise bad
    if isinstance(value, (int, float)):
        if (isinstance(value, float) and not value.is_integer()) or value < 0:
            raise bad
        return _one_phone(str(int(value)), True, bad)
    if not isinstance(value, str):
        raise bad
    parts = [p.strip() for p in _SEVERAL.split(value)]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    results = []
    for part in parts:
        try:
            results.append(_one_phone(part, untyped, bad))
        except Invalid as exc:
            if exc.shown is not None:
                raise  # a citizen ID, wherever it is in the cell
            results.append(exc)
    if isinstance(results[0], Invalid):
        raise results[0]
    return results[0]


def _one_phone(text: str, number: bool, bad: Invalid) -> str:
    digits = text.translate(_SEPARATORS).replace("(", "").replace(")", "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:].removeprefix("0")  # `+84 (0) 98…`
    elif digits.startswith("+"):
        raise bad
    if not (digits.isdigit() and digits.isascii()):
        raise bad
    if len(digits) == 11 and digits.startswith("84"):
        digits = "0" + digits[2:]
    elif number and len(digits) == 9 and digits[0] != "0":
        digits = "0" + digits
    if len(digits) == 10 and digits[0] == "0":
        return digits
    if not number and len(digits) == 11 and digits.startswith("02"):
        kept = text.strip()  # a landline, `(024) 3388 1234`: kept as given, not a mobile
        return kept if len(kept) <= 20 else digits  # (the column holds 20 characters)
    try:
        found = citizen_id(digits, untyped=number)
    except Invalid:
        raise bad from None
    raise Invalid(Problem.CITIZEN_ID_IN_PHONE, shown=mask_citizen_id(found))


def mask_citizen_id(digits: str) -> str:
    """A citizen ID as a problem may quote it: `0011•••••789` (an old 9-digit ID: `0•••••789`)."""
    return digits[:len(digits) - 8] + "•" * 5 + digits[-3:]


# ---------------------------------------------------------------- counts
# Written the Vietnamese way: `.`, a space or a no-break space groups thousands in threes; the comma
# is the decimal mark.
_PLAIN = re.compile(r"^\d+$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[. \u00a0\u202f]\d{3})+$")
_GROUPS = str.maketrans("", "", ". \u00a0\u202f")
_FRACTION = re.compile(r"^[\d. \u00a0\u202f]*\d[.,]\d[\d. \u00a0\u202f,]*$")  # 12,5  1.234,5  12.5


def count(value) -> int | None:
    """A whole number >= 0; None when empty (or `-`). Raises `Invalid('invalid-count')`.

    Text `1.234` and `12 345` are 1234 and 12345; `12,5`, `1,234` (a fraction) and `12.5` (a dot
    not followed by three digits) are errors."""
    if value is None or value == "":
        return None
    shown = as_text(value)
    if isinstance(value, bool):
        raise Invalid(Problem.INVALID_COUNT, value=shown, reason="không phải là số")
    if isinstance(value, (int, float)):
        number = value
    elif isinstance(value, str):
        text = " ".join(value.split())
        if not text or text in _NO_SYMBOLS:
            return None
        negative = text[0] in "-−" and len(text) > 1
        digits = text[1:].strip() if negative else text
        if _PLAIN.match(digits) or _THOUSANDS.match(digits):
            number = -1 if negative else int(digits.translate(_GROUPS))
        elif "," in digits and _FRACTION.match(digits):
            raise Invalid(Problem.INVALID_COUNT, value=shown,
                          reason="không phải là số nguyên (dấu phẩy là dấu thập phân; hàng nghìn "
                                 "ghi bằng dấu chấm, ví dụ 1.234)")
        elif "." in digits and _FRACTION.match(digits):
            raise Invalid(Problem.INVALID_COUNT, value=shown,
                          reason="không phải là số nguyên (dấu chấm chỉ dùng để tách hàng nghìn "
                                 "theo nhóm ba chữ số, ví dụ 1.234)")
        else:
            raise Invalid(Problem.INVALID_COUNT, value=shown, reason="không phải là số")
    else:
        raise Invalid(Problem.INVALID_COUNT, value=shown, reason="không phải là số")
    if number != number or number in (float("inf"), float("-inf")):
        raise Invalid(Problem.INVALID_COUNT, value=shown, reason="không phải là số")
    if number < 0:
        raise Invalid(Problem.INVALID_COUNT, value=shown, reason="là số âm")
    rounded = round(number)
    if abs(number - rounded) > 1e-6:
        raise Invalid(Problem.INVALID_COUNT, value=shown, reason="không phải là số nguyên")
    return int(rounded)
