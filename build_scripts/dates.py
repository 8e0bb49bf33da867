"""Dates are handled here and nowhere else."""

from __future__ import annotations

import datetime as dt
import re

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_iso(value: str) -> dt.date | None:
    """``YYYY-MM-DD`` to a date; None when the string is not a real calendar date."""
    match = ISO_DATE.match(value)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def zh(value: dt.date) -> str:
    """A date as a Chinese reader writes it: 2023年5月31日."""
    return f"{value.year}年{value.month}月{value.day}日"
