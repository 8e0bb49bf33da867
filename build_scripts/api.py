"""Post-MkDocs step, the static JSON API: an index of every reply and one full record per reply.

Load: the checked dataset. Process: the index keeps the fields people filter by (ids, dates,
agency, region, kind, category, topics, withdrawal) with the record's page and JSON URLs; each
record file is the record as ``data/replies.json`` has it. Save: ``api/replies.json`` and
``api/replies/<id>.json``. The API page (``pages/apidoc``) documents both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from build_scripts import output, siteurl
from build_scripts.dataset import Dataset, Reply
from build_scripts.package import data_version
from build_scripts.pages.urls import API_INDEX, API_INDEX_FIELDS, record_path, reply_url


def dumps(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def index_entry(reply: Reply, base: str) -> dict[str, Any]:
    entry = {name: reply[name] for name in API_INDEX_FIELDS}
    entry["url"] = siteurl.absolute(reply_url(reply.id), base)
    entry["json"] = siteurl.absolute(record_path(reply.id), base)
    return entry


def files(dataset: Dataset, base: str | None = None) -> dict[str, bytes]:
    url = base or siteurl.site_url()
    version, title = data_version(dataset)
    index = {
        "title": title,
        "version": version,
        "count": len(dataset.replies),
        "fields": list(API_INDEX_FIELDS),
        "replies": [index_entry(r, url) for r in dataset.replies],
    }
    out = {API_INDEX: dumps(index)}
    for reply in dataset.replies:
        out[record_path(reply.id)] = dumps(reply.data)
    return out


def write(dataset: Dataset, site_dir: Path) -> None:
    output.write_files(site_dir, files(dataset))


step = write
