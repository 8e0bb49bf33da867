"""Remove extraction damage from a letter's text; keep every word as written.

Each repair is a note (``field: body, kind: cleaning``) so a reviewer sees what changed. A PDF's
wrapped lines are joined, but never into a line of the signature block (``layout.is_tail_text``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from build_scripts.extract.fold import HAN, fold
from build_scripts.extract.layout import is_tail_text

# Chinese punctuation (full width) that never has spaces beside it in a clean letter.
ZH_PUNCT = "，。、；：？！“”‘’（）《》〔〕【】﹝﹞「」『』…—·"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
_WORD_ARTEFACT = re.compile(r"\[(?:bookmark|image|shape|footnote|comment)\s*:[^\]\n]{0,80}\]|\{\s*(?:PAGE|NUMPAGES)\s*\}",
                            re.IGNORECASE)
_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_PINYIN = re.compile(rf"(?<=[{HAN}])[(（]\s*[a-z{_TONE}]*[{_TONE}][a-z{_TONE}]*(?:\s+[a-z{_TONE}]+)*\s*[)）]")
_SPACE_NEAR_ZH = re.compile(rf"(?<=[{HAN}{ZH_PUNCT}])[ \t\u3000\xa0]+|[ \t\u3000\xa0]+(?=[{HAN}{ZH_PUNCT}])")
_HAN_SPACE_HAN = re.compile(rf"[{HAN}] [{HAN}]")
_PAGE_NUMBER = re.compile(r"^(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})$")
_LINE_END = tuple("。！？：；:;!?」”』）)】〕")


@dataclass
class Cleaned:
    text: str
    notes: list[dict[str, str | None]] = field(default_factory=list)
    pdf_damage: bool = False


def clean(text: str, raw_format: str) -> Cleaned:
    """Cleaned text: non-empty lines, each stripped, joined by one ``\\n``."""
    notes: list[dict[str, str | None]] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _remove(text, _CONTROL, notes, "控制字符或零宽字符",
                   "文件转换留下的不可见字符，非信件文字，已删除。", show=False)
    text = _remove(text, _WORD_ARTEFACT, notes, None, "Word 导出时留下的书签/域代码标记，非信件文字，已删除。")
    text = _remove(text, _PINYIN, notes, None, "镜像网页在汉字后插入的拼音注音，非信件文字，已删除。")
    lines = [line.strip(" \t\u3000\xa0") for line in text.split("\n")]
    page_numbers = [line for line in lines if _PAGE_NUMBER.match(line)]
    if page_numbers:
        notes.append(_note("、".join(dict.fromkeys(page_numbers[:5])), None, "页码行不是信件文字，已删除。"))
    lines = [line for line in lines if line and not _PAGE_NUMBER.match(line)]
    damaged = raw_format in ("pdf", "pdf-text") or pdf_damaged("\n".join(lines))
    if damaged:
        before = "\n".join(lines)
        # The first line is the title, set in large type: its spaces are the author's.
        lines = lines[:1] + [_SPACE_NEAR_ZH.sub("", line) for line in lines[1:]]
        if "\n".join(lines) != before:
            notes.append(_note(_examples(before, _SPACE_NEAR_ZH), None,
                               "PDF 转文字时在换行处和数字两侧插入的空格：汉字或中文标点旁的空格一律删除。"))
        if raw_format == "pdf":
            lines = join_wrapped(lines, notes)
    return Cleaned("\n".join(lines), notes, damaged)


def pdf_damaged(text: str) -> bool:
    """Spaces inside Chinese words often enough that they are damage, not layout."""
    # Only paragraphs count: page metadata rows ("索引号 … 发布机构 …") are spaced on purpose.
    body = "\n".join(line for line in text.split("\n") if len(line) >= 40)
    gaps = len(_HAN_SPACE_HAN.findall(body))
    return gaps >= 5 and gaps * 150 >= len(body)


def join_wrapped(lines: list[str], notes: list[dict[str, str | None]]) -> list[str]:
    """Join lines a PDF broke at the page width: long, not ending a sentence, not before a signature."""
    if len(lines) < 3:
        return lines
    width = sorted(len(line) for line in lines)[int(len(lines) * 0.9)]
    out: list[str] = lines[:1]  # the title is never joined to what follows
    joined = 0
    for line in lines[1:]:
        prev = out[-1] if len(out) > 1 else ""
        if (prev and width >= 15 and len(prev) >= 0.8 * width and not prev.endswith(_LINE_END)
                and not _starts_block(line) and not _is_tail(line)):
            out[-1] = prev + line
            joined += 1
        else:
            out.append(line)
    if joined:
        notes.append(_note(f"{joined} 处换行", None, "PDF 按版面宽度折行，句中折行已接回。"))
    return out


_BLOCK_START = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[、.．]|抄\s*送|联系|附件)")


def _starts_block(line: str) -> bool:
    return bool(_BLOCK_START.match(line))


def _is_tail(line: str) -> bool:
    return is_tail_text(fold(line))


def _remove(text: str, pattern: re.Pattern[str], notes: list[dict[str, str | None]], original: str | None,
            reason: str, show: bool = True) -> str:
    if not pattern.search(text):
        return text
    found = pattern.findall(text)
    if show:
        original = "、".join(sorted(set(found))[:5])
    notes.append(_note(original, None, reason))
    return pattern.sub("", text)


def _examples(text: str, pattern: re.Pattern[str]) -> str:
    out: list[str] = []
    for m in pattern.finditer(text):
        snippet = text[max(m.start() - 3, 0):m.end() + 3].replace("\n", " ")
        if snippet not in out:
            out.append(snippet)
        if len(out) == 4:
            break
    return "、".join(out) + " 等"


def _note(original: str | None, value: str | None, reason: str) -> dict[str, str | None]:
    return {"field": "body", "kind": "cleaning", "original": original, "value": value, "reason": reason}

