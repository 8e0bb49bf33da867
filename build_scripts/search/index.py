"""Build the search index: Load the replies, Process them into postings, Save the files.

Everything is written under ``<site>/search/idx/`` (format: FORMAT.md). The site directory is
the build's staging directory (published by one rename), so files are written in place. The
heavy work is numpy over one array of code points for the whole collection (``corpus``,
``postings``) and vectorised integer-to-text (``encode``): no Python loop per character or per
integer. The step reads only the dataset and writes only under ``site/search/``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from build_scripts import proposals as proposal_rules
from build_scripts.dataset import Dataset, Reply, newest_first
from build_scripts.pages import parts
from build_scripts.pages.facets import facets, proposal_label
from build_scripts.pages.proposals import SEARCHABLE_FROM
from build_scripts.pages.urls import proposal_url, record_path, reply_url
from build_scripts.search import corpus as corpus_mod
from build_scripts.search import dictionary
from build_scripts.search import postings as postings_mod
from build_scripts.search.dictionary import DEAL_BUCKETS, Writer
from build_scripts.search.spill import Spill
from build_scripts.search.text import BODY_BASE
from build_scripts.settings import Settings

FORMAT_VERSION = 5
DEFAULT_COMMON = 20_000  # a gram with more occurrences than this is indexed as the grams extending it
DEFAULT_MEMORY = Settings().search_index_memory
DEFAULT_CHUNK = 256      # docs per ``i/`` file (≈ 2 KB gzip): a page of results reads one to ten of them (FORMAT.md)
ID = "{id}"              # the reply id's place in the manifest's URL templates


@dataclass(frozen=True)
class Options:
    common: int = DEFAULT_COMMON
    shards: int = 0  # 0: chosen from the size of the dictionary
    gzip: bool = True  # files stored gzipped (the site must fit GitHub Pages' 1 GB; FORMAT.md)
    memory: int = DEFAULT_MEMORY  # bytes the build aims to stay within, beside the dataset (Settings)
    chunk: int = DEFAULT_CHUNK  # docs per ``i/`` file (their reply ids and what the API record does not say)
    docs: bool = True  # write the ``i/`` files; the build writes them itself from its bulk pages (``write_docs``)

    def __post_init__(self) -> None:
        if self.shards % DEAL_BUCKETS:
            raise ValueError(f"Options.shards = {self.shards}: 0 or a multiple of {DEAL_BUCKETS} (the dictionary is dealt by it)")


@dataclass(frozen=True)
class IndexStats:
    docs: int
    characters: int
    terms: int
    shards: int
    files: int
    bytes: int
    levels: int
    batches: int = 1     # batches of replies the postings were made in
    partitions: int = 1  # spill partitions they were merged in
    cuts: int = 0        # partitions cut again because they were over their share of the budget


# ---------------------------------------------------------------- load


def ordered(dataset: Dataset) -> list[Reply]:
    """Replies in rank order: doc id 0 is the newest. Ties: newest_first's order."""
    return newest_first(list(dataset.replies))


# ---------------------------------------------------------------- process: entries as JSON text


# ---------------------------------------------------------------- process: metadata, facets


PartsOf = Callable[[Reply], Sequence[parts.Part]]
"""A reply's parts (``pages.parts``); ``[]`` or one part for a reply on one page."""


def doc_entry(reply: Reply, dataset: Dataset, category: Any, parts_of: PartsOf | None = None) -> list[Any]:
    """What the result list needs of one reply that its API record (``api/replies/<id>.json``, which the
    page reads for the title, agency, date, proposers and the text its snippet is cut from) does not say:
    ``[reply id, 办理类型 label or null, proposal, parts?]``.

    ``proposal`` is null for a reply to no proposal, else ``[replies to it, its page or null]`` (a proposal
    answered once has no page of its own, ``proposals.has_page``). A long letter's text is on several
    pages (``pages.parts``): ``parts`` says where pages 2, 3, … start and their URLs, as
    [body field index, offset, url], so a result links to the page that holds its match. ``parts_of``
    gives them as the bulk pages cut them; without it they are measured here (``parts.text_parts``).
    """
    labels = [label for _, label in category.values(reply)]
    pid = reply["proposal_id"]
    count = len(dataset.by_proposal[pid]) if pid else 0
    proposal = [count, proposal_url(pid) if proposal_rules.has_page(count) else None] if pid else None
    entry: list[Any] = [reply.id, labels[0] if labels else None, proposal]
    split = parts_of(reply) if parts_of else parts.text_parts(reply, dataset)
    if len(split) > 1:
        entry.append([[*p.start, p.url] for p in split[1:]])
    return entry


