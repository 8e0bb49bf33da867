"""The body as ordered sections under their headings: 一、 (level 1), （一） (level 2), 1. (level 3).

A numbered line is a heading only when it is short and ends no sentence; "(一)加强……。随着……"
is a numbered paragraph and stays in the text. Numbering that jumps (一、二、3、) continues the
level it continues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from build_scripts.extract.layout import Line
from build_scripts.extract.numerals import cn_int

_L1 = re.compile(r"^(?P<n>[一二三四五六七八九十]{1,3})\s*[、.．]\s*(?P<t>\S.*)$")
_L2 = re.compile(r"^[(（]\s*(?P<n>[一二三四五六七八九十]{1,3})\s*[)）]\s*(?P<t>\S.*)$")
_L3 = re.compile(r"^(?P<n>\d{1,2})\s*[、.．]\s*(?P<t>\D.*)$")
_SENTENCE_END = re.compile(r"[。；;！？!?]")
_CLOSING = re.compile(r"^(?:感谢|再次感谢|衷心感谢|非常感谢|以上答复|特此答复|特此函复|专此函复|专此答复|此复|欢迎您|如有不妥|诚挚感谢|谢谢)")
_CN = "一二三四五六七八九十"


@dataclass
class _State:
    level1: int = 0  # ordinal of the last level-1 heading
    arabic3: int = 0  # last number of a running level-3 list
    sections: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, str | None]] = field(default_factory=list)


def split(body: tuple[Line, ...]) -> tuple[list[dict[str, Any]], list[dict[str, str | None]]]:
    """Sections ``{heading, level, text}`` and the notes on headings whose spacing was repaired."""
    state = _State()
    paragraphs: list[str] = []
    heading: str | None = None
    level = 0
    closing = False
    for line in body:
        found = None if closing else _heading(line.text, state)
        if found is None and not closing and state.sections + ([1] if heading else []) and _CLOSING.match(line.fold):
            closing = True
            _flush(state, heading, level, paragraphs)
            heading, level, paragraphs = None, 0, []
        if found is not None:
            _flush(state, heading, level, paragraphs)
            heading, level, paragraphs = found[0], found[1], []
            continue
        paragraphs.append(line.text)
    _flush(state, heading, level, paragraphs)
    return state.sections, state.notes


def _flush(state: _State, heading: str | None, level: int, paragraphs: list[str]) -> None:
    if heading is None and not paragraphs:
        return
    state.sections.append({"heading": heading, "level": level, "text": "\n\n".join(paragraphs)})


def _heading(text: str, state: _State) -> tuple[str, int] | None:
    if len(text) > 60 or _SENTENCE_END.search(text):
        return None
    m = _L1.match(text)
    if m and _ordinal(m["n"]):
        state.level1, state.arabic3 = _ordinal(m["n"]), 0
        return _tidy(text, m, state), 1
    m = _L2.match(text)
    if m:
        state.arabic3 = 0
        return _tidy(text, m, state), 2
    m = _L3.match(text)
    if m:
        n = int(m["n"])
        if state.arabic3 and n == state.arabic3 + 1:
            state.arabic3 = n
            return _tidy(text, m, state), 3
        if state.level1 and n == state.level1 + 1:
            state.level1 = n
            return _tidy(text, m, state), 1
        if n == 1 and not state.level1:
            state.level1 = 1
            return _tidy(text, m, state), 1
        if n == 1:
            state.arabic3 = 1
            return _tidy(text, m, state), 3
    return None


def _ordinal(numeral: str) -> int:
    return cn_int(numeral) or 0


def _tidy(text: str, m: re.Match[str], state: _State) -> str:
    number = text[:m.start("t")]
    tidy = re.sub(r"\s+", "", number) + m["t"].strip()
    if tidy != text:
        state.notes.append({"field": "body", "kind": "decision", "original": text, "value": tidy,
                            "reason": "照录小标题序号，仅去掉序号中和序号后的空格。"})
    return tidy
