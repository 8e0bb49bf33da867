"""Which grams are indexed, and how a normalised query is cut into them.

The index keeps, for every character and every bigram, the set of replies that contain it
(exact answers for one- and two-character queries). For phrase queries it keeps positions: of
every *rare* bigram (at most ``common`` occurrences in the collection); where a gram is common,
of the grams one character longer that extend it to the right and to the left, level after
level until none is common (the CommonGrams idea from Lucene: a frequent pair is indexed
together with its neighbours, so no query downloads the positions of 社区 or 社区治理). Common
grams keep their doc sets. ``plan`` picks, for a query, (gram, offset) constraints that cover
every character of the query; a reply matches when one start position satisfies them all,
which is exactly "the query occurs in the reply".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

SEP = "\x00"


def fnv1a(term: str) -> int:
    """32-bit FNV-1a of the term's UTF-8 bytes: the shard a term lives in (same in search.js)."""
    h = 0x811C9DC5
    for byte in term.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def bigrams(text: str) -> list[str]:
    return [text[i:i + 2] for i in range(len(text) - 1) if SEP not in text[i:i + 2]]


@dataclass(frozen=True)
class Constraint:
    gram: str
    offset: int


def plan(query: str, is_common: Callable[[str], bool]) -> list[Constraint] | None:
    """Constraints for a normalised query of three or more characters; None: use the query's doc set.

    Left to right, the first character not yet covered starts a bigram (the last character: the
    bigram ending it); while the gram is common it grows one character to the right (at the
    query's end, to the left). The longest level is never common, so this ends. If the gram
    becomes the whole query and is still common, the query is itself a common gram and its doc
    set is the exact answer (None).
    """
    n = len(query)
    out: list[Constraint] = []
    i = 0
    while i < n:
        start = min(i, n - 2)
        end = start + 2
        while is_common(query[start:end]):
            if end < n:
                end += 1
            elif start > 0:
                start -= 1
            else:
                return None
        out.append(Constraint(query[start:end], start))
        i = end
    return out


def fnv1a_many(code_points: np.ndarray) -> np.ndarray:
    """``fnv1a`` of many terms at once: row i holds term i's code points, padded with 0."""
    h = np.full(len(code_points), 0x811C9DC5, dtype=np.uint64)
    for column in code_points.T.astype(np.uint64):
        n = np.where(column < 0x80, 1, np.where(column < 0x800, 2, np.where(column < 0x10000, 3, 4)))
        lead = np.choose(n - 1, [column, 0xC0 | column >> 6, 0xE0 | column >> 12, 0xF0 | column >> 18])
        for k in range(4):  # byte k of the character's UTF-8
            byte = lead if k == 0 else 0x80 | (column >> (6 * (n - 1 - k)).clip(0).astype(np.uint64)) & 0x3F
            step = (column != 0) & (k < n)
            h = np.where(step, ((h ^ byte.astype(np.uint64)) * np.uint64(0x01000193)) & np.uint64(0xFFFFFFFF), h)
    return h
