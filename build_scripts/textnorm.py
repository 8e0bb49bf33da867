"""Text normalisation shared by topic rules, search and matching (never applied to stored text)."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Fold width (NFKC), traditional to simplified, case, and drop all white space."""
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    return _SPACE.sub("", text).lower()


def _cjk(c: str) -> bool:
    return 0x3400 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFAFF


@functools.lru_cache(maxsize=1)
def char_folds() -> dict[str, str]:
    """Each BMP character whose fold differs from itself → its fold, the query normalisation the
    site's search does in the browser: NFKC, lower case, white space dropped, then traditional →
    simplified character by character (OpenCC t2s of a single CJK character, when that is one
    character). ``"".join(char_folds().get(c, c) for c in q)`` equals ``normalise(q)`` for queries
    without phrase-level OpenCC conversions or compositions across characters."""
    conv = _t2s()
    out = {}
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        c = chr(cp)
        folded = ""
        for x in unicodedata.normalize("NFKC", c).lower():
            if x.isspace():
                continue
            simple = conv.convert(x) if _cjk(x) else x
            folded += simple if len(simple) == 1 else x
        if folded != c:
            out[c] = folded
    return out
