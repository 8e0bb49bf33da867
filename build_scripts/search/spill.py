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

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from build_scripts.search.encode import csv_text, digits
from build_scripts.search.postings import Grams, Pieces

Item = tuple[str, str, str, bool]  # term, doc sets as JSON members, positions as a JSON array or "", common


class Spill:
    def __init__(self, folder: Path, grams: Grams, partitions: int, width: int) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.grams = grams
        self.partitions = partitions
        self.row = np.dtype([("t", grams.table.dtype, (width,)), ("kind", "u1"), ("common", "u1"),
                             ("v0", "<i8"), ("vl", "<i8"), ("s", "<i8"), ("e", "<i8")])
        self.text_bytes = [0] * partitions
        self.batches = 0

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
        idx = np.repeat(pieces.bounds[:-1][order] - starts, sizes) + np.arange(int(bounds[-1]), dtype=np.int64)
        values = pieces.values[idx]
        del idx
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

    def items(self) -> Iterator[Item]:
        """Every term in sorted order, one partition at a time."""
        for p in range(self.partitions):
            if self.text_bytes[p] or (self.folder / f"{p}.rows").exists():
                yield from self._partition(p)

    def _partition(self, p: int) -> Iterator[Item]:
        rows = np.fromfile(self.folder / f"{p}.rows", dtype=self.row)
        text = (self.folder / f"{p}.txt").read_bytes().decode("ascii")
        t = rows["t"]
        order = np.lexsort((np.arange(len(rows)), rows["kind"], *(t[:, i] for i in range(t.shape[1] - 1, -1, -1))))
        rows = rows[order]
        t = rows["t"]
        del order
        same_term = (t[1:] == t[:-1]).all(axis=1)
        same = same_term & (rows["kind"][1:] == rows["kind"][:-1])
        base = np.concatenate(([0], np.where(same, rows["vl"][:-1], 0)))
        first_text, ends = csv_text(rows["v0"] - base)
        firsts = first_text.decode("ascii").split(",")
        del first_text, ends, base, same
        term_starts = np.flatnonzero(np.concatenate(([True], ~same_term)))
        names = self._names(t[term_starts])
        bounds = term_starts.tolist() + [len(rows)]
        kinds, ss, ee, common = (rows[c].tolist() for c in ("kind", "s", "e", "common"))
        del rows, t
        for j, name in enumerate(names):
            texts: list[list[str]] = [[], [], []]
            for i in range(bounds[j], bounds[j + 1]):
                texts[kinds[i]].append(firsts[i] + text[ss[i]:ee[i]])
            d, h, pos = texts
            sets = ",".join(f'"{kind}":[{",".join(x)}]' for kind, x in (("d", d), ("h", h)) if x)
            yield name, sets, "[" + ",".join(pos) + "]" if pos else "", bool(common[bounds[j]])

    def _names(self, t: np.ndarray) -> list[str]:
        width = t.shape[1]
        text = self.grams.chars[t].astype("<u4").tobytes().decode("utf-32-le")
        return [text[i:i + width].rstrip("\x00") for i in range(0, len(text), width)]

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
