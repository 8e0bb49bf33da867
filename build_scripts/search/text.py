"""What is searchable in a reply, normalised exactly as ``textnorm.normalise``, with a map back.

A reply's searchable text is a list of fields: the head (title, proposal title, agency, 文号,
proposers) and the body (each section's heading and text). Each field is normalised on its own
and the fields are joined with a separator character that no gram may contain, so a match never
spans two fields. Head fields come first; the body starts at ``BODY_BASE`` so that a position
alone says whether a match is in the head (ranked first) or the body.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

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
    origin: list[int]
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
    origin: list[int] = []
    base = 0

    def add(fields: list[Field]) -> None:
        nonlocal base
        for f in fields:
            n, o = normalise_with_origin(f.text)
            norm.append(n + SEP)
            origin.extend(base + i for i in o)
            origin.append(base + len(f.text))
            orig.append(f.text + SEP)
            base += len(f.text) + 1

    add(head_fields(reply))
    head_length = len(origin)
    if head_length > BODY_BASE:
        raise HeadTooLong(f"{reply.id}: title, proposal title, agency, 文号 and proposers are {head_length} "
                          f"characters together; the search index allows {BODY_BASE}")
    pad = BODY_BASE - head_length
    norm.append(SEP * pad)
    origin.extend([base] * pad)
    add(body_fields(reply))
    return Searchable("".join(norm), "".join(orig), origin, head_length)


@functools.lru_cache(maxsize=200_000)
def _fold_char(ch: str) -> str:
    """NFKC, then case: one character's normalisation before traditional→simplified."""
    return unicodedata.normalize("NFKC", ch).lower()


def normalise_with_origin(text: str) -> tuple[str, list[int]]:
    """``textnorm.normalise(text)`` and, for each of its characters, the index it came from.

    Width and case are folded character by character (so the origin of each output character is
    known), white space is dropped, then traditional→simplified runs on the whole string as in
    ``normalise`` (OpenCC's t2s keeps the length). If character-wise folding differs from NFKC of
    the whole text (NFKC composing across characters), the exact normalisation is kept and
    origins are spread proportionally: a snippet may then be off by a character, never a match.
    """
    table = {ord(ch): _fold_char(ch) for ch in set(text)}
    for ch in set(text):
        if ch.isspace() or any(c.isspace() for c in table[ord(ch)]):
            table[ord(ch)] = "".join(c for c in table[ord(ch)] if not c.isspace())
    if all(len(v) <= 1 for v in table.values()):
        folded_text = text.translate(table)
        origin = [i for i, ch in enumerate(text) if table[ord(ch)]]
    else:
        chars: list[str] = []
        origin = []
        for i, ch in enumerate(text):
            for out in table[ord(ch)]:
                chars.append(out)
                origin.append(i)
        folded_text = "".join(chars)
    simplified = _t2s().convert(folded_text)
    nfkc = unicodedata.normalize("NFKC", text).lower()
    if folded_text == "".join(nfkc.split()):
        return simplified, origin
    exact = normalise(text)
    if len(exact) == 0:
        return exact, []
    scale = len(text) / len(exact)
    return exact, [min(len(text) - 1, int(i * scale)) for i in range(len(exact))]
