"""One page per reply: metadata card, summary, contents, the text, provenance, related replies, the record.

This module puts the page together (and page 2, 3, … of a long letter, ``continuation``); the card
and provenance are in ``reply_card``, the summary, contents and text in ``reply_text``, the part
of a long letter a page shows in ``window``. The card comes first and answers who asked, what, at which body and session, who replied, when,
the 办理类型 with its meaning, the 文号 and the source. Where the record carries evidence spans
(``evidence``: {field, start, end, quote}), each card value shows the words it was read from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from build_scripts import dates
from build_scripts.dataset import Dataset, Reply, sort_date
from build_scripts.pages import citation, commitments, escape, figures, related, withdrawn
from build_scripts.pages.common import front_matter, rel
from build_scripts.pages.facets import agency_slug, has_page, proposer_counts, short_hash
from build_scripts.pages.reply_card import card, evidence_by_field, notes, raw_href, source
from build_scripts.pages.reply_text import sections, summary_line, toc
from build_scripts.pages.shell import HIDE_TOC
from build_scripts.pages.urls import record_path, reply_url
from build_scripts.pages.window import Window, part_nav
from build_scripts.threads import Link


def render(reply: Reply, dataset: Dataset, window: Window | None = None) -> str:
    """The reply's page; with a ``window``, page 1 of a long letter, holding the first part of its text."""
    url = reply_url(reply.id)
    evidence = evidence_by_field(reply)
    of = f"（第1页，共{window.count}页）" if window else ""
    after = [
        commitments.reply_section(reply, dataset),
        figures.reply_section(reply, dataset),
        "## 来源与核验 { #source }\n",
        source(reply, url, evidence),
    ]
    if reply["notes"]:
        after += ["## 修复与判断说明 { #notes }\n", notes(reply)]
    after.append(citation.section(reply, dataset))
    after += ["## 相关答复 { #related }\n", _related(reply, dataset, url)]
    after += ["## 记录数据 { #record }\n", _record_json(reply, url)]
    parts = [
        front_matter(reply["title"] + of, _description(reply) + (f"，正文第1页，共{window.count}页" if window else ""),
                     hide=HIDE_TOC),  # its own 本页目录 (``toc``) is the page's contents: no theme sidebar
        f"# {escape.md_inline(reply['title'])} {{ #reply-title }}\n",
        withdrawn.notice(reply),
        card(reply, dataset, url, evidence),
        summary_line(reply),
        toc(reply, window, [(m[2], m[1]) for p in after for m in _H2.finditer(p)]),
        "## 答复正文 { #text }\n",
        part_nav(window, "正文分页") if window else "",
        sections(reply, window),
        part_nav(window, "正文分页（本页末尾）") if window else "",
        *after,
        _print_footer(reply, url),
    ]
    return "\n".join(p for p in parts if p) + "\n"


_H2 = re.compile(r"^## (.+?) \{ #([A-Za-z][\w-]*) \}$", re.M)
"""A section heading of the generated page (our own Markdown, titles never from a letter)."""


def continuation(reply: Reply, window: Window) -> str:
    """Page 2, 3, … of a long letter: its title and part, who replied when, links back to page 1
    and to the whole text in one file, the part navigation around this part of the text."""
    of = f"（第{window.number}页，共{window.count}页）"
    return "\n".join(p for p in [
        front_matter(reply["title"] + of, f"{_description(reply)}，正文第{window.number}页，共{window.count}页"),
        f"# {escape.md_inline(reply['title'] + of)} {{ #reply-title }}\n",
        withdrawn.notice(reply),
        _part_head(reply, window.url),
        f"## 答复正文（第{window.number}页） {{ #text }}\n",
        part_nav(window, "正文分页"),
        sections(reply, window),
        part_nav(window, "正文分页（本页末尾）"),
    ] if p) + "\n"


