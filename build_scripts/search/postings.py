"""Postings in numpy: which grams are indexed, their doc sets and positions (rules: grams.py).

Level 1 (characters) and 2 (bigrams) are indexed everywhere. A gram of level L that occurs more
than ``common`` times in the collection is *common*: it keeps its doc sets but no positions, and
the grams of level L + 1 that extend it one character to the left or right are indexed instead;
grams of the last level are always positional. What is common is a global fact, so the levels
are found first (one counting pass per level, the counts spilled by partition and merged one
partition at a time); then each batch of replies yields its postings as *pieces*: one
(term, kind, values) per term and batch, in numpy arrays, never one Python object per term.

Grams are numbered, not hashed: characters get dense ids (V distinct characters, in code point
order); a gram of level L is its characters' ids in base V while V^L < 2^42, else a 64-bit
polynomial hash whose collisions are detected with a second, independent hash. Sorting is one
``np.sort`` of int64 values that pack (gram, index in batch), which numpy does with SIMD
instructions. A term is also written as its character ids padded with 0 to the longest level
(``Pieces.t``): sorting those rows sorts the terms as Python sorts strings.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from build_scripts.search.corpus import Corpus
from build_scripts.search.text import BODY_BASE

MAX_GRAM = 8            # a safety bound: levels stop earlier, when no gram of a level is common
BATCH_CHARS = 2_000_000  # most characters per batch; must stay below 2**LOW
LOW = 21
EXACT = 1 << 42
H1 = np.uint64(0x9E3779B97F4A7C15)
H2 = np.uint64(0xC2B2AE3D27D4EB4F)
BYTES_PER_BATCH_CHAR = 150  # peak working memory of one batch per character (measured ≈ 75)
SPILL_PER_CHAR = 40         # bytes of spilled pieces (rows and text) per character, generously
KINDS = ("d", "h", "p")


class HashCollision(RuntimeError):
    pass


@dataclass(frozen=True)
class Budget:
    """How the index build keeps within its memory: characters per batch, spill partitions."""

    batch_chars: int
    partitions: int
    partition_bytes: int  # a partition's spill over this is cut again when it is merged

    @classmethod
    def of(cls, memory: int, characters: int, v: int) -> Budget:
        """A batch's working arrays take a quarter of ``memory``, one partition an eighth."""
        batch = max(1, min(BATCH_CHARS, memory // 4 // BYTES_PER_BATCH_CHAR))
        partitions = -(-characters * SPILL_PER_CHAR // max(1, memory // 8))
        return cls(batch, max(1, min(v, partitions)), memory // 8)


def batches(corpus: Corpus, batch_chars: int = BATCH_CHARS) -> list[tuple[int, int]]:
    out, lo = [], 0
    for i in range(corpus.docs):
        if corpus.starts[i + 1] - corpus.starts[lo] >= batch_chars:
            out.append((lo, i + 1) if i > lo else (lo, lo + 1))
            lo = out[-1][1]
    if lo < corpus.docs:
        out.append((lo, corpus.docs))
    return out


@dataclass
class Grams:
    """How grams are numbered for one collection, and which spill partition a term goes to."""

    chars: np.ndarray  # character id -> code point (id 0: U+0000)
    table: np.ndarray  # code point -> character id (uint16 unless there are more than 65,536)
    v: int
    part: np.ndarray   # character id -> partition of the terms starting with it (non-decreasing)

    @classmethod
    def of(cls, corpus: Corpus) -> Grams:
        present = np.flatnonzero(corpus.counts)
        dtype = np.uint16 if len(present) <= 1 << 16 else np.int32  # 2 bytes a character
        table = np.zeros(int(present.max(initial=0)) + 1, dtype=dtype)
        table[present] = np.arange(len(present), dtype=dtype)
        return cls(present.astype(np.uint32), table, max(len(present), 2), np.zeros(len(present), np.int64))

    def partition(self, corpus: Corpus, partitions: int) -> None:
        """Cut the characters into ranges of about equal occurrences, one range per partition."""
        weight = corpus.counts[self.chars].astype(np.float64)
        weight[:1] = 0  # U+0000 starts no term
        cum = np.cumsum(weight) - weight
        self.part = np.minimum((cum * partitions / max(weight.sum(), 1)).astype(np.int64), partitions - 1)

    def member(self, level: int, sorted_keys: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        """A test for membership in a set of gram numbers: a dense table for bigrams, else a search."""
        if self.v ** level <= 1 << 26:
            table = np.zeros(self.v ** level, dtype=bool)
            table[sorted_keys] = True
            return lambda keys: table[keys]
        return _Member(sorted_keys)

    def batch(self, corpus: Corpus, lo: int, hi: int) -> np.ndarray:
        return self.table[corpus.read(lo, hi)]

    def keys(self, cid: np.ndarray, starts: np.ndarray, level: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Each gram's number (exact) or (hash, second hash)."""
        if self.v ** level < EXACT:
            k = cid[starts].astype(np.int64)
            for i in range(1, level):
                k = k * self.v + cid[starts + i]
            return k, None
        h1 = np.zeros(len(starts), dtype=np.uint64)
        h2 = np.zeros(len(starts), dtype=np.uint64)
        for i in range(level):
            c = cid[starts + i].astype(np.uint64) + np.uint64(1)
            h1 = h1 * H1 + c
            h2 = h2 * H2 + c
        return h1.view(np.int64), h2.view(np.int64)


def _order(keys: np.ndarray, check: np.ndarray | None) -> np.ndarray:
    """Indexes that sort by (key, index): one np.sort of (key or its 42-bit mix) << LOW | index."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(keys) >= 1 << LOW:
        raise ValueError(f"a batch holds {len(keys)} grams; at most {1 << LOW} fit (lower BATCH_CHARS)")
    exact = check is None and int(keys.min()) >= 0 and int(keys.max()) < EXACT
    packed_key = keys if exact else (keys.view(np.uint64) * H2 >> np.uint64(64 - 42)).astype(np.int64)
    packed = np.sort((packed_key << LOW) | np.arange(len(keys), dtype=np.int64))
    order = packed & ((1 << LOW) - 1)
    if not exact:
        k = keys[order]
        same_hash = (packed[1:] >> LOW) == (packed[:-1] >> LOW)
        if (same_hash & (k[1:] != k[:-1])).any():  # two grams share the 42-bit mix: sort exactly
            order = np.lexsort((np.arange(len(keys)), keys))
            k = keys[order]
        if check is not None and ((k[1:] == k[:-1]) & (check[order][1:] != check[order][:-1])).any():
            raise HashCollision("search index: two grams share a 64-bit hash; change H1/H2")
    return order


def _first(keys: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else np.zeros(0, np.int64)


def _starts(valid: np.ndarray, level: int, prev: np.ndarray | None) -> np.ndarray:
    """Start offsets of the level's indexed grams in a batch (prev: starts of common grams one level down)."""
    n = len(valid)
    if n < level:
        return np.zeros(0, dtype=np.int64)
    if level == 1:
        return np.flatnonzero(valid)
    if level == 2:
        return np.flatnonzero(valid[:-1] & valid[1:])
    assert prev is not None
    common = np.zeros(n + 1, dtype=bool)
    common[prev] = True
    right = common[:n - level + 1] & valid[level - 1:]
    left = common[1:n - level + 2] & valid[:n - level + 1]
    return np.flatnonzero(right | left)


def _isin(keys: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    if not len(sorted_set) or not len(keys):
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, keys), len(sorted_set) - 1)
    return sorted_set[at] == keys


class _Member:
    """Membership in a sorted set of gram numbers too many for a dense table: a bit per slot of a table
    eight times the set's size, by a multiplicative hash, answers no for most keys; only the rest are
    searched for (``_isin``). A binary search per key cost 51 of the index's 990 seconds at 100,000 letters
    under the profiler: the keys are every gram of a batch, the set its level's common grams."""

    def __init__(self, sorted_set: np.ndarray) -> None:
        self.sorted_set = sorted_set
        self.shift = np.uint64(64 - min(max((8 * len(sorted_set)).bit_length(), 16), 30))
        self.table = np.zeros(1 << (64 - int(self.shift)), dtype=bool)
        self.table[self._slot(sorted_set)] = True

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.view(np.uint64) * H1) >> self.shift).astype(np.intp)

    def __call__(self, keys: np.ndarray) -> np.ndarray:
        out = np.zeros(len(keys), dtype=bool)
        maybe = np.flatnonzero(self.table[self._slot(keys)])
        out[maybe] = _isin(keys[maybe], self.sorted_set)
        return out


@dataclass
class Levels:
    common: list[np.ndarray]  # per level (index = level): sorted numbers of its common grams

    @property
    def last(self) -> int:
        return len(self.common) - 1


class Buckets:
    """Rows appended to one file per partition, read back a partition at a time."""

    def __init__(self, folder: Path, partitions: int, dtype: np.dtype) -> None:
        self.folder, self.partitions, self.dtype = folder, partitions, dtype
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, part: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(part, kind="stable")
        part, rows = part[order], rows[order]
        bounds = np.searchsorted(part, np.arange(self.partitions + 1))
        for p in np.flatnonzero(np.diff(bounds)).tolist():
            with open(self.folder / str(p), "ab") as f:
                f.write(rows[bounds[p]:bounds[p + 1]].tobytes())

    def read(self, p: int) -> np.ndarray:
        path = self.folder / str(p)
        return np.fromfile(path, dtype=self.dtype) if path.exists() else np.zeros(0, dtype=self.dtype)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


COUNT = np.dtype([("key", "<i8"), ("n", "<i8")])


def find_levels(corpus: Corpus, grams: Grams, common: int, budget: Budget, folder: Path) -> Levels:
    """Which grams are common, level by level, until a level has none (or MAX_GRAM).

    Each batch's gram counts go to the partition of the gram's first character; each partition
    is then summed on its own, so memory holds one batch's counts or one partition's, never the
    whole vocabulary's.
    """
    spans = batches(corpus, budget.batch_chars)
    found: list[np.ndarray] = [np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)]
    level = 2
    while level <= MAX_GRAM:
        counts = Buckets(folder / f"count{level}", budget.partitions, COUNT)
        for b, (lo, hi) in enumerate(spans):
            cid = grams.batch(corpus, lo, hi)
            st = _starts(cid != 0, level, _load(folder, b) if level > 2 else None)
            keys = grams.keys(cid, st, level)[0]
            if grams.v ** level < EXACT:  # the first character is the key's leading digit
                uniq, n = _counts(keys)
                lead = uniq // grams.v ** (level - 1)
            else:
                uniq, first, n = np.unique(keys, return_index=True, return_counts=True)
                lead = cid[st[first]]
            rows = np.empty(len(uniq), dtype=COUNT)
            rows["key"], rows["n"] = uniq, n
            counts.add(grams.part[lead], rows)
        common_keys = []
        for p in range(budget.partitions):
            rows = counts.read(p)
            uniq, n = np.unique(rows["key"], return_inverse=True)
            total = np.bincount(n, weights=rows["n"], minlength=len(uniq))
            common_keys.append(uniq[total > common])
        counts.remove()
        keys_found = np.sort(np.concatenate(common_keys)) if level < MAX_GRAM else np.zeros(0, np.int64)
        found.append(keys_found)
        if not len(keys_found):
            break
        member = grams.member(level, keys_found)
        for b, (lo, hi) in enumerate(spans):
            cid = grams.batch(corpus, lo, hi)
            st = _starts(cid != 0, level, _load(folder, b) if level > 2 else None)
            np.save(folder / f"prev{b}.npy", st[member(grams.keys(cid, st, level)[0])])
        level += 1
    return Levels(found)


def _counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v = np.sort(keys)
    first = _first(v)
    return v[first], np.diff(np.append(first, len(v)))


def _load(folder: Path, b: int) -> np.ndarray:
    return np.asarray(np.load(folder / f"prev{b}.npy"))


@dataclass
class Pieces:
    """One batch's postings: row i is term ``t[i]`` (character ids, 0-padded), kind (0 d, 1 h,
    2 p), whether the term is common, and its values ``values[bounds[i]:bounds[i + 1]]``
    (doc ids or coordinates doc · stride + position, ascending)."""

    t: np.ndarray
    kind: np.ndarray
    common: np.ndarray
    values: np.ndarray
    bounds: np.ndarray


def pieces(corpus: Corpus, grams: Grams, levels: Levels, budget: Budget) -> Iterator[Pieces]:
    """Postings of every indexed gram, one batch at a time (in doc order)."""
    for lo, hi in batches(corpus, budget.batch_chars):
        yield _batch(corpus, grams, levels, lo, hi)


class _Out:
    def __init__(self, width: int, dtype: np.dtype) -> None:
        self.width, self.dtype = width, dtype
        self.t: list[np.ndarray] = []
        self.kind: list[np.ndarray] = []
        self.common: list[np.ndarray] = []
        self.values: list[np.ndarray] = []
        self.sizes: list[np.ndarray] = []

    def add(self, cid: np.ndarray, starts: np.ndarray, level: int, kind: int, common: bool,
            values: np.ndarray, sizes: np.ndarray) -> None:
        t = np.zeros((len(starts), self.width), dtype=self.dtype)
        for i in range(level):
            t[:, i] = cid[starts + i]
        self.t.append(t)
        self.kind.append(np.full(len(starts), kind, dtype=np.uint8))
        self.common.append(np.full(len(starts), common, dtype=bool))
        self.values.append(values.astype(np.int64, copy=False))
        self.sizes.append(sizes)

    def sets(self, cid: np.ndarray, k: np.ndarray, s: np.ndarray, d: np.ndarray, level: int, kind: int,
             common: bool) -> None:
        """Doc sets of grams sorted by key ``k`` with starts ``s`` and doc ids ``d``."""
        if not len(k):
            return
        keep = np.concatenate(([True], (k[1:] != k[:-1]) | (d[1:] != d[:-1])))
        k, d, s = k[keep], d[keep], s[keep]
        first = _first(k)
        self.add(cid, s[first], level, kind, common, d, np.diff(np.append(first, len(k))))

    def done(self) -> Pieces:
        sizes = np.concatenate(self.sizes) if self.sizes else np.zeros(0, np.int64)
        return Pieces(np.concatenate(self.t) if self.t else np.zeros((0, self.width), self.dtype),
                      np.concatenate(self.kind) if self.kind else np.zeros(0, np.uint8),
                      np.concatenate(self.common) if self.common else np.zeros(0, bool),
                      np.concatenate(self.values) if self.values else np.zeros(0, np.int64),
                      np.concatenate(([0], np.cumsum(sizes))).astype(np.int64))


def _batch(corpus: Corpus, grams: Grams, levels: Levels, lo: int, hi: int) -> Pieces:
    """One batch's postings: doc sets of characters and common grams, coordinates of the rest."""
    cid = grams.batch(corpus, lo, hi)
    doc, pos = corpus.positions(lo, hi)
    head = pos < BODY_BASE
    coord = doc.astype(np.int64) * corpus.stride + pos
    out = _Out(max(levels.last, 1), grams.table.dtype)
    _character_sets(grams, cid, doc - lo, head, lo, hi - lo, out)
    prev: np.ndarray | None = None
    for level in range(2, levels.last + 1):
        st = _starts(cid != 0, level, prev)
        keys, check = grams.keys(cid, st, level)
        order = _order(keys, check)
        st, keys = st[order], keys[order]
        is_common = grams.member(level, levels.common[level])(keys)
        if is_common.any():
            k, s = keys[is_common], st[is_common]
            out.sets(cid, k, s, doc[s], level, 0, True)
            hk = head[s]
            out.sets(cid, k[hk], s[hk], doc[s[hk]], level, 1, True)
        rare = ~is_common
        k, s = keys[rare], st[rare]
        f = _first(k)
        out.add(cid, s[f], level, 2, False, coord[s], np.diff(np.append(f, len(k))))
        prev = np.sort(st[is_common])
    return out.done()


def _character_sets(grams: Grams, cid: np.ndarray, local: np.ndarray, head: np.ndarray, lo: int, docs: int,
                    out: _Out) -> None:
    """Doc sets of every character: a (character × reply) presence table by bincount, not a sort."""
    for kind, mask in ((0, cid != 0), (1, (cid != 0) & head)):
        present = np.bincount(cid[mask].astype(np.int64) * docs + local[mask], minlength=grams.v * docs) > 0
        c, d = np.nonzero(present.reshape(grams.v, docs))
        first = _first(c)
        t = np.zeros((len(first), out.width), dtype=out.dtype)
        t[:, 0] = c[first]
        out.t.append(t)
        out.kind.append(np.full(len(first), kind, dtype=np.uint8))
        out.common.append(np.zeros(len(first), dtype=bool))
        out.values.append((d + lo).astype(np.int64))
        out.sizes.append(np.diff(np.append(first, len(c))))
