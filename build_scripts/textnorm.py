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
