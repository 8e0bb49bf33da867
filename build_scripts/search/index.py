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
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from build_scripts import deflate
from build_scripts import proposals as proposal_rules
from build_scripts.dataset import Dataset, Reply, newest_first
from build_scripts.pages import parts
from build_scripts.pages.facets import facets, proposal_label
from build_scripts.pages.proposals import SEARCHABLE_FROM
from build_scripts.pages.urls import proposal_url, record_path, reply_url
from build_scripts.search import corpus as corpus_mod
from build_scripts.search import postings as postings_mod
from build_scripts.search.encode import gather
from build_scripts.search.spill import POSITIONS, Block, Spill
from build_scripts.search.text import BODY_BASE
from build_scripts.settings import Settings

FORMAT_VERSION = 5
INLINE = 3_000           # a term's entry longer than this (characters of JSON) moves out of its shard
GZIP_LEVEL = 6           # every file stored gzipped: 2.6 times smaller (the engine inflates it)
DEFAULT_COMMON = 20_000  # a gram with more occurrences than this is indexed as the grams extending it
DEFAULT_MEMORY = Settings().search_index_memory
DEFAULT_CHUNK = 256      # docs per ``i/`` file (≈ 2 KB gzip): a page of results reads one to ten of them (FORMAT.md)
DEAL_BUCKETS = 64        # files the dictionary is dealt into by hash: divides every shard count (``shard_count``)
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


class _Writer:
    """Writes files on a few threads: creating tens of thousands of small files is I/O-bound."""

    def __init__(self, root: Path, threads: int = 4, compress: bool = True) -> None:
        self.root = root
        self.compress = compress
        self.files = 0
        self.bytes = 0
        self.dirs: set[Path] = set()
        self.pool = ThreadPoolExecutor(threads)
        self.pending: deque[Future[None]] = deque()

    def __call__(self, rel: str, content: str | bytes) -> None:
        path = self.root / rel
        if path.parent not in self.dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.dirs.add(path.parent)
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.pending.append(self.pool.submit(self._save, path, data))  # zlib-ng lets go of the GIL: threads compress
        while len(self.pending) > 512:
            self.pending.popleft().result()
        self.files += 1
        self.bytes += len(data)

    def _save(self, path: Path, data: bytes) -> None:
        path.write_bytes(deflate.gzip_bytes(data, GZIP_LEVEL) if self.compress else data)

    def close(self) -> None:
        while self.pending:
            self.pending.popleft().result()
        self.pool.shutdown()


SHARD_BYTES = 1 << 23  # bytes of shards assembled at once from a bucket file (``_deal_shards``)
SHARD_CHARS = 40_000
"""A shard holds at most about this many characters of JSON (≈ 20 KB gzip on letters' text): a phrase
query reads one shard per planned gram (up to eight for a ten-character query), so what a query
downloads stays flat in N only if shards do not grow with the dictionary (issue 13: with at most
4,096 shards they were 32 KB gzip at 10,000 letters, and four committed queries read over 300 KB)."""
MAX_SHARDS = 1 << 16
"""Past this (a dictionary of ≈ 2.6 GB of JSON, several hundred thousand letters) shards grow again."""


def shard_count(total_chars: int) -> int:
    """A power of two from 64 to ``MAX_SHARDS``: the fewest that keep shards to ``SHARD_CHARS`` each.
    Fewer, larger shards would mean fewer files (each costs ≈ 1 KB in the tar GitHub Pages receives)
    but more bytes per query."""
    count = 64
    while count < MAX_SHARDS and count * SHARD_CHARS < total_chars:
        count *= 2
    return count


