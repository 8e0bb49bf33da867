"""Folding for matching: the Han character class and ``fold``, which every step matches on.

``fold`` maps width and traditional → simplified, one character for one, so a position in the
folded text is the same position in the text as written: patterns run on the folded text and
values are cut from the original.
"""

from __future__ import annotations

import functools
import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_DASHES = "—–－‐‑―"
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


@functools.lru_cache(maxsize=1)
def _fold_table() -> tuple[dict[str, str], re.Pattern[str]]:
    """Every character that folds to another: full width, dashes, traditional (one for one only)."""
    table = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
    table.update({d: "-" for d in _DASHES})
    table["\u3000"] = table["\xa0"] = table["\t"] = " "
    chars = [chr(c) for lo, hi in _CJK_RANGES for c in range(lo, hi + 1)]
    simple = _t2s().convert("\n".join(chars)).split("\n")
    if len(simple) == len(chars):
        table.update({c: s for c, s in zip(chars, simple) if len(s) == 1 and s != c})
    for c in "〇○":
        table.pop(c, None)
    pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(table)) + "]")
    return table, pattern


def _t2s():  # type: ignore[no-untyped-def]
    from build_scripts.textnorm import _t2s as shared

    return shared()


def fold(text: str) -> str:
    """Same length as ``text``: full width → ASCII, traditional → simplified, dashes → '-'."""
    table, pattern = _fold_table()
    return pattern.sub(lambda m: table[m.group()], text)
