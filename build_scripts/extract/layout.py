"""Where the letter is in the text: page header and chrome, salutation, body, signature, footer.

``locate`` cuts the cleaned text into ``Line``s and returns a ``Letter`` with those parts; the line
patterns it uses (``META_LABEL``, ``DATE_LINE``, ``ORG_END`` …) are shared with the field parsers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from build_scripts.extract.fold import HAN, fold
from build_scripts.extract.spam import is_spam


@dataclass(frozen=True)
class Line:
    index: int
    start: int
    end: int
    text: str
    fold: str


@dataclass(frozen=True)
class Letter:
    text: str
    fold: str
    lines: tuple[Line, ...]
    salutation: int | None  # index of the salutation line
    body_start: int  # first line of the body (the salutation when there is one)
    body_end: int  # first line after the body (signature, date, contact …)
    footer_start: int  # first line of the site footer (len(lines) when none)

    @property
    def header(self) -> tuple[Line, ...]:
        return self.lines[:self.body_start]

    @property
    def body(self) -> tuple[Line, ...]:
        return self.lines[self.body_start:self.body_end]

    @property
    def tail(self) -> tuple[Line, ...]:
        return self.lines[self.body_end:self.footer_start]

    @property
    def footer(self) -> tuple[Line, ...]:
        return self.lines[self.footer_start:]


_FOOTER_START = re.compile(r"(?:主办单位|承办单位|协办单位|运维单位|维护单位|版权所有|网站标识码|政府网站标识码|网站标识|网站地图"
                          r"|技术支持|上一篇|下一篇|上一条|下一条|打印本页|关闭窗口|【打印】|\[打印\]|分享到|扫一扫|相关链接|相关文章"
                          r"|网站维护|Copyright|©)", re.IGNORECASE)


def is_footer(folded: str) -> bool:
    """A line of the site's footer or page furniture (never of the letter)."""
    return bool(_FOOTER_START.match(folded)) or "ICP备" in folded or "公网安备" in folded
SALUTE_NEXT = re.compile(r"^(?:您|你们|你|贵|《|“|关于您|对您|现将|感谢您|首先感谢|收到|由您|您们)")
ROLE = re.compile(r"(?:代表|委员|代表团|同志|先生|女士)[:：]?$")
META_LABEL = re.compile(r"^(?:索\s*引\s*号|主题分类|发布机构|发文机关|发布日期|发布时间|成文日期|文号|字号|发文字号|名\s*称|标\s*题|关键字|关键词"
                        r"|文章来源|来源|浏览次数|公开方式|公开范围|信息来源|生成日期|分类)")
DATE_LINE = re.compile(r"^(?:[^\d〇○零一二三四五六七八九]{0,30}\s*)?(?:\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?"
                       r"|[〇○零OＯ一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月\s*[一二三四五六七八九十]{1,3}\s*日"
                       r"|\d{6,8})$")
TAIL = re.compile(r"^(?:[(（]?\s*联\s*系|抄\s*送|附件|签发|\(?此件|（?此件|[(（]?公开属性|电\s*话|手\s*机|邮\s*编|地\s*址|经\s*办\s*人"
                  r"|分管领导|来源|文章来源|信息来源|责任编辑|编辑|审核|校对|浏览次数|点击|打印|关闭|【?字体|分享|抄\s*报|主题词"
                  r"|[(（]?\s*(?:盖章|印章|公章|此页无正文)\s*[)）]?$)|印发$")
ORG_END = re.compile(rf"^[{HAN}（）()]{{3,40}}(?:局|厅|委员会|委|办公室|办|人民政府|政府|中心|院|署|处|所|会|站|队|部|街道办事处)$")


INLINE_SALUTATION = re.compile(r"^(?:尊敬的)?\s*(?P<who>[^:：。，,；;《》“”]{2,40}?(?:代表|委员|代表团|委|学社|工商联))\s*[:：]\s*(?=您|你|贵|《)")


