"""Postings text on disk by partition, read back term by term in order: memory does not grow with N.

An external sort. Each batch's pieces (postings.Pieces: one per term, kind and batch) are encoded
to JSON text at once (``encode``, numpy: values delta-coded within the piece, the first one
absolute) and appended, with one fixed-size row per piece, to the file of the partition of the
term's first character (partitions are ranges of characters, so they are in term order). At the
end each partition is read alone, its rows sorted by (term, kind, batch), the first value of
each piece re-coded from the last value of the term's piece in the batch before, and the pieces
joined: the same text as encoding the whole collection at once. Memory holds one batch's
pieces, or one partition's, and nothing per term of the whole vocabulary.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from build_scripts.search.encode import csv_text, digits, gather
from build_scripts.search.grams import fnv1a_many
from build_scripts.search.postings import Grams, Pieces

SPLIT = 64            # most parts a partition over the limit is cut into at once
CHUNK_ROWS = 1 << 18  # rows read at once when a partition is cut
BLOCK = 1 << 23  # bytes of postings text joined at once when a partition is read back
Item = tuple[str, str, int, str, str, bool]
"""term, the term as a JSON string, its ``fnv1a``, doc sets as JSON members, positions as a JSON array or "", common"""

POSITIONS = 2  # a group's kind: 0 the doc set ``d``, 1 ``h``, 2 the positions


@dataclass(frozen=True)
class Block:
    """A block of terms in term order, as arrays (``Spill.blocks``): term j's groups (one per kind it has, in
    kind order) are ``groups[j]`` to ``groups[j + 1] - 1``; group g's postings text (integers and commas,
    ASCII) is ``text[offsets[g]:offsets[g + 1]]``. At 100,000 letters (19 million terms) a Python tuple per
    term cost more than the rest of handing them out; ``index`` writes most terms' lines from the arrays."""

    chars: np.ndarray    # (terms, width) code points, 0 after the term's end
    hashes: np.ndarray   # each term's ``fnv1a`` (uint64 below 2³²)
    common: np.ndarray   # bool: a common gram (indexed as the grams extending it)
    groups: np.ndarray   # int64, terms + 1
    kinds: np.ndarray    # each group's kind
    offsets: np.ndarray  # int64, groups + 1
    text: np.ndarray     # uint8

    def __len__(self) -> int:
        return len(self.hashes)

    def plain(self) -> np.ndarray:
        """Terms whose JSON string is the term between quotes (no ``"``, ``\\`` or control character)."""
        c = self.chars
        return ~((c == ord('"')) | (c == ord("\\")) | ((c < 0x20) & (c > 0))).any(axis=1)

    def names(self, which: Sequence[int] | None = None) -> list[str]:
        chars = self.chars if which is None else self.chars[np.asarray(which, dtype=np.int64)]
        width = chars.shape[1]
        text = chars.astype("<u4").tobytes().decode("utf-32-le")
        return [text[i:i + width].rstrip("\x00") for i in range(0, len(text), width)]

    def items(self, which: Sequence[int]) -> list[Item]:
        """The terms ``which`` (indexes into the block) as ``Item`` tuples."""
        out: list[Item] = []
        plain = self.plain()
        text = self.text.tobytes().decode("ascii")
        offsets, kinds, groups = self.offsets.tolist(), self.kinds.tolist(), self.groups.tolist()
        for j, name in zip(which, self.names(which), strict=True):
            sets, positions = [], ""
            for g in range(groups[j], groups[j + 1]):
                piece = text[offsets[g]:offsets[g + 1]]
                if kinds[g] == POSITIONS:
                    positions = "[" + piece + "]"
                else:
                    sets.append(('"d":[' if kinds[g] == 0 else '"h":[') + piece + "]")
            key = f'"{name}"' if plain[j] else json.dumps(name, ensure_ascii=False)
            out.append((name, key, int(self.hashes[j]), ",".join(sets), positions, bool(self.common[j])))
        return out