def _part_head(reply: Reply, url: str) -> str:
    when = dates.zh_text(reply["reply_date"]) if reply["reply_date"] else "日期未注明"
    meta = " · ".join(escape.html(v) for v in (reply["agency"], when, reply["doc_number"] or "未印文号"))
    first = escape.html(rel(url, reply_url(reply.id)))
    raw = raw_href(reply, url)
    record = escape.html(rel(url, record_path(reply.id)))
    back = f'<p><a href="{first}">返回第1页：答复信息、摘要、来源与引用</a></p>'
    whole = (f'<p>全文在一个文件中（便于查找、打印）：本站保存的<a href="{raw}">原件</a>，'
             f'或<a href="{record}" type="application/json">JSON 记录</a>（含分节正文）。</p>')
    return f'<div class="part-head"><p class="part-meta">{meta}</p>{back}{whole}</div>\n'


def _description(reply: Reply) -> str:
    return f"{reply['agency']}对{reply['assembly']}{reply['proposal_number'] or ''}号{reply['proposal_kind']}的答复"


# --- the card -------------------------------------------------------------------------------


# --- summary and contents ---------------------------------------------------------------------


# --- provenance, notes, related -----------------------------------------------------------------


def _reply_item(other: Reply, url: str) -> str:
    href = escape.html(rel(url, reply_url(other.id)))
    role = f"（{other['handling_role']}）" if other["handling_role"] else ""
    return (f'<li><a href="{href}">{escape.html(other["title"])}</a>'
            f'<span>{escape.html(other["agency"] + role)} · {escape.html(dates.zh_text(sort_date(other) or None))}</span></li>')


def _list(key: str, title: str, items: Iterable[Reply], url: str, more: str = "") -> str:
    return (f'<h3 id="related-{key}">{title}</h3>'
            f'<ul class="related-list">{"".join(_reply_item(r, url) for r in items)}</ul>{more}')


def _more(lead: str, links: list[tuple[str, str]], url: str) -> str:
    """Where all replies of a kind are (a related list shows ``related.RELATED``): their browse pages."""
    if not links:
        return ""
    shown = "、".join(f'<a href="{escape.html(rel(url, href))}">{escape.html(label)}</a>' for href, label in links)
    return f'<p class="related-more">{lead}：{shown}</p>'


MORE_TOPICS = 3
"""Topic pages a 主题相近 list links (the card links every topic of the reply)."""


def _browse_links(reply: Reply, dataset: Dataset, similar: Iterable[Reply]) -> dict[str, list[tuple[str, str]]]:
    """The browse pages holding every reply of each related kind: (site URL, label); for topics,
    the first ``MORE_TOPICS`` of the reply's topics that a listed reply (``similar``) shares."""
    names = {t["id"]: t["name"] for t in dataset.vocab.topics}
    counts = proposer_counts(dataset)
    shared = {t for r in similar for t in r["topics"]}
    return {
        "topics": [(f"browse/topic/{t}/", names[t]) for t in reply["topics"] if t in shared][:MORE_TOPICS],
        "agency": [(f"browse/agency/{agency_slug(reply)}/", reply["agency"])],
        "proposer": [(f"browse/proposer/{short_hash(p)}/", p) for p in dict.fromkeys(reply["proposers"])
                     if has_page("proposer", counts.get(p, 0))],
    }


RELATED_KINDS = (("topics", "主题相近", "同主题的全部答复"), ("agency", "同一答复单位", "该单位的全部答复"),
                 ("proposer", "同一提出人", "该提出人的全部答复"))
"""(key, heading, what its browse pages hold) of each kind of related list."""


