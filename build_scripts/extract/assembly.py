"""Where the proposal was made: the assembly (人大 or 政协 of a place), its term and session.

``proposal_mention`` finds what the letter says (title first, then header, then opening);
``assembly`` names the assembly in full from that place, or the agency's region for 市/区 alone.
Same contract as every field parser: a ``Found`` (see ``found``), empty with a warning when unsure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from build_scripts.extract import numerals
from build_scripts.extract.fold import HAN
from build_scripts.extract.found import Found, Span, note
from build_scripts.extract.layout import META_LABEL, Letter

_N = r"[0-9一二三四五六七八九十百]"
_SESSION = re.compile(rf"(?:第\s*)?(?P<term>{_N}{{1,4}})\s*届\s*(?:人大|人民代表大会|政协|委员会)?\s*(?:第\s*)?(?P<session>{_N}{{0,3}})\s*次\s*(?:全体)?\s*会议")
_CPPCC_FULL = re.compile(rf"(?:中国人民政治协商会议|政协)(?P<place>[{HAN}]{{2,12}}?)委员会")
_CPPCC = re.compile(rf"(?P<prefix>[{HAN}]{{0,10}}?)政协(?P<after>[{HAN}]{{1,8}}?(?:省|自治区|市|州|区|县)(?=第?\s*{_N}{{1,4}}\s*届|委员|提案))?")
_NPC_FULL = re.compile(rf"(?P<place>[{HAN}]{{2,12}}?)人民代表大会(?!常务)")
_NPC = re.compile(rf"(?P<prefix>[{HAN}]{{0,10}}?)(?:第?\s*{_N}{{1,4}}\s*届\s*)?人大")


@dataclass
class Proposal:
    """What the letter says of the assembly the proposal went to: 政协/人大, place, term, session."""

    kind_hint: str  # 政协 or 人大 or ""
    place: str  # 云南省, 官渡区, 市, 区 …; "" when not said
    span: Span | None
    term: Found
    session_no: Found
    session: Found


def proposal_mention(letter: Letter, title_found: Found) -> Proposal:
    """The assembly, term and session the letter names: title first, then header, then opening."""
    candidates: list[tuple[int, str]] = []
    if title_found.value and title_found.span:
        candidates.append((title_found.span[0], letter.fold[title_found.span[0]:title_found.span[1]]))
    candidates += [(line.start, line.fold) for line in letter.header if not META_LABEL.match(line.fold)]
    candidates += [(line.start, line.fold) for line in letter.body[:3]]
    for offset, text in candidates:
        found = _mention_in(letter, offset, text)
        if found is not None:
            return found
    return Proposal("", "", None, Found(), Found(), Found())


def _mention_in(letter: Letter, offset: int, text: str) -> Proposal | None:
    session = _SESSION.search(text)
    full = _CPPCC_FULL.search(text) or _NPC_FULL.search(text)
    if full:
        hint = "政协" if full.re is _CPPCC_FULL else "人大"
        span = (offset + full.start(), offset + full.end())
        place = _trailing_place(full["place"])
        if hint == "人大" and not place:
            return None
    else:
        short = _CPPCC.search(text) or _NPC.search(text)
        if short is None:
            return None
        hint = "政协" if short.re is _CPPCC else "人大"
        after = short.groupdict().get("after")
        place = after or _trailing_place(short["prefix"] or "")
        # The evidence is the place said before 政协/人大 (if any) through the end of the mention.
        before = 0 if after else len(place)
        span = (offset + short.end("prefix") - before, offset + short.end())
    term, session_no, session_text = Found(), Found(), Found()
    if session:
        s0, s1 = offset + session.start(), offset + session.end()
        session_text = Found(letter.text[s0:s1], (s0, s1))
        t = numerals.cn_int(session["term"])
        term = Found(t, (offset + session.start("term"), offset + session.end("term")))
        if session["session"]:
            n = numerals.cn_int(session["session"])
            session_no = Found(n, (offset + session.start("session"), offset + session.end("session")))
        else:
            session_no = Found(warnings=[f"session_no: “{letter.text[s0:s1]}” has no number before 次; left empty"])
    else:
        m2 = re.search(rf"{_N}{{1,4}}\s*届", text)
        if m2:
            term = Found(warnings=[f"term: “{letter.text[offset + m2.start():offset + m2.end()]}” is not followed by a session; left empty"])
    return Proposal(hint, place, span, term, session_no, session_text)


_PLACE = re.compile(rf"^(?:[{HAN}]{{1,10}}?(?:省|自治区|市|州|盟|地区|县|区|旗))+$")


def _trailing_place(text: str) -> str:
    """The place just before 政协/人大: after the last 对/关于/的, e.g. 新城区民政局对区 → 区."""
    text = re.sub(rf"第?\s*{_N}{{1,4}}\s*届\s*$", "", text)
    text = re.sub(r"第\s*$", "", text)
    if text.endswith("全国"):
        return "全国"
    text = re.split(r"对|关于|的|于|就|在|向", text)[-1]
    return text if _PLACE.match(text) or text in ("省", "市", "区", "县", "州") else ""


NATIONAL = {"政协": "中国人民政治协商会议全国委员会", "人大": "全国人民代表大会"}


def assembly(mention: Proposal, agency_region: list[dict[str, Any]], regions: Sequence[dict[str, Any]]) -> Found:
    """The assembly's full name, built from the place the letter says (or the agency's, for 市/区 alone)."""
    if not mention.kind_hint:
        return Found(warnings=["assembly: the letter names no people's congress or CPPCC; left empty"])
    if mention.place == "全国":
        return Found(NATIONAL[mention.kind_hint], mention.span)
    if not mention.place:
        return Found(warnings=[f"assembly: the letter says {mention.kind_hint} without a place; left empty"])
    region = _region_for_place(mention.place, agency_region, regions)
    if region is not None:
        prefix = region_prefix(region, regions)
    elif mention.place not in _LEVEL_OF:
        prefix = mention.place  # a place the vocabulary does not know, named in full by the letter
    else:
        return Found(warnings=[(f"assembly: cannot tell which {mention.kind_hint} “{mention.place}” is (the agency's "
                               "region is not in datasets/vocab/regions.yaml); left empty")])
    name = f"政协{prefix}委员会" if mention.kind_hint == "政协" else f"{prefix}人民代表大会"
    found = Found(name, mention.span)
    if mention.place in _LEVEL_OF and agency_region:
        said = f"{mention.place}{'政协' if mention.kind_hint == '政协' else '人大'}"
        agency = "".join(r["name"] for r in agency_region if r["level"] != "省") or agency_region[0]["name"]
        found.notes.append(note("assembly", "decision", said, name,
                                f"答复单位在{agency}，“{said}”即{name}。"))
    return found


_LEVEL_OF = {"省": "省", "自治区": "省", "市": "市", "州": "市", "区": "区县", "县": "区县", "旗": "区县"}


def _region_for_place(place: str, agency_region: list[dict[str, Any]], regions: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    if place in _LEVEL_OF:
        if not agency_region:
            return None
        level = _LEVEL_OF[place]
        own = agency_region[-1]
        if place == "市" and own["level"] == "区县" and own["name"].endswith("市"):
            return own  # 宁乡市民政局 answering 市十八届人大: the county-level city's own congress
        if place == "市" and agency_region[0]["name"].endswith("市"):
            return agency_region[0]  # 北京市朝阳区民政局 answering 市政协: the municipality's
        return next((r for r in agency_region if r["level"] == level), None)
    matches = [r for r in regions if r["name"] == place or r["full_name"] == place or
               r["full_name"].endswith(place) and len(place) >= 3]
    if len(matches) == 1:
        return matches[0]
    if agency_region:
        # 官渡区 said by an agency in 昆明市: the agency's own chain decides between same names.
        chained = [r for r in agency_region if r["name"] == place]
        if len(chained) == 1:
            return chained[0]
    return None


def region_prefix(region: dict[str, Any], regions: Sequence[dict[str, Any]]) -> str:
    """How an assembly names its place: 昆明市西山区, 北京市朝阳区; a county-level city directly under a
    province (五家渠市, 济源市) by its own name."""
    if region["level"] != "区县":
        return str(region["name"])
    parent = next((r for r in regions if r["code"] == region["parent"]), None)
    if parent is None or parent["level"] == "省" and not parent["name"].endswith("市"):
        return str(region["name"])
    return str(parent["name"]) + str(region["name"])
