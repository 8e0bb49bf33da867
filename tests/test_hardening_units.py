"""Issue 17, hardening round two: the units behind the reliability corpus's new cases.

The corpus (tests/reliability/) proves each through `portal build`; these pin the rule itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_scripts import dates, fieldcheck, linkcheck, yamlio
from build_scripts.fields import REPLY_FIELDS, URL_PATTERN, by_name
from build_scripts.packagefields import PACKAGE_FIELDS
from build_scripts.paths import Paths


@pytest.mark.parametrize(("text", "value"), [("term: 12", 12), ("term: -3", -3), ("term: 0", 0),
                                              ("term: '010'", "010"), ("term: 9223372036854775807", 2**63 - 1),
                                              ("term: !!int 7", 7), ("term: ~", None), ("term: !!null ''", None)])
def test_plain_numbers_read_as_written(text: str, value: object) -> None:
    assert yamlio.load(text).data == {"term": value}


@pytest.mark.parametrize("number", ["010", "0x1F", "0b101", "1_000", "1:30", "190:20:30", "+0123",
                                    "9223372036854775808", "-9223372036854775809", "1" * 5000])
def test_numbers_yaml_11_reads_otherwise_or_too_large_are_refused(number: str) -> None:
    with pytest.raises(yamlio.YamlProblem) as caught:
        yamlio.load(f"title: x\nsections:\n- level: {number}\n")
    assert (caught.value.code, caught.value.line, caught.value.key) == ("bad-number", 3, "sections[0].level")
    assert caught.value.hint


@pytest.mark.parametrize("text", ["t: !!int ''", "t: !!bool maybe", "t: !!timestamp 2020-02-30",
                                  "t: !!timestamp 2020-02-03", "t: !!float x", "t: !!null x"])
def test_explicit_tags_that_do_not_fit_are_errors_with_a_line(text: str) -> None:
    with pytest.raises(yamlio.YamlProblem) as caught:
        yamlio.load("a: 1\n" + text)
    assert caught.value.line == 2 and caught.value.key == "t"
    assert caught.value.code in ("yaml-error", "bad-number")


@pytest.mark.parametrize(("value", "ok"), [("2023-05-31", True), ("1980-01-01", True), ("2099-12-31", True),
                                           ("1979-12-31", False), ("2107-11-20", False), ("２０２３-05-31", False),
                                           ("٢٠٢٣-05-31", False), ("2023-05-31\n", False), ("2023-02-30", False)])
def test_dates_are_ascii_and_in_range(value: str, ok: bool) -> None:
    f = by_name(REPLY_FIELDS)["reply_date"]
    found = list(fieldcheck.check_value(value, f, file="r.yaml", path="reply_date", line=4, lines={}))
    assert (found == []) == ok
    assert all(p.code == "bad-date" and p.line == 4 and p.hint for p in found)
    assert dates.parse_iso("٢٠٢٣-05-31") is None


@pytest.mark.parametrize(("url", "ok"), [
    ("https://example.gov.cn/a.html", True), ("http://example.gov.cn", True),
    ("https://example.gov.cn/a?mail=a@b.cn#x", True),
    ("https://example.gov.cn@evil.example/a", False), ("https://user:pw@example.gov.cn/", False),
    ("https://example.gov.cn\\@evil.example/", False), ("https://example.gov.cn/\u202elmth.a", False),
    ("https://example\u2066.gov.cn/", False), ("https://example.gov.cn/\u200f", False),
    ("javascript:alert(1)", False), ("https://example.gov.cn/a b", False),
])
def test_urls_have_no_user_name_and_no_bidi_controls(url: str, ok: bool) -> None:
    assert bool(re.fullmatch(URL_PATTERN, url)) == ok
    f = by_name(REPLY_FIELDS)["source_url"]
    assert (list(fieldcheck.check_value(url, f, file="r", path="source_url", line=1, lines={})) == []) == ok


@pytest.mark.parametrize(("value", "code"), [
    ("\u200b\u200c\u200d", "empty-value"), ("\u3164", "empty-value"), ("\u202e\u2066", "empty-value"),
    ("\u0301", "empty-value"), ("标题\ufffe", "bad-value"), ("标题\ufdd0", "bad-value"), ("标题\U0010ffff", "bad-value"),
    ("标题\ud800", "bad-value"), ("社" * 32767, "too-long"),
])
def test_text_the_build_cannot_hold_is_refused_at_validate(value: str, code: str) -> None:
    f = by_name(REPLY_FIELDS)["title"]
    found = list(fieldcheck.check_value(value, f, file="r", path="title", line=2, lines={}))
    assert [p.code for p in found] == [code]


def test_the_longest_text_fits_a_spreadsheet_cell_with_its_apostrophe() -> None:
    f = by_name(REPLY_FIELDS)["title"]
    assert list(fieldcheck.check_value("社" * 32766, f, file="r", path="title", line=2, lines={})) == []
    items = by_name(REPLY_FIELDS)["proposers"]
    found = list(fieldcheck.check_value(["甲" * 20000, "乙" * 20000], items, file="r", path="proposers", line=2,
                                        lines={}))
    assert [p.code for p in found] == ["too-long"]


def test_package_metadata_fields_check_the_license_link() -> None:
    meta = {"name": "x", "title": "t", "description": "d", "version": "0.2.0",
            "licenses": [{"name": "CC-BY-4.0", "title": "t", "path": "javascript:alert(1)"}],
            "sources": [{"title": "s", "path": "datasets/replies/"}]}
    found = list(fieldcheck.check_mapping(meta, PACKAGE_FIELDS, file="datasets/package.yaml", lines={}))
    assert [(p.field, p.code) for p in found] == [("licenses[0].path", "bad-pattern")]
    meta["licenses"][0]["path"] = "https://creativecommons.org/licenses/by/4.0/"
    meta["sources"][0]["path"] = "../../etc/passwd"
    found = list(fieldcheck.check_mapping(meta, PACKAGE_FIELDS, file="datasets/package.yaml", lines={}))
    assert [(p.field, p.code) for p in found] == [("sources[0].path", "bad-pattern")]


def test_link_checker_reads_attributes_not_text(tmp_path: Path) -> None:
    """A heading whose text is `href="#x"` is text, not a link; a real broken link is still found."""
    (tmp_path / "index.html").write_text('<h2 id="a">见 href="#x" 与 src="gone.png"</h2><a href="#a">a</a>\n',
                                         encoding="utf-8")
    assert linkcheck.broken_links(tmp_path) == []
    (tmp_path / "b.html").write_text('<p>id="x"</p><a href="index.html#x">b</a>', encoding="utf-8")
    assert [p.message for p in linkcheck.broken_links(tmp_path)] == ["'index.html#x': no element with id 'x' in index.html"]


def test_the_data_page_and_dictionary_say_what_the_excel_files_change(built: Paths) -> None:
    """Issue 17: the canonical CSV stays verbatim, and the reader is told so, in Chinese and English."""
    from build_scripts.pages.data import EXCEL_NOTE, EXCEL_NOTE_EN

    downloads = (built.site / "data" / "index.html").read_text(encoding="utf-8")
    dictionary = (built.site / "data" / "dictionary" / "index.html").read_text(encoding="utf-8")
    assert "CSV 注入" in EXCEL_NOTE and "CSV injection" in EXCEL_NOTE_EN
    for text in (downloads, dictionary):
        assert "以 = + - @、制表符或回车开头的文本单元格前加了一个英文单引号" in text
    assert "a text cell that starts with = + - @, a tab or a carriage return get a leading" in dictionary
    assert "逐字节相同" not in downloads


def test_add_refuses_a_letter_whose_draft_record_validation_would_refuse(tmp_path: Path) -> None:
    """Issue 17: a 1.5 MB text letter (under the letter limit) would draft a record over the 1 MiB record
    limit; `portal add` says so and writes nothing, instead of writing what `portal validate` refuses."""
    from conftest import copy_inputs

    from build_scripts import add

    paths = copy_inputs(tmp_path / "repo")
    seed = (paths.replies / "530111-2023-tian-102114" / "letter.txt").read_text(encoding="utf-8")
    letter = tmp_path / "long.txt"
    lines = seed.split("\n")
    middle = len(lines) // 2  # inside the letter's body: the extractor keeps it
    filler = ["社区治理工作持续推进，各项措施落实到位。" * 20] * 2000
    letter.write_text("\n".join(lines[:middle] + filler + lines[middle:]), encoding="utf-8")
    before = sorted(paths.replies.rglob("*"))
    result = add.add(paths, letter, force=True)
    assert not result.written
    assert any("more than a record's limit of 1,048,576" in e for e in result.errors), result.errors
    assert sorted(paths.replies.rglob("*")) == before
