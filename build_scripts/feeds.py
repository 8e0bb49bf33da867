"""Post-MkDocs step, feeds: Atom and JSON Feed 1.1 of the newest replies, site-wide, per agency, per topic.

Load: the checked dataset and the site URL (``siteurl``). Process: per feed, the newest replies by
their own date (publication date, else the date signed, else the retrieval date; never git or the
clock), and the feed's ``updated`` is its newest item's date. Ids are tag URIs that do not depend
on where the site is hosted; links are absolute. Save: ``feeds/replies.{atom,json}``,
``feeds/agency/<slug>.{atom,json}``, ``feeds/topic/<id>.{atom,json}``.

Written with ElementTree and ``json`` rather than feedgen: the formats are small, feedgen would add
lxml and stamps ``lastBuildDate``/``updated`` with the current time unless every one is overridden,
and with our own writer the bytes are ours to keep deterministic.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from build_scripts import commitfeed, output, siteurl
from build_scripts.dataset import Dataset, Reply
from build_scripts.pages.feedlist import PORTAL, Feed, feeds, item_date
from build_scripts.pages.urls import reply_url
from build_scripts.pages.withdrawn import is_withdrawn

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
TAG = "tag:dafu-gongkai.org,2024:"
TIMEZONE = "+08:00"  # dates in the letters are Beijing dates



def stamp(date: str) -> str:
    """A data date as an RFC 3339 time: midnight Beijing time."""
    return f"{date}T00:00:00{TIMEZONE}"


def _title(reply: Reply) -> str:
    return ("【已撤回】" if is_withdrawn(reply) else "") + str(reply["title"])


def _summary(reply: Reply) -> str:
    number = f"第{reply['proposal_number']}号" if reply["proposal_number"] else ""
    text = f"{reply['agency']}对{reply['assembly']}{number}{reply['proposal_kind']}的答复"
    if reply["proposal_title"]:
        text += f"：《{reply['proposal_title']}》"
    if is_withdrawn(reply):
        text += f"（已于{reply['withdrawn_date']}撤回：{reply['withdrawn_reason']}）"
    return text


def _topic_names(dataset: Dataset) -> dict[str, str]:
    return {t["id"]: t["name"] for t in dataset.vocab.topics}


def atom(feed: Feed, dataset: Dataset, base: str) -> bytes:
    ET.register_namespace("", ATOM_NS)

    def q(tag: str) -> str:
        return f"{{{ATOM_NS}}}{tag}"

    root = ET.Element(q("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    ET.SubElement(root, q("id")).text = TAG + "feeds/" + feed.path
    ET.SubElement(root, q("title")).text = feed.title
    ET.SubElement(root, q("subtitle")).text = feed.description
    ET.SubElement(root, q("updated")).text = stamp(_updated(feed, dataset))
    ET.SubElement(root, q("link"), {"rel": "self", "type": "application/atom+xml",
                                     "href": siteurl.absolute(f"feeds/{feed.path}.atom", base)})
    ET.SubElement(root, q("link"), {"rel": "alternate", "type": "text/html", "href": siteurl.absolute(feed.page, base)})
    author = ET.SubElement(root, q("author"))
    ET.SubElement(author, q("name")).text = PORTAL
    ET.SubElement(root, q("generator")).text = "答复公开 build_scripts.feeds"
    topics = _topic_names(dataset)
    for reply in feed.replies:
        entry = ET.SubElement(root, q("entry"))
        ET.SubElement(entry, q("id")).text = TAG + "replies/" + reply.id
        ET.SubElement(entry, q("title")).text = _title(reply)
        ET.SubElement(entry, q("link"), {"rel": "alternate", "type": "text/html",
                                          "href": siteurl.absolute(reply_url(reply.id), base)})
        ET.SubElement(entry, q("updated")).text = stamp(str(reply["withdrawn_date"] or item_date(reply)))
        if reply["published_date"]:
            ET.SubElement(entry, q("published")).text = stamp(str(reply["published_date"]))
        entry_author = ET.SubElement(entry, q("author"))
        ET.SubElement(entry_author, q("name")).text = str(reply["agency"])
        for topic in reply["topics"]:
            ET.SubElement(entry, q("category"), {"term": topic, "label": topics[topic]})
        ET.SubElement(entry, q("summary")).text = _summary(reply)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def json_feed(feed: Feed, dataset: Dataset, base: str) -> bytes:
    topics = _topic_names(dataset)
    items: list[dict[str, Any]] = []
    for reply in feed.replies:
        item: dict[str, Any] = {
            "id": TAG + "replies/" + reply.id,
            "url": siteurl.absolute(reply_url(reply.id), base),
            "title": _title(reply),
            "content_text": _summary(reply),
            "summary": _summary(reply),
            "date_published": stamp(str(item_date(reply))),
            "authors": [{"name": reply["agency"]}],
            "tags": [topics[t] for t in reply["topics"]],
            "language": "zh-CN",
            "_dafu_gongkai": {"reply_id": reply.id, "api": siteurl.absolute(f"api/replies/{reply.id}.json", base),
                              "withdrawn_date": reply["withdrawn_date"]},
        }
        if reply["withdrawn_date"]:
            item["date_modified"] = stamp(str(reply["withdrawn_date"]))
        items.append(item)
    data = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": siteurl.absolute(feed.page, base),
        "feed_url": siteurl.absolute(f"feeds/{feed.path}.json", base),
        "description": feed.description,
        "language": "zh-CN",
        "authors": [{"name": PORTAL}],
        "items": items,
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _updated(feed: Feed, dataset: Dataset) -> str:
    dates = [str(r["withdrawn_date"] or item_date(r)) for r in feed.replies]
    if dates:
        return max(dates)
    return dataset.data_date.isoformat()


def files(dataset: Dataset, base: str | None = None) -> dict[str, bytes]:
    """Path under the site -> bytes, for every feed in both formats."""
    url = base or siteurl.site_url()
    out: dict[str, bytes] = {}
    for feed in feeds(dataset):
        out[f"feeds/{feed.path}.atom"] = atom(feed, dataset, url)
        out[f"feeds/{feed.path}.json"] = json_feed(feed, dataset, url)
    out.update(commitfeed.files(dataset, url))
    return out


def write(dataset: Dataset, site_dir: Path) -> None:
    output.write_files(site_dir, files(dataset))


step = write