def doc_chunks(replies: list[Reply], dataset: Dataset, size: int, parts_of: PartsOf | None = None) -> dict[str, str]:
    """``i/<k>.json``: the entries (``doc_entry``) of docs ``k·size`` to ``k·size + size − 1``, in doc order."""
    category = next(f for f in facets(dataset) if f.slug == "category")
    entries = [doc_entry(reply, dataset, category, parts_of) for reply in replies]
    return {f"i/{k // size}.json": _dump(entries[k:k + size]) for k in range(0, len(entries), size)}


NOT_SEARCH_FACETS = ("proposer", "proposal")
"""One value per person or proposal: grow with N (the text search finds proposers; a proposal is filtered
to through its own small file, ``proposal_files``)."""


COLUMN_FACETS = ("role",)
"""Facets with one value or none per reply and a handful of values, stored as a column (one character per
reply) beside the tuples: in the tuples, 办理方式 multiplied them (at 10,000 letters with roles and shared
proposals: 400 → 1,570 tuples, facets.json 14.3 → 23.1 KB gzip; as a column, see benchmarks/RESULTS.md)."""
COLUMN_NONE = "."
"""A reply with no value of a column facet; a value's character is ``chr(48 + its index)``."""


def facet_table(replies: list[Reply], dataset: Dataset) -> dict[str, Any]:
    """Each facet's values and, per reply, the indexes of its values (deduplicated as tuples), and the
    column facets' values as one character per reply.

    Facets whose values grow with the collection (proposers, proposals) are left out: with them every
    reply is its own tuple and the file grows by ≈ 13 bytes gzip per reply.
    """
    every = [f for f in facets(dataset) if f.slug not in NOT_SEARCH_FACETS]
    fs = [f for f in every if f.slug not in COLUMN_FACETS]
    cols = [f for f in every if f.slug in COLUMN_FACETS]
    values: dict[str, list[str]] = {f.slug: [] for f in every}
    index: dict[str, dict[str, int]] = {f.slug: {} for f in every}

    def ids(f: Any, reply: Reply) -> list[int]:
        out = []
        for _slug, label in f.values(reply):
            if label not in index[f.slug]:
                index[f.slug][label] = len(values[f.slug])
                values[f.slug].append(label)
            out.append(index[f.slug][label])
        return out

    tuples: dict[str, int] = {}
    doc_tuple = []
    column: dict[str, list[str]] = {f.slug: [] for f in cols}
    for reply in replies:
        doc_tuple.append(tuples.setdefault(json.dumps([ids(f, reply) for f in fs]), len(tuples)))
        for f in cols:  # one value at most, of a few (办理方式: the five of fields.HANDLING_ROLES)
            found = ids(f, reply)
            column[f.slug].append(chr(48 + found[0]) if found else COLUMN_NONE)
    return {"facets": [{"slug": f.slug, "title": f.title, "values": values[f.slug]} for f in fs],
            "tuples": [json.loads(k) for k in tuples], "docs": doc_tuple,
            "columns": [{"slug": f.slug, "title": f.title, "values": values[f.slug], "docs": "".join(column[f.slug])}
                        for f in cols]}


