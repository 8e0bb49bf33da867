"""Gambling spam injected by hijacked mirror pages: recognised, kept in the text, flagged."""

from __future__ import annotations

import re

# Words no reply letter uses; checked with `in` (a regex alternation over a whole letter is slow).
WORDS = ("娱乐场", "娱乐城", "娱乐平台", "娱乐官网", "博彩", "赌场", "赌博", "百家乐", "葡京", "威尼斯人", "太阳城", "老虎机",
         "真人荷官", "体育投注", "足球投注", "彩票平台", "注册送", "首存", "bet365", "casino")
_PATTERNS = re.compile(r"澳门.{0,4}(?:娱乐|赌|彩)|[a-z0-9]{2,}\.(?:com|net|cc|vip)\b.*(?:注册|开户|娱乐)")


def is_spam(text: str) -> bool:
    lower = text.lower()
    if any(word in lower for word in WORDS):
        return True
    return ("澳门" in text or "." in text) and bool(_PATTERNS.search(lower))
