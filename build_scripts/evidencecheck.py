"""Stage 2, checks: every evidence span still gives its field's current value.

A span (``evidence``: field, start, end, quote) says where a value was read. When a maintainer
corrects the value, a span that still quotes the old reading would show readers the wrong words
under 取值依据, so it is an error: update the span or drop it.

The rule, per field, comparing after ``textnorm.normalise`` (width, traditional/simplified, case,
white space):

- text fields: the quote contains the value (a title split over two lines still matches), and a
  value beginning or ending in a digit or Latin letter is a whole token there (412 is not in 0412);
- lists (``proposers``, ``cc``) and 、-separated ``contact_phone``: the quote contains at least one
  item (one span may give one item of several);
- ``term``, ``session_no``: the quote writes the number, in digits or Chinese numerals (十六 → 16);
- dates: the quote reads as that date (2020年11月20日, 二〇二〇年十一月二十日, 2020-11-20, 2020/11/20,
  or digits with one reading such as 2023531);
- values the importer derives from the quote: ``region_code`` — the quote names the region
  (西山区, or 西山 without its suffix); ``assembly`` — the quote names the same kind of body
  (人大 for a people's congress, 政协 for a CPPCC committee); ``proposer_role`` — 代表 or 委员 as
  the quote says, 组织 when it says neither; ``disclosure`` — the value, or 是/否 for 公开/不予公开.

A null or empty field has no evidence: its span is stale too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from build_scripts import divisions
from build_scripts.extract.numerals import CN_NUMBER, cn_int, cn_year, digit_readings, make_date
from build_scripts.fields import REPLY_FIELDS
from build_scripts.problems import Problem
from build_scripts.textnorm import normalise
from build_scripts.vocab import Vocabularies

_KINDS = {f.name: f.kind for f in REPLY_FIELDS if f.in_record}
_NO_EVIDENCE = {"id", "sections", "notes", "evidence", "raw_file", "raw_sha256", "raw_format"}
_NUMBER = re.compile(rf"[0-9]+|[{CN_NUMBER}]+")
_CN = "〇○零OoＯ一二两三四五六七八九十"
_DATES = (re.compile(rf"([0-9]{{4}}|[{_CN}]{{4}})\s*年\s*([0-9]{{1,2}}|[{_CN}]{{1,3}})\s*月\s*([0-9]{{1,2}}|[{_CN}]{{1,3}})\s*日?"),
          re.compile(r"([0-9]{4})\s*[-/.]\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{1,2})"))
_REGION_SUFFIX = ("自治州", "自治县", "地区", "新区", "省", "市", "区", "县", "州", "盟", "旗")


def check_evidence(data: dict[str, Any], file: str, lines: dict[str, int],
                   vocabularies: Vocabularies) -> Iterator[Problem]:
    for i, span in enumerate(data["evidence"]):
        path = f"evidence[{i}]"
        line = lines.get(f"{path}.quote", lines.get(path, lines.get("evidence", 0)))
        field = span["field"]
        if field not in _KINDS or field in _NO_EVIDENCE:
            yield Problem(file, line, f"{path}.field", "bad-value",
                          f"evidence names {field!r}, which is not a field a letter gives",
                          "correct the field name, or drop the span")
            continue
        value = data[field]
        if not supports(field, value, span["quote"], vocabularies):
            shown = "null" if value in (None, []) else repr(value)
            yield Problem(file, line, f"{path}.quote", "stale-evidence",
                          f"the evidence for {field} quotes {span['quote']!r}, which does not give its value {shown}",
                          "update the span (start, end, quote) to where the letter gives the value, "
                          "or drop it from evidence when the letter does not give it")


def supports(field: str, value: Any, quote: str, vocabularies: Vocabularies) -> bool:
    """Whether ``quote`` still gives ``value`` for ``field`` (the rule is in the module's docstring)."""
    if value is None or value == []:
        return False
    folded = normalise(quote)
    kind = _KINDS[field]
    if field == "region_code":
        return _names_region(folded, value, vocabularies)
    if field == "assembly":
        said = _body(folded)
        return said is None or said == _body(normalise(value))
    if field == "proposer_role":  # 委员会 and 代表团 are bodies: an organisation's name, not a role
        says = [role for role, body in (("代表", "代表团"), ("委员", "委员会")) if role in folded.replace(body, "")]
        return value in says if value != "组织" else not says
    if field == "disclosure" and folded in ("是", "否"):
        return {"是": "公开", "否": "不予公开"}[folded] == value
    if kind == "integer":
        return value in {cn_int(m) for m in _NUMBER.findall(unicodedata.normalize("NFKC", quote))}
    if kind == "date":
        return value in _date_readings(quote)
    items = value if kind == "list" else value.split("、") if field == "contact_phone" else [value]
    return any(_contains(folded, normalise(str(item))) for item in items)


def _contains(folded: str, value: str) -> bool:
    """``value`` in ``folded``; digits and Latin letters at its edges must not run on (412 is not in 0412)."""
    if not value:
        return False
    before = "(?<![0-9a-z])" if value[0].isascii() and value[0].isalnum() else ""
    after = "(?![0-9a-z])" if value[-1].isascii() and value[-1].isalnum() else ""
    return re.search(before + re.escape(value) + after, folded) is not None


def _names_region(folded: str, code: str, vocabularies: Vocabularies) -> bool:
    region = vocabularies.region_by_code.get(code)
    if region is None:
        return True  # unknown-region says what is wrong
    name = region["name"]
    short = next((name[: -len(s)] for s in _REGION_SUFFIX if name.endswith(s) and len(name) - len(s) >= 2), name)
    forms = (name, short, region["full_name"], divisions.short_name(name) or "", *(region.get("aliases") or []))
    return any(form and normalise(form) in folded for form in forms)


def _body(folded: str) -> str | None:
    if "政协" in folded or "政治协商" in folded:
        return "cppcc"
    if "人大" in folded or "人民代表大会" in folded:
        return "congress"
    return None


def _date_readings(quote: str) -> set[str]:
    text = unicodedata.normalize("NFKC", quote)
    found: set[str] = set()
    for pattern in _DATES:
        for y, m, d in pattern.findall(text):
            year = int(y) if y.isdigit() else cn_year(y)
            day = make_date(year, cn_int(m), cn_int(d))
            if day:
                found.add(day.isoformat())
    for digits in re.findall(r"[0-9]{6,8}", text):
        found.update(d.isoformat() for d in digit_readings(digits))
    return found
