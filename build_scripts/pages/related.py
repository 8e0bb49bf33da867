"""What a reply page links to besides itself: the agency's previous and next reply, and related replies.

Computed once per dataset at build time from inverted maps (agency → replies, topic → replies,
proposer → replies), each list sorted newest first. A reply looks only at a bounded window of
``WINDOW`` neighbours by date in each of its lists and keeps at most ``RELATED`` links per kind,
so the work is O(N · k) with k = (topics + proposers + 1) · WINDOW, never O(N²): a topic shared
by 5,000 replies costs each of them 2 · WINDOW candidates, not 5,000.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from build_scripts.dataset import Dataset, Reply, newest_first, sort_date

RELATED = 3
"""Links shown per kind of relation (same topics, same agency, same proposer); the page links the
browse pages that list them all (issue 13: 5 a kind was ≈ 1.4 KB more on every reply page)."""

WINDOW = 10
"""Candidates looked at on each side of a reply in one inverted list."""


@dataclass(frozen=True)
class Links:
    older: Reply | None
    """The same agency's previous reply (older), if any."""
    newer: Reply | None
    """The same agency's next reply (newer), if any."""
    same_topics: tuple[Reply, ...]
    same_agency: tuple[Reply, ...]
    """Besides ``older`` and ``newer`` (the page's pager); no list holds a reply to the same proposal
    (the page lists those apart) or one an earlier list holds."""
    same_proposer: tuple[Reply, ...]


KeyFn = Callable[[Reply], list[str]]
Inverted = dict[str, tuple[list[Reply], dict[str, int]]]

_cache: dict[int, tuple[Dataset, dict[str, Links]]] = {}


def links(dataset: Dataset, reply: Reply) -> Links:
    """The links of one reply; the whole dataset's links are computed on first use and kept."""
    cached = _cache.get(id(dataset))
    if cached is None or cached[0] is not dataset:
        _cache.clear()
        cached = (dataset, compute(dataset.replies))
        _cache[id(dataset)] = cached
    return cached[1][reply.id]


def compute(replies: Iterable[Reply]) -> dict[str, Links]:
    """Load: the replies. Process: inverted maps, then a bounded window per reply. Save: nothing."""
    ordered = newest_first(tuple(replies))
    by_agency = _invert(ordered, lambda r: [r["agency"]])
    by_topic = _invert(ordered, lambda r: list(r["topics"]))
    by_proposer = _invert(ordered, lambda r: list(dict.fromkeys(r["proposers"])))
    by_proposal = _invert(ordered, lambda r: [r["proposal_id"]] if r["proposal_id"] else [])
    topic_sets = {r.id: frozenset(r["topics"]) for r in ordered}
    out: dict[str, Links] = {}
    for reply in ordered:
        agency_list, at = by_agency[reply["agency"]][0], by_agency[reply["agency"]][1][reply.id]
        older = agency_list[at + 1] if at + 1 < len(agency_list) else None
        newer = agency_list[at - 1] if at > 0 else None
        # shown elsewhere on the page: the pager, and the same proposal's other replies (their own list)
        shown = {reply.id} | {r.id for r in (older, newer) if r}
        shown |= {r.id for r in by_proposal[reply["proposal_id"]][0]} if reply["proposal_id"] else set()
        same_agency = [r for r in _window(agency_list, at) if r.id not in shown][:RELATED]
        shown |= {r.id for r in same_agency}
        same_topics = _by_shared_topics(reply, _candidates(reply, by_topic, reply["topics"]), shown, topic_sets)
        shown |= {r.id for r in same_topics}
        proposer_candidates = _candidates(reply, by_proposer, dict.fromkeys(reply["proposers"]))
        same_proposer = tuple(r for r in proposer_candidates if r.id not in shown)[:RELATED]
        out[reply.id] = Links(older, newer, same_topics, tuple(same_agency), same_proposer)
    return out


def _invert(ordered: list[Reply], keys: KeyFn) -> Inverted:
    """key → (replies newest first, reply id → position in that list)."""
    lists: dict[str, list[Reply]] = {}
    for reply in ordered:
        for key in keys(reply):
            lists.setdefault(key, []).append(reply)
    return {k: (v, {r.id: i for i, r in enumerate(v)}) for k, v in lists.items()}


def _window(items: list[Reply], at: int) -> list[Reply]:
    """Up to WINDOW neighbours on each side of ``items[at]``, nearest first."""
    out: list[Reply] = []
    for step in range(1, WINDOW + 1):
        if at - step >= 0:
            out.append(items[at - step])
        if at + step < len(items):
            out.append(items[at + step])
    return out


def _candidates(reply: Reply, inverted: Inverted, keys: Iterable[str]) -> list[Reply]:
    seen: dict[str, Reply] = {}
    for key in keys:
        items, positions = inverted[key]
        for other in _window(items, positions[reply.id]):
            seen.setdefault(other.id, other)
    return list(seen.values())


def _by_shared_topics(reply: Reply, candidates: list[Reply], exclude: set[str],
                      topic_sets: dict[str, frozenset[str]]) -> tuple[Reply, ...]:
    mine = topic_sets[reply.id]
    scored = [(len(mine & topic_sets[c.id]), sort_date(c), c.id, c) for c in candidates if c.id not in exclude]
    scored.sort(key=lambda s: (-s[0], _negate(s[1]), s[2]))
    return tuple(s[3] for s in scored[:RELATED])


def _negate(date: str) -> str:
    """Sort key that puts newer ISO dates first while staying a string."""
    return "".join(chr(0x7F - ord(ch)) for ch in date) if date else "\x7f"
