"""Post-MkDocs step, the 承诺事项 feed: the newest commitments as Atom and JSON Feed 1.1.

An item is one commitment of one reply (its sentence, agency and deadline), dated by its reply's
own date (``feedlist.item_date``), newest replies first, ``NEWEST`` items. Ids are tag URIs of the
reply and the commitment's position; links go to the commitment on the reply page.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from build_scripts import dates, siteurl
from build_scripts.dataset import Dataset
from build_scripts.pages import commitments as page
from build_scripts.pages.feedlist import PORTAL, item_date
from build_scripts.pages.urls import reply_url

NEWEST = 100
ATOM_NS = "http://www.w3.org/2005/Atom"
TAG = "tag:dafu-gongkai.org,2024:"
DESCRIPTION = "各答复中按规则找出的最新承诺事项：承诺语句、答复单位与时限。"


def _items(dataset: Dataset) -> list[page.Promise]:
    dated = [p for p in page.promises(dataset) if item_date(p.reply)]
    return sorted(dated, key=lambda p: (str(item_date(p.reply)), p.reply.id, -p.position), reverse=True)[:NEWEST]


def _title(p: page.Promise) -> str:
    c = p.commitment
    when = f"{c.deadline_words}（{dates.zh_text(c.deadline)}）" if c.deadline else "未写明时限"
    return f"{p.reply['agency']}：{when}"


def _url(p: page.Promise, base: str) -> str:
    return siteurl.absolute(reply_url(p.reply.id), base) + "#" + page.anchor(p.position)


def _stamp(date: str) -> str:
    return f"{date}T00:00:00+08:00"


def atom(dataset: Dataset, base: str) -> bytes:
    ET.register_namespace("", ATOM_NS)

    def q(tag: str) -> str:
        return f"{{{ATOM_NS}}}{tag}"

    items = _items(dataset)
    root = ET.Element(q("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    ET.SubElement(root, q("id")).text = TAG + "feeds/" + page.FEED
    ET.SubElement(root, q("title")).text = page.FEED_TITLE
    ET.SubElement(root, q("subtitle")).text = DESCRIPTION
    newest = str(item_date(items[0].reply)) if items else dataset.data_date.isoformat()
    ET.SubElement(root, q("updated")).text = _stamp(newest)
    ET.SubElement(root, q("link"), {"rel": "self", "type": "application/atom+xml",
                                     "href": siteurl.absolute(f"feeds/{page.FEED}.atom", base)})
    ET.SubElement(root, q("link"), {"rel": "alternate", "type": "text/html", "href": siteurl.absolute(page.PAGE, base)})
    ET.SubElement(ET.SubElement(root, q("author")), q("name")).text = PORTAL
    for p in items:
        entry = ET.SubElement(root, q("entry"))
        ET.SubElement(entry, q("id")).text = f"{TAG}commitments/{p.reply.id}/{p.position}"
        ET.SubElement(entry, q("title")).text = _title(p)
        ET.SubElement(entry, q("link"), {"rel": "alternate", "type": "text/html", "href": _url(p, base)})
        ET.SubElement(entry, q("updated")).text = _stamp(str(item_date(p.reply)))
        ET.SubElement(ET.SubElement(entry, q("author")), q("name")).text = str(p.reply["agency"])
        ET.SubElement(entry, q("summary")).text = p.commitment.sentence
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def json_feed(dataset: Dataset, base: str) -> bytes:
    items: list[dict[str, Any]] = []
    for p in _items(dataset):
        c = p.commitment
        items.append({
            "id": f"{TAG}commitments/{p.reply.id}/{p.position}",
            "url": _url(p, base),
            "title": _title(p),
            "content_text": c.sentence,
            "date_published": _stamp(str(item_date(p.reply))),
            "authors": [{"name": p.reply["agency"]}],
            "language": "zh-CN",
            "_dafu_gongkai": {"reply_id": p.reply.id, "position": p.position, "deadline": c.deadline,
                              "deadline_words": c.deadline_words},
        })
    data = {"version": "https://jsonfeed.org/version/1.1", "title": page.FEED_TITLE,
            "home_page_url": siteurl.absolute(page.PAGE, base),
            "feed_url": siteurl.absolute(f"feeds/{page.FEED}.json", base), "description": DESCRIPTION,
            "language": "zh-CN", "authors": [{"name": PORTAL}], "items": items}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def files(dataset: Dataset, base: str) -> dict[str, bytes]:
    return {f"feeds/{page.FEED}.atom": atom(dataset, base), f"feeds/{page.FEED}.json": json_feed(dataset, base)}
