"""One small function per field. Each returns the value, the span it was read from and warnings.

Precision first: when a value is not certain it is None with a warning, never a guess. All
matching is on the folded text (width, traditional → simplified); values are cut from the
cleaned text as written.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from build_scripts.extract import numerals
from build_scripts.extract.clean import HAN, fold
from build_scripts.extract.layout import DATE_LINE, INLINE_SALUTATION, META_LABEL, ORG_END, Letter, Line
from build_scripts.extract.spam import is_spam

Span = tuple[int, int]
Note = dict[str, str | None]


@dataclass
class Found:
    value: Any = None
    span: Span | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def note(field_name: str, kind: str, original: str | None, value: str | None, reason: str) -> Note:
    return {"field": field_name, "kind": kind, "original": original, "value": value, "reason": reason}


def _span(line: Line, m: re.Match[str], group: int | str = 0) -> Span:
    return (line.start + m.start(group), line.start + m.end(group))


def _cut(line: Line, m: re.Match[str], group: int | str = 0) -> str:
    return line.text[m.start(group):m.end(group)]


def _first(lines: Iterable[Line], pattern: re.Pattern[str]) -> tuple[Line, re.Match[str]] | None:
    for line in lines:
        m = pattern.search(line.fold)
        if m:
            return line, m
    return None


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


# --- page metadata -------------------------------------------------------------------------

def meta_value(letter: Letter, labels: str, value: str) -> tuple[Line, re.Match[str]] | None:
    """``label: value`` on one line, or the label alone and the value on the next line."""
    same = re.compile(rf"(?:^|\s)(?:{labels})\s*[:：]?\s*(?P<v>{value})")
    lines = letter.header + letter.footer
    found = _first(lines, same)
    if found:
        return found
    label_only = re.compile(rf"^(?:{labels})\s*[:：]?$")
    alone = re.compile(rf"^(?P<v>{value})")
    for i, line in enumerate(letter.lines[:-1]):
        if label_only.match(line.fold):
            m = alone.match(letter.lines[i + 1].fold)
            if m:
                return letter.lines[i + 1], m
    return None


def index_number(letter: Letter) -> Found:
    found = meta_value(letter, "索引号", r"[0-9A-Za-z][0-9A-Za-z/\-_.]{5,40}")
    if not found:
        return Found()
    line, m = found
    return Found(_cut(line, m, "v"), _span(line, m, "v"))


_ISO = r"\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}(?:\s*日)?"


def published_date(letter: Letter) -> Found:
    found = meta_value(letter, "发布日期|发布时间|公开日期|成文日期|生成日期|时间", _ISO)
    if not found:
        return Found()
    line, m = found
    day = _iso_date(m["v"])
    if day is None:
        return Found(warnings=[f"published_date: {_cut(line, m, 'v')!r} is not a date; left empty"])
    return Found(day.isoformat(), _span(line, m, "v"))


def _iso_date(text: str) -> dt.date | None:
    parts = re.findall(r"\d+", text)
    if len(parts) != 3:
        return None
    return numerals.make_date(int(parts[0]), int(parts[1]), int(parts[2]))


# --- title and the proposal it answers --------------------------------------------------------

_TITLE_WORD = re.compile(r"答复|答覆|复函|覆函|的函|办理情况|答复意见")
_TITLE_END = re.compile(r"(?:答复|答覆|复函|覆函|的函|答复意见|办理情况|答复函|的报告)$")


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
    for line in header:
        if len(line.text) >= 8 and _TITLE_WORD.search(line.fold):
            return _title_found(line.text, (line.start, line.end))
    labelled = meta_value(letter, r"名\s*称|标\s*题", r".{8,}")
    if labelled:
        line, m = labelled
        return _title_found(_cut(line, m, "v").strip(), _span(line, m, "v"))
    return Found(warnings=["title: no title line before the salutation; left empty"])


def _title_found(value: str, span: Span) -> Found:
    found = Found(value, span)
    if "关于关于" in value:
        found.warnings.append("title: “关于关于” is doubled in the letter; kept as written")
    return found


_KIND = re.compile(r"(提案|议案|建议)")


def proposal_kind(letter: Letter, title_found: Found, assembly_text: str) -> Found:
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
            return Found(m[1], _span(line, m, 1))
    if "政协" in assembly_text:
        return Found("提案", warnings=["proposal_kind: not named; 提案 because the assembly is a CPPCC committee"])
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
    full_name: str | None  # the assembly's full name when the letter writes it out
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
    return Proposal("", "", None, None, Found(), Found(), Found())


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
    return Proposal(hint, place, None, span, term, session_no, session_text)


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
    return Found(name, mention.span)


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
            said.append((_squash(letter.text[start + m.start("n"):start + m.end("n")]), (start + m.start("n"), start + m.end("n")), "title"))
    found = _first(letter.header, _LABEL_NUMBER)
    if found:
        line, m = found
        said.append((_squash(_cut(line, m, "n")), _span(line, m, "n"), "label"))
    for line in letter.body[:3]:
        m = _NUMBER.search(line.fold)
        if m:
            said.append((_squash(_cut(line, m, "n")), _span(line, m, "n"), "body"))
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
    if role_value is not None and not any(r in ("组织",) for r in [role_value]) and not names and not warnings:
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
        found = _first(opening, pattern)
        if not found:
            continue
        line, m = found
        raw = _cut(line, m, "t")
        value = re.sub(r"\s{2,}", " ", raw).strip()
        if pattern is _TITLE_BARE:
            trimmed = re.sub(r"(?:提案|议案|建议)$", "", value)
            if re.search(r"(?:建议|提案|议案|意见|问题)$", trimmed):
                value = trimmed
        result = Found(value, _span(line, m, "t"))
        if value != raw:
            result.notes.append(note("proposal_title", "repair", raw, value, "标题中连续的空格为排版所致，保留一个空格。"))
        if "关于关于" in value:
            result.warnings.append("proposal_title: “关于关于” is doubled in the letter; kept as written")
        return result
    return Found(warnings=["proposal_title: no 《title》 or quoted title in the opening; left empty"])


# --- the reply -----------------------------------------------------------------------------

_DOC = re.compile(r"(?P<d>[A-Za-z" + HAN + r"]{1,12}\s*[〔\[【﹝(]\s*(?:19|20)\d{2}\s*[〕\]】﹞)]\s*(?:第\s*)?\d{1,5}\s*号)")
_DOC_DAMAGED = re.compile(r"[" + HAN + r"]{1,12}[〔\[【﹝](?:19|20)\d{3,}(?![〕\]】﹞\d])")


_HAS_BRACKET = re.compile(r"[〔\[【﹝(]\s*(?:19|20)\d")


def doc_number(letter: Letter) -> Found:
    found: list[tuple[str, Span]] = []
    warnings: list[str] = []
    for line in letter.header:
        if re.match(r"^(?:上一篇|下一篇)", line.fold) or not _HAS_BRACKET.search(line.fold):
            continue
        for m in _DOC.finditer(line.fold):
            found.append((_cut(line, m, "d"), _span(line, m, "d")))
        if not _DOC.search(line.fold):
            bad = _DOC_DAMAGED.search(line.fold)
            if bad:
                warnings.append(f"doc_number: “{_cut(line, bad)}” looks like a damaged 文号; left empty")
    values = {_doc_key(v) for v, _ in found}
    if len(values) > 1:
        return Found(warnings=warnings + ["doc_number: the page and the letter give different 文号 ("
                                          + "; ".join(sorted({v for v, _ in found})) + "); left empty"])
    if not found:
        return Found(warnings=warnings)
    raw, span = found[-1] if len({v for v, _ in found}) == 1 else found[0]
    value = _squash(raw)
    result = Found(value, span, warnings)
    if value != raw:
        result.notes.append(note("doc_number", "repair", raw, value, "文号中的空格为转换所致，已删除。"))
    return result


def _doc_key(value: str) -> str:
    return re.sub(r"[\s〔\[【﹝(〕\]】﹞)第]", "", value)


_CATEGORY = (
    re.compile(r"^(?P<c>[A-E])$"),
    re.compile(r"办理类型\W*(?P<c>[A-E])\W*$"),
    re.compile(r"(?:办理类别|答复类别|办理结果|办理类型|类别|类型)\W{0,3}(?P<c>[A-E])\s*类?\W{0,2}"
               r"(?:[(（][^()（）]{1,12}[)）])?$"),
    re.compile(r"[(（〔【\[](?P<c>[A-E])类[)）〕】\]]"),
    re.compile(r"^(?P<c>[A-E])类$"),
    re.compile(r"号\s*[(（〔【\[]?\s*(?P<c>[A-E])\s*类?\s*[)）〕】\]]?$"),
)


def category(letter: Letter) -> Found:
    seen: list[tuple[str, Span]] = []
    warnings: list[str] = []
    for line in letter.header:
        if META_LABEL.match(line.fold):
            continue
        if re.search(r"类别\s*[:：]?\s*(?:提案|建议|议案)", line.fold):
            warnings.append(f"category: “{line.text}” names the document type, not a 办理类型")
            continue
        for pattern in _CATEGORY:
            m = pattern.search(line.fold)
            if m:
                seen.append((m["c"], _span(line, m, "c")))
                break
    codes = {c for c, _ in seen}
    if len(codes) > 1:
        return Found(warnings=warnings + [f"category: the letter gives several categories ({', '.join(sorted(codes))}); left empty"])
    if not seen:
        return Found(warnings=warnings)
    return Found(seen[0][0], seen[0][1], warnings)


_DISCLOSURE = (
    (re.compile(r"^(?P<v>主动公开|依申请公开|不予公开|不公开|公开)$"), None),
    (re.compile(r"是否公开\W*(?P<v>是|否)\W*$"), {"是": "公开", "否": "不予公开"}),
    (re.compile(r"公开(?:属性|方式|类型|选项)\s*[:：]\s*(?P<v>主动公开|依申请公开|不予公开|不公开|公开)"), None),
    (re.compile(r"[(（〔](?P<v>此件公开发布|此件不公开|此件依申请公开)[)）〕]"), {"此件公开发布": "公开", "此件不公开": "不予公开", "此件依申请公开": "依申请公开"}),
)
_DISCLOSURE_VALUE = {"主动公开": "公开", "不公开": "不予公开"}


def disclosure(letter: Letter) -> Found:
    for line in letter.header + letter.tail:
        if META_LABEL.match(line.fold):  # 公开方式/公开范围 of the web page, not printed on the letter
            continue
        for pattern, mapping in _DISCLOSURE:
            m = pattern.search(line.fold)
            if m:
                raw = m["v"]
                value = (mapping or {}).get(raw) or _DISCLOSURE_VALUE.get(raw, raw)
                return Found(value, _span(line, m, "v"))
    return Found()


def signer(letter: Letter) -> Found:
    lines = letter.header + letter.tail
    found = _first(lines, re.compile(rf"签\s*发\s*人?\s*[:：]\s*(?P<v>[{HAN}]{{2,4}})(?![{HAN}])"))
    if not found:
        found = _next_line_value(lines, re.compile(r"^签\s*发\s*人\s*[:：]?$"), re.compile(rf"^(?P<v>[{HAN}]{{2,4}})$"))
    if not found:
        return Found()
    line, m = found
    return Found(_cut(line, m, "v"), _span(line, m, "v"))


def _next_line_value(lines: Sequence[Line], label: re.Pattern[str],
                     value: re.Pattern[str]) -> tuple[Line, re.Match[str]] | None:
    """A value on the line after its label (a table cell, a page-metadata row)."""
    for line, following in itertools.pairwise(lines):
        if label.match(line.fold):
            m = value.match(following.fold)
            if m:
                return following, m
    return None


_PHONE = re.compile(r"(?<![\d])(?:\(?0\d{2,3}\)?\s*-?\s*\d{7,8}|1[3-9]\d{9}|\d{7,8})(?![\d])")
_CONTACT = re.compile(rf"(?:联\s*系\s*人|经\s*办\s*人|联系方式)(?:及(?:联系)?电话|和电话|、电话)?\s*[:：]?\s*"
                      rf"(?P<name>[{HAN}](?: ?[{HAN}]){{1,3}}?)(?=[\s,，;；:：、(（]|电话|联系|\d|$)")


def contact(letter: Letter) -> tuple[Found, Found]:
    """(contact_name, contact_phone) from the contact lines of the letter, never the site footer."""
    lines = list(letter.tail) + list(letter.body[-2:])
    name = Found()
    phones: list[tuple[str, Span]] = []
    for line in lines:
        if not re.search(r"联\s*系|经\s*办", line.fold) and not re.match(r"^[(（]?\s*(?:电\s*话|手\s*机)", line.fold):
            continue
        m = _CONTACT.search(line.fold)
        if m and name.value is None and m["name"] not in ("电话", "方式", "单位"):
            raw = _cut(line, m, "name")
            name = Found(raw.replace(" ", ""), _span(line, m, "name"))
            if " " in raw:
                name.notes.append(note("contact_name", "repair", raw, name.value, "姓名中的空格为转换所致，已删除。"))
        for p in _PHONE.finditer(line.fold):
            phones.append((_cut(line, p).replace(" ", ""), _span(line, p)))
    if not phones:
        return name, Found()
    values = list(dict.fromkeys(v for v, _ in phones))
    span = (phones[0][1][0], phones[-1][1][1])
    return name, Found("、".join(values), span)


def cc(letter: Letter) -> Found:
    found = _first(letter.tail, re.compile(r"^抄\s*送\s*[:：]\s*(?P<v>.+)$"))
    if not found:
        return Found([])
    line, m = found
    raw = _cut(line, m, "v").strip().rstrip("。.")
    items = [item.strip() for item in re.split(r"[,，、;；]", raw) if item.strip()]
    return Found(list(dict.fromkeys(items)), _span(line, m, "v"))


_WENJIAN = re.compile(rf"^(?P<v>[{HAN}]{{4,30}}?)文件$")
_YINFA = re.compile(rf"^(?P<v>[{HAN}]{{4,30}}?)(?:办公室|办公厅)?\s*\d{{4}}\s*年.*印发$")


def agency(letter: Letter, title_found: Found | None = None) -> Found:
    warnings: list[str] = []
    for line in reversed(letter.tail):
        text = line.fold.strip()
        candidate = re.split(r"\s{2,}|\s(?=\d{4}\s*年)", text)[0].strip()
        if is_spam(candidate):
            warnings.append(f"agency: the signature line “{line.text}” is gambling spam from a hijacked mirror page; "
                            "kept in the text, not used")
            continue
        if ORG_END.match(candidate) and not candidate.startswith(("抄送", "联系")) and "印发" not in text:
            return Found(line.text[:len(candidate)], (line.start, line.start + len(candidate)), warnings)
    for pattern in (_WENJIAN,):
        found = _first(letter.header, pattern)
        if found and not is_spam(found[1]["v"]):
            line, m = found
            return Found(_cut(line, m, "v"), _span(line, m, "v"), warnings)
    after_title = title_found.span[1] if title_found and title_found.span else len(letter.text)
    for line in letter.header:
        if line.start < after_title:
            continue
        if ORG_END.match(line.fold) and not META_LABEL.match(line.fold) and not is_spam(line.fold) and len(line.text) <= 25:
            return Found(line.text, (line.start, line.end), warnings)
    found = _first(letter.tail, _YINFA)
    if found:
        line, m = found
        value = _cut(line, m, "v")
        return Found(value, _span(line, m, "v"), warnings)
    return Found(warnings=warnings + ["agency: no signature or 文件 header names the replying department; left empty"])


def region(agency_found: Found, letter: Letter, regions: Sequence[dict[str, Any]]) -> tuple[Found, list[dict[str, Any]]]:
    """(region_code, the region chain province first) of the agency's place; None when not in the vocabulary.

    When only a parent is known (昆明市五华区民政局, 五华区 not in the vocabulary), the code is None
    but the chain of the known parents is returned, so that “市政协” can still be named.
    """
    name = fold(agency_found.value) if agency_found.value else None
    if not name:
        return Found(warnings=["region_code: no agency, so no region; left empty"]), []
    name = re.sub(r"^(?:中共|中国共产党)", "", name)
    by_code = {r["code"]: r for r in regions}
    best: tuple[int, dict[str, Any]] | None = None
    partial: tuple[int, dict[str, Any]] | None = None
    for r in regions:
        for form in _region_forms(r, by_code):
            if not name.startswith(form) or (best is not None and len(form) <= best[0]):
                continue
            if form == r["name"] and r["level"] == "区县":
                parent = by_code.get(r["parent"])
                if parent and parent["name"] not in letter.text:
                    continue
            if _SUB_PLACE.match(name[len(form):]):
                # 昆明市五华区民政局: a district the vocabulary does not know, not the city itself.
                if partial is None or len(form) > partial[0]:
                    partial = (len(form), r)
                continue
            best = (len(form), r)
    if best is None:
        warning = (f"region_code: the place of “{agency_found.value}” is not in datasets/vocab/regions.yaml; "
                   "left empty (add the region there, never guess a code)")
        return Found(warnings=[warning]), _chain(partial[1], by_code) if partial else []
    return Found(best[1]["code"], agency_found.span), _chain(best[1], by_code)


def _chain(region_: dict[str, Any], by_code: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    chain: list[dict[str, Any]] = []
    current: dict[str, Any] | None = region_
    while current is not None and len(chain) < 5:
        chain.insert(0, current)
        current = by_code.get(current["parent"]) if current["parent"] else None
    return chain


_SUB_PLACE = re.compile(rf"^[{HAN}]{{1,5}}?(?:区|县|旗|镇|街道)")


def _region_forms(r: dict[str, Any], by_code: dict[str, dict[str, Any]]) -> list[str]:
    forms = [r["full_name"], r["name"]]
    if r["level"] == "区县":
        parent = by_code.get(r["parent"])
        if parent:
            forms.append(parent["name"] + r["name"])
    return forms


_DATE_CN = re.compile(r"(?P<y>[〇○零OoＯ一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,3})\s*月\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日")
_DATE_NUM = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:年|\.|-|/)\s*(?P<m>\d{1,2})\s*(?:月|\.|-|/)\s*(?P<d>\d{1,2})\s*日?")
_DATE_DIGITS = re.compile(r"^(?P<all>(?:19|20)\d{4,6})$")


def reply_date(letter: Letter, published: str | None) -> Found:
    """The date under the signature: the last date line of the letter, not a 印发 line."""
    for line in reversed(letter.tail):
        text = line.fold.strip()
        if "印发" in text or not DATE_LINE.match(text):
            continue
        for pattern in (_DATE_NUM, _DATE_CN):
            m = pattern.search(text)
            if m:
                return _date_from(line, m, pattern is _DATE_CN)
        m = re.search(r"(?:19|20)\d{4,6}$", text)
        if m:
            return _digits_date(line, m, published)
    return Found(warnings=["reply_date: no date under the signature; left empty"])


def _date_from(line: Line, m: re.Match[str], chinese: bool) -> Found:
    year = numerals.cn_year(m["y"]) if chinese else int(m["y"])
    day = numerals.make_date(year, numerals.cn_int(m["m"]), numerals.cn_int(m["d"]))
    if day is None:
        return Found(warnings=[f"reply_date: “{_cut(line, m)}” is not a calendar date; left empty"])
    return Found(day.isoformat(), _span(line, m))


def _digits_date(line: Line, m: re.Match[str], published: str | None) -> Found:
    raw = _cut(line, m)
    readings = numerals.digit_readings(raw)
    if published:
        limit = dt.date.fromisoformat(published)
        readings = [r for r in readings if r <= limit and (limit - r).days <= 366]
    if len(readings) != 1:
        why = "no reading is a date" if not readings else "it can be read " + " or ".join(r.isoformat() for r in readings)
        return Found(warnings=[f"reply_date: “{raw}” has lost 年月日 and {why}; left empty"])
    value = readings[0].isoformat()
    reason = f"落款日期缺“年”“月”“日”，唯一合法的读法是{readings[0].year}年{readings[0].month}月{readings[0].day}日"
    reason += f"；页面发布日期为{published}，落款早于发布，相符。" if published else "。"
    return Found(value, _span(line, m), notes=[note("reply_date", "repair", raw, value, reason)])
