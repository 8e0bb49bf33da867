"""A reply's text as a list of fields, in the one order every stage uses.

The head: title, proposal title, agency, 文号, proposers. The body: each section's heading, then
its text. The search index numbers positions in these fields; a long letter's pages are cut at
places in the body (``pages.parts``); both must agree, so both read this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from build_scripts.dataset import Reply


@dataclass(frozen=True)
class Field:
    name: str
    text: str


def head_fields(reply: Reply) -> list[Field]:
    fields = [Field("title", reply["title"]), Field("proposal_title", reply["proposal_title"] or ""),
              Field("agency", reply["agency"]), Field("doc_number", reply["doc_number"] or "")]
    fields += [Field("proposer", p) for p in reply["proposers"]]
    return [f for f in fields if f.text]


def body_places(reply: Reply) -> list[tuple[int, str]]:
    """(section index, "heading" or "text") of each body field: each section's heading if any,
    then its text if any. The one definition of the body fields' order (a long letter's pages
    are cut at places in it, ``pages.parts``, and the search index says which page holds a match)."""
    out = []
    for i, section in enumerate(reply["sections"]):
        if section["heading"]:
            out.append((i, "heading"))
        if section["text"]:
            out.append((i, "text"))
    return out


def body_fields(reply: Reply) -> list[Field]:
    return [Field(kind, reply["sections"][i][kind]) for i, kind in body_places(reply)]


def full_text(reply: Reply) -> str:
    """The whole cleaned text in one string: each section's heading above its text, a blank line between sections."""
    return "\n\n".join("\n".join(part for part in (s["heading"], s["text"]) if part) for s in reply["sections"])
