"""Build the search index: Load the replies, Process them into postings, Save the files.

Everything is written under ``<site>/search/idx/`` (format: FORMAT.md). The site directory is
the build's staging directory (published by one rename), so files are written in place. The
heavy work is numpy over one array of code points for the whole collection (``corpus``,
``postings``) and vectorised integer-to-text (``encode``): no Python loop per character or per
integer. The step reads only the dataset and writes only under ``site/search/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from build_scripts.pages.model import facets, newest_first, reply_url, sort_date, year
from build_scripts.records import Dataset, Reply
from build_scripts.search import corpus as corpus_mod
from build_scripts.search import postings as postings_mod
from build_scripts.search.encode import csv_many
from build_scripts.search.grams import fnv1a
from build_scripts.search.text import BODY_BASE, body_fields

FORMAT_VERSION = 2
INLINE = 3_000           # a term's entry longer than this (characters of JSON) moves out of its shard
DEFAULT_COMMON = 20_000  # a gram with more occurrences than this is indexed as the grams extending it
ENCODE_CHUNK = 4_000_000  # integers turned into text at once (bounds memory)


@dataclass(frozen=True)
class Options:
    common: int = DEFAULT_COMMON
    shards: int = 0  # 0: chosen from the size of the dictionary


@dataclass(frozen=True)
class IndexStats:
    docs: int
    characters: int
    terms: int
    shards: int
    files: int
    bytes: int
    levels: int


# ---------------------------------------------------------------- load


def ordered(dataset: Dataset) -> list[Reply]:
    """Replies in rank order: doc id 0 is the newest. Ties: newest_first's order."""
    return newest_first(list(dataset.replies))


# ---------------------------------------------------------------- process: entries as JSON text


def _chained(parts: list[tuple[np.ndarray, int]]) -> np.ndarray:
    out, previous = [], 0
    for flat, last in parts:
        if previous:
            flat = flat.copy()
            flat[0] -= previous
        out.append(flat)
        previous = last
    return np.concatenate(out)


def entry_texts(entries: dict[str, postings_mod.Entry]) -> list[tuple[str, str, str, bool]]:
    """Sorted terms with (term, doc sets JSON members, positions JSON array or "", common)."""
    out: list[tuple[str, str, str, bool]] = []
    terms = sorted(entries)
    i = 0
    while i < len(terms):
        arrays: list[np.ndarray] = []
        delta: list[bool] = []
        chunk: list[tuple[str, int, int, int]] = []  # term, index of d, h, p arrays (-1: none)
        size = 0
        while i < len(terms) and (size < ENCODE_CHUNK or not chunk):
            e = entries[terms[i]]
            slots = []
            for kind in ("d", "h", "p"):
                if getattr(e, kind):
                    arrays.append(_chained(e.p) if kind == "p" else np.concatenate(getattr(e, kind)))
                    delta.append(kind != "p")
                    size += len(arrays[-1])
                    slots.append(len(arrays) - 1)
                else:
                    slots.append(-1)
            chunk.append((terms[i], slots[0], slots[1], slots[2]))
            i += 1
        texts = csv_many(arrays, delta)
        for term, d, h, p in chunk:
            members = []
            if d >= 0:
                members.append(f'"d":[{texts[d]}]')
            if h >= 0:
                members.append(f'"h":[{texts[h]}]')
            out.append((term, ",".join(members), f"[{texts[p]}]" if p >= 0 else "", entries[term].common))
    return out


# ---------------------------------------------------------------- process: metadata, facets


def meta_record(reply: Reply, dataset: Dataset, fs: Any = None) -> dict[str, Any]:
    labels = {f.slug: [label for _, label in f.values(reply)] for f in (fs or facets(dataset))}
    return {
        "id": reply.id, "url": reply_url(reply.id), "title": reply["title"],
        "proposal_title": reply["proposal_title"], "agency": reply["agency"],
        "doc_number": reply["doc_number"], "date": sort_date(reply) or None, "kind": reply["proposal_kind"],
        "category": labels["category"][0] if labels["category"] else None,
        "region": reply["region_name"], "year": year(reply), "topics": labels["topic"],
    }


def doc_record(reply: Reply, dataset: Dataset, fs: Any) -> dict[str, Any]:
    """What the result list shows for one reply, and its searchable original text for the snippet."""
    return {**meta_record(reply, dataset, fs), "proposers": list(reply["proposers"]),
            "body": [f.text for f in body_fields(reply)]}


