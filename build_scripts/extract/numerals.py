"""Chinese numerals and damaged dates: one reading or none."""

from __future__ import annotations

import datetime as dt

_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "０": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_DIGITS = "〇○零OoＯ一二两三四五六七八九"
CN_NUMBER = "〇○零一二两三四五六七八九十百"


def cn_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十九 → 29, 一百零二 → 102; digits pass through; None if not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def cn_year(text: str) -> int | None:
    """二〇一七 → 2017 (digit by digit)."""
    if len(text) != 4 or any(c not in _DIGITS for c in text):
        return None
    return int("".join(str(_DIGITS[c]) for c in text))


def make_date(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    if year is None or month is None or day is None or not 1990 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def digit_readings(digits: str) -> list[dt.date]:
    """Every calendar date a run of 7–8 digits can be (2023531 → 2023-05-31 only)."""
    if not digits.isdigit() or len(digits) not in (6, 7, 8):
        return []
    year, rest = int(digits[:4]), digits[4:]
    readings: list[dt.date] = []
    for cut in (1, 2):
        month, day = rest[:cut], rest[cut:]
        if not day or len(day) > 2 or day.startswith("0") and len(day) == 1:
            continue
        if month.startswith("0") and len(month) == 1:
            continue
        found = make_date(year, int(month), int(day))
        if found is not None and found not in readings:
            readings.append(found)
    return readings
