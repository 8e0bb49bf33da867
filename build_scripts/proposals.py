"""Proposals as data: which replies answer the same proposal, and the proposal's own row.

Records stay one per reply; a proposal is derived from them. Its id is made of what identifies it
in the letters: the region of the assembly it was made to (matched in the regions vocabulary), the
term, the session, the kind and the number, e.g. ``530000-12-4-tian-0079``. A reply without a
proposal number has no proposal. Two replies to the same proposal must agree on what the proposal
is (``AGREED``); ``checks.check_proposals`` reports every field where they differ.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from build_scripts.fields import KIND_SLUGS

AGREED = ("proposal_title", "proposers", "proposer_role")
"""Fields every reply to one proposal must give alike (the id fields agree by construction)."""

PROPOSAL_COLUMNS = ("proposal_kind", "assembly", "term", "session_no", "proposal_number", "proposal_title",
                    "proposers", "proposer_role")
"""The record fields a proposal's row takes from its replies."""

PAGE_FROM = 2
"""A proposal has a page of its own, and can be searched on its own, from this many replies in the
collection: a reply page already shows its proposal, so a one-row page per proposal only repeated it
(143 MB at 10,000 letters, issue 13). Pages, facets, reply cards and the search index all ask
``has_page``."""


def has_page(replies: int) -> bool:
    """Whether a proposal with this many replies in the collection has a page of its own."""
    return replies >= PAGE_FROM


_LEVEL_RANK = {"区县": 3, "市": 2, "省": 1}


def assembly_region(assembly: str, regions: Iterable[dict[str, Any]]) -> str | None:
    """The code of the region whose name the assembly's name holds, the most specific one; None when none."""
    best: tuple[int, int, str] | None = None
    for region in regions:
        for name in (region["full_name"], region["name"]):
            if name and name in assembly:
                key = (_LEVEL_RANK.get(region["level"], 0), len(name), region["code"])
                if best is None or key > best:
                    best = key
    return best[2] if best else None


def _slug(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")


def proposal_id(data: dict[str, Any], region_of: Callable[[str], str | None]) -> str | None:
    """The proposal a reply answers, or None when the letter gives no (ASCII) proposal number.

    ``region_of`` gives an assembly's region code (``Vocabularies.assembly_region``: ``assembly_region``
    over the vocabulary, remembered per name); an assembly with none gets ``a`` and 8 hex digits of its
    name's sha1.
    """
    number = _slug(data["proposal_number"]) if data["proposal_number"] is not None else ""
    kind = KIND_SLUGS.get(data["proposal_kind"])
    if not number or not number.isascii() or kind is None:
        return None
    where = region_of(data["assembly"])
    if where is None:
        where = "a" + hashlib.sha1(data["assembly"].encode("utf-8")).hexdigest()[:8]
    term = str(data["term"]) if data["term"] is not None else "x"
    session = str(data["session_no"]) if data["session_no"] is not None else "x"
    return f"{where}-{term}-{session}-{kind}-{number}"


def differences(first: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """The ``AGREED`` fields where two replies to one proposal differ."""
    return [name for name in AGREED if first[name] != other[name]]


def proposal_row(pid: str, replies: list[dict[str, Any]]) -> dict[str, Any]:
    """A proposal's row: its fields from the first reply (by id), and how many replies it has."""
    first = min(replies, key=lambda r: r["id"])
    return {"id": pid, **{name: first[name] for name in PROPOSAL_COLUMNS}, "reply_count": len(replies)}


def by_proposal(replies: Iterable[Mapping[str, Any]], names: Iterable[str] = ()) -> dict[str, list[dict[str, Any]]]:
    """Proposal id -> its replies, by reply id; replies without a proposal left out. Each reply is a dict of
    its ``id``, its ``proposal_id`` and ``names`` only: every reply is held at once (issue 13: the whole
    records were 2.5 GB at 100,000 letters)."""
    keep = ("id", "proposal_id", *names)
    return _grouped({name: reply[name] for name in keep} for reply in replies)


def _grouped(replies: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for reply in sorted(replies, key=lambda r: r["id"]):
        if reply.get("proposal_id"):
            out.setdefault(reply["proposal_id"], []).append(reply)
    return out
