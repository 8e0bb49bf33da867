"""Parsers of the reply's own fields: page metadata (索引号, 发布日期), 文号, 办理类型, 公开属性, 签发人,
contact, 抄送, the replying agency and the date under the signature.

One small function per field, each returning a ``Found`` (see ``found``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence

from build_scripts.extract import numerals
from build_scripts.extract.fold import HAN, fold
from build_scripts.extract.found import Found, Span, cut, first_match, meta_value, note, span_of, squash
from build_scripts.extract.layout import DATE_LINE, META_LABEL, ORG_END, Letter, Line
from build_scripts.extract.spam import is_spam

# --- page metadata -------------------------------------------------------------------------

def index_number(letter: Letter) -> Found:
    found = meta_value(letter, r"索\s*引\s*号", r"[0-9A-Za-z][0-9A-Za-z/\-_.]{5,40}")
    if not found:
        return Found()
    line, m = found
    return Found(cut(line, m, "v"), span_of(line, m, "v"))


_ISO = r"\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}(?:\s*日)?"


def published_date(letter: Letter) -> Found:
    # 成文日期 is when the letter was written, not published: it is not read here.
    found = meta_value(letter, "发布日期|发布时间|公开日期|公开时间|时间", _ISO)
    # 更新时间 above the letter is the page's date; in the site footer it is the whole site's.
    found = found or meta_value(letter, "更新时间|更新日期", _ISO, footer=False)
    if not found:
        return Found()
    line, m = found
    day = _iso_date(m["v"])
    if day is None:
        return Found(warnings=[f"published_date: {cut(line, m, 'v')!r} is not a date; left empty"])
    return Found(day.isoformat(), span_of(line, m, "v"))


def _iso_date(text: str) -> dt.date | None:
    parts = re.findall(r"\d+", text)
    if len(parts) != 3:
        return None
    return numerals.make_date(int(parts[0]), int(parts[1]), int(parts[2]))


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
            found.append((cut(line, m, "d"), span_of(line, m, "d")))
        if not _DOC.search(line.fold):
            bad = _DOC_DAMAGED.search(line.fold)
            if bad:
                warnings.append(f"doc_number: “{cut(line, bad)}” looks like a damaged 文号; left empty")
    values = {_doc_key(v) for v, _ in found}
    if len(values) > 1:
        return Found(warnings=warnings + ["doc_number: the page and the letter give different 文号 ("
                                          + "; ".join(sorted({v for v, _ in found})) + "); left empty"])
    if not found:
        return Found(warnings=warnings)
    raw, span = found[-1] if len({v for v, _ in found}) == 1 else found[0]
    value = squash(raw)
    result = Found(value, span, warnings)
    if value != raw:
        result.notes.append(note("doc_number", "repair", raw, value, "文号中的空格为转换所致，已删除。"))
    return result


def _doc_key(value: str) -> str:
    return re.sub(r"[\s〔\[【﹝(〕\]】﹞)第]", "", value)


_CATEGORY = (
    re.compile(r"^(?P<c>[A-E])$"),
    re.compile(r"办理类型\W*(?P<c>[A-E])\W*$"),
    re.compile(r"(?:办理类别|答复类别|办理结果|办理类型|类别|类型)\W{0,3}(?P<c>[A-E])(?![A-Za-z0-9])"),
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
                seen.append((m["c"], span_of(line, m, "c")))
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
                return Found(value, span_of(line, m, "v"))
    return Found()


def signer(letter: Letter) -> Found:
    lines = letter.header + letter.tail
    found = first_match(lines, re.compile(rf"签\s*发\s*人?\s*[:：]\s*(?P<v>[{HAN}]{{2,4}})(?![{HAN}])"))
    if not found:
        found = _next_line_value(lines, re.compile(r"^签\s*发\s*人\s*[:：]?$"), re.compile(rf"^(?P<v>[{HAN}]{{2,4}})$"))
    if not found:
        return Found()
    line, m = found
    return Found(cut(line, m, "v"), span_of(line, m, "v"))


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
            raw = cut(line, m, "name")
            name = Found(raw.replace(" ", ""), span_of(line, m, "name"))
            if " " in raw:
                name.notes.append(note("contact_name", "repair", raw, name.value, "姓名中的空格为转换所致，已删除。"))
        for p in _PHONE.finditer(line.fold):
            phones.append((cut(line, p).replace(" ", ""), span_of(line, p)))
    if not phones:
        return name, Found()
    values = list(dict.fromkeys(v for v, _ in phones))
    span = (phones[0][1][0], phones[-1][1][1])
    return name, Found("、".join(values), span)


def cc(letter: Letter) -> Found:
    found = first_match(letter.tail, re.compile(r"^抄\s*送\s*[:：]\s*(?P<v>.+)$"))
    if not found:
        return Found([])
    line, m = found
    raw = cut(line, m, "v").strip().rstrip("。.")
    items = [item.strip() for item in re.split(r"[,，、;；]", raw) if item.strip()]
    return Found(list(dict.fromkeys(items)), span_of(line, m, "v"))


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
            if candidate.startswith("师市"):
                return _bingtuan_in_full(letter, line, candidate, warnings)
            return Found(line.text[:len(candidate)], (line.start, line.start + len(candidate)), warnings)
    published_by = _published_by(letter)
    if published_by is not None:
        published_by.warnings[:0] = warnings
        return published_by
    for pattern in (_WENJIAN,):
        found = first_match(letter.header, pattern)
        if found and not is_spam(found[1]["v"]):
            line, m = found
            return Found(cut(line, m, "v"), span_of(line, m, "v"), warnings)
    after_title = title_found.span[1] if title_found and title_found.span else len(letter.text)
    for line in letter.header:
        if line.start < after_title:
            continue
        if ORG_END.match(line.fold) and not META_LABEL.match(line.fold) and not is_spam(line.fold) and len(line.text) <= 25:
            return Found(line.text, (line.start, line.end), warnings)
    found = first_match(letter.tail, _YINFA)
    if found:
        line, m = found
        value = cut(line, m, "v")
        return Found(value, span_of(line, m, "v"), warnings)
    return Found(warnings=warnings + ["agency: no signature or 文件 header names the replying department; left empty"])


_PUBLISHER = re.compile(rf"(?:^|\s|\|)(?:发布机构|发文机关|信息来源|文章来源|来源)\s*[:：]\s*(?:[|｜]\s*)?(?P<v>[{HAN}（）()]{{3,40}})")


def _published_by(letter: Letter) -> Found | None:
    """No signature: the department the page says published the letter (发布机构, 来源)."""
    found = first_match(letter.header + letter.tail, _PUBLISHER)  # never the site footer's owner
    if found is None or not ORG_END.match(found[1]["v"]) or is_spam(found[1]["v"]):
        return None
    line, m = found
    return Found(cut(line, m, "v"), span_of(line, m, "v"),
                 [f"agency: no signature names the department; “{cut(line, m, 'v')}” is the page's publisher, check it"])


def _bingtuan_in_full(letter: Letter, line: Line, short: str, warnings: list[str]) -> Found:
    """师市民政局: the 兵团 division-and-city's own abbreviation; its full name from the page's publisher."""
    full = _published_by(letter)
    if full is not None and re.match(rf"^第[一二三四五六七八九十]{{1,3}}师[{HAN}]{{2,6}}市{re.escape(short[2:])}$", fold(full.value)):
        full.warnings = warnings + [f"agency: the signature says “{short}”, the 兵团 division's abbreviation; "
                                    f"the page's publisher gives it in full"]
        return full
    return Found(line.text[:len(short)], (line.start, line.start + len(short)), warnings + [
        f"agency: “{short}” abbreviates a 兵团 division and its city (师市) and no 发布机构/来源 gives it in "
        "full; kept as signed, write it in full (e.g. 第六师五家渠市民政局)"])


_DATE_CN = re.compile(r"(?P<y>[〇○零OoＯ一二三四五六七八九]{4})\s*年\s*(?P<m>[一二三四五六七八九十]{1,3})\s*月\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日")
_DATE_NUM = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:年|\.|-|/)\s*(?P<m>\d{1,2})\s*(?:月|\.|-|/)\s*(?P<d>\d{1,2})\s*日?")


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
    written = meta_value(letter, "成文日期|成文时间", _ISO)
    if written:
        line, m = written
        day = _iso_date(m["v"])
        if day is not None:
            return Found(day.isoformat(), span_of(line, m, "v"))
    return Found(warnings=["reply_date: no date under the signature; left empty"])


def _date_from(line: Line, m: re.Match[str], chinese: bool) -> Found:
    year = numerals.cn_year(m["y"]) if chinese else int(m["y"])
    day = numerals.make_date(year, numerals.cn_int(m["m"]), numerals.cn_int(m["d"]))
    if day is None:
        return Found(warnings=[f"reply_date: “{cut(line, m)}” is not a calendar date; left empty"])
    return Found(day.isoformat(), span_of(line, m))


def _digits_date(line: Line, m: re.Match[str], published: str | None) -> Found:
    raw = cut(line, m)
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
    return Found(value, span_of(line, m), notes=[note("reply_date", "repair", raw, value, reason)])
