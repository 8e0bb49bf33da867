"""Issue 17: one traditional character (鋐) crashed every build: OpenCC t2s turns about 800 BMP
characters into characters outside the BMP, and the bulk normalisation's tables cover the BMP only.
Every such character, computed from OpenCC here, is normalised in bulk exactly as one by one."""

from __future__ import annotations

import functools

from build_scripts.search.text import normalise_many
from build_scripts.textnorm import _t2s, normalise


@functools.lru_cache(maxsize=1)
def leaving_the_bmp() -> list[str]:
    convert = _t2s().convert
    return [chr(cp) for cp in range(0x10000)
            if not 0xD800 <= cp < 0xE000 and any(ord(c) >= 0x10000 for c in convert(chr(cp)))]


def test_the_set_is_computed_from_opencc() -> None:
    chars = leaving_the_bmp()
    assert "鋐" in chars and len(chars) > 500
    assert all(ord(c) < 0x10000 for c in chars)


def test_every_character_t2s_takes_out_of_the_bmp_normalises_in_bulk() -> None:
    chars = leaving_the_bmp()
    texts = ["关于答复的函", *(f"张{c}同志：{c}" for c in chars), "Ａ社區治理", ""]
    assert normalise_many(texts) == [normalise(t) for t in texts]


def test_one_such_character_among_many_texts_leaves_the_others_fast_and_right() -> None:
    texts = ["社區", "鋐", "ＡＢ　c", "𠀀" + "鋐", "答复"]
    assert normalise_many(texts) == [normalise(t) for t in texts]
    assert normalise_many(["".join(leaving_the_bmp())]) == [normalise("".join(leaving_the_bmp()))]
