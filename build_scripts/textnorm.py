"""Text normalisation shared by topic rules, search and matching (never applied to stored text)."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import numpy as np

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


# --- in bulk (the search index, the SQLite file's full-text indexes) ---------------------------

_SEP_RAW = "\ue000"  # joins fields for the batch passes: a private-use starter no phrase or composition crosses


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per BMP code point: NFKC (offset, length into a flat array) and lower-case-without-space (same)."""
    def table(fn: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        flat: list[int] = []
        off = np.zeros(0x10000, dtype=np.int64)
        length = np.zeros(0x10000, dtype=np.int64)
        for cp in range(0x10000):
            out = fn(chr(cp)) if not 0xD800 <= cp < 0xE000 else chr(cp)
            off[cp] = len(flat)
            length[cp] = len(out)
            flat.extend(map(ord, out))
        return off, length, np.array(flat, dtype=np.uint32)

    nfkc = table(lambda c: unicodedata.normalize("NFKC", c))
    low = table(lambda c: "" if c.isspace() else c.lower())
    return nfkc + low


@functools.lru_cache(maxsize=2)
def _single(which: int) -> tuple[np.ndarray, np.ndarray]:
    """Table ``which`` (0 NFKC, 1 lower case without space) as (length per code point, uint8; the one
    character it maps to, where that length is 1): most text maps a character to one or none, one gather."""
    off, length, flat = _tables()[3 * which:3 * which + 3]
    one = np.where(length == 1, flat[np.minimum(off, len(flat) - 1)], 0).astype(np.uint32)
    return length.astype(np.uint8), one


def _apply(cps: np.ndarray, which: int, wide: np.ndarray | None = None) -> np.ndarray:
    """Map every code point through table ``which`` (``_tables``), whose outputs may be 0, 1 or more
    characters; where ``wide`` (characters outside the BMP) is true, a character passes as itself.
    Characters that map to one or none are one gather (``_single``): at 100,000 letters the general path
    below, an int64 cumsum and two repeats over every character, was most of the time."""
    src = cps if wide is None else np.where(wide, 0x61, cps)  # "a" → "a": one character, as the wide one
    lens, one = _single(which)
    per = lens[src]
    if not (per > 1).any():
        out = one[src]
        if wide is not None:
            out[wide] = cps[wide]
        return out if per.all() else out[per.astype(bool)]
    off, length, flat = _tables()[3 * which:3 * which + 3]
    lens64 = length[src]
    starts = np.cumsum(lens64) - lens64
    intra = np.arange(int(lens64.sum()), dtype=np.int64) - np.repeat(starts, lens64)
    out = flat[np.repeat(off[src], lens64) + intra]
    if wide is not None:
        out[starts[wide]] = cps[wide]
    return out


def _lower(cps: np.ndarray) -> str | None:
    """Lower case and no white space, through the BMP table; None when that cannot be done here.

    OpenCC maps some traditional characters to simplified ones outside the BMP (俓 → 𠇹 U+201F9):
    those pass unchanged when lower-casing leaves them so and they are not space (CJK always),
    else None (the caller normalises text by text). Found by the jieba-vocabulary corpus (issue 13).
    """
    wide = cps >= 0x10000
    if not wide.any():
        return _apply(cps, LOWER).tobytes().decode("utf-32-le")
    if any(chr(c).lower() != chr(c) or chr(c).isspace() for c in np.unique(cps[wide]).tolist()):
        return None
    return _apply(cps, LOWER, wide).tobytes().decode("utf-32-le")


NFKC, LOWER = 0, 1
"""The two tables of ``_tables``."""


def _utf32(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def normalise_many(texts: list[str]) -> list[str]:
    """``[textnorm.normalise(t) for t in texts]``, computed over all texts at once.

    NFKC is applied character by character through a table, OpenCC t2s once over the joined
    texts, then lower case and white space through a second table. That equals ``normalise``
    whenever per-character NFKC is already normalised as a whole (no composition across
    characters) and no Σ is present (final-sigma lower-casing depends on context); texts where
    that fails, or with characters outside the BMP before t2s, go through ``normalise`` itself.
Characters that t2s turns into ones outside the BMP (鋐 → 𬭎 and about 800 others) stay on the fast
path (``_lower``; tested with every one of them, issue 17).
    """
    if not texts:
        return []
    slow = {i for i, t in enumerate(texts) if _SEP_RAW in t}
    fast = [("" if i in slow else t) for i, t in enumerate(texts)] if slow else texts
    joined = _SEP_RAW.join(fast)
    cps = _utf32(joined)
    if int(cps.max(initial=0)) >= 0x10000:
        return [normalise(t) for t in texts]
    step1 = _apply(cps, NFKC).tobytes().decode("utf-32-le")
    if not unicodedata.is_normalized("NFKC", step1) or "Σ" in step1:
        bad = {i for i, t in enumerate(fast) if not _simple(t)}
        return _splice(texts, bad | slow) if bad else [normalise(t) for t in texts]
    step2 = _t2s().convert(step1)
    if len(step2) != len(step1):
        return [normalise(t) for t in texts]
    lowered = _lower(_utf32(step2))
    if lowered is None:
        return [normalise(t) for t in texts]
    out = lowered.split(_SEP_RAW)
    for i in slow:
        out[i] = normalise(texts[i])
    return out


def _simple(text: str) -> bool:
    """Per-character NFKC of ``text`` is its NFKC and it holds no Σ."""
    folded = unicodedata.normalize("NFKC", text)
    return "Σ" not in folded and folded == "".join(unicodedata.normalize("NFKC", c) for c in text)


def _splice(texts: list[str], bad: set[int]) -> list[str]:
    good = normalise_many(["" if i in bad else t for i, t in enumerate(texts)])
    return [normalise(t) if i in bad else good[i] for i, t in enumerate(texts)]
