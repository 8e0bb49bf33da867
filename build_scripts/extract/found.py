"""What every field parser returns, ``Found``, and the small helpers they share to make one.

A ``Found`` is the value, the span of the cleaned text it was read from, warnings and notes.
Precision first: when a value is not certain it is None with a warning, never a guess. All
matching is on the folded text (width, traditional → simplified); values are cut from the
cleaned text as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from build_scripts.extract.layout import Letter, Line

Span = tuple[int, int]
Note = dict[str, str | None]


@dataclass
class Found:
    """One field as read: the value (None when unsure), its span in the cleaned text, warnings, notes."""

    value: Any = None
    span: Span | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def note(field_name: str, kind: str, original: str | None, value: str | None, reason: str) -> Note:
    """A note on the record: a repair or decision a reviewer should see."""
    return {"field": field_name, "kind": kind, "original": original, "value": value, "reason": reason}


def span_of(line: Line, m: re.Match[str], group: int | str = 0) -> Span:
    """The span of the match (or its group) in the whole text."""
    return (line.start + m.start(group), line.start + m.end(group))


def cut(line: Line, m: re.Match[str], group: int | str = 0) -> str:
    """The matched text as written (the match ran on the folded line)."""
    return line.text[m.start(group):m.end(group)]


def first_match(lines: Iterable[Line], pattern: re.Pattern[str]) -> tuple[Line, re.Match[str]] | None:
    """The first line whose folded text matches, and the match."""
    for line in lines:
        m = pattern.search(line.fold)
        if m:
            return line, m
    return None


def squash(value: str) -> str:
    """``value`` without any whitespace."""
    return re.sub(r"\s+", "", value)


# --- page metadata -------------------------------------------------------------------------

def meta_value(letter: Letter, labels: str, value: str, *, footer: bool = True) -> tuple[Line, re.Match[str]] | None:
    """``label: value`` on one line (``发布日期: | 2023-05-06`` when the page's table cells were joined
    with bars), or the label alone and the value on the next line."""
    same = re.compile(rf"(?:^|\s|\|)(?:{labels})\s*[:：]?\s*(?:[|｜]\s*)?(?P<v>{value})")
    lines = letter.header + (letter.footer if footer else ())
    found = first_match(lines, same)
    if found:
        return found
    label_only = re.compile(rf"^(?:{labels})\s*[:：]?\s*[|｜]?$")
    alone = re.compile(rf"^(?P<v>{value})")
    for i, line in enumerate(letter.lines[:-1]):
        if label_only.match(line.fold):
            m = alone.match(letter.lines[i + 1].fold)
            if m:
                return letter.lines[i + 1], m
    return None