def proposal_files(replies: list[Reply], dataset: Dataset) -> dict[str, str]:
    """``p/<proposal id>.json`` for each proposal with ``SEARCHABLE_FROM`` replies or more: its label, page
    and doc ids (ascending). Fetched only when a search is filtered to that proposal, so the
    once-per-visit ``facets.json`` does not grow with the number of proposals."""
    docs: dict[str, list[int]] = {}
    for doc_id, reply in enumerate(replies):
        if reply["proposal_id"]:
            docs.setdefault(reply["proposal_id"], []).append(doc_id)
    return {
        f"p/{pid}.json": _dump({"label": proposal_label(dataset.by_proposal[pid][0]), "url": proposal_url(pid),
                                "docs": ids})
        for pid, ids in sorted(docs.items()) if len(ids) >= SEARCHABLE_FROM
    }


# ---------------------------------------------------------------- save


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write(dataset: Dataset, site: Path, options: Options = Options()) -> IndexStats:
    put = Writer(site / "search" / "idx", compress=options.gzip)
    replies = ordered(dataset)
    work = site / "search" / ".spill"  # removed below, even on failure: the site only gets search/idx
    try:
        corpus = corpus_mod.build(replies, work)
        grams = postings_mod.Grams.of(corpus)
        budget = postings_mod.Budget.of(options.memory, corpus.characters, grams.v)
        grams.partition(corpus, budget.partitions)
        levels = postings_mod.find_levels(corpus, grams, options.common, budget, work / "levels")
        spill = Spill(work / "postings", grams, budget.partitions, max(levels.last, 1), budget.partition_bytes)
        for batch in postings_mod.pieces(corpus, grams, levels, budget):
            spill.add(batch)
        terms, shards, common_grams = dictionary.save(put, spill.blocks(), options.shards, work / "shards")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if options.docs:
        for rel, content in doc_chunks(replies, dataset, options.chunk).items():
            put(rel, content)
    put("facets.json", _dump(facet_table(replies, dataset)))
    for rel, content in proposal_files(replies, dataset).items():
        put(rel, content)
    put("t2s.json", _dump(t2s_table(grams.chars)))
    manifest = {"version": FORMAT_VERSION, "docs": len(replies), "shards": shards, "bodyBase": BODY_BASE,
                "stride": corpus.stride, "common": options.common, "levels": levels.last,
                "commonGrams": common_grams, "chunk": options.chunk,
                "replyUrl": reply_url(ID), "recordUrl": record_path(ID)}
    put("manifest.json", _dump(manifest))
    put.close()
    return IndexStats(len(replies), corpus.characters, terms, shards, put.files, put.bytes, levels.last,
                      spill.batches, budget.partitions, spill.cuts)


def write_docs(dataset: Dataset, site: Path, parts_of: PartsOf, options: Options = Options()) -> int:
    """The ``i/`` files alone, from the parts the build's bulk pages cut (``write`` with ``docs=False`` writes
    the rest): doc ids are ``ordered(dataset)``'s, as there. Returns the files written."""
    put = Writer(site / "search" / "idx", compress=options.gzip)
    for rel, content in doc_chunks(ordered(dataset), dataset, options.chunk, parts_of).items():
        put(rel, content)
    put.close()
    return put.files


def t2s_table(chars: np.ndarray | None = None) -> dict[str, str]:
    """Traditional→simplified, character by character, for the browser to normalise queries.

    Given the collection's characters (code points), only pairs where either occurs are kept:
    a query character whose pair is left out cannot match either way (the build's text holds
    neither), so the answers do not change and the once-per-visit file is smaller.
    """
    from build_scripts.textnorm import _t2s

    conv = _t2s()
    present = None
    if chars is not None:
        present = np.zeros(max(0x10000, int(chars.max(initial=0)) + 1), dtype=bool)
        present[chars] = True
    table = {}
    for start, end in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        for c in range(start, end + 1):
            ch = chr(c)
            out = conv.convert(ch)
            keep = present is None or present[c] or (ord(out) < len(present) and present[ord(out)])
            if out != ch and len(out) == 1 and keep:
                table[ch] = out
    return table


def step(dataset: Dataset, site: Path, memory: int = DEFAULT_MEMORY) -> None:
    """The build step (run in a child process by ``site.search_step``): all but the ``i/`` files, which the
    main process writes from its bulk pages (``write_docs``)."""
    write(dataset, site, Options(memory=memory, docs=False))
