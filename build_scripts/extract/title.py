"""The reply's title: the title line nearest above the salutation, else the page's name.

Same contract as every field parser: a ``Found`` (see ``found``), empty with a warning when unsure.
"""

from __future__ import annotations

import re

from build_scripts.extract.fold import HAN
from build_scripts.extract.found import Found, Span, cut, meta_value, span_of
from build_scripts.extract.layout import META_LABEL, ORG_END, Letter
from build_scripts.extract.spam import is_spam

_TITLE_WORD = re.compile(r"答复|答覆|复函|覆函|的函|办理情况|答复意见")
_TITLE_END = re.compile(r"(?:答复|答覆|复函|覆函|的函|答复意见|办理情况|答复函|的报告)$")


# What separates a page's name from the site's (never the '-' inside 第2022-92号).
_PAGE_NAME_SEP = re.compile(r"\s*(?:[_|｜]|——|--|\s[-—]\s)\s*|(?<=[答复函])-")


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
    # A page name such as “关于……的答复_某市人民政府” (or with spam glued on by a mirror): the title part.
    for line in letter.header:
        cuts = [0] + [p for m in _PAGE_NAME_SEP.finditer(line.fold) for p in m.span()] + [len(line.fold)]
        for a, b in zip(cuts[::2], cuts[1::2]):
            value = line.fold[a:b].strip()
            if len(value) >= 8 and _TITLE_END.search(value) and not is_spam(value):
                start = line.start + a + (len(line.fold[a:b]) - len(line.fold[a:b].lstrip()))
                return _title_found(letter.text[start:start + len(value)], (start, start + len(value)))
    for line in header:
        if len(line.text) >= 8 and _TITLE_WORD.search(line.fold):
            return _title_found(line.text, (line.start, line.end))
    labelled = meta_value(letter, r"名\s*称|标\s*题", r".{8,}")
    if labelled:
        line, m = labelled
        return _title_found(cut(line, m, "v").strip(), span_of(line, m, "v"))
    return Found(warnings=["title: no title line before the salutation; left empty"])


def _title_found(value: str, span: Span) -> Found:
    found = Found(value, span)
    if "关于关于" in value:
        found.warnings.append("title: “关于关于” is doubled in the letter; kept as written")
    return found
