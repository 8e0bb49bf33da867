"""Post-MkDocs step, the static JSON API: an index of every reply and one full record per reply.

Load: the checked dataset. Process: the index keeps the fields people filter by (ids, dates,
agency, region, kind, category, topics, withdrawal) with the record's page and JSON URLs; each
record file is the record as ``data/replies.json`` has it, every key as it is, plus one key,
``derived`` (``urls.DERIVED``): what the build derives from the reply (its commitments, figures and
threads). Save: ``api/replies.json``, ``api/replies/<id>.json`` and every proposal with its replies
in ``api/proposals.json``. The API page (``pages/apidoc``) documents them.

One file per reply, not two: ``api/derived/<id>.json`` was merged into the record's file (issue 13:
a file costs about 770 bytes in the tar GitHub Pages receives, and 10,000 letters made 10,000 of
them). GitHub Pages cannot redirect a JSON URL, so the API page says where they went.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from build_scripts import output, package, siteurl
from build_scripts.dataset import Dataset, Reply
from build_scripts.package import data_version
from build_scripts.pages.urls import (
    API_INDEX,
    API_INDEX_FIELDS,
    API_PROPOSALS,
    DERIVED,
    proposal_url,
    record_path,
    reply_url,
)


def dumps(data: Any) -> bytes:
    """Compact JSON, UTF-8, one final newline: indenting was 15 % of the API's bytes (38 MB at
    10,000 letters); a browser or ``jq`` shows it indented."""
    return orjson.dumps(data) + b"\n"


def index_entry(reply: Reply, base: str) -> dict[str, Any]:
    entry = {name: reply[name] for name in API_INDEX_FIELDS}
    entry["url"] = siteurl.absolute(reply_url(reply.id), base)
    entry["json"] = siteurl.absolute(record_path(reply.id), base)
    return entry


def files(dataset: Dataset, base: str | None = None) -> Iterator[tuple[str, bytes]]:
    """(path under the site, bytes) of the index, the proposals and each reply's file, made as they are
    written (issue 13: all at once they were 1.9 GB at 100,000 letters)."""
    url = base or siteurl.site_url()
    version, title = data_version(dataset)
    index = {
        "title": title,
        "version": version,
        "count": len(dataset.replies),
        "fields": list(API_INDEX_FIELDS),
        "replies": [index_entry(r, url) for r in dataset.replies],
    }
    yield API_INDEX, dumps(index)
    yield API_PROPOSALS, dumps(proposal_index(dataset, url))
    for reply in dataset.replies:
        yield record_path(reply.id), dumps(record(reply, dataset))


def proposal_index(dataset: Dataset, base: str) -> dict[str, Any]:
    """Every proposal with its replies (ids, agencies, handling roles) and its page."""
    rows = {r["id"]: r for r in package.table_rows_of(dataset, "proposals")}
    return {"count": len(rows), "proposals": [
        {**rows[pid], "url": siteurl.absolute(proposal_url(pid), base),
         "replies": [{"id": r.id, "agency": r["agency"], "handling_role": r["handling_role"],
                      "json": siteurl.absolute(record_path(r.id), base)} for r in replies]}
        for pid, replies in dataset.by_proposal.items()]}


def record(reply: Reply, dataset: Dataset) -> dict[str, Any]:
    """A reply's API file: the record, every key as it is, and under ``DERIVED`` what is derived from it."""
    return {**reply.data, DERIVED: derived(reply, dataset)}


def derived(reply: Reply, dataset: Dataset) -> dict[str, Any]:
    """What the build derives from a reply (rows of the commitments, figures and threads tables,
    without their ``reply_id``: the file is the reply's own)."""
    return {
        "commitments": [{"position": i, **vars(c)} for i, c in enumerate(dataset.commitments[reply.id], 1)],
        "figures": [{"position": i, **vars(f)} for i, f in enumerate(dataset.figures[reply.id], 1)],
        "threads": [dict(vars(link)) for link in dataset.threads[reply.id]],
    }


def write(dataset: Dataset, site_dir: Path) -> None:
    output.write_files(site_dir, files(dataset))


step = write
