"""Issue #3: every input encoding and format reads to the same text; unreadable input is a ReadError."""

from __future__ import annotations

import pytest

from build_scripts.extract import readers
from build_scripts.extract.clean import clean
from build_scripts.extract.fold import fold
from tests.extract_corpus.corpus import LETTERS

TEXT = "关于政协西山区第十届三次会议第0087号提案的答复\n尊敬的杨光委员：\n您提出的《關於加強社區治理的建議》收悉。\n"

ENCODED = {
    "utf-8": TEXT.encode("utf-8"),
    "utf-8-bom": b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    "gbk": TEXT.replace("關於加強社區治理的建議", "关于加强社区治理的建议").encode("gbk"),
    "gb18030": TEXT.encode("gb18030"),
    "utf-16-le-bom": b"\xff\xfe" + TEXT.encode("utf-16-le"),
    "utf-16-be-bom": b"\xfe\xff" + TEXT.encode("utf-16-be"),
    "utf-16-le-no-bom": TEXT.encode("utf-16-le"),
}


@pytest.mark.parametrize("encoding", sorted(ENCODED))
def test_plain_text_encodings(encoding: str) -> None:
    read = readers.read_bytes(ENCODED[encoding], "letter.txt")
    expected = TEXT if encoding != "gbk" else TEXT.replace("關於加強社區治理的建議", "关于加强社区治理的建议")
    assert read.text == expected
    assert read.raw_format == "text"


@pytest.mark.parametrize("data, name, message", [
    (b"%PDF-1.4\nnot really", "a.pdf", "not a readable PDF"),
    (b"PK\x03\x04 not a zip", "a.docx", "not a readable .docx"),
    (bytes(range(256)) * 8, "a.bin", "not text"),
    (b"\x00\x01\x02\x03" * 500, "a.txt", "not text"),
])
def test_unreadable(data: bytes, name: str, message: str) -> None:
    with pytest.raises(readers.ReadError, match=message):
        readers.read_bytes(data, name)


def test_html_keeps_metadata_drops_script() -> None:
    html = ("<html><head><title>T</title><script>var a='答复';</script></head><body><table><tr><td>索引号：</td>"
            "<td>123456/2023</td></tr></table><p>社区\n治理</p><p>a<br>b</p></body></html>")
    text = readers.read_bytes(html.encode(), "a.html").text
    assert "var a" not in text
    assert "索引号： 123456/2023" in text
    assert "社区治理" in text and "a\nb" in text


def test_docx_and_pdf_letters_read() -> None:
    docx = readers.read_file(LETTERS / "25-docx-tables.docx")
    assert docx.raw_format == "docx" and "西民函〔2023〕5号" in docx.text.split("\n")
    pdf = readers.read_file(LETTERS / "05-pdf-linebreaks.pdf")
    assert pdf.raw_format == "pdf" and "\x00" not in pdf.text


def test_clean_removes_artefacts_and_notes_them() -> None:
    cleaned = clean("政協(xié)委員\n[bookmark: _GoBack]一、基本情况\r\n\u200b社区", "text")
    assert cleaned.text == "政協委員\n一、基本情况\n社区"
    reasons = " ".join(str(n["reason"]) for n in cleaned.notes)
    assert "拼音" in reasons and "书签" in reasons and "不可见" in reasons


def test_pdf_damage_spaces_removed_only_beside_chinese() -> None:
    text = "标题 保留\n" + "全市 共 有 社 区 818 个 , 60.4% ; 社区 APP 与 5G 应用。\n" * 3
    cleaned = clean(text, "text")
    assert cleaned.pdf_damage
    assert cleaned.text.split("\n")[0] == "标题 保留"
    assert cleaned.text.split("\n")[1] == "全市共有社区818个, 60.4% ;社区APP与5G应用。"


def test_fold_keeps_length_and_positions() -> None:
    text = "關於市政協（第十四屆）：２０２３—答覆"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == "关于市政协(第十四届):2023-答覆"


def test_html_in_its_declared_charset() -> None:
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head><body><p>關於社區治理的答覆</p></body></html>'
    read = readers.read_bytes(html.encode("big5"), "page.html")
    assert read.text == "關於社區治理的答覆" and read.encoding == "big5"