def locate(text: str) -> Letter:
    folded = fold(text)
    lines = _lines(text, folded)
    salutation = _salutation(lines)
    # The footer is the chrome after the letter: searched from the salutation, or a third of the way in.
    footer = _footer_start(lines, salutation + 1 if salutation is not None else len(lines) // 3)
    start = salutation if salutation is not None else _body_start_without_salutation(lines, footer)
    end = _body_end(lines, start, footer)
    return Letter(text, folded, tuple(lines), salutation, start, end, footer)


def _lines(text: str, folded: str) -> list[Line]:
    out: list[Line] = []
    pos = 0
    for i, line in enumerate(text.split("\n")):
        out.append(Line(i, pos, pos + len(line), line, folded[pos:pos + len(line)]))
        pos += len(line) + 1
    return [line for line in out if line.text]


def _footer_start(lines: list[Line], first: int) -> int:
    for i in range(first, len(lines)):
        if is_footer(lines[i].fold):
            return i
    return len(lines)


_ADDRESSEE = re.compile(r"(?:代表|委员|代表团|委|学社|工商联|联合会|总工会|支部|总支)[:：]$")


def is_salutation(line: Line, following: Line | None) -> bool:
    text = line.fold
    if len(text) > 45 or "。" in text or META_LABEL.match(text) or text.startswith(("您", "你")):
        return False
    if following is not None and SALUTE_NEXT.match(following.fold) and (text.endswith(":") or ROLE.search(text)):
        return True
    return (text.endswith(":") and len(text) <= 30 and bool(_ADDRESSEE.search(text))
            and not re.match(r"(?:抄\s*送|联系|附件|签发|主送)", text))


def _salutation(lines: list[Line]) -> int | None:
    for i in range(len(lines)):
        following = lines[i + 1] if i + 1 < len(lines) else None
        if is_salutation(lines[i], following):
            return i
    return None


def _body_start_without_salutation(lines: list[Line], footer: int) -> int:
    """No salutation line: a salutation run into the text, a line addressing the proposer, a paragraph."""
    for i in range(footer):
        if INLINE_SALUTATION.match(lines[i].fold):
            return i
    for i in range(footer):
        if SALUTE_NEXT.match(lines[i].fold) and len(lines[i].text) > 15 and not _WHERE.match(lines[i].fold):
            return i
    for i in range(footer):
        if len(lines[i].text) >= 40 and "。" in lines[i].fold and not META_LABEL.match(lines[i].fold):
            return i
    return 0


_WHERE = re.compile(r"^(?:您(?:当前|现在)?(?:的|所在)?(?:位置|所在位置))")


def is_tail(line: Line) -> bool:
    return is_tail_text(line.fold)


def is_tail_text(folded: str) -> bool:
    """A line of the signature block: date, department, contact, 抄送, 印发, a bare phone number."""
    text = folded.strip()
    if not text or DATE_LINE.match(text) or TAIL.search(text) or ORG_END.match(text):
        return True
    if is_spam(text):
        return True
    return bool(re.fullmatch(r"[\d\s、,;()-]{7,}", text))


_CLOSING = re.compile(r"^(?:感谢|再次感谢|衷心感谢|非常感谢|以上答复|特此答复|特此函复|专此函复|专此答复|此复|如有不妥)")


def _body_end(lines: list[Line], start: int, footer: int) -> int:
    """The signature block is the run of tail lines at the end; or, when something follows it (an
    attachment, a form), the first tail line after the last closing paragraph."""
    end = footer
    while end > start + 1 and is_tail(lines[end - 1]):
        end -= 1
    closing = [i for i in range(start + 1, end) if _CLOSING.match(lines[i].fold)]
    if closing:
        for i in range(closing[-1] + 1, end):
            if is_tail(lines[i]):
                return i if any(DATE_LINE.match(line.fold.strip()) for line in lines[i:min(i + 8, end)]) else end
            if len(lines[i].text) > 60:
                break
    return end
