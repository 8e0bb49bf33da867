"""The whole collection's normalised code points, streamed to a file (Load → Process for the index).

Layout: for each reply in rank order, each head field followed by U+0000, each body field
followed by U+0000, then one more U+0000. Nothing is padded: a character's position in its reply
is its offset from the reply's start, moved up to ``BODY_BASE`` and beyond for body fields
(``positions``). The replies are normalised a few hundred at a time and their code points
appended to ``cp.u32`` in the spill folder (4 bytes a character on disk: 10,000 long letters are
≈ 240 MB), so memory holds one chunk of text, the per-reply offsets and a count per code point:
the passes over the collection read it back one batch at a time (``read``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from build_scripts.dataset import Reply
from build_scripts.replytext import body_fields, head_fields
from build_scripts.search.text import BODY_BASE, HeadTooLong, normalise_many

CHUNK_CHARS = 1_000_000  # characters of replies normalised together (each costs ≈ 60 bytes while it is)
CODE_POINTS = 0x110000


@dataclass(frozen=True)
class Corpus:
    path: Path          # the code points (uint32), 0 between fields and after each reply
    starts: np.ndarray  # int64, len docs + 1: where each reply begins
    head: np.ndarray    # int64 per reply: length of its head part (fields and their separators)
    counts: np.ndarray  # int64 per code point: how often it occurs (U+0000 included)

    @property
    def stride(self) -> int:
        """A power of two above every position: a coordinate doc · stride + position is unique."""
        longest = int((np.diff(self.starts) - self.head).max(initial=0)) + BODY_BASE
        return 1 << max(longest, 1).bit_length()

    @property
    def docs(self) -> int:
        return len(self.head)

    @property
    def characters(self) -> int:
        return int(self.starts[-1])

    def read(self, lo: int, hi: int) -> np.ndarray:
        """The code points of replies [lo, hi)."""
        start, end = int(self.starts[lo]), int(self.starts[hi])
        return np.fromfile(self.path, dtype="<u4", count=end - start, offset=4 * start)

    def positions(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """(doc id, position) of every character of replies [lo, hi)."""
        lengths = np.diff(self.starts[lo:hi + 1])
        local = np.repeat(np.arange(hi - lo, dtype=np.int64), lengths)
        off = np.arange(int(self.starts[lo]), int(self.starts[hi]), dtype=np.int64) - self.starts[lo:hi][local]
        head = self.head[lo:hi][local]
        pos = np.where(off < head, off, off - head + BODY_BASE)
        return (local + lo).astype(np.int32), pos.astype(np.int32)


def build(replies: list[Reply], folder: Path) -> Corpus:
    """Normalise every reply's fields, a chunk at a time, into ``folder/cp.u32``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cp.u32"
    lengths: list[int] = []
    heads: list[int] = []
    counts = np.zeros(CODE_POINTS, dtype=np.int64)
    with open(path, "wb") as out:
        for chunk in _chunks(replies):
            docs = _chunk(chunk, heads)
            lengths += [len(d) for d in docs]
            part = np.frombuffer("".join(docs).encode("utf-32-le"), dtype="<u4")
            counts += np.bincount(part, minlength=CODE_POINTS)
            out.write(part.tobytes())
    starts = np.concatenate(([0], np.cumsum(np.array(lengths, dtype=np.int64))))
    return Corpus(path, starts, np.array(heads, dtype=np.int64), counts)


def _chunks(replies: list[Reply]) -> list[list[Reply]]:
    out: list[list[Reply]] = [[]]
    size = 0
    for reply in replies:
        if size >= CHUNK_CHARS:
            out.append([])
            size = 0
        out[-1].append(reply)
        size += sum(len(f.text) for f in head_fields(reply) + body_fields(reply))
    return out if out[0] else []


def _chunk(chunk: list[Reply], heads: list[int]) -> list[str]:
    texts: list[str] = []
    sizes: list[tuple[int, int]] = []
    for reply in chunk:
        h = [f.text for f in head_fields(reply)]
        b = [f.text for f in body_fields(reply)]
        texts += h + b
        sizes.append((len(h), len(b)))
    norm = normalise_many(texts)
    docs: list[str] = []
    at = 0
    for reply, (nh, nb) in zip(chunk, sizes):
        head = "".join(t + "\x00" for t in norm[at:at + nh])
        body = "".join(t + "\x00" for t in norm[at + nh:at + nh + nb])
        at += nh + nb
        if len(head) > BODY_BASE:
            raise HeadTooLong(f"{reply.id}: title, proposal title, agency, 文号 and proposers are {len(head)} "
                              f"characters together; the search index allows {BODY_BASE}")
        docs.append(head + body + "\x00")
        heads.append(len(head))
    return docs
