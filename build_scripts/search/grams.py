"""Which grams are indexed, and how a normalised query is cut into them.

The index keeps, for every character and every bigram, the set of replies that contain it
(exact answers for one- and two-character queries). For phrase queries it keeps positions:
of every *rare* bigram (at most ``common`` occurrences in the collection); where a bigram is
common, of the trigrams that extend it one character to the right and to the left; where such
a trigram is common too, of the 4-grams that extend it (the CommonGrams idea from Lucene: a
frequent pair is indexed together with its neighbours, so no query downloads the positions of
社区 or 社区治). Common bigrams and trigrams keep their doc sets. ``plan`` picks, for a query, a
set of (gram, offset) constraints that covers every bigram of the query; a reply matches when
one start position satisfies them all, which is exactly "the query occurs in the reply".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


MAX_GRAM = 4


def plan(query: str, is_common: Callable[[str], bool]) -> list[Constraint] | None:
    """Constraints for a normalised query of three or more characters; None: use the query's doc set.

    Left to right, each bigram offset not yet covered starts a gram; while the gram is common it
    grows one character to the right (or, at the query's end, to the left), up to ``MAX_GRAM``
    characters, which are always positional. If the gram becomes the whole query and is still
    common, the query is itself a common gram and its doc set is the exact answer (None).
    """
    n = len(query)
    out: list[Constraint] = []
    covered = -1  # highest bigram offset covered so far
    for i in range(n - 1):
        if i <= covered:
            continue
        start, end = i, i + 2
        while end - start < MAX_GRAM and is_common(query[start:end]):
            if end < n:
                end += 1
            elif start > 0:
                start -= 1
            else:
                return None
        out.append(Constraint(query[start:end], start))
        covered = end - 2
    return out
