"""What is searchable in a reply, normalised exactly as ``textnorm.normalise``, with a map back.

A reply's searchable text is a list of fields: the head (title, proposal title, agency, 文号,
proposers) and the body (each section's heading and text). Each field is normalised on its own
and the fields are joined with a separator character that no gram may contain, so a match never
spans two fields. Head fields come first; the body starts at ``BODY_BASE`` so that a position
alone says whether a match is in the head (ranked first) or the body.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from build_scripts.records import Reply
from build_scripts.textnorm import _t2s, normalise

SEP = "\x00"
BODY_BASE = 4096


@dataclass(frozen=True)
class Field:
    name: str
    text: str


@dataclass(frozen=True)
class Searchable:
    """The normalised concatenation of a reply's fields and the original text it came from.

    ``norm[i]`` came from ``orig[origin[i]]``; separators map to separators. Positions below
    ``BODY_BASE`` are head fields; the gap up to ``BODY_BASE`` is filled with separators.
    """

    norm: str
    orig: str
    origin: np.ndarray
    head_length: int


def head_fields(reply: Reply) -> list[Field]:
    fields = [Field("title", reply["title"]), Field("proposal_title", reply["proposal_title"] or ""),
              Field("agency", reply["agency"]), Field("doc_number", reply["doc_number"] or "")]
    fields += [Field("proposer", p) for p in reply["proposers"]]
    return [f for f in fields if f.text]


def body_fields(reply: Reply) -> list[Field]:
    out = []
    for section in reply["sections"]:
        if section["heading"]:
            out.append(Field("heading", section["heading"]))
        if section["text"]:
            out.append(Field("text", section["text"]))
    return out


class HeadTooLong(ValueError):
    pass


def searchable(reply: Reply) -> Searchable:
    norm: list[str] = []
    orig: list[str] = []
    origin: list[np.ndarray] = []
    base = 0
    length = 0

    def add(fields: list[Field]) -> None:
        nonlocal base, length
        for f in fields:
            n, o = normalise_with_origin(f.text)
            norm.append(n + SEP)
            origin.append(np.append(o + base, base + len(f.text)))
            orig.append(f.text + SEP)
            base += len(f.text) + 1
            length += len(n) + 1

    add(head_fields(reply))
    head_length = length
    if head_length > BODY_BASE:
        raise HeadTooLong(f"{reply.id}: title, proposal title, agency, 文号 and proposers are {head_length} "
                          f"characters together; the search index allows {BODY_BASE}")
    pad = BODY_BASE - head_length
    norm.append(SEP * pad)
    origin.append(np.full(pad, base, dtype=np.int64))
    add(body_fields(reply))
    return Searchable("".join(norm), "".join(orig), np.concatenate(origin).astype(np.int32), head_length)


_FOLD: dict[int, str] = {}
_DROP: set[int] = set()
_EXPANDS: set[int] = set()
_KNOWN: set[str] = set()


def _learn(text: str) -> set[str]:
    chars = set(text)
    for ch in chars.difference(_KNOWN):
        _KNOWN.add(ch)
        folded = "".join(c for c in unicodedata.normalize("NFKC", ch).lower() if not c.isspace())
        _FOLD[ord(ch)] = folded
        if not folded:
            _DROP.add(ord(ch))
        elif len(folded) > 1:
            _EXPANDS.add(ord(ch))
    return chars


def normalise_with_origin(text: str) -> tuple[str, np.ndarray]:
    """``textnorm.normalise(text)`` and, for each of its characters, the index it came from.

    Width and case are folded character by character (so the origin of each output character is
    known), white space is dropped, then traditional→simplified runs on the result as in
    ``normalise`` (OpenCC's t2s keeps the length). If character-wise folding differs from NFKC of
    the whole text (NFKC composing across characters), the exact normalisation is kept and
    origins are spread proportionally: a snippet may then be off by a character, never a match.
    """
    chars_used = _learn(text)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if _EXPANDS.isdisjoint(map(ord, chars_used)):
        folded_text = text.translate(_FOLD)
        drop = [c for c in map(ord, chars_used) if c in _DROP]
        keep = ~np.isin(cps, np.array(drop, dtype=np.uint32)) if drop else np.ones(len(cps), dtype=bool)
        origin = np.flatnonzero(keep).astype(np.int64)
    else:
        chars: list[str] = []
        idx: list[int] = []
        for i, ch in enumerate(text):
            for out in _FOLD[ord(ch)]:
                chars.append(out)
                idx.append(i)
        folded_text = "".join(chars)
        origin = np.array(idx, dtype=np.int64)
    simplified = _t2s().convert(folded_text)
    nfkc = unicodedata.normalize("NFKC", text).lower()
    if folded_text == "".join(nfkc.split()) and len(simplified) == len(folded_text):
        return simplified, origin
    exact = normalise(text)
    if len(exact) == 0:
        return exact, np.zeros(0, dtype=np.int64)
    scale = len(text) / len(exact)
    return exact, np.minimum(len(text) - 1, (np.arange(len(exact)) * scale).astype(np.int64))