class Spill:
    def __init__(self, folder: Path, grams: Grams, partitions: int, width: int, limit: int) -> None:
        self.folder = folder
        self.limit = limit  # most bytes of rows and text merged at once
        folder.mkdir(parents=True, exist_ok=True)
        self.grams = grams
        self.partitions = partitions
        self.row = np.dtype([("t", grams.table.dtype, (width,)), ("kind", "u1"), ("common", "u1"),
                             ("v0", "<i8"), ("vl", "<i8"), ("s", "<i8"), ("e", "<i8")])
        self.text_bytes = [0] * partitions
        self.batches = 0
        self.cuts = 0  # partitions cut again at merge time

    def add(self, pieces: Pieces) -> None:
        """Encode one batch's pieces and append them to their partitions."""
        self.batches += 1
        if not len(pieces.kind):
            return
        part = self.grams.part[pieces.t[:, 0]]
        order = np.argsort(part, kind="stable")
        part = part[order]
        sizes = np.diff(pieces.bounds)[order]
        bounds = np.concatenate(([0], np.cumsum(sizes)))
        starts = bounds[:-1]
        values = gather(pieces.values, pieces.bounds[:-1][order], sizes)
        diffs = np.diff(values, prepend=0)
        diffs[starts] = values[starts]
        text, ends = csv_text(diffs)
        del diffs
        rows = np.empty(len(order), dtype=self.row)
        rows["t"] = pieces.t[order]
        rows["kind"] = pieces.kind[order]
        rows["common"] = pieces.common[order]
        rows["v0"] = values[starts]
        rows["vl"] = values[bounds[1:] - 1]
        rows["s"] = ends[starts] + digits(rows["v0"])
        rows["e"] = ends[bounds[1:]] - 1
        cuts = np.searchsorted(part, np.arange(self.partitions + 1))
        for p in np.flatnonzero(np.diff(cuts)).tolist():
            a, b = int(cuts[p]), int(cuts[p + 1])
            lo, hi = int(ends[bounds[a]]), int(ends[bounds[b]])
            block = rows[a:b]
            block["s"] += self.text_bytes[p] - lo
            block["e"] += self.text_bytes[p] - lo
            self.text_bytes[p] += hi - lo
            with open(self.folder / f"{p}.rows", "ab") as f:
                f.write(block.tobytes())
            with open(self.folder / f"{p}.txt", "ab") as f:
                f.write(text[lo:hi])

    def blocks(self) -> Iterator[Block]:
        """Every term in sorted order, one partition at a time, a block (``BLOCK`` bytes of postings text) of
        terms at a time: at 100,000 letters (19 million terms) handing out terms one by one through the
        generators below cost ≈ 1 µs a term and generator."""
        for p in range(self.partitions):
            if (self.folder / f"{p}.rows").exists():
                yield from self._ranged(self.folder / str(p), 0)

    def _ranged(self, stem: Path, depth: int) -> Iterator[Block]:
        """A partition over ``limit`` bytes is cut again, in order, by its terms' character at
        ``depth`` (a character as frequent as ，is one partition otherwise: 2.4 % of all text)."""
        rows_path, text_path = Path(f"{stem}.rows"), Path(f"{stem}.txt")
        size = rows_path.stat().st_size + text_path.stat().st_size
        if size <= self.limit or depth >= self.row["t"].shape[0]:
            yield from self._partition(stem)
            return
        counts = np.zeros(len(self.grams.chars), dtype=np.int64)
        for rows, _, _ in self._chunks(rows_path, None):
            counts += np.bincount(rows["t"][:, depth], minlength=len(counts))
        present = counts > 0
        if present.sum() <= 1:  # every term has the same character there: cut by the next one
            yield from self._ranged(stem, depth + 1)
            return
        k = max(4, min(SPLIT, -(-size // max(self.limit, 1)) + 1))
        self.cuts += 1
        weight = counts + present * (counts.sum() // present.sum())  # at least two parts, whatever the counts
        cut = np.minimum((np.cumsum(weight) - weight) * k // weight.sum(), k - 1)
        written = [0] * k
        for rows, text, base in self._chunks(rows_path, text_path):
            part = cut[rows["t"][:, depth]]
            for i in np.unique(part).tolist():
                sub = rows[part == i]
                length = sub["e"] - sub["s"]
                skip = np.cumsum(length) - length
                idx = np.repeat(sub["s"] - base - skip, length) + np.arange(int(length.sum()), dtype=np.int64)
                sub["s"] = written[i] + skip
                sub["e"] = sub["s"] + length
                written[i] += int(length.sum())
                with open(f"{stem}-{i}.rows", "ab") as f:
                    f.write(sub.tobytes())
                with open(f"{stem}-{i}.txt", "ab") as f:
                    f.write(text[idx].tobytes())
        rows_path.unlink()
        text_path.unlink()
        for i in range(k):
            if Path(f"{stem}-{i}.rows").exists():
                yield from self._ranged(Path(f"{stem}-{i}"), depth)

    def _chunks(self, rows_path: Path, text_path: Path | None) -> Iterator[tuple[np.ndarray, np.ndarray, int]]:
        """A partition's rows a chunk at a time, with the bytes of text they point into (from ``base``)."""
        total = rows_path.stat().st_size // self.row.itemsize
        empty = np.zeros(0, dtype=np.uint8)
        for at in range(0, total, CHUNK_ROWS):
            rows = np.fromfile(rows_path, dtype=self.row, count=min(CHUNK_ROWS, total - at),
                               offset=at * self.row.itemsize)
            if text_path is None:
                yield rows, empty, 0
                continue
            base, end = int(rows["s"].min()), int(rows["e"].max())
            with open(text_path, "rb") as f:
                f.seek(base)
                yield rows, np.frombuffer(f.read(end - base), dtype=np.uint8), base

    def _partition(self, stem: Path) -> Iterator[Block]:
        """One partition's terms: rows sorted by (term, kind, batch); each (term, kind) group's
        pieces joined into one text by a numpy gather, a block of terms at a time."""
        rows = np.fromfile(f"{stem}.rows", dtype=self.row)
        text = Path(f"{stem}.txt").read_bytes()
        t = rows["t"]
        rows = rows[np.lexsort((np.arange(len(rows)), rows["kind"], *(t[:, i] for i in range(t.shape[1] - 1, -1, -1))))]
        t = rows["t"]
        n = len(rows)
        new_term = np.concatenate(([True], (t[1:] != t[:-1]).any(axis=1)))
        new_group = new_term | np.concatenate(([True], rows["kind"][1:] != rows["kind"][:-1]))
        base = np.where(new_group, 0, np.concatenate(([0], rows["vl"][:-1])))
        first_text, first_ends = csv_text(rows["v0"] - base)
        del base
        comma = np.concatenate((~new_group[1:], [False])).astype(np.int64)  # between pieces of a group
        seg_start = np.stack([first_ends[:-1], len(first_text) + rows["s"],
                              np.full(n, len(first_text) + len(text))], axis=1).ravel()
        seg_len = np.stack([np.diff(first_ends) - 1, rows["e"] - rows["s"], comma], axis=1).ravel()
        src = np.frombuffer(first_text + text + b",", dtype=np.uint8)
        del first_text, first_ends, text, comma
        out_len = seg_len.reshape(n, 3).sum(axis=1)
        term_rows = np.flatnonzero(new_term)
        done = np.concatenate(([0], np.cumsum(out_len)))[term_rows]
        cuts = np.unique(np.append(term_rows[np.searchsorted(done, np.arange(0, int(done[-1]) + 1, BLOCK))], n)) \
            if n else np.zeros(1, np.int64)
        for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
            yield self._block(rows[a:b], new_term[a:b], new_group[a:b], src, seg_start[3 * a:3 * b],
                              seg_len[3 * a:3 * b], out_len[a:b])

    def _block(self, rows: np.ndarray, new_term: np.ndarray, new_group: np.ndarray, src: np.ndarray,
               seg_start: np.ndarray, seg_len: np.ndarray, out_len: np.ndarray) -> Block:
        text = gather(src, seg_start, seg_len)
        total = len(text)
        row_at = np.cumsum(out_len) - out_len
        groups = np.flatnonzero(new_group)
        terms = np.flatnonzero(new_term)
        chars = self.grams.chars[rows["t"][terms]]
        return Block(chars=chars, hashes=fnv1a_many(chars), common=rows["common"][terms] != 0,
                     groups=np.append(np.searchsorted(groups, terms), len(groups)),
                     kinds=rows["kind"][groups], offsets=np.append(row_at[groups], total), text=text)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
