"""Which grams are indexed, and how a normalised query is cut into them.

The index keeps, for every character and every bigram, the set of replies that contain it
(exact answers for one- and two-character queries). For phrase queries it keeps positions:
of every *rare* bigram (at most ``common`` occurrences in the collection), and, where a bigram
is common, of the trigrams that extend it one character to the right and to the left (the
CommonGrams idea from Lucene: a frequent pair is indexed together with its neighbour, so no
query has to download the positions of 社区 or 工作). ``plan`` picks, for a query, a set of
(gram, offset) constraints that covers every bigram of the query; a reply matches when one
start position satisfies them all, which is exactly "the query occurs in the reply".
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


def plan(query: str, is_common: Callable[[str], bool]) -> list[Constraint]:
    """Constraints for a normalised query of three or more characters.

    Left to right, each bigram not yet covered is covered by itself when rare, else by the
    trigram starting with it (covers this bigram and the next), else, at the query's end, by
    the trigram ending with it.
    """
    n = len(query)
    out: list[Constraint] = []
    covered = -1  # highest bigram offset covered so far
    for i in range(n - 1):
        if i <= covered:
            continue
        if not is_common(query[i:i + 2]):
            out.append(Constraint(query[i:i + 2], i))
            covered = i
        elif i + 2 < n:
            out.append(Constraint(query[i:i + 3], i))
            covered = i + 1
        else:
            out.append(Constraint(query[i - 1:i + 2], i - 1))
            covered = i
    return out
