"""The replying agency's region: its GB/T 2260 code and chain of parents (``vocab`` regions).

The agency's name is matched against each region's full name, name, parent + name and aliases
(a former name such as 襄樊市, a 兵团 division such as 第六师 for 五家渠市, an autonomous division's short
name such as 大理州), longest first. A county's
bare name counts only when no other region has it, or when its parent is named in the letter
(城关区 is in 兰州市 and in 拉萨市).

Documented fallback: an agency of a 开发区/高新区/新区/园区 without a code of its own (海口国家高新技术
产业开发区社会事务局, 长春新区社会事业局) takes the code of the city whose name it starts with, with
a note saying so. Nothing else is guessed: an unknown place leaves region_code empty with a warning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from build_scripts.divisions import short_name
from build_scripts.extract.fold import HAN, fold
from build_scripts.extract.found import Found, note
from build_scripts.extract.layout import Letter

Region = dict[str, Any]


def region(agency_found: Found, letter: Letter, regions: Sequence[Region]) -> tuple[Found, list[Region]]:
    """(region_code, the region chain province first) of the agency's place; None when not known.

    When only a parent is known (昆明市某某区民政局, the district unknown), the code is None but the
    chain of the known parents is returned, so that “市政协” can still be named.
    """
    name = fold(agency_found.value) if agency_found.value else None
    if not name:
        return Found(warnings=["region_code: no agency, so no region; left empty"]), []
    name = re.sub(r"^(?:中共|中国共产党)", "", name)
    index = _index(regions)
    by_code = index.by_code
    best: tuple[int, Region, str] | None = None
    partial: tuple[int, Region] | None = None
    # Longest form first; among forms of one length, the table's order.
    for length in range(min(len(name), index.longest), 0, -1):
        for r, form in index.forms.get(name[:length], ()):
            if form == r["name"] and r["level"] == "区县" and index.bare_names[form] > 1:
                parent = by_code.get(r["parent"])
                if parent and parent["name"] not in letter.text:
                    continue
            if _SUB_PLACE.match(name[length:]):
                # 昆明市某某区民政局: a district the table does not know, not the city itself.
                partial = partial or (length, r)
                continue
            best = (length, r, form)
            break
        if best is not None:
            break
    if best is not None:
        matched = best[1]
        said = next((a for a in matched["aliases"] if best[2].endswith(a) and _PLACE_NAME.search(a)
                     and a != short_name(matched["name"])), None)
        if said:  # 襄樊市民政局 in 2009: the assembly is named as the letter names the place
            matched = {**matched, "name": said}
        return Found(matched["code"], agency_found.span), _chain(matched, by_code)
    if name.startswith("师市"):
        named = _bingtuan_named(letter, regions)
        if named is not None:
            return named[0], _chain(named[1], by_code)
    zone = _zone_city(name, regions)
    if zone is not None:
        found = Found(zone["code"], agency_found.span)
        found.notes.append(note("region_code", "decision", agency_found.value, zone["code"],
                                f"答复单位属{zone['name']}的开发区/新区，无单独行政区划代码，取{zone['name']}的代码。"))
        return found, _chain(zone, by_code)
    warning = (f"region_code: the place of “{agency_found.value}” is not among the GB/T 2260 regions; left empty "
               "(add it to datasets/vocab/regions.yaml with its source if it is a real division; never guess a code)")
    return Found(warnings=[warning]), _chain(partial[1], by_code) if partial else []


_PLACE_NAME = re.compile(r"(?:省|市|州|盟|县|区|旗)$")
_ZONE = re.compile(r"(?:开发区|高新区|新区|园区|示范区|试验区|保税区|管委会|管理委员会)")


_DIVISION = re.compile(r"第[一二三四五六七八九十]{1,3}师")


def _bingtuan_named(letter: Letter, regions: Sequence[Region]) -> tuple[Found, Region] | None:
    """师市民政局 signed on a page that names one 兵团 division (第六师五家渠市人民政府): that division's city."""
    seen: dict[str, tuple[int, int]] = {}
    for line in letter.header:
        for m in _DIVISION.finditer(line.fold):
            seen.setdefault(m.group(), (line.start + m.start(), line.start + m.end()))
    if len(seen) != 1:
        return None
    (division, span), = seen.items()
    matches = [r for r in regions if division in r["aliases"]]
    if len(matches) != 1:
        return None
    found = Found(matches[0]["code"], span)
    found.notes.append(note("region_code", "decision", "师市", matches[0]["code"],
                            f"落款“师市”为兵团师市合一的简称，页面写明{division}，即{matches[0]['name']}。"))
    return found, matches[0]


def _zone_city(name: str, regions: Sequence[Region]) -> Region | None:
    """The city of a 开发区/新区 named by the city's name without 市 (长春新区, 海口国家高新区)."""
    if not _ZONE.search(name):
        return None
    cities = [r for r in regions if r["level"] == "市" and r["name"].endswith("市") and len(r["name"]) >= 3
              and name.startswith(r["name"][:-1]) and not name.startswith(r["name"])]
    if len(cities) != 1:
        return None
    rest = name[len(cities[0]["name"]) - 1:]
    return cities[0] if _ZONE.search(rest) else None


@dataclass(frozen=True)
class _Index:
    by_code: dict[str, Region]
    bare_names: Counter[str]
    forms: dict[str, list[tuple[Region, str]]]  # a name form → the regions it names, in table order
    longest: int


_INDEXES: dict[int, tuple[Sequence[Region], _Index]] = {}


def _index(regions: Sequence[Region]) -> _Index:
    """The regions' name forms, built once per regions table (3,500 divisions: matching is a lookup)."""
    cached = _INDEXES.get(id(regions))
    if cached is not None and cached[0] is regions:
        return cached[1]
    by_code = {r["code"]: r for r in regions}
    forms: dict[str, list[tuple[Region, str]]] = {}
    for r in regions:
        for form in dict.fromkeys(_region_forms(r, by_code)):
            forms.setdefault(form, []).append((r, form))
    index = _Index(by_code, Counter(r["name"] for r in regions), forms, max(map(len, forms), default=0))
    _INDEXES.clear()  # one table at a time: the vocabulary's
    _INDEXES[id(regions)] = (regions, index)
    return index


def _chain(region_: Region, by_code: dict[str, Region]) -> list[Region]:
    chain: list[Region] = []
    current: Region | None = region_
    while current is not None and len(chain) < 5:
        chain.insert(0, current)
        current = by_code.get(current["parent"]) if current["parent"] else None
    return chain


_SUB_PLACE = re.compile(rf"^[{HAN}]{{1,5}}?(?:区|县|旗|镇|街道)")


def _region_forms(r: Region, by_code: dict[str, Region]) -> list[str]:
    forms = [r["full_name"], r["name"]]
    if r["level"] == "区县":
        parent = by_code.get(r["parent"])
        if parent:
            forms.append(parent["name"] + r["name"])
    for alias in r["aliases"]:
        forms += [alias, alias + r["name"]]
    return forms
