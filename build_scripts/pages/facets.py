"""The ways to browse the collection (答复单位, 地区, 年份, 类型, 办理类型, 主题, 届次, 提出人, 建议提案,
办理方式) and their labels and slugs.

Each ``Facet`` gives every reply its values; the browse pages, the statistics page and the search
index's facets all read these, so a value has one slug and one label everywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from build_scripts import proposals as proposal_rules
from build_scripts.dataset import Dataset, Reply, newest_first, sort_date
from build_scripts.fields import HANDLING_ROLES, KIND_SLUGS, REPLY_FIELDS, by_name
from build_scripts.pages.urls import proposal_url, reply_url

MIN_PAGE_REPLIES = {"proposer": 2}
"""A value of these facets has a browse page of its own only with at least this many replies; a value
with fewer links to its reply (issue 13: most proposers have one reply, and a page each was a fifth of
the site at 10,000 letters)."""

PAGE_ELSEWHERE = {"proposal": proposal_url}
"""Facets whose values already have a page of their own (a proposal's page lists every reply to it):
they make no browse page per value and link there."""

MIN_LISTED_REPLIES = {"proposal": 2}
"""A value of these facets is listed on the facet's browse pages (and the overview) only with at least
this many replies: most proposals are answered once, and every proposal is in the proposals list
(``proposals/``); the browse list is of those answered by several agencies."""

ROLE_SLUGS = dict(zip(HANDLING_ROLES, ("zhuban", "huiban", "xieban", "fenban", "duban"), strict=True))
"""办理方式 (``handling_role``) → its slug in browse URLs."""


def has_page(facet_slug: str, count: int) -> bool:
    """Whether a facet value gets a browse page of its own."""
    return facet_slug not in PAGE_ELSEWHERE and count >= MIN_PAGE_REPLIES.get(facet_slug, 1)


def is_listed(facet_slug: str, count: int) -> bool:
    """Whether a facet value is listed on the facet's browse pages."""
    return count >= MIN_LISTED_REPLIES.get(facet_slug, 1)


def value_url(facet_slug: str, slug: str, replies: list[Reply]) -> str:
    """Where a facet value links (site-relative): its browse page, its own page elsewhere (a proposal's),
    or its only reply when it has no page."""
    if facet_slug in PAGE_ELSEWHERE:  # a proposal answered once has no page of its own: its reply
        return PAGE_ELSEWHERE[facet_slug](slug) if proposal_rules.has_page(len(replies)) or not replies \
            else reply_url(replies[0].id)
    if not has_page(facet_slug, len(replies)) and replies:
        return reply_url(replies[0].id)
    return f"browse/{facet_slug}/{slug}/"


_counts: dict[int, tuple[Dataset, dict[str, int]]] = {}


def proposer_counts(dataset: Dataset) -> dict[str, int]:
    """Proposer → how many replies name them, computed once per dataset (every reply card asks)."""
    cached = _counts.get(id(dataset))
    if cached is None or cached[0] is not dataset:
        counts: dict[str, int] = {}
        for reply in dataset.replies:
            for proposer in dict.fromkeys(reply["proposers"]):
                counts[proposer] = counts.get(proposer, 0) + 1
        _counts.clear()
        cached = _counts[id(dataset)] = (dataset, counts)
    return cached[1]


def year(reply: Reply) -> str | None:
    value = sort_date(reply)
    return value[:4] if value else None


def agency_slug(reply: Reply) -> str:
    digest = hashlib.sha1(reply["agency"].encode("utf-8")).hexdigest()[:8]
    return f"{reply['region_code']}-{digest}"


@dataclass(frozen=True)
class Facet:
    """One way to browse: a value per reply (or several), each value a page."""

    slug: str
    title: str
    values: Callable[[Reply], list[tuple[str, str]]]  # [(value slug, label)]
    stats: bool = True
    """Whether the statistics page counts replies by it (not by proposal: proposals.csv has each one's count)."""


def _one(slug: str | None, label: str | None) -> list[tuple[str, str]]:
    return [(slug, label)] if slug and label else []


def short_hash(text: str, n: int = 10) -> str:
    """A stable ASCII slug for a Chinese label (names change nothing but their own hash)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def proposal_label(reply: Reply) -> str:
    """What a proposal is called: its title, else its number and kind."""
    if reply["proposal_title"]:
        return f"《{reply['proposal_title']}》"
    return f"第{reply['proposal_number']}号{reply['proposal_kind']}"


def role_values(reply: Reply) -> list[tuple[str, str]]:
    """The reply's 办理方式 (主办, 会办, …); none when the letter does not say."""
    role = reply["handling_role"]
    return _one(ROLE_SLUGS.get(role), role) if role else []


def session_label(reply: Reply) -> str:
    """Which sitting the proposal was made at: the assembly and its term and session."""
    return f"{reply['assembly']}{session_text(reply)}"


def facets(dataset: Dataset) -> tuple[Facet, ...]:
    vocab = dataset.vocab
    topic_names = {t["id"]: t["name"] for t in vocab.topics}
    chains = {r["code"]: vocab.region_chain(r["code"]) for r in vocab.regions}
    schemes = {s["scheme"]: (s, {c["code"]: c for c in s["codes"]}) for s in vocab.category_schemes}

    def region_values(reply: Reply) -> list[tuple[str, str]]:
        return [(r["code"], r["full_name"]) for r in chains.get(reply["region_code"], [])]

    def category_values(reply: Reply) -> list[tuple[str, str]]:
        if not reply["category"]:
            return []
        scheme, codes = schemes[reply["category_scheme"]]
        code = codes[reply["category"]]
        return [(f"{scheme['scheme']}-{code['code'].lower()}", f"{code['code']}类 {code['label']}（{scheme['issuer']}）")]

    return (
        Facet("agency", "答复单位", lambda r: _one(agency_slug(r), r["agency"])),
        Facet("region", "地区", region_values),
        Facet("year", "年份", lambda r: _one(year(r), f"{year(r)}年")),
        Facet("kind", "类型", lambda r: _one(KIND_SLUGS[r["proposal_kind"]], r["proposal_kind"])),
        Facet("category", "办理类型", category_values),
        Facet("topic", "主题", lambda r: [(t, topic_names[t]) for t in r["topics"]]),
        Facet("session", "届次", lambda r: _one(short_hash(session_label(r)), session_label(r))),
        Facet("proposer", "提出人", lambda r: [(short_hash(p), p) for p in dict.fromkeys(r["proposers"])]),
        Facet("proposal", "建议提案", lambda r: _one(r["proposal_id"], proposal_label(r)), stats=False),
        Facet("role", by_name(REPLY_FIELDS)["handling_role"].title, role_values),  # 办理方式, as in the dictionary
    )


def group(replies: tuple[Reply, ...], facet: Facet) -> dict[str, tuple[str, list[Reply]]]:
    """value slug -> (label, replies newest first), ordered by slug."""
    groups: dict[str, tuple[str, list[Reply]]] = {}
    for reply in replies:
        for slug, label in facet.values(reply):
            groups.setdefault(slug, (label, []))[1].append(reply)
    return {k: (groups[k][0], newest_first(groups[k][1])) for k in sorted(groups)}


def session_text(reply: Reply) -> str:
    term, session = reply["term"], reply["session_no"]
    parts = []
    if term:
        parts.append(f"第{term}届")
    if session:
        parts.append(f"第{session}次会议")
    return "".join(parts) or "未注明届次"


def scheme_code(dataset: Dataset, reply: Reply) -> dict[str, Any] | None:
    if not reply["category"]:
        return None
    for scheme in dataset.vocab.category_schemes:
        if scheme["scheme"] == reply["category_scheme"]:
            for code in scheme["codes"]:
                if code["code"] == reply["category"]:
                    return {**code, "scheme": scheme}
    return None
