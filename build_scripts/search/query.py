"""The reference query engine over the written index files; search.js does the same steps.

Used by the tests (against the oracle) and by the benchmark (bytes a query fetches).
"""

from __future__ import annotations

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
    first: dict[int, int] = field(default_factory=dict)  # doc -> first match position, when known
    fetched: list[str] = field(default_factory=list)     # index files read


class Index:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest = json.loads((root / "manifest.json").read_text("utf-8"))

    def _read(self, rel: str, fetched: list[str]) -> Any:
        fetched.append(rel)
        return json.loads((self.root / rel).read_text("utf-8"))

    def entry(self, term: str, fetched: list[str]) -> dict[str, Any] | None:
        shard = self._read(f"s/{fnv1a(term) % self.manifest['shards']}.json", fetched)
        entry = shard.get(term)
        if entry is not None and "x" in entry:
            entry = self._read(f"x/{entry['x']}", fetched)
        return entry

    def search(self, query: str) -> Result:
        q = normalise(query).replace("\x00", "")
        fetched: list[str] = []
        if not q:
            return Result([], set(), fetched=fetched)
        if len(q) <= 2:
            e = self.entry(q, fetched)
            if e is None:
                return Result([], set(), fetched=fetched)
            docs = undelta(e["d"])
            head = set(undelta(e.get("h", [])))
            first = first_positions(e["p"]) if "p" in e else {}
            return Result(rank(docs, head), head, first, fetched)
        grams: dict[str, dict[str, Any] | None] = {}

        def get(g: str) -> dict[str, Any] | None:
            if g not in grams:
                grams[g] = self.entry(g, fetched)
            return grams[g]

        bigram_entries = [get(q[i:i + 2]) for i in range(len(q) - 1)]
        if any(e is None for e in bigram_entries):
            return Result([], set(), fetched=fetched)
        candidates = set.intersection(*(set(undelta(e["d"])) for e in bigram_entries if e))
        missing = False

        def is_common(g: str) -> bool:
            nonlocal missing
            e = get(g)
            missing = missing or e is None
            return e is not None and "c" in e

        constraints = plan(q, is_common)
        if missing:
            return Result([], set(), fetched=fetched)
        if constraints is None:  # the whole query is a common trigram: its doc sets are exact
            e = get(q)
            assert e is not None
            docs = undelta(e["d"])
            head = set(undelta(e.get("h", [])))
            return Result(rank(docs, head), head, {}, fetched)
        lists = {}
        for c in constraints:
            e = get(c.gram)
            if e is None or "p" not in e:
                return Result([], set(), fetched=fetched)
            lists[c] = positions(e["p"], candidates)
        first = match(constraints, lists, candidates)
        head = {d for d, p in first.items() if p < self.manifest["bodyBase"]}
        return Result(rank(list(first), head), head, first, fetched)


def undelta(values: list[int]) -> list[int]:
    out, total = [], 0
    for v in values:
        total += v
        out.append(total)
    return out


def positions(flat: list[int], keep: set[int] | None = None) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    i, doc = 0, 0
    while i < len(flat):
        doc += flat[i]
        n = flat[i + 1]
        deltas = flat[i + 2:i + 2 + n]
        if keep is None or doc in keep:
            out[doc] = undelta(deltas)
        i += 2 + n
    return out


def first_positions(flat: list[int]) -> dict[int, int]:
    return {d: ps[0] for d, ps in positions(flat).items()}


def match(constraints: list[Constraint], lists: dict[Constraint, dict[int, list[int]]],
          candidates: set[int]) -> dict[int, int]:
    """doc -> first start position at which every constraint holds."""
    anchor = min(constraints, key=lambda c: sum(len(v) for v in lists[c].values()))
    out = {}
    for doc in sorted(candidates):
        sets = [(c.offset, set(lists[c].get(doc, ()))) for c in constraints]
        for p in lists[anchor].get(doc, ()):
            start = p - anchor.offset
            if all(start + off in s for off, s in sets):
                out[doc] = start
                break
    return out


def rank(docs: list[int], head: set[int]) -> list[int]:
    return sorted(docs, key=lambda d: (d not in head, d))
