"""How fast: days from a reply to its publication, and from the session a proposal was made at to the reply.

Dates only from the records and the sessions vocabulary (``datasets/vocab/sessions.yaml``); a day
count is null when a date it needs is unknown. The statistics by agency (median, slowest) are on
the 答复时效 page (``pages/speed``).
"""

from __future__ import annotations

import statistics
from typing import Any

from build_scripts import dates


def _between(start: str | None, end: str | None) -> int | None:
    first, last = (dates.parse_iso(start) if start else None), (dates.parse_iso(end) if end else None)
    return (last - first).days if first and last else None


def days(record: dict[str, Any], session: dict[str, Any] | None) -> dict[str, Any]:
    """The derived fields ``days_to_publication``, ``session_id`` and ``days_from_session`` of a record."""
    return {
        "days_to_publication": _between(record["reply_date"], record["published_date"]),
        "session_id": session["id"] if session else None,
        "days_from_session": _between(session["start_date"], record["reply_date"]) if session else None,
    }


def summary(values: list[int]) -> tuple[int, float, int] | None:
    """(count, median, slowest) of some day counts; None when there are none."""
    if not values:
        return None
    return len(values), float(statistics.median(values)), max(values)
