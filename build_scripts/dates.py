"""Dates: parsing ``YYYY-MM-DD`` and writing dates for a Chinese reader.

Records hold dates as ``YYYY-MM-DD`` strings; every stage after the records that parses or formats
one calls this module (the field checks, the pages, the build's data date in ``dataset``). The
importer (``extract/``) reads dates as letters write them (2023年5月31日, 二〇二三年) on its own.
"""

from __future__ import annotations

import datetime as dt
import re

ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
"""ASCII digits only: ``\\d`` would take full-width and Arabic-Indic digits (issue 17)."""

EARLIEST = dt.date(1980, 1, 1)
LATEST = dt.date(2099, 12, 31)
"""The dates a record may hold: zip entries start in 1980, and a year past 2099 is a mistyped year
(2107 broke the build: gzip and zip timestamps end in 2106–2107)."""


def parse_iso(value: str) -> dt.date | None:
    """``YYYY-MM-DD`` to a date; None when the string is not a real calendar date."""
    match = ISO_DATE.fullmatch(value)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def zh(value: dt.date) -> str:
    """A date as a Chinese reader writes it: 2023年5月31日."""
    return f"{value.year}年{value.month}月{value.day}日"


def zh_text(value: str | None) -> str:
    """A record's ``YYYY-MM-DD`` (or None) as a Chinese reader writes it; "—" when there is no valid date."""
    parsed = parse_iso(value) if value else None
    return zh(parsed) if parsed else "—"


def midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` as a naive time (zip entries and workbooks carry no zone)."""
    return dt.datetime(day.year, day.month, day.day)


def epoch(day: dt.date) -> int:
    """Seconds since 1970 at midnight UTC of ``day`` (MkDocs' SOURCE_DATE_EPOCH)."""
    return int(midnight(day).replace(tzinfo=dt.UTC).timestamp())
