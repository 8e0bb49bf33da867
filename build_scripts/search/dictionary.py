"""The search index's files: written gzipped on a few threads (``Writer``), and the dictionary, the shards
``s/`` and the big entries ``x/`` (FORMAT.md "Build": the shard members dealt into ``DEAL_BUCKETS`` files
by hash, then grouped by shard once the shard count is known).

A rare gram's member (``"term":[positions]``, most of the 19 million at 100,000 letters) is assembled from
the spill's arrays by one numpy gather (``_lines``); the other entries by ``_entry``, a term at a time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from build_scripts import deflate
from build_scripts.search.encode import gather
from build_scripts.search.spill import POSITIONS, Block

INLINE = 3_000           # a term's entry longer than this (characters of JSON) moves out of its shard
GZIP_LEVEL = 6           # every file stored gzipped: 2.6 times smaller (the engine inflates it)
DEAL_BUCKETS = 64        # files the dictionary is dealt into by hash: divides every shard count (``shard_count``)


class Writer:
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


def save(put: Writer, blocks: Iterable[Block], shards_wanted: int, folder: Path) -> tuple[int, int, list[str]]:
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


def _lines(put: Writer, block: Block, first: int, common_grams: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
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


def _entry(put: Writer, name: str, sets: str, positions: str, common: bool) -> str:
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


def _deal_shards(put: Writer, folder: Path, shards: int) -> None:
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
