"""The whole collection as one array of normalised code points (Load → Process for the index).

Layout: for each reply in rank order, each head field followed by U+0000, each body field
followed by U+0000, then one more U+0000. Nothing is padded: a character's position in its reply
is its offset from the reply's start, moved up to ``BODY_BASE`` and beyond for body fields
(``positions``). Two bytes per character (four if any is outside the BMP): 10,000 long
letters are ≈ 120 MB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from build_scripts.dataset import Reply
from build_scripts.replytext import body_fields, head_fields
from build_scripts.search.text import BODY_BASE, HeadTooLong, normalise_many

CHUNK = 400  # replies normalised together


@dataclass(frozen=True)
class Corpus:
    cp: np.ndarray      # code points (uint16 while all are in the BMP), 0 between fields and after each reply
    starts: np.ndarray  # int64, len docs + 1: where each reply begins in ``cp``
    head: np.ndarray    # int64 per reply: length of its head part (fields and their separators)

    @property
    def stride(self) -> int:
        """A power of two above every position: a coordinate doc · stride + position is unique."""
        longest = int((np.diff(self.starts) - self.head).max(initial=0)) + BODY_BASE
        return 1 << max(longest, 1).bit_length()

    @property
    def docs(self) -> int:
        return len(self.head)

    def positions(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """(doc id, position) of every character of replies [lo, hi)."""
        lengths = np.diff(self.starts[lo:hi + 1])
        local = np.repeat(np.arange(hi - lo, dtype=np.int64), lengths)
        off = np.arange(int(self.starts[lo]), int(self.starts[hi]), dtype=np.int64) - self.starts[lo:hi][local]
        head = self.head[lo:hi][local]
        pos = np.where(off < head, off, off - head + BODY_BASE)
        return (local + lo).astype(np.int32), pos.astype(np.int32)


def build(replies: list[Reply]) -> Corpus:
    parts: list[np.ndarray] = []
    lengths: list[int] = []
    heads: list[int] = []
    for lo in range(0, len(replies), CHUNK):
        chunk = replies[lo:lo + CHUNK]
        texts: list[str] = []
        counts: list[tuple[int, int]] = []
        for reply in chunk:
            h = [f.text for f in head_fields(reply)]
            b = [f.text for f in body_fields(reply)]
            texts += h + b
            counts.append((len(h), len(b)))
        norm = normalise_many(texts)
        docs: list[str] = []
        at = 0
        for reply, (nh, nb) in zip(chunk, counts):
            head = "".join(t + "\x00" for t in norm[at:at + nh])
            body = "".join(t + "\x00" for t in norm[at + nh:at + nh + nb])
            at += nh + nb
            if len(head) > BODY_BASE:
                raise HeadTooLong(f"{reply.id}: title, proposal title, agency, 文号 and proposers are {len(head)} "
                                  f"characters together; the search index allows {BODY_BASE}")
            docs.append(head + body + "\x00")
            heads.append(len(head))
            lengths.append(len(docs[-1]))
        part = np.frombuffer("".join(docs).encode("utf-32-le"), dtype=np.uint32)
        parts.append(part.astype(np.uint16) if int(part.max(initial=0)) < 0x10000 else part)  # 2 bytes a character
    cp = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint16)
    starts = np.concatenate(([0], np.cumsum(np.array(lengths, dtype=np.int64))))
    return Corpus(cp, starts, np.array(heads, dtype=np.int64))
