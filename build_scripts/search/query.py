"""The reference query engine over the written index files; search.js does the same steps.

Used by the tests (against the oracle) and by the benchmark (which files a query reads).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_scripts.search.grams import Constraint, fnv1a, plan
from build_scripts.textnorm import normalise


@dataclass
class Result:
    docs: list[int]                      # ranked: head matches first, then newest first
    head: set[int]
    fetched: list[str] = field(default_factory=list)     # index files read


def read_json(path: Path) -> Any:
    """An index file, stored gzipped (``index.Options.gzip``) or not."""
    data = path.read_bytes()
    return json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)


class Index:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest = read_json(root / "manifest.json")
        self.common = frozenset(self.manifest["commonGrams"])

    def _read(self, rel: str, fetched: list[str]) -> Any:
        if rel not in fetched:
            fetched.append(rel)
        return read_json(self.root / rel)

    def entry(self, term: str, fetched: list[str]) -> dict[str, Any] | None:
        shard = self._read(f"s/{fnv1a(term) % self.manifest['shards']}.json", fetched)
        entry: dict[str, Any] | list[int] | None = shard.get(term)
        return {"p": entry} if isinstance(entry, list) else entry  # a bare list: positions only (FORMAT.md)

    def doc_sets(self, entry: dict[str, Any], fetched: list[str]) -> tuple[list[int], set[int]]:
        sets = self._read(f"x/{entry['dx']}.json", fetched) if "dx" in entry else entry
        return undelta(sets.get("d", [])), set(undelta(sets.get("h", [])))

    def positions(self, entry: dict[str, Any], fetched: list[str]) -> dict[int, list[int]]:
        """doc -> sorted positions, from the delta-coded coordinates doc · stride + position."""
        deltas: list[int] = self._read(f"x/{entry['px']}.json", fetched) if "px" in entry else entry.get("p", [])
        stride = self.manifest["stride"]
        out: dict[int, list[int]] = {}
        for c in undelta(deltas):
            out.setdefault(c // stride, []).append(c % stride)
        return out

    def search(self, query: str) -> Result:
        q = normalise(query).replace("\x00", "")
        fetched: list[str] = []
        if not q:
            return Result([], set(), fetched)
        entries: dict[str, dict[str, Any] | None] = {}

        def get(g: str) -> dict[str, Any] | None:
            if g not in entries:
                entries[g] = self.entry(g, fetched)
            return entries[g]

        if len(q) <= 2:
            e = get(q)
            if e is None:
                return Result([], set(), fetched)
            if "d" in e or "dx" in e:
                docs, head = self.doc_sets(e, fetched)
                return Result(rank(docs, head), head, fetched)
            first = {d: ps[0] for d, ps in self.positions(e, fetched).items()}  # a rare bigram
            head = {d for d, p in first.items() if p < self.manifest["bodyBase"]}
            return Result(rank(list(first), head), head, fetched)
        constraints = plan(q, self.common.__contains__)  # the manifest lists the common grams: no shard read
        if constraints is None:  # the whole query is a common gram: its doc sets are exact
            e = get(q)
            assert e is not None
            docs, head = self.doc_sets(e, fetched)
            return Result(rank(docs, head), head, fetched)
        found = [get(c.gram) for c in constraints]  # search.js reads these shards at once, then the positions
        lists = {c: self.positions(e, fetched) for c, e in zip(constraints, found) if e is not None}
        if len(lists) < len(constraints):  # a gram that occurs nowhere
            return Result([], set(), fetched)
        first = match(constraints, lists)
        head = {d for d, p in first.items() if p < self.manifest["bodyBase"]}
        return Result(rank(list(first), head), head, fetched)


def undelta(values: list[int]) -> list[int]:
    out, total = [], 0
    for v in values:
        total += v
        out.append(total)
    return out


def match(constraints: list[Constraint], lists: dict[Constraint, dict[int, list[int]]]) -> dict[int, int]:
    """doc -> first start position at which every constraint holds."""
    anchor = min(constraints, key=lambda c: len(lists[c]))
    docs = set(lists[anchor])
    for c in constraints:
        docs &= set(lists[c])
    out = {}
    for doc in sorted(docs):
        sets = [(c.offset, set(lists[c][doc])) for c in constraints]
        for p in lists[anchor][doc]:
            start = p - anchor.offset
            if all(start + off in s for off, s in sets):
                out[doc] = start
                break
    return out


def rank(docs: list[int], head: set[int]) -> list[int]:
    return sorted(docs, key=lambda d: (d not in head, d))
