"""The proposal a reply answers: title, kind, assembly, term and session, number, proposers, proposal title.

Same contract as ``parse``: each function returns a ``Found`` (value, span, warnings, notes) and
leaves a value it is not sure of empty, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from build_scripts.extract import numerals
from build_scripts.extract.clean import HAN
from build_scripts.extract.layout import INLINE_SALUTATION, META_LABEL, ORG_END, Letter
from build_scripts.extract.parse import Found, Span, cut, first_match, meta_value, note, span_of, squash
from build_scripts.extract.spam import is_spam

# --- title --------------------------------------------------------

_TITLE_WORD = re.compile(r"答复|答覆|复函|覆函|的函|办理情况|答复意见")
_TITLE_END = re.compile(r"(?:答复|答覆|复函|覆函|的函|答复意见|办理情况|答复函|的报告)$")


# What separates a page's name from the site's (never the '-' inside 第2022-92号).
_PAGE_NAME_SEP = re.compile(r"\s*(?:[_|｜]|——|--|\s[-—]\s)\s*|(?<=[答复函])-")


def title(letter: Letter) -> Found:
    """The title line (or two lines that make it) nearest above the salutation; the page's name as a fallback.

    Nearest, because pages print other letters' titles above the letter too (lists, related links).
    """
    header = [line for line in letter.header if not META_LABEL.match(line.fold) and not is_spam(line.fold)
              and not re.match(r"^(?:上一篇|下一篇|相关)", line.fold)]
    for i in range(len(header) - 1, -1, -1):
        line = header[i]
        if len(line.text) < 6 or not _TITLE_END.search(line.fold):
            continue
        previous = header[i - 1] if i else None
        if (previous is not None and previous.index == line.index - 1 and not _TITLE_END.search(previous.fold)
                and len(line.text) <= 30 and len(re.findall(f"[{HAN}]", previous.text)) >= 6
                and not ORG_END.match(previous.fold) and re.search(r"关于|对|会议|第", previous.fold)
                and not re.search(r"[。；]", previous.fold)):
            return _title_found(previous.text + line.text, (previous.start, line.end))
        if len(line.text) >= 8:
            return _title_found(line.text, (line.start, line.end))
    # A page name such as “关于……的答复_某市人民政府” (or with spam glued on by a mirror): the title part.
    for line in letter.header:
        cuts = [0] + [p for m in _PAGE_NAME_SEP.finditer(line.fold) for p in m.span()] + [len(line.fold)]
        for a, b in zip(cuts[::2], cuts[1::2]):
            value = line.fold[a:b].strip()
            if len(value) >= 8 and _TITLE_END.search(value) and not is_spam(value):
                start = line.start + a + (len(line.fold[a:b]) - len(line.fold[a:b].lstrip()))
                return _title_found(letter.text[start:start + len(value)], (start, start + len(value)))
    for line in header:
        if len(line.text) >= 8 and _TITLE_WORD.search(line.fold):
            return _title_found(line.text, (line.start, line.end))
    labelled = meta_value(letter, r"名\s*称|标\s*题", r".{8,}")
    if labelled:
        line, m = labelled
        return _title_found(cut(line, m, "v").strip(), span_of(line, m, "v"))
    return Found(warnings=["title: no title line before the salutation; left empty"])


def _title_found(value: str, span: Span) -> Found:
    found = Found(value, span)
    if "关于关于" in value:
        found.warnings.append("title: “关于关于” is doubled in the letter; kept as written")
    return found


def proposal_kind(letter: Letter, title_found: Found, assembly_text: str) -> Found:
    """建议, 议案 or 提案, from the title, else the opening; checked against the assembly named."""
    found = _kind_said(letter, title_found)
    cppcc, npc = "政协" in assembly_text, "人大" in assembly_text or "人民代表大会" in assembly_text
    if found.value is None:
        if cppcc:
            return Found("提案", warnings=["proposal_kind: not named; 提案 because the assembly is a CPPCC committee"])
        return found
    if cppcc and found.value != "提案":
        # A CPPCC committee receives 提案 only: “…的建议” is the proposal's own title.
        return Found("提案", warnings=[(f"proposal_kind: the letter says {found.value} of a CPPCC committee; "
                                       "recorded as 提案 (CPPCC members make 提案)")])
    if npc and found.value == "提案":
        return Found(warnings=["proposal_kind: the letter says 提案 of a people's congress; left empty"])
    return found


def _kind_said(letter: Letter, title_found: Found) -> Found:
    if title_found.value:
        start = title_found.span[0] if title_found.span else 0
        m = re.search(r"(?:号|编号)\s*(提案|议案|建议)|(提案|议案|建议)(?:的)?(?:答复|复函|办理|\s*[(]\s*第)",
                      letter.fold[start:start + len(title_found.value) + 2])
        if m:
            group = 1 if m[1] else 2
            return Found(m[group], (start + m.start(group), start + m.end(group)))
    for line in letter.body[:4]:
        m = re.search(r"[》”](?:的)?(提案|议案|建议)(?:已)?收悉", line.fold)
        if m:
            return Found(m[1], span_of(line, m, 1))
    return Found(warnings=["proposal_kind: the letter does not say 建议, 议案 or 提案; left empty"])


_N = r"[0-9一二三四五六七八九十百]"
_SESSION = re.compile(rf"(?:第\s*)?(?P<term>{_N}{{1,4}})\s*届\s*(?:人大|人民代表大会|政协|委员会)?\s*(?:第\s*)?(?P<session>{_N}{{0,3}})\s*次\s*(?:全体)?\s*会议")
_CPPCC_FULL = re.compile(rf"(?:中国人民政治协商会议|政协)(?P<place>[{HAN}]{{2,12}}?)委员会")
_CPPCC = re.compile(rf"(?P<prefix>[{HAN}]{{0,10}}?)政协(?P<after>[{HAN}]{{1,8}}?(?:省|自治区|市|州|区|县)(?=第?\s*{_N}{{1,4}}\s*届|委员|提案))?")
_NPC_FULL = re.compile(rf"(?P<place>[{HAN}]{{2,12}}?)人民代表大会(?!常务)")
_NPC = re.compile(rf"(?P<prefix>[{HAN}]{{0,10}}?)(?:第?\s*{_N}{{1,4}}\s*届\s*)?人大")


@dataclass
class Proposal:
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
    if region["level"] != "区县":
        return str(region["name"])
    parent = next((r for r in regions if r["code"] == region["parent"]), None)
    return (parent["name"] if parent else "") + region["name"]


_NUMBER = re.compile(r"第\s*(?P<n>[A-Za-z]{0,3}\s*\d[\dA-Za-z\-]*|来信)\s*号")
_LEAD_NUMBER = re.compile(r"^(?P<n>[A-Za-z]{0,3}\d{3,}[\d\-]*)\s")
_LABEL_NUMBER = re.compile(r"(?:(?:提案|建议|议案)?编号|提案号|建议号|案号)\s*[:：]\s*(?P<n>[0-9A-Za-z\-]+|来信)")


def proposal_number(letter: Letter, title_found: Found) -> Found:
    said: list[tuple[str, Span, str]] = []
    if title_found.value and title_found.span:
        start = title_found.span[0]
        text = letter.fold[start:title_found.span[1]]
        m = _NUMBER.search(text) or _LEAD_NUMBER.search(text)
        if m:
            said.append((squash(letter.text[start + m.start("n"):start + m.end("n")]), (start + m.start("n"), start + m.end("n")), "title"))
    found = first_match(letter.header, _LABEL_NUMBER)
    if found:
        line, m = found
        said.append((squash(cut(line, m, "n")), span_of(line, m, "n"), "label"))
    for line in letter.body[:3]:
        m = _NUMBER.search(line.fold)
        if m:
            said.append((squash(cut(line, m, "n")), span_of(line, m, "n"), "body"))
            break
    if not said:
        return Found(warnings=["proposal_number: the letter gives no proposal number; left empty"])
    value, span, _ = said[0]
    for other, _, where in said[1:]:
        if other != value and other.lstrip("0") != value.lstrip("0"):
            return Found(warnings=[f"proposal_number: {said[0][2]} says {value}, {where} says {other}; left empty"])
    return Found(value, span)


# --- the proposers -------------------------------------------------------------------------

_ANON = re.compile(r"^(?:[xX×*＊Ｘ]+|某+)$")
_ORG_SUFFIX = re.compile(r"(?:委|委员会|学社|工商联|联合会|总工会|妇联|团委|党组|支部|总支|小组|界别|代表团|支社|基层委员会|中心|协会|委会)$")


def proposers(letter: Letter) -> tuple[Found, Found]:
    """(proposers, proposer_role) from the salutation."""
    m: re.Match[str] | None = None
    if letter.salutation is not None:
        line = letter.lines[letter.salutation]
        m = re.match(r"^(?:尊敬的)?\s*(?P<who>.+?)\s*[:：]?\s*$", line.fold)
    elif letter.body:
        # 尊敬的张三委员：您提出的…… on one line.
        line = letter.body[0]
        m = INLINE_SALUTATION.match(line.fold)
    if m is None:
        return (Found([], warnings=["proposers: no salutation line; left empty"]),
                Found(warnings=["proposer_role: no salutation line; left empty"]))
    who_text = line.text[m.start("who"):m.end("who")]
    span = (line.start + m.start("who"), line.start + m.end("who"))
    names: list[str] = []
    roles: set[str] = set()
    warnings: list[str] = []
    who_fold = line.fold[m.start("who"):m.end("who")]
    for piece in re.finditer(r"[^、,，和及与\s]+", who_fold):
        name, role = _split_role(piece.group())
        part = who_text[piece.start():piece.end()]
        name = part[:len(name)]
        others = re.search(r"等\s*[0-9一二三四五六七八九十]*\s*(?:名|位|人)?$", name)
        if others and len(name) - len(others.group()) >= 2:
            name = name[:others.start()]
            warnings.append(f"proposers: “{part}” names only the first of several proposers")
        if role:
            roles.add(role)
        if name and _ANON.match(name):
            warnings.append(f"proposers: “{part}” is anonymised; no name recorded")
            continue
        if name:
            names.append(name)
    if len(roles) > 1:
        return (Found(names, span, warnings), Found(warnings=["proposer_role: the salutation mixes roles; left empty"]))
    role_value = roles.pop() if roles else None
    if role_value is None:
        warnings.append("proposer_role: the salutation names no role; left empty")
    if not names and not warnings:
        warnings.append("proposers: the salutation names nobody")
    return Found(names, span, warnings), Found(role_value, span)


def _split_role(part: str) -> tuple[str, str | None]:
    if re.match(r"^各位(?:代表|委员)$", part):
        return "", part[-2:]
    if part.endswith("代表团"):
        return part, "组织"
    for suffix, role in (("代表", "代表"), ("委员", "委员")):
        if part.endswith(suffix) and not part.endswith("委员会"):
            return part[: -len(suffix)], role
    if _ORG_SUFFIX.search(part):
        return part, "组织"
    for suffix in ("同志", "先生", "女士"):
        if part.endswith(suffix):
            return part[: -len(suffix)], None
    return part, None


_TITLE_QUOTED = re.compile(r"《(?P<t>[^《》]{4,120})》")
_TITLE_DQ = re.compile(r"(?:提出的|所提)\s*[“\"](?P<t>[^“”\"]{4,120})[”\"]\s*(?:的)?\s*(?:提案|建议|议案|已收悉|收悉)")
_TITLE_BARE = re.compile(r"(?:提出的|所提的?)\s*(?P<t>关于[^，,。；;《》“”]{4,120}?)\s*(?:已)?收悉")


def proposal_title(letter: Letter) -> Found:
    opening = letter.body[1:3] if letter.salutation is not None else letter.body[:2]
    for pattern in (_TITLE_QUOTED, _TITLE_DQ, _TITLE_BARE):
        found = first_match(opening, pattern)
        if not found:
            continue
        line, m = found
        raw = cut(line, m, "t")
        value = re.sub(r"\s{2,}", " ", raw).strip()
        if pattern is _TITLE_BARE:
            trimmed = re.sub(r"(?:提案|议案|建议)$", "", value)
            if re.search(r"(?:建议|提案|议案|意见|问题)$", trimmed):
                value = trimmed
        result = Found(value, span_of(line, m, "t"))
        if value != raw:
            result.notes.append(note("proposal_title", "repair", raw, value, "标题中连续的空格为排版所致，保留一个空格。"))
        if "关于关于" in value:
            result.warnings.append("proposal_title: “关于关于” is doubled in the letter; kept as written")
        return result
    return Found(warnings=["proposal_title: no 《title》 or quoted title in the opening; left empty"])


