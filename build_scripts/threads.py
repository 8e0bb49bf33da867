"""Threads: earlier and later replies on the same matter, each link with its reasons.

Links are suggested by rule, never asserted: the same proposal (``same-proposal``); the same proposer
with a similar proposal title at another session (``same-proposer``: titles' character bigrams
overlap at least ``SIMILAR``); one letter naming the other's 文号, or its proposal number at the same
assembly (``cites``). A maintainer confirms or rejects a link in either record's
``thread_decisions`` (and may add one the rules missed: ``maintainer``); a rejected link stays in
the data, marked, and is not shown as related.

Work stays O(N·k): proposers' replies are compared only with the next ``WINDOW`` by date, and
citations are looked up in maps of 文号 and numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SIMILAR = 0.4
"""Share of character bigrams two proposal titles must have in common (Jaccard) to be “similar”."""
WINDOW = 50
"""Replies of one proposer each reply is compared with (the next ones by date)."""
_DOC = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*\d{1,5}\s*号")
"""A 文号 cited in a letter: what ``cited_doc_numbers`` finds (the definition; tests compare the two)."""
_DOC_TAIL = re.compile(r"[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*\d{1,5}\s*号")
_DOC_PREFIX = 12
_NUMBER = re.compile(r"第\s*(?P<n>[0-9]{1,8})\s*号\s*(?P<k>建议|议案|提案)")


@dataclass(frozen=True)
class Link:
    other_id: str
    reasons: tuple[str, ...]
    detail: str
    status: str  # suggested, confirmed, rejected


def cited_doc_numbers(text: str) -> list[str]:
    """``m.group()`` for each match of ``_DOC.finditer(text)``, found from the brackets back: the regex
    tries every CJK character as a start (15 s at 10,000 letters, 45 M characters); its bracket part
    alone is found in 0.3 s. Before the bracket: white space, then one to 12 CJK characters, none of
    them inside the match before (finditer resumes where a match ends)."""
    out, floor = [], 0
    for m in _DOC_TAIL.finditer(text):
        i = m.start()
        while i > floor and text[i - 1].isspace():  # ``\s`` is str.isspace
            i -= 1
        start = i
        while start > max(floor, i - _DOC_PREFIX) and "\u4e00" <= text[start - 1] <= "\u9fff":
            start -= 1
        if start < i:
            out.append(text[start:m.end()])
            floor = m.end()
    return out


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", text.removeprefix("关于").removesuffix("的建议").removesuffix("的提案"))
    return {text[i:i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def _session(r: Mapping[str, Any]) -> tuple[Any, ...]:
    return (r["assembly"], r["term"], r["session_no"])


def _date(r: Mapping[str, Any]) -> str:
    return str(r["reply_date"] or r["published_date"] or "")


def _text(r: Mapping[str, Any]) -> str:
    return "\n".join(s["text"] for s in r["sections"])


def suggested(records: list[Mapping[str, Any]]) -> dict[tuple[str, str], dict[str, str]]:
    """(reply id, other id) -> {reason: detail}, both directions."""
    found: dict[tuple[str, str], dict[str, str]] = {}

    def add(a: str, b: str, reason: str, detail: str) -> None:
        if a != b:
            found.setdefault((a, b), {}).setdefault(reason, detail)
            found.setdefault((b, a), {}).setdefault(reason, detail)

    by_proposal: dict[str, list[str]] = {}
    for r in records:
        if r.get("proposal_id"):
            by_proposal.setdefault(r["proposal_id"], []).append(r["id"])
    for pid, ids in by_proposal.items():
        for i, first in enumerate(ids):
            for second in ids[i + 1:]:
                add(first, second, "same-proposal", f"同一建议 {pid}")
    by_proposer: dict[str, list[Mapping[str, Any]]] = {}
    for r in records:
        for name in dict.fromkeys(r["proposers"]):
            by_proposer.setdefault(name, []).append(r)
    for name, group in by_proposer.items():
        group.sort(key=lambda r: (_date(r), r["id"]))
        for i, a in enumerate(group):
            for b in group[i + 1:i + 1 + WINDOW]:
                if _session(a) == _session(b) or not (a["proposal_title"] and b["proposal_title"]):
                    continue
                score = similarity(a["proposal_title"], b["proposal_title"])
                if score >= SIMILAR:
                    add(a["id"], b["id"], "same-proposer", f"同一提出人“{name}”，标题相似度 {score:.2f}")
    by_doc = {r["doc_number"]: r["id"] for r in records if r["doc_number"]}
    by_number: dict[tuple[str, str, str], list[str]] = {}
    for r in records:
        if r["proposal_number"]:
            by_number.setdefault((r["assembly"], r["proposal_kind"], str(r["proposal_number"]).lstrip("0")), []).append(r["id"])
    for r in records:
        text = _text(r)
        for cited in cited_doc_numbers(text):
            other = by_doc.get(re.sub(r"\s+", "", cited))
            if other:
                add(r["id"], other, "cites", f"引用文号“{cited}”")
        for m in _NUMBER.finditer(text):
            for other in by_number.get((r["assembly"], m["k"], m["n"].lstrip("0")), []):
                if other not in by_proposal.get(r.get("proposal_id") or "", [r["id"]]):
                    add(r["id"], other, "cites", f"提到“{m.group()}”")
    return found


def links(records: Iterable[Mapping[str, Any]]) -> dict[str, list[Link]]:
    """Reply id -> its links (suggested and decided), by the other's id."""
    records = list(records)
    found = suggested(records)
    decided: dict[tuple[str, str], str] = {}
    notes: dict[tuple[str, str], str] = {}
    for r in records:
        for d in r.get("thread_decisions") or []:
            for pair in ((r["id"], d["other_id"]), (d["other_id"], r["id"])):
                if decided.get(pair) != "rejected":
                    decided[pair] = d["decision"]
                notes[pair] = d["note"]
    out: dict[str, list[Link]] = {r["id"]: [] for r in records}
    for pair in sorted(set(found) | set(decided)):
        if pair[0] not in out or pair[1] not in out:
            continue
        reasons = found.get(pair, {"maintainer": notes.get(pair, "")})
        detail = "；".join(reasons.values())
        if pair in decided and pair in found:
            detail += f"；维护者：{notes[pair]}"
        out[pair[0]].append(Link(pair[1], tuple(reasons), detail, decided.get(pair, "suggested")))
    return out
