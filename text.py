"""Vietnamese text folding shared by header matching and unit-name matching."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

_PUNCT = re.compile(r"[^\w]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFC, case folded, diacritics and đ folded, punctuation made spaces, spaces collapsed.

    `Họ và tên` -> `ho va ten`; `Thôn/Tổ dân phố` -> `thon to dan pho`.
    """
    text = unicodedata.normalize("NFC", str(text)).casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _PUNCT.sub(" ", stripped).replace("_", " ")
    return _SPACES.sub(" ", stripped).strip()


def casefold_keep_marks(text: str) -> str:
    """Case folded with diacritics kept (so `Tống` stays apart from `Tổng`)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text)).casefold()).strip()


# The words offices abbreviate, made their abbreviation (on folded text, whole words).
_ABBREVIATIONS = [(re.compile(rf"\b{words}\b"), short) for words, short in (
    ("uy ban nhan dan", "ubnd"), ("hoi dong nhan dan", "hdnd"), ("mam non", "mn"),
    ("trung hoc co so", "thcs"), ("th cs", "thcs"), ("trung hoc pho thong", "thpt"),
    ("th pt", "thpt"), ("tieu hoc", "th"), ("khu dan cu", "kdc"), ("trung tam", "tt"))]
# Unit-name prefixes made one: the left side (already folded) becomes the right side.
_UNIT_PREFIXES = [
    (re.compile(r"^(?:cum dan cu|cum dc|cdc|cum)(?: so)? (?=\w)"), "cum "),
    (re.compile(r"^(?:to dan pho|tdp|to)(?: so)? (?=\w)"), "tdp "),
    (re.compile(r"^(?:thon|xom|doi)(?: so)? (?=\w)"), "thon "),
    (re.compile(r"^kdc(?: so)? (?=\w)"), "kdc "),
    (re.compile(r"^(ubnd|hdnd)(?: xa| thi tran| tt)? "), r"\1 "),  # `UBND TT Phùng`: the town's
    (re.compile(r"^phong (?=\w)"), "p "),
    (re.compile(r"^truong (?=(?:mn|th|thcs|thpt)\b)"), ""),  # `MN Hoa Sen` = `Trường MN Hoa Sen`
    (re.compile(r"^thi tran(?= \w)"), ""),
    (re.compile(r"^xa(?= \w)"), ""),
]
_COMMUNE_KIND = re.compile(r"^(?:ubnd |hdnd )?(?:xa|thi tran|tt) (?=\w)")
_NUMBER = re.compile(r"\b0+(\d)")


@lru_cache(maxsize=65536)
def unit_key(name: str) -> str:
    """A key under which two spellings of one cluster or agency name are equal.

    `Cụm dân cư số 03` = `Cụm 3`; `TDP 4` = `Tổ dân phố 4`; `Thôn số 2` = `Thôn 2`;
    `Trường Mầm non Hoa Sen` = `MN Hoa Sen`; `P. Tư pháp` = `Phòng Tư pháp`;
    `TT Y tế huyện` = `Trung tâm Y tế huyện`; `UBND TT Phùng` = `Ủy ban nhân dân thị trấn Phùng`.
    """
    key = fold(name)
    for pattern, replacement in _ABBREVIATIONS:
        key = pattern.sub(replacement, key)
    for pattern, replacement in _UNIT_PREFIXES:
        key = pattern.sub(replacement, key, count=1)
    key = _NUMBER.sub(r"\1", key)
    return key.strip()


@lru_cache(maxsize=4096)
def commune_key(name: str) -> str:
    """A key under which two spellings of one commune's name are equal: `TT Phùng` = `Thị trấn
    Phùng` = `Phùng`; `Xã Thọ An` = `Thọ An` (`TT` names a town here, not a centre)."""
    key = fold(name)
    for pattern, replacement in _ABBREVIATIONS[:2]:  # `UBND`, `HĐND` written out
        key = pattern.sub(replacement, key)
    return _NUMBER.sub(r"\1", _COMMUNE_KIND.sub("", key, count=1)).strip()


LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


def local_time(moment: datetime) -> datetime:
    """A stored UTC timestamp in Vietnam's time, for display."""
    return moment.astimezone(LOCAL_TIME)


def vietnam_today(now: datetime | None = None) -> date:
    """Today's date in Vietnam (Asia/Ho_Chi_Minh), whatever the server's own time zone."""
    return (now or datetime.now(timezone.utc)).astimezone(LOCAL_TIME).date()
