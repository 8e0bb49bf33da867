"""Gambling spam injected by hijacked mirror pages: recognised, kept in the text, flagged."""

from __future__ import annotations

import re

SPAM = re.compile(r"娱乐场|娱乐城|娱乐平台|娱乐官网|博彩|赌场|赌博|百家乐|葡京|威尼斯人|太阳城|老虎机|真人荷官|体育投注|足球投注|彩票平台"
                  r"|[a-z0-9]{2,}\.(?:com|net|cc|vip)\b.*(?:注册|开户|娱乐)|bet365|casino|澳门.{0,4}(?:娱乐|赌|彩)|注册送|首存",
                  re.IGNORECASE)


def is_spam(text: str) -> bool:
    return bool(SPAM.search(text))