def _save_dictionary(put: _Writer, blocks: Iterable[Block], shards_wanted: int, folder: Path) -> tuple[int, int, list[str]]:
    """Big entries' doc sets and positions go to ``x/`` as they come; shards are written last.

    Each term's shard member goes to one of ``DEAL_BUCKETS`` files as it comes (the shard count depends on
    the whole dictionary's size); each file is then read and its shards written, so memory holds no more
    than a 64th of the dictionary. (Dealt straight to one file per shard, 16 MB at a time, the files were
    opened 8 million times at 100,000 letters: 324 of the index's 1,267 seconds under the profiler.)
    Returns the term count, the shard count and the common grams (for the manifest: a query's plan needs
    no shard).
    """
    common_grams: list[str] = []
    total = n = 0
    folder.mkdir(parents=True, exist_ok=True)
    buckets = [open(folder / f"b{b}", "wb") for b in range(DEAL_BUCKETS)]
    try:
        for block in blocks:
            lines, bounds, entries = _lines(put, block, n, common_grams)
            total += entries
            n += len(block)
            for f, start, end in zip(buckets, bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
                if end > start:
                    f.write(lines[start:end].tobytes())
    finally:
        for f in buckets:
            f.close()
    shards = shards_wanted or shard_count(total)
    _deal_shards(put, folder, shards)
    return n, shards, sorted(common_grams)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_UNHEX = np.zeros(256, dtype=np.int64)
_UNHEX[_HEX] = np.arange(16)
_MARKS = np.frombuffer(b'"":[]\n{,}', dtype=np.uint8)  # the bytes a line or a shard adds, by place (below)
_QUOTE, _COLON, _CLOSE, _NEWLINE, _OPEN, _COMMA, _END = 0, 1, 4, 5, 6, 7, 8  # ``":[`` is _COLON's three


def _lines(put: _Writer, block: Block, first: int, common_grams: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """The block's dictionary lines, ``<fnv1a as 8 hex digits><term as JSON>:<entry>\\n``, grouped by deal
    bucket (``h % DEAL_BUCKETS``), in term order within each; the groups' byte bounds; the entries' length.

    The most frequent entry, a rare gram's bare positions (``_entry``), is assembled from the block's arrays
    by one gather; the others (doc sets, common grams, entries moved to ``x/``, terms JSON must escape) by
    ``_entry``, a term at a time. Their first term is term number ``first`` of the dictionary (``x/`` names)."""
    terms = len(block)
    group = block.groups[:-1]
    piece = np.diff(block.offsets)[group]
    bare = ((np.diff(block.groups) == 1) & (block.kinds[group] == POSITIONS) & ~block.common & block.plain()
            & (piece + 2 <= INLINE))
    others = np.flatnonzero(~bare).tolist()
    side = []
    entries = int(piece[bare].sum()) + 2 * int(bare.sum())  # "[" + positions + "]"
    for j, (term, key, h, sets, positions, common) in zip(others, block.items(others), strict=True):
        if common:
            common_grams.append(term)
        whole = _entry(put, f"{h:08x}-{first + j}", sets, positions, common)
        entries += len(whole)
        side.append((key + ":" + whole).encode("utf-8"))
    side_len = np.zeros(terms, dtype=np.int64)
    side_len[others] = [len(s) for s in side]
    side_start = np.cumsum(side_len) - side_len
    cp = block.chars
    utf8_len = ((cp > 0).astype(np.int64) + (cp >= 0x80) + (cp >= 0x800) + (cp >= 0x10000))
    name_len = utf8_len.sum(axis=1)
    name_start = np.cumsum(name_len) - name_len
    names = np.frombuffer(cp.astype("<u4").tobytes().decode("utf-32-le").encode("utf-8"), dtype=np.uint8)
    names = names[names != 0]  # the padding: no character of a term is U+0000, no UTF-8 byte of one is 0
    hexes = _HEX[(block.hashes.astype(np.int64)[:, None] >> np.arange(28, -1, -4)) & 15]
    at_hex = len(_MARKS)
    at_name = at_hex + hexes.size
    at_text = at_name + len(names)
    at_side = at_text + len(block.text)
    src = np.concatenate((_MARKS, hexes.ravel(), names, block.text, np.frombuffer(b"".join(side), dtype=np.uint8)))
    one = bare.astype(np.int64)
    seg_start = np.stack([at_hex + 8 * np.arange(terms), np.full(terms, _QUOTE), at_name + name_start,
                          np.full(terms, _COLON), np.where(bare, at_text + block.offsets[group], at_side + side_start),
                          np.full(terms, _CLOSE), np.full(terms, _NEWLINE)], axis=1)
    seg_len = np.stack([np.full(terms, 8), one, one * name_len, 3 * one, np.where(bare, piece, side_len), one,
                        np.ones(terms, dtype=np.int64)], axis=1)
    bucket = block.hashes.astype(np.int64) % DEAL_BUCKETS
    order = np.argsort(bucket, kind="stable")
    seg_start, seg_len = seg_start[order].ravel(), seg_len[order].ravel()
    lines = gather(src, seg_start, seg_len)
    line_ends = np.concatenate(([0], np.cumsum(seg_len.reshape(terms, 7).sum(axis=1))))
    bounds = line_ends[np.concatenate(([0], np.cumsum(np.bincount(bucket, minlength=DEAL_BUCKETS))))]
    return lines, bounds, entries


def _entry(put: _Writer, name: str, sets: str, positions: str, common: bool) -> str:
    """A term's entry as it stands in its shard; what is too big for it goes to ``x/<name>…`` files."""
    if positions and not sets and not common and len(positions) <= INLINE:
        return positions  # the most frequent entry, a rare gram's positions: the bare list
    flag = ',"c":1' if common else ""
    whole = "{" + ",".join(x for x in (sets, f'"p":{positions}' if positions else "") if x) + flag + "}"
    if len(whole) <= INLINE:
        return whole
    parts = []
    if len(sets) > INLINE:
        put(f"x/{name}d.json", "{" + sets + "}")
        parts.append(f'"dx":"{name}d"')
    elif sets:
        parts.append(sets)
    if positions:
        put(f"x/{name}p.json", positions)
        parts.append(f'"px":"{name}p"')
    return "{" + ",".join(parts) + flag + "}"


def _deal_shards(put: _Writer, folder: Path, shards: int) -> None:
    """Each bucket file (in term order) read whole, its lines ordered by shard (term order within one), each
    shard written as ``{`` + its lines' members joined by commas + ``}``, ``SHARD_BYTES`` of them at a time."""
    for b in range(DEAL_BUCKETS):
        path = folder / f"b{b}"
        data = np.fromfile(path, dtype=np.uint8)
        path.unlink()
        if not len(data):
            continue
        ends = np.flatnonzero(data == _MARKS[_NEWLINE])
        starts = np.concatenate(([0], ends[:-1] + 1))
        h = np.zeros(len(starts), dtype=np.int64)
        for k in range(8):
            h = (h << 4) | _UNHEX[data[starts + k]]
        shard = h % shards
        order = np.argsort(shard, kind="stable")
        shard, starts, ends = shard[order], starts[order], ends[order]
        lines = len(order)
        opens = np.concatenate(([True], shard[1:] != shard[:-1]))
        closes = np.concatenate((opens[1:], [True]))
        src = np.concatenate((data, _MARKS))
        seg_start = np.stack([np.full(lines, len(data) + _OPEN), starts + 8,
                              np.where(closes, len(data) + _END, len(data) + _COMMA)], axis=1)
        seg_len = np.stack([opens.astype(np.int64), ends - starts - 8, np.ones(lines, dtype=np.int64)], axis=1)
        line_ends = np.concatenate(([0], np.cumsum(seg_len.sum(axis=1))))
        firsts = np.flatnonzero(opens)
        cuts = np.unique(np.append(firsts[np.searchsorted(line_ends[firsts], np.arange(0, int(line_ends[-1]), SHARD_BYTES))], lines))
        for a, z in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
            out = gather(src, seg_start[a:z].ravel(), seg_len[a:z].ravel()).tobytes()
            base = int(line_ends[a])
            first = np.flatnonzero(opens[a:z]) + a
            bounds = np.append(line_ends[first], line_ends[z]) - base
            for s, x, y in zip(shard[first].tolist(), bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
                put(f"s/{s}.json", out[x:y])


def write(dataset: Dataset, site: Path, options: Options = Options()) -> IndexStats:
    put = _Writer(site / "search" / "idx", compress=options.gzip)
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
        terms, shards, common_grams = _save_dictionary(put, spill.blocks(), options.shards, work / "shards")
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
    put = _Writer(site / "search" / "idx", compress=options.gzip)
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
