"""Key figures of a reply: amounts of money, counts with their unit, percentages, each with its span.

Money (元, 千元, 万元, 亿元) is normalised to yuan as stated (“400余万元” counts 4,000,000: the
letter's own lower bound; a range has no single amount and no yuan). A count keeps its unit, the
measure word and the noun right after it when there is one (1410个乡镇 → 个乡镇, 2300名 → 名). A
percentage is a number before % or ％, or 百分之 and a number. Each figure's span is exact:
``sections[section].text[start:end] == quote``; ``phrase`` is the clause it stands in (between
punctuation), the words that say what it counts.

Ordinals (第100次), dates (2021年5月), document numbers (〔2021〕118号) and phone numbers are not
figures: their units are not in ``MEASURES`` and an ordinal is refused by its 第.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

_NUMBER = r"\d[\d,，]*(?:\.\d+)?"
_RANGE = rf"{_NUMBER}(?:\s*[-－~～至到]\s*{_NUMBER})?"
_ABOUT = r"(?:余|多)?"
MEASURES = "人次|户次|场次|平方米|公里|个|名|户|家|人|所|支|处|件|项|座|套|间|张|批|条|场|位|辆|台|亩|册|期|次|天"
"""Measure words of a count, longer ones first (the first that matches is taken)."""
COUNTED_NOUNS = frozenset(
    "社区 乡镇 街道 社工 家庭 项目 小区 机构 单位 部门 城市 县区 站点 学校 医院 企业 岗位 居民 群众 老人 儿童 "
    "人员 干部 党员 网格 楼栋 窗口 食堂 村庄 行政 自然 试点 团队 组织 志愿 床位 证明 事项".split())
"""Nouns a count's unit keeps after its measure word (个社区, 名社工); any other word is not part of the unit."""
MONEY_MULTIPLIER = {"": 1, "千": 1_000, "万": 10_000, "亿": 100_000_000}

_FIGURE = re.compile(
    rf"(?<![\d.第〔\[(（-])(?P<n>{_RANGE})\s*(?:"
    rf"(?P<money>{_ABOUT}(?P<mult>千|万|亿)?元)"
    rf"|(?P<percent>[%％])"
    rf"|(?P<count>{_ABOUT}(?P<wan>万|亿)?(?:个百分点|(?:{MEASURES})(?P<noun>[\u4e00-\u9fff]{{2}})?)))"
)
_PERCENT_WORDS = re.compile(r"百分之(?P<n>[零一二三四五六七八九十百点]+|\d+(?:\.\d+)?)")
_CLAUSE_END = re.compile(r"[，。；：！？,;:!?\n]")


@dataclass(frozen=True)
class Figure:
    section: int  # position from 1
    start: int
    end: int
    quote: str
    kind: str  # money, count, percent
    amount: str  # the number as written, thousands separators removed
    unit: str
    yuan: int | None
    phrase: str


def _yuan(amount: str, multiplier: str) -> int | None:
    if any(sep in amount for sep in "-－~～至到"):
        return None
    try:
        value = Decimal(amount) * MONEY_MULTIPLIER[multiplier]
    except InvalidOperation:
        return None
    return int(value.to_integral_value())


def _clause(text: str, start: int, end: int) -> str:
    before = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    after = _CLAUSE_END.search(text, end)
    return text[before:after.start() if after else len(text)].strip()


def _noun_ok(noun: str | None) -> bool:
    return noun is None or noun in COUNTED_NOUNS


def in_text(text: str, section: int) -> list[Figure]:
    out = []
    for m in _FIGURE.finditer(text):
        amount = re.sub(r"[,，\s]", "", m["n"])
        if m["money"]:
            unit = m["money"].lstrip("余多")
            out.append(Figure(section, m.start(), m.end(), m.group(), "money", amount, unit,
                              _yuan(amount, m["mult"] or ""), _clause(text, m.start(), m.end())))
        elif m["percent"]:
            out.append(Figure(section, m.start(), m.end(), m.group(), "percent", amount, "%", None,
                              _clause(text, m.start(), m.end())))
        else:
            end = m.end() if _noun_ok(m["noun"]) else m.end() - 2
            quote = text[m.start():end]
            unit = quote[len(m["n"]):].lstrip(" 余多")
            out.append(Figure(section, m.start(), end, quote, "count", amount, unit, None,
                              _clause(text, m.start(), end)))
    for m in _PERCENT_WORDS.finditer(text):
        out.append(Figure(section, m.start(), m.end(), m.group(), "percent", m["n"], "%", None,
                          _clause(text, m.start(), m.end())))
    return sorted(out, key=lambda f: (f.start, f.end))


def find(sections: list[dict[str, Any]]) -> list[Figure]:
    """Every figure of a reply's sections, in text order."""
    return [f for position, s in enumerate(sections, 1) for f in in_text(s["text"], position)]
