"""Parsers of the proposal's own fields: its kind, number, proposers and their role (from the
salutation) and its title as the reply quotes it (``proposal_title``).

The assembly, term and session it was made at are in ``assembly``. Same contract as every field
parser: a ``Found`` (see ``found``), empty with a warning when unsure.
"""

from __future__ import annotations

import re

from build_scripts.extract.found import Found, Span, cut, first_match, note, span_of, squash
from build_scripts.extract.layout import INLINE_SALUTATION, Letter, Line


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
        m = re.search(r"(?:号|编号)\s*(提案|议案|建议)|(提案|议案|建议)(?:的)?(?:答复|复函|办理|\s*[(]\s*(?:第|[A-Za-z]{0,3}\d))",
                      letter.fold[start:start + len(title_found.value) + 2])
        if m:
            group = 1 if m[1] else 2
            return Found(m[group], (start + m.start(group), start + m.end(group)))
    for line in letter.body[:4]:
        m = re.search(r"[》”](?:的)?(提案|议案|建议)(?:已)?收悉", line.fold)
        if m:
            return Found(m[1], span_of(line, m, 1))
    return Found(warnings=["proposal_kind: the letter does not say 建议, 议案 or 提案; left empty"])


_NUMBER = re.compile(r"第\s*(?P<n>[A-Za-z]{0,3}\s*\d[\dA-Za-z\-]*|来信)\s*号")
_LEAD_NUMBER = re.compile(r"^(?P<n>[A-Za-z]{0,3}\d{3,}[\d\-]*)\s")
# 代表建议(2301号), 会议25号建议: the number in brackets, or before the kind.
_BRACKET_NUMBER = re.compile(r"[(]\s*(?:第\s*)?(?P<n>[A-Za-z]{0,3}\d[\dA-Za-z\-]*)\s*号\s*[)]")
_NUMBER_BEFORE_KIND = re.compile(r"(?:会议|代表|委员)\s*(?P<n>[A-Za-z]{0,3}\d{1,6})\s*号\s*(?:建议|提案|议案)")
_LABEL_NUMBER = re.compile(r"(?:(?:提案|建议|议案)?编号|提案号|建议号|案号)\s*[:：]\s*(?P<n>[0-9A-Za-z\-]+|来信)")


def proposal_number(letter: Letter, title_found: Found) -> Found:
    said: list[tuple[str, Span, str]] = []
    if title_found.value and title_found.span:
        start = title_found.span[0]
        text = letter.fold[start:title_found.span[1]]
        m = (_NUMBER.search(text) or _LEAD_NUMBER.search(text) or _BRACKET_NUMBER.search(text)
             or _NUMBER_BEFORE_KIND.search(text))
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
_TITLE_DQ = re.compile(r"(?:提出的|所提)\s*[“\"](?P<t>[^“”\"]{4,120})[”\"]\s*(?:的)?\s*(?:提案|建议|议案|已收悉|收悉"
                       r"|已交|已转|已由|交由|转由)")
# 关于……的提案（第12号）收悉: the number after the title is not part of it.
_TITLE_BARE = re.compile(r"(?:提出的|所提的?)\s*(?P<t>关于[^，,。；;《》“”]{4,120}?)\s*"
                         r"(?:[(（]\s*第?\s*[A-Za-z]{0,3}\d+\s*号\s*[)）])?\s*(?:已)?收悉")


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
    return _title_over_two_lines(opening) or Found(
        warnings=["proposal_title: no 《title》 or quoted title in the opening; left empty"])


def _title_over_two_lines(opening: tuple[Line, ...]) -> Found | None:
    """《关于……\n……的建议》收悉: a title the page or the PDF broke over two lines, joined."""
    for line, following in zip(opening, opening[1:]):
        start = line.fold.rfind("《")
        end = following.fold.find("》")
        if start < 0 or "》" in line.fold[start:] or end < 0 or "《" in following.fold[:end]:
            continue
        value = line.text[start + 1:] + following.text[:end]
        if not 4 <= len(value) <= 120:
            continue
        found = Found(value, (line.start + start + 1, following.start + end))
        found.notes.append(note("proposal_title", "repair", line.text[start + 1:] + "\n" + following.text[:end], value,
                                "标题在页面上断成两行，已接上。"))
        return found
    return None


# --- the agency's part in handling the proposal -------------------------------------------------

_ROLE = r"(?P<v>主办|会办|协办|分办|独办)"
_WE = r"(?:我|本)(?:厅|局|委|办|院|署|会|部|处|室|中心|单位|部门|区|县|市|府)?"
_HANDLING = (
    # 办理方式：会办 / 〔办理方式〕〔主办〕
    re.compile(rf"办理方式\W{{0,3}}{_ROLE}"),
    # 我局作为该件提案的主办单位 / 我委系本件建议的协办单位 / 我厅为主办单位
    re.compile(rf"{_WE}(?:作为|系|是|为)[^，。；:：]{{0,16}}?{_ROLE}单位"),
    # 由我局主办 / 由我委牵头主办
    re.compile(rf"由{_WE}(?:牵头)?{_ROLE}"),
    # 现将我局会办意见函告如下 / 提出协办意见如下
    re.compile(rf"(?:现将|提出|报送|函复|反馈)(?:{_WE})?的?{_ROLE}意见"),
)


def handling_role(letter: Letter) -> Found:
    """主办, 会办, 协办, 分办 or 独办 when the letter says which part the agency had; None otherwise.

    Read in the letter's header, body and tail, never its site footer: a web page's “主办单位：…”
    names the site's owner, not the agency's part in the proposal.
    """
    lines = letter.header + letter.body + letter.tail
    for pattern in _HANDLING:
        for line in lines:
            m = pattern.search(line.fold)
            if m:
                return Found(m["v"], span_of(line, m, "v"))
    return Found()
