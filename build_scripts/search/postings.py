"""Postings in numpy: which grams are indexed, their doc sets and positions (rules: grams.py).

Level 1 (characters) and 2 (bigrams) are indexed everywhere. A gram of level L that occurs more
than ``common`` times in the collection is *common*: it keeps its doc sets but no positions, and
the grams of level L + 1 that extend it one character to the left or right are indexed instead;
grams of the last level are always positional. What is common is a global fact, so the levels
are found first (one counting pass per level); then each batch of replies writes its postings.

Grams are numbered, not hashed: characters get dense ids (V distinct characters); a gram of
level L is its characters' ids in base V while V^L < 2^42, else a 64-bit polynomial hash whose
collisions are detected with a second, independent hash. Sorting is one ``np.sort`` of int64
values that pack (gram, index in batch), which numpy does with SIMD instructions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from build_scripts.search.corpus import Corpus
from build_scripts.search.text import BODY_BASE

MAX_GRAM = 8            # a safety bound: levels stop earlier, when no gram of a level is common
BATCH_CHARS = 2_000_000  # characters per batch; must stay below 2**LOW
LOW = 21
EXACT = 1 << 42
H1 = np.uint64(0x9E3779B97F4A7C15)
H2 = np.uint64(0xC2B2AE3D27D4EB4F)


@dataclass
class Entry:
    d: list[np.ndarray] = field(default_factory=list)   # doc ids, per batch
    h: list[np.ndarray] = field(default_factory=list)   # doc ids with a head match, per batch
    p: list[np.ndarray] = field(default_factory=list)   # coordinates doc·stride + position, per batch
    common: bool = False


class HashCollision(RuntimeError):
    pass


def batches(corpus: Corpus) -> list[tuple[int, int]]:
    out, lo = [], 0
    for i in range(corpus.docs):
        if corpus.starts[i + 1] - corpus.starts[lo] >= BATCH_CHARS:
            out.append((lo, i + 1) if i > lo else (lo, lo + 1))
            lo = out[-1][1]
    if lo < corpus.docs:
        out.append((lo, corpus.docs))
    return out


@dataclass
class Grams:
    """How grams are numbered for one collection."""

    chars: np.ndarray  # character id -> code point (id 0: U+0000)
    cid: np.ndarray    # the corpus as character ids (uint16 unless there are more than 65,536)
    v: int

    @classmethod
    def of(cls, corpus: Corpus) -> Grams:
        counts = np.zeros(1, dtype=np.int64)
        for at in range(0, len(corpus.cp), 1 << 23):  # bincount copies to int64: a slice at a time
            part = np.bincount(corpus.cp[at:at + (1 << 23)])
            counts = np.pad(counts, (0, max(0, len(part) - len(counts))))
            counts[:len(part)] += part
        present = np.flatnonzero(counts)
        dtype = np.uint16 if len(present) <= 1 << 16 else np.int32  # 2 bytes a character
        ids = np.zeros(int(present.max(initial=0)) + 1, dtype=dtype)
        ids[present] = np.arange(len(present), dtype=dtype)
        return cls(present.astype(np.uint32), ids[corpus.cp], max(len(present), 2))

    def member(self, level: int, sorted_keys: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        """A test for membership in a set of gram numbers: a dense table for bigrams, else a search."""
        if self.v ** level <= 1 << 26:
            table = np.zeros(self.v ** level, dtype=bool)
            table[sorted_keys] = True
            return lambda keys: table[keys]
        return lambda keys: _isin(keys, sorted_keys)

    def batch(self, corpus: Corpus, lo: int, hi: int) -> np.ndarray:
        return self.cid[corpus.starts[lo]:corpus.starts[hi]]

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


def _counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v = np.sort(keys)
    if not len(v):
        return v, np.zeros(0, dtype=np.int64)
    first = np.flatnonzero(np.concatenate(([True], v[1:] != v[:-1])))
    return v[first], np.diff(np.append(first, len(v)))


def _merge(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys = np.concatenate([k for k, _ in parts])
    counts = np.concatenate([c for _, c in parts])
    order = np.argsort(keys, kind="stable")
    keys, counts = keys[order], counts[order]
    if not len(keys):
        return keys, counts
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[first], np.add.reduceat(counts, first)


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


@dataclass
class Levels:
    common: list[np.ndarray]  # per level (index = level): sorted numbers of its common grams

    @property
    def last(self) -> int:
        return len(self.common) - 1


def find_levels(corpus: Corpus, grams: Grams, common: int) -> Levels:
    """Which grams are common, level by level, until a level has none (or MAX_GRAM)."""
    spans = batches(corpus)
    found: list[np.ndarray] = [np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)]
    prev: list[np.ndarray | None] = [None] * len(spans)
    level = 2
    while level <= MAX_GRAM:
        parts, kept = [], []
        for b, (lo, hi) in enumerate(spans):
            cid = grams.batch(corpus, lo, hi)
            st = _starts(cid != 0, level, prev[b])
            keys = grams.keys(cid, st, level)[0]
            parts.append(_counts(keys))
            kept.append((st, keys) if level > 2 else None)  # level 2 is every bigram: recomputed, not kept
        uniq, counts = _merge(parts)
        common_keys = uniq[counts > common] if level < MAX_GRAM else uniq[:0]
        found.append(common_keys)
        if not len(common_keys):
            break
        member = grams.member(level, common_keys)
        for b, (lo, hi) in enumerate(spans):
            pair = kept[b]
            if pair is None:
                cid = grams.batch(corpus, lo, hi)
                st = _starts(cid != 0, level, prev[b])
                pair = (st, grams.keys(cid, st, level)[0])
            prev[b] = pair[0][member(pair[1])]
            kept[b] = None
        level += 1
    return Levels(found)


def _emit_sets(entries: dict[str, Entry], names: list[str], k: np.ndarray, d: np.ndarray, attr: str) -> None:
    if not len(k):
        return
    keep = np.concatenate(([True], (k[1:] != k[:-1]) | (d[1:] != d[:-1])))
    k, d = k[keep], d[keep]
    first = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    for name, ids in zip(names, np.split(d, first[1:])):
        getattr(entries.setdefault(name, Entry()), attr).append(ids)


def _names(chars_of: np.ndarray, cid: np.ndarray, starts: np.ndarray, level: int) -> list[str]:
    if not len(starts):
        return []
    chars = np.stack([chars_of[cid[starts + i]] for i in range(level)], axis=1).astype("<u4")
    text = chars.tobytes().decode("utf-32-le")
    return [text[i:i + level] for i in range(0, len(text), level)]


def build(corpus: Corpus, grams: Grams, common: int, sink: Callable[[dict[str, Entry]], None]) -> Levels:
    """Postings of every indexed gram, handed to ``sink`` one batch at a time (in doc order).

    ``corpus.cp`` is not used: ``grams.cid`` replaces it.
    """
    levels = find_levels(corpus, grams, common)
    for lo, hi in batches(corpus):
        entries: dict[str, Entry] = {}
        _batch(corpus, grams, levels, lo, hi, entries)
        sink(entries)
    return levels


def _first(keys: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else np.zeros(0, np.int64)


def _batch(corpus: Corpus, grams: Grams, levels: Levels, lo: int, hi: int, entries: dict[str, Entry]) -> None:
    """One batch's postings: doc sets of characters and common grams, coordinates of the rest."""
    cid = grams.batch(corpus, lo, hi)
    doc, pos = corpus.positions(lo, hi)
    head = pos < BODY_BASE
    coord = doc.astype(np.int64) * corpus.stride + pos
    _character_sets(grams, cid, doc - lo, head, lo, hi - lo, entries)
    prev: np.ndarray | None = None
    for level in range(2, levels.last + 1):
        st = _starts(cid != 0, level, prev)
        keys, check = grams.keys(cid, st, level)
        order = _order(keys, check)
        st, keys = st[order], keys[order]
        is_common = grams.member(level, levels.common[level])(keys)
        if is_common.any():
            k, s = keys[is_common], st[is_common]
            _emit_sets(entries, _names(grams.chars, cid, s[_first(k)], level), k, doc[s], "d")
            hk = head[s]
            kh, sh = k[hk], s[hk]
            _emit_sets(entries, _names(grams.chars, cid, sh[_first(kh)], level), kh, doc[sh], "h")
            for name in _names(grams.chars, cid, s[_first(k)], level):
                entries[name].common = True
        rare = ~is_common
        k, s = keys[rare], st[rare]
        f = _first(k)
        for name, c in zip(_names(grams.chars, cid, s[f], level), np.split(coord[s], f[1:]) if len(f) else []):
            entries.setdefault(name, Entry()).p.append(c)
        prev = np.sort(st[is_common])


def _character_sets(grams: Grams, cid: np.ndarray, local: np.ndarray, head: np.ndarray, lo: int, docs: int,
                    entries: dict[str, Entry]) -> None:
    """Doc sets of every character: a (character × reply) presence table by bincount, not a sort."""
    for attr, mask in (("d", cid != 0), ("h", (cid != 0) & head)):
        present = np.bincount(cid[mask].astype(np.int64) * docs + local[mask], minlength=grams.v * docs) > 0
        c, d = np.nonzero(present.reshape(grams.v, docs))
        first = _first(c)
        names = grams.chars[c[first]].astype("<u4").tobytes().decode("utf-32-le")
        for name, ids in zip(names, np.split(d + lo, first[1:])):
            getattr(entries.setdefault(name, Entry()), attr).append(ids.astype(np.int32))
