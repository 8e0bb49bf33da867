"""What Ctrl+F would find: brute force over every field of every reply, the tests' yardstick."""

from __future__ import annotations

from build_scripts.records import Dataset
from build_scripts.search import text as text_mod
from build_scripts.textnorm import normalise


def search(dataset: Dataset, query: str) -> set[str]:
    """Ids of replies with a field whose normalised text contains the normalised query."""
    q = normalise(query)
    if not q:
        return set()
    found = set()
    for reply in dataset.replies:
        fields = text_mod.head_fields(reply) + text_mod.body_fields(reply)
        if any(q in normalise(f.text) for f in fields):
            found.add(reply.id)
    return found


def head_matches(dataset: Dataset, query: str) -> set[str]:
    q = normalise(query)
    return {r.id for r in dataset.replies if q and any(q in normalise(f.text) for f in text_mod.head_fields(r))}
