"""Stage 2, checks: a record agrees with itself.

The id repeats four fields (``<region_code>-<year>-<jianyi|yian|tian>-<number>``): each must say
what the id says. Dates must be in a plausible order and range: none in the future, none before
1980, published and retrieved after signing, a publication years after the reply is suspect.
Replies to the same assembly and term keep the order of their sessions (one session a year).
Vocabulary values that are not ids get a "did you mean" from ids, names and near misses.

The clock decides only whether a date is in the future; it never reaches an output.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator, Sequence
from typing import Any

from build_scripts import dates
from build_scripts.fieldbase import number_slug
from build_scripts.fields import KIND_SLUGS
from build_scripts.problems import Problem, Severity
from build_scripts.textnorm import normalise

ID_PARTS = re.compile(r"^(?P<region>[1-8][0-9]{5})-(?P<year>[0-9]{4})-(?P<kind>jianyi|yian|tian)-(?P<number>[a-z0-9-]+)$")
GAP_WARN_DAYS, GAP_ERROR_DAYS = 2 * 366, 5 * 366
"""A publication this long after the reply is signed is suspect (warning), or a typo in a year (error)."""
DATE_FIELDS = ("reply_date", "published_date", "retrieved_date", "withdrawn_date")


def check_id(data: dict[str, Any], file: str, lines: dict[str, int]) -> Iterator[Problem]:
    """The id's region, year, kind and number against the fields they come from."""
    match = ID_PARTS.match(data["id"])
    if match is None:
        yield Problem(file, lines.get("id", 0), "id", "id-form",
                      f"id {data['id']!r} is not <region_code>-<year>-<jianyi|yian|tian>-<number>",
                      "new replies get their id from `portal add`; keep an old id that is already published", "warning")
        return

    def conflict(field: str, part: str, what: str, hint: str) -> Problem:
        return Problem(file, lines.get(field, 0), field, "id-conflict",
                       f"{what}, but the id {data['id']} says {match[part]}",
                       hint + "; the id and folder are the permalink: change them only before the reply is published")

    if data["region_code"] != match["region"]:
        yield conflict("region_code", "region", f"region_code is {data['region_code']}",
                       "check the agency's region; correct region_code, or rename the folder and id to match it")
    kind = KIND_SLUGS.get(data["proposal_kind"] or "")
    if kind != match["kind"]:
        meant = {v: k for k, v in KIND_SLUGS.items()}[match["kind"]]
        yield conflict("proposal_kind", "kind", f"proposal_kind is {data['proposal_kind']} ({kind})",
                       f"a {match['kind']} id answers a {meant}; correct proposal_kind, or the id")
    number = data["proposal_number"]
    slug = number_slug(number) if number is not None else None
    # several agencies answer one proposal: their ids add a suffix of their own after the number (-mzt)
    if slug is None or (match["number"] != slug and not match["number"].startswith(slug + "-")):
        what = "proposal_number is null" if number is None else f"proposal_number is {number!r}"
        yield conflict("proposal_number", "number", what, "copy the number exactly as the letter gives it, "
                       "then correct whichever of proposal_number and the id is wrong")
    years = {d[:4] for d in (data["reply_date"], data["published_date"]) if d}
    if years and match["year"] not in years:
        field = "reply_date" if data["reply_date"] else "published_date"
        yield conflict(field, "year", f"the reply is dated {data['reply_date'] or '—'} and published "
                       f"{data['published_date'] or '—'}", "the id's year is the year of the reply (or of its "
                       "publication when the letter is undated): correct the date, or the id")


def check_dates(data: dict[str, Any], file: str, lines: dict[str, int],
                today: dt.date | None = None) -> Iterator[Problem]:
    """Each date in a plausible range, and the dates of one reply in a plausible order."""
    today = today or dt.date.today()
    parsed = {f: dates.parse_iso(data[f]) if data[f] else None for f in DATE_FIELDS}
    for field, value in parsed.items():
        if value and value > today:
            yield Problem(file, lines.get(field, 0), field, "date-range", f"{field} {value} is in the future",
                          "check the year against the letter; a date is written YYYY-MM-DD")
    reply, published = parsed["reply_date"], parsed["published_date"]
    if reply and published and (published - reply).days > GAP_WARN_DAYS:
        severity: Severity = "error" if (published - reply).days > GAP_ERROR_DAYS else "warning"
        yield Problem(file, lines.get("reply_date", 0), "reply_date", "date-range",
                      f"the reply is dated {reply}, {(published - reply).days // 365} years before its publication "
                      f"({published})", "a reply is published within months: check both years against the letter and "
                      "the page (a typo such as 2002 for 2020?)", severity)
    for field, before in (("retrieved_date", ("reply_date", "published_date")), ("withdrawn_date", ("reply_date",))):
        later = parsed[field]
        for other in before:
            earlier = parsed[other]
            if later and earlier and later < earlier:
                yield Problem(file, lines.get(field, 0), field, "date-order",
                              f"{field} {later} is before {other} {earlier}",
                              f"a reply cannot be {field.split('_')[0]} before it was "
                              f"{'signed' if other == 'reply_date' else 'published'}: check both dates")


def check_session_order(records: Sequence[tuple[str, dict[str, Any]]]) -> Iterator[Problem]:
    """Across records: an assembly holds one session of a term a year and answers within a year, so a
    reply to session s+k cannot be signed over a year before a reply to session s, less k-1 years."""
    groups: dict[tuple[Any, Any], list[tuple[int, dt.date, str, dict[str, Any]]]] = {}
    for file, data in records:
        signed = dates.parse_iso(data["reply_date"]) if data["reply_date"] else None
        if signed and data["term"] and data["session_no"]:
            groups.setdefault((data["assembly"], data["term"]), []).append((data["session_no"], signed, file, data))
    for items in groups.values():
        latest_of: dict[int, tuple[dt.date, dict[str, Any]]] = {}
        for session, signed, _, data in items:
            if session not in latest_of or signed > latest_of[session][0]:
                latest_of[session] = (signed, data)
        for session, signed, file, data in items:
            for earlier, (other_signed, other) in sorted(latest_of.items()):
                if earlier < session and (signed - other_signed).days < 365 * (session - earlier - 1) - 366:
                    yield Problem(file, 0, "reply_date", "date-order",
                                  f"this reply to session {session} of {data['assembly']} (term {data['term']}) is "
                                  f"dated {signed}, but {other['id']} answers session {earlier} on {other_signed}",
                                  "an assembly holds one session a year: check the date, term and session of both "
                                  "replies against their letters", "warning")
                    break


def did_you_mean(value: str, entries: Sequence[tuple[str, str]]) -> str:
    """A hint naming the vocabulary id meant by ``value``: an id or name typed differently, or a near miss.
    ``entries`` are (id, name) pairs."""
    folded = normalise(value)
    for entry_id, name in entries:
        if folded in (normalise(entry_id), normalise(name)):
            return f"did you mean {entry_id} ({name})? write the id, not the name"
    by_key = {normalise(k): entry_id for entry_id, name in entries for k in (entry_id, name)}
    close = difflib.get_close_matches(folded, sorted(by_key), n=1, cutoff=0.6)
    if close:
        entry_id = by_key[close[0]]
        return f"did you mean {entry_id} ({dict(entries)[entry_id]})?"
    return ""
