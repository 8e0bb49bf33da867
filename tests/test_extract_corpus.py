"""Issue #3: `portal extract` on the labelled letters gives every expected field, nulls included.

One test per (letter, field): the seeds against their hand-read records, the letters we wrote
against their ``*.expected.yaml``. The variations the issue lists are each covered by at least
one letter (``VARIATIONS`` names which), so a regression names the variation it breaks.
"""

from __future__ import annotations

from typing import Any

import pytest

from build_scripts import add
from build_scripts.paths import Paths
from tests.extract_corpus.corpus import LETTERS, SCORED, Case, actual, cases

CASES = cases()
_RESULTS: dict[str, dict[str, Any]] = {}


def test_corpus_is_there() -> None:
    written = [c for c in CASES if not c.name.startswith("seed-")]
    assert len([c for c in CASES if c.name.startswith("seed-")]) == 5
    assert len(written) >= 25
    suffixes = {c.letter.suffix for c in written}
    assert {".html", ".docx", ".pdf", ".txt"} <= suffixes


def result(case: Case) -> dict[str, Any]:
    if case.name not in _RESULTS:
        _RESULTS[case.name] = add.extract_files(Paths(), [case.letter])[0]
    return _RESULTS[case.name]


@pytest.mark.parametrize("field", SCORED)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_field(case: Case, field: str) -> None:
    got = result(case)
    assert "error" not in got, got.get("error")
    assert actual(got)[field] == case.expected[field]


@pytest.mark.parametrize("case", [c for c in CASES if c.warnings_include], ids=lambda c: c.name)
def test_warned(case: Case) -> None:
    warnings = " | ".join(result(case)["warnings"])
    for needle in case.warnings_include:
        assert needle in warnings


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_evidence_quotes_the_value(case: Case) -> None:
    """Every evidence span lies in the cleaned text; a scalar value is read from inside its span."""
    got = result(case)
    for field, (start, end) in got["evidence"].items():
        assert 0 <= start < end <= len(got["text"])
        value = got[field]
        quote = got["text"][start:end]
        if field in ("title", "proposal_title", "agency", "contact_name", "signer", "index_number", "proposal_number"):
            assert value.replace(" ", "") in quote.replace(" ", "").replace("\n", ""), (field, value, quote)


