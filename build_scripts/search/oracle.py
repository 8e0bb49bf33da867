"""What Ctrl+F would find: brute force over every field of every reply, the tests' yardstick."""

from __future__ import annotations

from build_scripts import replytext
from build_scripts.dataset import Dataset
from build_scripts.textnorm import normalise


def search(dataset: Dataset, query: str) -> set[str]:
    """Ids of replies with a field whose normalised text contains the normalised query."""
    q = normalise(query)
    if not q:
        return set()
    found = set()
    for reply in dataset.replies:
        fields = replytext.head_fields(reply) + replytext.body_fields(reply)
        if any(q in normalise(f.text) for f in fields):
            found.add(reply.id)
    return found


def head_matches(dataset: Dataset, query: str) -> set[str]:
    q = normalise(query)
    return {r.id for r in dataset.replies if q and any(q in normalise(f.text) for f in replytext.head_fields(r))}
