"""The reply page's reading aids and text: the summary line, the contents, the sections with
their heading levels, and the letter's signature and footer (one part of it for a long letter)."""

from __future__ import annotations

import re

from build_scripts import dates
from build_scripts.dataset import Reply
from build_scripts.pages import escape
from build_scripts.pages.common import card_row, rel
from build_scripts.pages.window import Window, continued, headings_shown, windowed

SUMMARY_SENTENCE = 60
"""Characters kept of each section's first sentence in the summary line."""


_SENTENCE_END = re.compile(r"(?<=[。！？；])")


def first_sentence(text: str, limit: int = SUMMARY_SENTENCE) -> str:
    """The first sentence of a text, cut to ``limit`` characters with an ellipsis."""
    first_para = text.strip().split("\n", 1)[0].strip()
    sentence = _SENTENCE_END.split(first_para, 1)[0].strip() if first_para else ""
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip("，、,;；：:") + "…"


def summary_items(reply: Reply) -> list[tuple[str, str]]:
    """(heading, first sentence) of each top-level titled section."""
    titled = [s for s in reply["sections"] if s["heading"]]
    top = min((s["level"] for s in titled), default=1)
    return [(s["heading"], first_sentence(s["text"] or "")) for s in titled if s["level"] == top]


def summary_line(reply: Reply) -> str:
    what = f"答复《{reply['proposal_title']}》。" if reply["proposal_title"] else ""
    points = "".join(
        f"<li><strong>{escape.html(heading)}</strong>{'：' + escape.html(text) if text else ''}</li>"
        for heading, text in summary_items(reply)
    )
    body = f'<ul class="summary-points">{points}</ul>' if points else ""
    return f'<div class="reply-summary"><p><strong>摘要：</strong>{escape.html(what)}</p>{body}</div>\n'


def heading_depths(reply: Reply) -> list[int | None]:
    """HTML heading level of each section (None for untitled ones), below the h2 of 答复正文.

    Levels nest like an outline: a section is one heading level below the nearest earlier
    section of a smaller level, and h3 when there is none. So a letter whose first heading is
    （一） still gives h3, and 一、 followed by a level-3 heading gives h3 then h4: no skipped level.
    """
    depths: list[int | None] = []
    stack: list[tuple[int, int]] = []  # (section level, heading depth) of the open outline
    for section in reply["sections"]:
        if not section["heading"]:
            depths.append(None)
            continue
        level = max(section["level"], 1)
        while stack and stack[-1][0] >= level:
            stack.pop()
        depth = min(stack[-1][1] + 1 if stack else 3, 6)
        stack.append((level, depth))
        depths.append(depth)
    return depths


def toc(reply: Reply, window: Window | None, after: list[tuple[str, str]]) -> str:
    """The page's own contents (本页目录): the text with its headings, then ``after``, the sections
    that follow the text as (id, title); the page's only contents, the theme's is hidden (issue 13)."""
    items = ['<li><a href="#text">答复正文</a>']
    shown = headings_shown(reply, window)
    sub = "".join(
        f'<li class="toc-d{depth}"><a href="#s{i}">{escape.html(section["heading"])}</a></li>'
        for i, (section, depth) in enumerate(zip(reply["sections"], heading_depths(reply)), 1)
        if depth is not None and (shown is None or i - 1 in shown)
    )
    if window:
        others = "、".join(f'<a href="{escape.html(rel(window.url, u))}">第{n}页</a>'
                          for n, u in enumerate(window.urls, 1) if n != window.number)
        sub += f'<li class="toc-parts">正文其余部分：{others}</li>'
    items.append(f"<ul>{sub}</ul></li>" if sub else "</li>")
    items += [f'<li><a href="#{ident}">{escape.html(title)}</a></li>' for ident, title in after]
    return f'<nav class="reply-toc" aria-label="本页目录"><p class="reply-toc-title">本页目录</p><ul>{"".join(items)}</ul></nav>\n'


def sections(reply: Reply, window: Window | None = None) -> str:
    out = []
    depths = heading_depths(reply)
    shown = windowed(reply, window) if window else [(True, s["text"]) for s in reply["sections"]]
    for j in continued(reply, window, depths) if window else []:
        out.append(f"{'#' * (depths[j] or 3)} {escape.md_inline(reply['sections'][j]['heading'])}（续） {{ #s{j + 1} }}\n")
    for i, (section, depth, (heading, text)) in enumerate(zip(reply["sections"], depths, shown), 1):
        if depth is not None and heading:
            out.append(f"{'#' * depth} {escape.md_inline(section['heading'])} {{ #s{i} }}\n")
        if text and (window is None or text.strip()):
            out.append(escape.paragraphs(text) + "\n")
    if window and window.number < window.count:
        return "\n".join(out)
    signature = [v for v in (reply["agency"], dates.zh_text(reply["reply_date"]) if reply["reply_date"] else None) if v]
    out.append(f'<p class="letter-signature">{"<br>".join(escape.html(v) for v in signature)}</p>\n')
    contact = " ".join(v for v in (reply["contact_name"], reply["contact_phone"]) if v)
    extra = []
    if contact:
        extra.append(card_row("联系人及电话", escape.html(contact)))
    if reply["signer"]:
        extra.append(card_row("签发人", escape.html(reply["signer"])))
    if reply["cc"]:
        extra.append(card_row("抄送", escape.html("、".join(reply["cc"]))))
    if reply["disclosure"]:
        extra.append(card_row("公开属性", escape.html(reply["disclosure"])))
    if reply["index_number"]:
        extra.append(card_row("索引号", escape.html(reply["index_number"])))
    if extra:
        out.append(f'<dl class="reply-card letter-footer">{"".join(extra)}</dl>\n')
    return "\n".join(out)
