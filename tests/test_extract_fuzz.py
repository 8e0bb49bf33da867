"""Issue #3: the cleaner and the extractor never crash, whatever the text (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_scripts import vocab
from build_scripts.extract import draft, readers
from build_scripts.extract.clean import clean
from build_scripts.extract.fold import fold
from build_scripts.paths import Paths

REGIONS = vocab.load(Paths())[0].regions
# Pieces real letters are made of, so the fuzzer reaches deep into the parsers.
PIECES = ["关于", "政协", "政協(xié)", "人大", "第", "十二届", "九届次", "四次会议", "会议", "号", "提案", "建议", "议案",
          "答复", "的函", "尊敬的", "代表", "委员", "代表团", "：", ":", "、", "，", "。", "《", "》", "“", "”",
          "〔", "〕", "【", "】", "[", "]", "﹝", "﹞", "(", ")", "（", "）", "2023", "531", "20211022", "二〇一七年",
          "六月二十九日", "年", "月", "日", "A", "B类", "类别:", "办理类型", "〔A〕", "公开", "是否公开", "签发人：",
          "联系人及电话：", "0871-65732120", "抄送：", "一、", "（一）", "1.", "3、", "感谢", "昆明市西山区民政局",
          "云南省民政厅", "文件", "印发", "主办单位", "上一篇：", "ICP备", "澳门新葡京娱乐场", "[bookmark: _GoBack]",
          " ", "  ", "\n", "\n\n", "\r\n", "\t", "\x00", "\u3000", "\ufeff", "x", "××"]
letters = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=80).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letters, st.sampled_from(["text", "html", "docx", "pdf"]))
def test_clean_never_crashes(text: str, raw_format: str) -> None:
    cleaned = clean(text, raw_format)
    assert "\r" not in cleaned.text and "\x00" not in cleaned.text
    assert len(fold(cleaned.text)) == len(cleaned.text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letters, st.sampled_from(["text", "pdf"]))
def test_extract_never_crashes_and_spans_are_in_the_text(text: str, raw_format: str) -> None:
    result = draft.extract_text(text, raw_format, REGIONS)
    for start, end in result.spans.values():
        assert 0 <= start <= end <= len(result.text)
    for value in (result.values.get("reply_date"), result.values.get("published_date")):
        assert value is None or len(value) == 10
    for section in result.sections:
        assert section["level"] in (0, 1, 2, 3)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["a.txt", "a.html", "a.docx", "a.pdf"]))
def test_any_bytes_read_or_raise_read_error(data: bytes, name: str) -> None:
    try:
        result = draft.extract_bytes(data, name, REGIONS)
    except readers.ReadError:
        return
    assert isinstance(result.text, str)