# Which letters carry each variation the issue lists (file-name prefixes).
VARIATIONS = {
    "traditional mirror copy": ["01-", "20-"],
    "pinyin glued in (政協(xié))": ["01-", "20-"],
    "ASCII and full-width punctuation mixed": ["13-", "21-"],
    "stray spaces inside words and numbers": ["05-", "21-", "seed-530100"],
    "text broken across lines": ["05-", "24-", "03-", "seed-530112"],
    "date without 年月日, one reading (2023531, 20211022)": ["seed-530111", "07-", "24-"],
    "date without 年月日, two readings": ["08-"],
    "date in Chinese numerals": ["04-", "20-"],
    "〔201849-style dropped characters": ["11-", "seed-530111"],
    "九届次会议": ["11-"],
    "文号 in 〔〕【】[]﹝﹞": ["seed-530000", "02-", "03-", "04-"],
    "cited documents' 文号 in the body": ["02-", "05-", "10-", "seed-530111"],
    "category as a bare A line": ["seed-530000"],
    "category 〔办理类型〕〔A〕": ["seed-530112", "03-", "23-"],
    "category 类别:B": ["seed-610102", "06-", "04-"],
    "category 办理结果:B": ["02-"],
    "category (B类)": ["01-"],
    "category glued to the 文号": ["12-"],
    "类别:提案 is not a category": ["13-"],
    "proposal numbers 001/0079/102114/来信/R1102021/2022-92": ["seed-530112", "seed-530000", "seed-530111", "15-", "07-", "08-"],
    "number differs between title and body": ["14-"],
    "salutation with 尊敬的 / without colon / joint names": ["seed-530111", "06-", "02-", "03-"],
    "salutation to an organisation / anonymised / 代表团": ["seed-530000", "04-", "07-", "24-", "14-"],
    "proposal title in 《》 / “” / undelimited / 关于关于": ["04-", "02-", "06-", "10-"],
    "site-footer phones and addresses": ["seed-530000", "seed-530111", "01-", "02-", "22-"],
    "上一篇/下一篇 links": ["01-", "02-", "09-"],
    "heading forms and jumping numbering": ["17-", "03-", "seed-530112", "22-"],
    "missing signature, date or title": ["16-", "19-", "seed-530112"],
    "gambling spam from hijacked mirrors": ["09-", "01-"],
    "page-number lines and 此页无正文 in a PDF": ["30-"],
    "salutation run into the first paragraph; title only in the page name": ["31-"],
    # Issue 12: the forms real letters from many provinces take.
    "assembly abbreviated: 区政协, 区人大, 市十八届人大 of a county-level city": ["42-", "43-", "54-", "65-"],
    "区人大三届第二次会议 (第 before the session)": ["50-"],
    "published_date as 更新时间:YYYY/MM/DD": ["42-", "54-"],
    "published_date as 发布日期 in a table cell, 时间:, 发布时间": ["40-", "46-", "61-", "41-"],
    "成文日期 is the reply date, not the publication": ["44-", "51-"],
    "proposal title quoted in the body (已交我局研究办理)": ["45-"],
    "proposal title split over two lines": ["56-"],
    "proposal title without 关于": ["57-"],
    "关于……的提案（第X号） in the body, no printed title": ["66-"],
    "agency only in the page's 发布机构/来源": ["52-"],
    "兵团 abbreviation 师市民政局 in the signature (publisher in full, or the page names the division)": ["40-", "67-", "71-"],
    "numbers 第012号, (1102号), 提案第35号, 25号建议, B056": ["43-", "45-", "48-", "47-", "46-"],
    "第X屆X次會議 in traditional mirrors": ["55-", "69-"],
    "contact: 联系人及电话 on one line, 联 系 人 spaced, after the signature": ["42-", "50-", "62-"],
    "place name replaced by spam: agency and region left empty": ["49-"],
    "开发区/新区 without a code of its own: the city's code": ["60-"],
    "a former division or name (襄樊市, 2009)": ["69-"],
    "districts of municipalities; a 新区 with its own code": ["58-", "59-"],
    "metadata table cells joined with bars (发布日期: | 2022-05-06), publisher as agency": ["70-"],
}


@pytest.mark.parametrize("variation", sorted(VARIATIONS))
def test_variation_is_covered(variation: str) -> None:
    names = [c.name for c in CASES]
    for prefix in VARIATIONS[variation]:
        assert any(n.startswith(prefix) for n in names), f"{variation}: no letter {prefix}*"


def test_heldout_part_is_scored_apart() -> None:
    """Issue 12: a held-out part the parsers are never tuned on: loaded, complete, not in the tuned part.

    Its score is printed by benchmarks/eval_extract.py beside the tuned part's; it is not required
    to be 1.000 here (a miss there is recorded, never fixed in a parser).
    """
    heldout = cases(part="heldout")
    assert heldout
    assert not {c.name for c in heldout} & {c.name for c in CASES}
    assert {".html", ".docx", ".pdf", ".txt"} <= {c.letter.suffix for c in heldout}
    for case in heldout:
        assert set(case.expected) == set(SCORED), case.name


def test_letters_glob_finds_sidecars() -> None:
    assert sorted(LETTERS.glob("*.expected.yaml"))


@pytest.mark.parametrize("case", [c for c in CASES if c.name.startswith("seed-")], ids=lambda c: c.name)
def test_seed_sections_are_the_hand_cleaned_text(case: Case) -> None:
    """The seeds' sections, text included, come out exactly as the hand-read records have them."""
    import yaml

    record = yaml.safe_load((case.letter.parent / "reply.yaml").read_text(encoding="utf-8"))
    assert result(case)["sections"] == record["sections"]