def _related(reply: Reply, dataset: Dataset, url: str) -> str:
    found = related.links(dataset, reply)
    blocks = [_threads(reply, dataset, url)]
    others = [r for r in dataset.by_proposal.get(reply["proposal_id"] or "", ()) if r.id != reply.id]
    if others:
        blocks.append(_list("proposal", "同一建议的其他答复", others, url))
    lists = {"topics": found.same_topics, "agency": found.same_agency, "proposer": found.same_proposer}
    browse = _browse_links(reply, dataset, found.same_topics)
    for key, title, lead in RELATED_KINDS:
        if lists[key]:
            blocks.append(_list(key, title, lists[key], url, _more(lead, browse[key], url)))
    if not any(blocks) and not (found.older or found.newer):
        blocks.append("<p>本站暂无与本件主题、答复单位或提出人相同的其他答复。</p>")
    pager = []
    if found.older:
        pager.append(f'<a class="pager-older" rel="prev" href="{escape.html(rel(url, reply_url(found.older.id)))}">'
                     f'<span class="pager-label">上一件（更早）</span>{escape.html(found.older["title"])}</a>')
    if found.newer:
        pager.append(f'<a class="pager-newer" rel="next" href="{escape.html(rel(url, reply_url(found.newer.id)))}">'
                     f'<span class="pager-label">下一件（更新）</span>{escape.html(found.newer["title"])}</a>')
    nav = (
        f'<nav class="agency-pager" aria-label="{escape.html(reply["agency"])}的上一件、下一件答复">{"".join(pager)}</nav>'
        if pager else ""
    )
    return f'<div class="related-block">{"".join(blocks)}{nav}</div>\n'


THREAD_LINKS = 20
"""Thread links a reply page shows (all are in threads.csv)."""
_REASONS = {"same-proposal": "同一建议", "same-proposer": "同一提出人的相近建议", "cites": "引用编号",
            "maintainer": "维护者指定"}


def _as_proposal_list(link: Link) -> bool:
    """A suggested link whose only reason is the same proposal: 同一建议的其他答复 lists it already."""
    return link.status == "suggested" and link.reasons == ("same-proposal",)


def _threads(reply: Reply, dataset: Dataset, url: str) -> str:
    """Earlier and later replies on the same matter: suggested links with their reasons, or confirmed ones."""
    shown = [link for link in dataset.threads[reply.id] if link.status != "rejected" and not _as_proposal_list(link)]
    shown = shown[:THREAD_LINKS]
    if not shown:
        return ""
    items = []
    for link in shown:
        other = dataset.by_id[link.other_id]
        label = "已确认" if link.status == "confirmed" else "建议关联"
        reasons = "、".join(_REASONS[r] for r in link.reasons)
        items.append(f'<li><a href="{escape.html(rel(url, reply_url(other.id)))}">{escape.html(other["title"])}</a>'
                     f'<span>{escape.html(other["agency"])} · {escape.html(dates.zh_text(sort_date(other) or None))}'
                     f' · <strong>{label}</strong>：{escape.html(reasons)}（{escape.html(link.detail)}）</span></li>')
    return ('<h3 id="related-thread">前后相关</h3><p class="card-note">“建议关联”由规则推断，未经核对；'
            "维护者可在记录中确认或否定。</p>"
            f'<ul class="related-list">{"".join(items)}</ul>')


def _record_json(reply: Reply, url: str) -> str:
    """Where the whole record is: the reply's JSON in the API (the page itself stays small)."""
    href = escape.html(rel(url, record_path(reply.id)))
    return (
        '<div class="record-json"><p>本答复的完整记录（全部字段，含分节正文、修复与判断说明、每项信息的出处，'
        '以及本站提取的全部承诺事项、关键数字和前后相关）：'
        f'<a href="{href}" type="application/json">JSON 格式</a>（<code>/{escape.html(record_path(reply.id))}</code>）。'
        f'全部答复的表格与数据库见<a href="{escape.html(rel(url, "data/"))}">数据下载</a>。</p></div>\n'
    )


def _print_footer(reply: Reply, url: str) -> str:
    """Shown only on paper: the permalink (made absolute by reader.js) and a citation."""
    return (
        '<div class="print-footer">'
        f'<p>本页网址：<a class="permalink" href="{escape.html(rel(url, url))}">'
        f'<span class="permalink-text">/{escape.html(url)}</span></a></p>'
        f'<p>引用：{escape.html(citation.plain(reply))}，<span class="permalink-text">/{escape.html(url)}</span></p></div>\n'
    )
