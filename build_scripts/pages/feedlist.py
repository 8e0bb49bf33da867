"""Which feeds the site has and what each holds: the site-wide feed, one per agency, one per topic.

``feeds`` writes each as Atom and JSON Feed; the API page lists them; browse pages name their own
(``feed_meta``). An item's date is the reply's own (publication, else signed, else retrieved).
"""

from __future__ import annotations

from dataclasses import dataclass

from build_scripts.dataset import Dataset, Reply
from build_scripts.pages import escape
from build_scripts.pages.facets import agency_slug

NEWEST = 50


PORTAL = "答复公开"


@dataclass(frozen=True)
class Feed:
    path: str  # under feeds/, without extension: "replies", "agency/530000-1a2b3c4d", "topic/shegong-zhan"
    title: str
    description: str
    page: str  # site-relative page the feed follows
    replies: tuple[Reply, ...]


def item_date(reply: Reply) -> str | None:
    """The date a reply appears in feeds by: published, else signed, else retrieved."""
    value = reply["published_date"] or reply["reply_date"] or reply["retrieved_date"]
    return str(value) if value else None


def newest(replies: list[Reply] | tuple[Reply, ...]) -> tuple[Reply, ...]:
    dated = [r for r in replies if item_date(r)]
    return tuple(sorted(dated, key=lambda r: (item_date(r), r.id), reverse=True)[:NEWEST])


def feeds(dataset: Dataset) -> list[Feed]:
    """Every feed: the site-wide one, then one per agency and one per topic, in slug order."""
    out = [Feed("replies", f"{PORTAL}：最新答复", "政府部门对人大代表建议、政协提案的最新答复函。", "",
                newest(dataset.replies))]
    agencies: dict[str, list[Reply]] = {}
    for reply in dataset.replies:
        agencies.setdefault(agency_slug(reply), []).append(reply)
    for slug in sorted(agencies):
        name = agencies[slug][0]["agency"]
        out.append(Feed(f"agency/{slug}", f"{PORTAL}：{name}的答复", f"{name}的最新答复函。",
                        f"browse/agency/{slug}/", newest(agencies[slug])))
    for topic in sorted(dataset.vocab.topics, key=lambda t: t["id"]):
        members = [r for r in dataset.replies if topic["id"] in r["topics"]]
        if members:
            out.append(Feed(f"topic/{topic['id']}", f"{PORTAL}：主题“{topic['name']}”", f"主题“{topic['name']}”的最新答复函。",
                            f"browse/topic/{topic['id']}/", newest(members)))
    return out


FEED_FACETS = ("agency", "topic")


def feed_meta(facet_slug: str, value_slug: str, label: str) -> dict[str, str]:
    """``feed`` and ``feed_title`` for agency and topic pages; nothing for the other facets."""
    if facet_slug not in FEED_FACETS:
        return {}
    return {"feed": f"{facet_slug}/{value_slug}", "feed_title": escape.meta(f"答复公开：{label}")}
