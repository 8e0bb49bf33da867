"""What the search's once-per-visit facets.json weighs, and the per-proposal filter files, at N letters.

    python -m benchmarks.facets_size build/bench/n10000/repo     # a generated corpus (benchmarks.synthetic)

Two lines: the records as they are, then the same records with 办理方式 and shared proposals patched in
memory (the synthetic letters name no role and answer each proposal once): groups of 1 (60 %),
2 (25 %) or 3 (15 %) replies to one proposal, roles 主办, 会办, 协办 in each group, most single replies
with none. For each: facets.json raw and gzip (as the index stores it), its tuple count, and the
``p/<proposal>.json`` files (count, largest gzip: what one search filtered to a proposal fetches).
Nothing is written; the corpus is only read.
"""

from __future__ import annotations

import gzip
import random
import sys
import time
from pathlib import Path

from build_scripts import records
from build_scripts.dataset import Dataset
from build_scripts.paths import Paths
from build_scripts.search import dictionary, index

GROUPS = ((1, 2, 3), (60, 25, 15))
"""Replies per proposal and how often, in the patched variant."""


def measure(dataset: Dataset, name: str) -> str:
    replies = index.ordered(dataset)
    table = index.facet_table(replies, dataset)
    raw = index._dump(table).encode("utf-8")
    packed = len(gzip.compress(raw, dictionary.GZIP_LEVEL, mtime=0))
    files = index.proposal_files(replies, dataset)
    sizes = [len(gzip.compress(c.encode("utf-8"), dictionary.GZIP_LEVEL, mtime=0)) for c in files.values()]
    return (f"{name}: facets.json {len(raw):,} bytes raw, {packed:,} gzip, {len(table['tuples']):,} tuples; "
            f"p/ files {len(files):,}, largest {max(sizes, default=0)} bytes gzip")


def with_roles_and_shared_proposals(dataset: Dataset, seed: int = 14) -> Dataset:
    """The same replies, grouped into proposals answered by a lead and co-handlers (in memory only)."""
    rng = random.Random(seed)
    replies = sorted(dataset.replies, key=lambda r: r.id)
    patched = []
    i = 0
    while i < len(replies):
        size = rng.choices(*GROUPS)[0]
        group = replies[i:i + size]
        for k, reply in enumerate(group):
            role = None if size == 1 and rng.random() < 0.7 else ("主办", "会办", "协办")[k]
            data = {**reply.data, "proposal_id": group[0]["proposal_id"], "handling_role": role}
            patched.append(type(reply)(data, reply.folder))
        i += size
    return Dataset(tuple(patched), dataset.vocab, dataset.report, dataset.paths)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    started = time.perf_counter()
    dataset = records.load(Paths(Path(argv[0]).resolve()))
    print(f"{len(dataset.replies):,} letters loaded in {time.perf_counter() - started:.1f} s")
    print(measure(dataset, "as generated"))
    print(measure(with_roles_and_shared_proposals(dataset), "with roles and shared proposals"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
