"""Postings text per batch on disk, read back term by term: build memory does not grow with N.

Each batch's postings are encoded to JSON text as soon as they are made (delta coding continues
from the term's last value in earlier batches) and appended to one file per batch, with a compact
index (term id, kind, start, end). At the end each term's pieces are read back from every batch
in order and joined: the same text as encoding the whole collection at once.
"""

from __future__ import annotations

import mmap
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from build_scripts.search.encode import csv_many
from build_scripts.search.postings import Entry

KINDS = ("d", "h", "p")


class Spill:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.ids: dict[str, int] = {}
        self.common: set[str] = set()
        self.last: dict[tuple[int, int], int] = {}
        self.index: list[np.ndarray] = []  # per batch: rows (term id, kind, start, end)

    def add(self, entries: dict[str, Entry]) -> None:
        arrays: list[np.ndarray] = []
        bases: list[int] = []
        refs: list[tuple[int, int]] = []
        for term, e in entries.items():
            tid = self.ids.setdefault(term, len(self.ids))
            if e.common:
                self.common.add(term)
            for k, kind in enumerate(KINDS):
                parts = getattr(e, kind)
                if parts:
                    a = np.concatenate(parts) if len(parts) > 1 else parts[0]
                    arrays.append(a)
                    bases.append(self.last.get((tid, k), 0))
                    self.last[(tid, k)] = int(a[-1])
                    refs.append((tid, k))
        texts = csv_many(arrays, [True] * len(arrays), bases)
        ends = np.cumsum([len(t) for t in texts], dtype=np.int64)
        rows = np.zeros((len(texts), 4), dtype=np.int64)
        if len(texts):
            rows[:, 0:2] = np.array(refs, dtype=np.int64)
            rows[:, 2] = ends - np.array([len(t) for t in texts], dtype=np.int64)
            rows[:, 3] = ends
        (self.folder / f"{len(self.index)}.txt").write_bytes("".join(texts).encode("ascii"))
        self.index.append(rows)

    def items(self) -> Iterator[tuple[str, str, str, bool]]:
        """Sorted terms with (term, doc sets as JSON members, positions as a JSON array or "", common)."""
        batch = np.concatenate([np.full(len(r), b, dtype=np.int64) for b, r in enumerate(self.index)])
        rows = np.concatenate(self.index) if self.index else np.zeros((0, 4), dtype=np.int64)
        order = np.argsort(rows[:, 0] * len(KINDS) + rows[:, 1], kind="stable")
        rows, batch = rows[order], batch[order]
        key = rows[:, 0] * len(KINDS) + rows[:, 1]
        first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1]))) if len(key) else key
        bounds = dict(zip(key[first].tolist(), zip(first.tolist(), np.append(first[1:], len(key)).tolist())))
        with ExitStack() as stack:
            maps: list[mmap.mmap | bytes] = []
            for b in range(len(self.index)):
                f = stack.enter_context(open(self.folder / f"{b}.txt", "rb"))
                maps.append(stack.enter_context(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
                            if f.seek(0, 2) else b"")
            for term in sorted(self.ids):
                tid = self.ids[term]
                texts: list[str | None] = []
                for k in range(len(KINDS)):
                    span = bounds.get(tid * len(KINDS) + k)
                    if span is None:
                        texts.append(None)
                        continue
                    lo, hi = span
                    texts.append(b",".join(maps[int(b)][int(s):int(e)]
                                           for b, (_, _, s, e) in zip(batch[lo:hi], rows[lo:hi])).decode("ascii"))
                members = [f'"{kind}":[{t}]' for kind, t in zip(KINDS[:2], texts[:2]) if t is not None]
                yield term, ",".join(members), f"[{texts[2]}]" if texts[2] is not None else "", term in self.common

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