def facet_table(replies: list[Reply], dataset: Dataset) -> dict[str, Any]:
    """Each facet's values and, per reply, the indexes of its values (deduplicated as tuples)."""
    fs = facets(dataset)
    values: dict[str, list[str]] = {f.slug: [] for f in fs}
    index: dict[str, dict[str, int]] = {f.slug: {} for f in fs}
    tuples: dict[str, int] = {}
    doc_tuple = []
    for reply in replies:
        row = []
        for f in fs:
            ids = []
            for _slug, label in f.values(reply):
                if label not in index[f.slug]:
                    index[f.slug][label] = len(values[f.slug])
                    values[f.slug].append(label)
                ids.append(index[f.slug][label])
            row.append(ids)
        doc_tuple.append(tuples.setdefault(json.dumps(row), len(tuples)))
    return {"facets": [{"slug": f.slug, "title": f.title, "values": values[f.slug]} for f in fs],
            "tuples": [json.loads(k) for k in tuples], "docs": doc_tuple}


# ---------------------------------------------------------------- save


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0
        self.bytes = 0
        self.dirs: set[Path] = set()

    def __call__(self, rel: str, content: str) -> None:
        path = self.root / rel
        if path.parent not in self.dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.dirs.add(path.parent)
        data = content.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1
        self.bytes += len(data)


def shard_count(total_chars: int) -> int:
    """64 to 4,096 shards, about 4,000 characters of JSON each."""
    count = 64
    while count < 4096 and count * 4000 < total_chars:
        count *= 2
    return count


def _save_dictionary(put: _Writer, items: list[tuple[str, str, str, bool]], shards_wanted: int) -> int:
    bodies: list[tuple[str, str]] = []
    for n, (term, sets, positions, common) in enumerate(items):
        flag = ',"c":1' if common else ""
        whole = "{" + ",".join(x for x in (sets, f'"p":{positions}' if positions else "") if x) + flag + "}"
        if len(whole) > INLINE:
            members = []
            name = f"{fnv1a(term):08x}-{n}"
            if len(sets) > INLINE:
                put(f"x/{name}d.json", "{" + sets + "}")
                members.append(f'"dx":"{name}d"')
            elif sets:
                members.append(sets)
            if positions:
                put(f"x/{name}p.json", positions)
                members.append(f'"px":"{name}p"')
            whole = "{" + ",".join(members) + flag + "}"
        bodies.append((term, whole))
    shards = shards_wanted or shard_count(sum(len(b) for _, b in bodies))
    by_shard: dict[int, list[str]] = {}
    for term, body in bodies:
        by_shard.setdefault(fnv1a(term) % shards, []).append(f"{_dump(term)}:{body}")
    for shard, members in sorted(by_shard.items()):
        put(f"s/{shard}.json", "{" + ",".join(members) + "}")
    return shards


def write(dataset: Dataset, site: Path, options: Options = Options()) -> IndexStats:
    put = _Writer(site / "search" / "idx")
    replies = ordered(dataset)
    corpus = corpus_mod.build(replies)
    entries, levels = postings_mod.build(corpus, options.common)
    terms = len(entries)
    items = entry_texts(entries)
    del entries
    shards = _save_dictionary(put, items, options.shards)
    del items
    fs = facets(dataset)
    for doc_id, reply in enumerate(replies):
        put(f"d/{doc_id}.json", _dump(doc_record(reply, dataset, fs)))
    put("facets.json", _dump(facet_table(replies, dataset)))
    put("t2s.json", _dump(t2s_table(corpus.cp)))
    manifest = {"version": FORMAT_VERSION, "docs": len(replies), "shards": shards, "bodyBase": BODY_BASE,
                "common": options.common, "levels": levels.last}
    put("manifest.json", _dump(manifest))
    characters = len(corpus.cp)
    return IndexStats(len(replies), characters, terms, shards, put.files, put.bytes, levels.last)


def t2s_table(cp: np.ndarray | None = None) -> dict[str, str]:
    """Traditional→simplified, character by character, for the browser to normalise queries.

    With the collection's code points, only pairs where either character occurs in it are kept:
    a query character whose pair is left out cannot match either way (the build's text holds
    neither), so the answers do not change and the once-per-visit file is smaller.
    """
    from build_scripts.textnorm import _t2s

    conv = _t2s()
    present = None if cp is None else np.bincount(cp, minlength=0x10000) > 0
    table = {}
    for start, end in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        for c in range(start, end + 1):
            ch = chr(c)
            out = conv.convert(ch)
            keep = present is None or present[c] or (ord(out) < len(present) and present[ord(out)])
            if out != ch and len(out) == 1 and keep:
                table[ch] = out
    return table


def step(dataset: Dataset, site: Path) -> None:
    """The post-MkDocs build step (registered in ``site.post_steps``)."""
    write(dataset, site)
