"""Topic rules: reviewable, kept as data in datasets/vocab/topics.yaml."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from build_scripts.textnorm import normalise


def reply_text(record: Mapping[str, Any]) -> str:
    """The text topic rules look at: titles and every section."""
    parts = [record.get("title") or "", record.get("proposal_title") or ""]
    for section in record.get("sections") or ():
        parts.append(section.get("heading") or "")
        parts.append(section.get("text") or "")
    return "\n".join(parts)


def hits(text: str, terms: Iterable[str]) -> dict[str, int]:
    norm = normalise(text)
    return {term: norm.count(normalise(term)) for term in terms if norm.count(normalise(term))}


def assign(record: Mapping[str, Any], topics: Iterable[Mapping[str, Any]]) -> list[str]:
    """Topic ids whose terms occur at least ``min_hits`` times, in vocabulary order."""
    text = reply_text(record)
    return [t["id"] for t in topics if sum(hits(text, t["terms"]).values()) >= t["min_hits"]]
