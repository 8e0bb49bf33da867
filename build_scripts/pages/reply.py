"""One page per reply: metadata card, summary, contents, the text, provenance, related replies, the record.

The card comes first and answers who asked, what, at which body and session, who replied, when,
the 办理类型 with its meaning, the 文号 and the source. Where the record carries evidence spans
(``evidence``: {field, start, end, quote}), each card value shows the words it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from build_scripts.fields import REPLY_FIELDS
from build_scripts.pages import citation, escape, related, withdrawn
from build_scripts.pages.common import front_matter, rel
from build_scripts.pages.model import (
    agency_slug,
    record_path,
    date_zh,
    reply_url,
    scheme_code,
    session_label,
    session_text,
    short_hash,
    sort_date,
)
from build_scripts.records import Dataset, Reply
from build_scripts.search.text import body_places

SUMMARY_SENTENCE = 60
"""Characters kept of each section's first sentence in the summary line."""

FIELD_TITLES = {f.name: f.title for f in REPLY_FIELDS} | {"body": "正文"}
"""Chinese names of record fields, from the one field list (notes and evidence name fields)."""


Pos = tuple[int, int]
"""A place in a reply's text: (index into ``search.text.body_fields(reply)``, character offset in that field)."""


@dataclass(frozen=True)
class Window:
    """Which part of a long letter's text one page shows (see ``parts``): part ``number`` of
    ``len(urls)``, from ``starts[number - 1]`` up to the next part's start."""

    number: int  # 1-based
    starts: tuple[Pos, ...]  # where each part's text starts; starts[0] is (0, 0)
    urls: tuple[str, ...]  # each part's site-relative URL
    fields: int  # how many body fields the reply has: the end of the last part is (fields, 0)

    @property
    def count(self) -> int:
        return len(self.urls)

    @property
    def url(self) -> str:
        return self.urls[self.number - 1]

    @property
    def start(self) -> Pos:
        return self.starts[self.number - 1]

    @property
    def end(self) -> Pos:
        return self.starts[self.number] if self.number < self.count else (self.fields, 0)


body_field_places = body_places
"""(section index, "heading" or "text") of each body field, in ``search.text.body_fields``' order."""


def render(reply: Reply, dataset: Dataset, window: Window | None = None) -> str:
    """The reply's page; with a ``window``, page 1 of a long letter, holding the first part of its text."""
    url = reply_url(reply.id)
    evidence = _evidence_by_field(reply)
    of = f"（第1页，共{window.count}页）" if window else ""
    parts = [
        front_matter(reply["title"] + of, _description(reply) + (f"，正文第1页，共{window.count}页" if window else "")),
        f"# {escape.md_inline(reply['title'])} {{ #reply-title }}\n",
        withdrawn.notice(reply),
        _card(reply, dataset, url, evidence),
        _summary_line(reply),
        _toc(reply, window),
        "## 答复正文 { #text }\n",
        part_nav(window, "正文分页") if window else "",
        _sections(reply, window),
        part_nav(window, "正文分页（本页末尾）") if window else "",
        "## 来源与核验 { #source }\n",
        _source(reply, url, evidence),
    ]
    if reply["notes"]:
        parts += ["## 修复与判断说明 { #notes }\n", _notes(reply)]
    parts.append(citation.section(reply, dataset))
    parts += ["## 相关答复 { #related }\n", _related(reply, dataset, url)]
    parts += ["## 记录数据 { #record }\n", _record_json(reply, url)]
    parts += [_print_footer(reply, url)]
    return "\n".join(p for p in parts if p) + "\n"


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
        _sections(reply, window),
        part_nav(window, "正文分页（本页末尾）"),
    ] if p) + "\n"


def _part_head(reply: Reply, url: str) -> str:
    when = date_zh(reply["reply_date"]) if reply["reply_date"] else "日期未注明"
    meta = " · ".join(escape.html(v) for v in (reply["agency"], when, reply["doc_number"] or "未印文号"))
    first = escape.html(rel(url, reply_url(reply.id)))
    raw = _raw_href(reply, url)
    record = escape.html(rel(url, record_path(reply.id)))
    back = f'<p><a href="{first}">返回第1页：答复信息、摘要、来源与引用</a></p>'
    whole = (f'<p>全文在一个文件中（便于查找、打印）：本站保存的<a href="{raw}">原件</a>，'
             f'或<a href="{record}" type="application/json">JSON 记录</a>（含分节正文）。</p>')
    return f'<div class="part-head"><p class="part-meta">{meta}</p>{back}{whole}</div>\n'


def part_nav(window: Window, label: str) -> str:
    """正文分页: which part this is, links to every part (the current one marked), 上一页 and 下一页."""
    def link(n: int, text: str, cls: str = "") -> str:
        here = ' aria-current="page"' if text == f"第{k}页" else ""
        item = f'<li class="{cls}">' if cls else "<li>"
        return f'{item}<a{here} href="{escape.html(rel(window.url, window.urls[n - 1]))}">{text}</a></li>'

    k, n = window.number, window.count
    items = [link(k - 1, "上一页", "part-prev")] if k > 1 else []
    items += [link(i, f"第{i}页") for i in range(1, n + 1)]
    if k < n:
        items.append(link(k + 1, "下一页", "part-next"))
    return (f'<nav class="reply-parts" aria-label="{label}"><p class="reply-parts-note">正文较长，分 {n} 页显示，'
            f'本页为第 {k} 页。</p><ul>{"".join(items)}</ul></nav>\n')


def _description(reply: Reply) -> str:
    return f"{reply['agency']}对{reply['assembly']}{reply['proposal_number'] or ''}号{reply['proposal_kind']}的答复"


# --- the card -------------------------------------------------------------------------------

def _row(label: str, value: str, evidence: str = "") -> str:
    return f"<div class=\"card-row\"><dt>{escape.html(label)}</dt><dd>{value}{evidence}</dd></div>"


def _evidence_by_field(reply: Reply) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for span in reply.data.get("evidence") or []:
        out.setdefault(str(span["field"]), []).append(span)
    return out


def _quotes(label: str, fields: tuple[str, ...], evidence: dict[str, list[dict[str, Any]]]) -> str:
    """A small 原文 disclosure with the letter's words each value of this row was read from."""
    spans = [s for f in fields for s in evidence.get(f, [])]
    if not spans:
        return ""
    items = "".join(
        f"<li><q>{escape.html(s['quote'])}</q> <span class=\"evidence-at\">（原件第 {int(s['start'])}–{int(s['end'])} 字）</span></li>"
        for s in spans
    )
    return (
        f'<details class="evidence"><summary>原文<span class="visually-hidden">：{escape.html(label)}的出处</span>'
        f"</summary><ul>{items}</ul></details>"
    )


CARD_FIELDS: dict[str, tuple[str, ...]] = {
    "提出人": ("proposers", "proposer_role"),
    "所提建议": ("proposal_title",),
    "提出机构与届次": ("assembly", "term", "session_no", "proposal_number", "proposal_kind"),
    "答复单位": ("agency",),
    "答复日期": ("reply_date", "published_date"),
    "办理类型": ("category",),
    "文号": ("doc_number",),
    "来源": ("source_url",),
}


def _card(reply: Reply, dataset: Dataset, url: str, evidence: dict[str, list[dict[str, Any]]]) -> str:
    def link(facet: str, slug: str, label: str) -> str:
        return f'<a href="{escape.html(rel(url, f"browse/{facet}/{slug}/"))}">{escape.html(label)}</a>'

    topic_names = {t["id"]: t["name"] for t in dataset.vocab.topics}
    proposers = "、".join(link("proposer", short_hash(p), p) for p in reply["proposers"]) or "—"
    role = f"（{escape.html(reply['proposer_role'])}）" if reply["proposer_role"] else ""
    published = f"<span class=\"card-note\">（网上公开：{escape.html(date_zh(reply['published_date']))}）</span>"
    values = {
        "提出人": proposers + role,
        "所提建议": escape.html(f"《{reply['proposal_title']}》" if reply["proposal_title"] else "未注明标题"),
        "提出机构与届次": link("session", short_hash(session_label(reply)), f"{reply['assembly']}{session_text(reply)}")
        + escape.html(f"，第{reply['proposal_number'] or '—'}号{reply['proposal_kind']}"),
        "答复单位": link("agency", agency_slug(reply), reply["agency"]) + f"（{escape.html(reply['region_name'])}）",
        "答复日期": escape.html(date_zh(reply["reply_date"])) + (published if reply["published_date"] else ""),
        "办理类型": _category(reply, dataset),
        "文号": escape.html(reply["doc_number"] or "未印文号"),
        "来源": _source_link(reply, url),
    }
    rows = [_row(label, values[label], _quotes(label, fields, evidence)) for label, fields in CARD_FIELDS.items()]
    topics = "、".join(link("topic", t, topic_names[t]) for t in reply["topics"]) or "—"
    rows.append(_row("主题", topics))
    return f'<dl class="reply-card" aria-label="答复信息">{"".join(rows)}</dl>\n'


def _category(reply: Reply, dataset: Dataset) -> str:
    category = scheme_code(dataset, reply)
    if category is None:
        return "未标注"
    scheme = category["scheme"]
    return (
        f"<strong>{escape.html(category['code'])}类：{escape.html(category['label'])}</strong>"
        f"<span class=\"category-meaning\">——{escape.html(category['definition'])}</span>"
        f"<span class=\"card-note\">（按{escape.html(scheme['issuer'])}的定义"
        f"{'，定义待核实' if scheme['verified'] != 'verified' else ''}）</span>"
    )


def _raw_href(reply: Reply, url: str) -> str:
    """The link to the raw letter as this site publishes it (``letters/<id>/…``), from ``url``."""
    return escape.html(rel(url, f"letters/{reply.id}/{escape.letter_name(reply['raw_file'])}"))


def _source_link(reply: Reply, url: str) -> str:
    raw_href = _raw_href(reply, url)
    original = f'<a href="{raw_href}">原件</a>'
    if reply["source_url"]:
        return (
            f'<a href="{escape.html(reply["source_url"])}" rel="noopener noreferrer nofollow">'
            f"{escape.html(reply['source_url'])}</a>；本站保存的{original}"
        )
    return f"原件不是从网页获取，或未记录网址；本站保存的{original}"


# --- summary and contents ---------------------------------------------------------------------

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


def _summary_line(reply: Reply) -> str:
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


def _toc(reply: Reply, window: Window | None = None) -> str:
    items = ['<li><a href="#text">答复正文</a>']
    shown = _headings_shown(reply, window)
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
    items.append('<li><a href="#source">来源与核验</a></li>')
    if reply["notes"]:
        items.append('<li><a href="#notes">修复与判断说明</a></li>')
    items.append('<li><a href="#related">相关答复</a></li><li><a href="#record">记录数据</a></li>')
    return f'<nav class="reply-toc" aria-label="本页目录"><p class="reply-toc-title">本页目录</p><ul>{"".join(items)}</ul></nav>\n'


def _headings_shown(reply: Reply, window: Window | None) -> set[int] | None:
    """Indexes of the sections whose heading is in the window (None: no window, all of them)."""
    if window is None:
        return None
    return {i for f, (i, kind) in enumerate(body_field_places(reply))
            if kind == "heading" and window.start <= (f, 0) < window.end}


def _continued(reply: Reply, window: Window, depths: list[int | None]) -> list[int]:
    """Sections whose heading is repeated with （续） at the top of a part: the outline open where it starts.

    That is the last section whose heading came before the part's start, with the sections it
    sits in, less those that a heading at the very start of the part closes: so the part's
    headings never skip a level, and a section cut in two shows its heading again.
    """
    places = body_field_places(reply)
    before = [i for f, (i, kind) in enumerate(places) if kind == "heading" and (f, 0) < window.start]
    if not before:
        return []
    chain = [before[-1]]
    for j in range(before[-1] - 1, -1, -1):
        depth, top = depths[j], depths[chain[-1]]
        if depth is not None and top is not None and depth < top:
            chain.append(j)
    f, off = window.start
    if off == 0 and f < len(places) and places[f][1] == "heading":
        opening = depths[places[f][0]]
        chain = [j for j in chain if (depths[j] or 0) < (opening or 0)]
    return chain[::-1]


def _windowed(reply: Reply, window: Window) -> list[tuple[bool, str]]:
    """(heading shown, the slice of text shown) per section, for one part of the text."""
    shown: list[tuple[bool, str]] = [(False, "")] * len(reply["sections"])
    start, end = window.start, window.end
    for f, (i, kind) in enumerate(body_field_places(reply)):
        heading, text = shown[i]
        if kind == "heading":
            shown[i] = (start <= (f, 0) < end, text)
            continue
        full = reply["sections"][i]["text"]
        a = 0 if start[0] < f else start[1] if start[0] == f else len(full)
        b = len(full) if end[0] > f else end[1] if end[0] == f else 0
        shown[i] = (heading, full[a:b] if a < b else "")
    return shown


def _sections(reply: Reply, window: Window | None = None) -> str:
    out = []
    depths = heading_depths(reply)
    shown = _windowed(reply, window) if window else [(True, s["text"]) for s in reply["sections"]]
    for j in _continued(reply, window, depths) if window else []:
        out.append(f"{'#' * (depths[j] or 3)} {escape.md_inline(reply['sections'][j]['heading'])}（续） {{ #s{j + 1} }}\n")
    for i, (section, depth, (heading, text)) in enumerate(zip(reply["sections"], depths, shown), 1):
        if depth is not None and heading:
            out.append(f"{'#' * depth} {escape.md_inline(section['heading'])} {{ #s{i} }}\n")
        if text and (window is None or text.strip()):
            out.append(escape.paragraphs(text) + "\n")
    if window and window.number < window.count:
        return "\n".join(out)
    signature = [v for v in (reply["agency"], date_zh(reply["reply_date"]) if reply["reply_date"] else None) if v]
    out.append(f'<p class="letter-signature">{"<br>".join(escape.html(v) for v in signature)}</p>\n')
    contact = " ".join(v for v in (reply["contact_name"], reply["contact_phone"]) if v)
    extra = []
    if contact:
        extra.append(_row("联系人及电话", escape.html(contact)))
    if reply["signer"]:
        extra.append(_row("签发人", escape.html(reply["signer"])))
    if reply["cc"]:
        extra.append(_row("抄送", escape.html("、".join(reply["cc"]))))
    if reply["disclosure"]:
        extra.append(_row("公开属性", escape.html(reply["disclosure"])))
    if reply["index_number"]:
        extra.append(_row("索引号", escape.html(reply["index_number"])))
    if extra:
        out.append(f'<dl class="reply-card letter-footer">{"".join(extra)}</dl>\n')
    return "\n".join(out)


# --- provenance, notes, related -----------------------------------------------------------------

def _source(reply: Reply, url: str, evidence: dict[str, list[dict[str, Any]]]) -> str:
    raw_href = _raw_href(reply, url)
    source = (
        f'<a href="{escape.html(reply["source_url"])}" rel="noopener noreferrer nofollow">{escape.html(reply["source_url"])}</a>'
        if reply["source_url"] else "原件不是从网页获取，或未记录网址"
    )
    rows = [
        _row("来源网址", source),
        _row("原件", f'<a href="{raw_href}">{escape.html(reply["raw_file"])}</a>（逐字节保存，格式：{escape.html(reply["raw_format"])}）'),
        _row("原件 SHA-256", f"<code>{escape.html(reply['raw_sha256'])}</code>"),
        _row("获取日期", escape.html(date_zh(reply["retrieved_date"]))),
        _row("永久链接", f"<code>/{escape.html(url)}</code>"),
    ]
    return f'<dl class="reply-card">{"".join(rows)}</dl>\n' + _evidence_table(evidence)


ON_CARD = frozenset(f for fields in CARD_FIELDS.values() for f in fields)
"""Fields whose evidence the card shows beside the value."""


def _evidence_table(evidence: dict[str, list[dict[str, Any]]]) -> str:
    """The evidence of the fields not on the card (the card shows its own beside each value)."""
    rest = {name: spans for name, spans in evidence.items() if name not in ON_CARD}
    if not rest:
        return ""
    rows = "".join(
        f'<tr><td data-label="字段">{escape.html(FIELD_TITLES.get(name, name))} <code>{escape.html(name)}</code></td>'
        f'<td data-label="原文"><q>{escape.html(s["quote"])}</q></td>'
        f'<td data-label="位置（字）" class="nowrap">{int(s["start"])}–{int(s["end"])}</td></tr>'
        for name in sorted(rest) for s in rest[name]
    )
    return (
        '<details class="evidence-all"><summary>其余各项信息在原件中的出处</summary>'
        '<div class="reply-table-wrap"><table class="notes-table"><thead><tr><th scope="col">字段</th>'
        '<th scope="col">原文</th><th scope="col">位置（字）</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div></details>\n"
    )


def _notes(reply: Reply) -> str:
    kinds = {"repair": "修复", "cleaning": "清洗", "decision": "判断"}
    rows = "".join(
        "<tr>"
        f'<td data-label="字段">{escape.html(FIELD_TITLES.get(n["field"], n["field"]))} <code>{escape.html(n["field"])}</code></td><td data-label="类型">{escape.html(kinds[n["kind"]])}</td>'
        f'<td data-label="原文">{escape.html(n["original"] or "—")}</td><td data-label="采用值">{escape.html(n["value"] or "—")}</td>'
        f'<td data-label="理由">{escape.html(n["reason"])}</td>'
        "</tr>"
        for n in reply["notes"]
    )
    return (
        '<div class="reply-table-wrap"><table class="notes-table"><thead><tr><th scope="col">字段</th>'
        '<th scope="col">类型</th><th scope="col">原文</th><th scope="col">采用值</th><th scope="col">理由</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div>\n"
    )


def _reply_item(other: Reply, url: str) -> str:
    href = escape.html(rel(url, reply_url(other.id)))
    return (
        f'<li><a href="{href}">{escape.html(other["title"])}</a>'
        f'<div class="reply-sub">{escape.html(other["agency"])} · {escape.html(date_zh(sort_date(other) or None))}</div></li>'
    )


def _related(reply: Reply, dataset: Dataset, url: str) -> str:
    found = related.links(dataset, reply)
    blocks = []
    for key, title, items in (("topics", "主题相近", found.same_topics), ("agency", "同一答复单位", found.same_agency),
                              ("proposer", "同一提出人", found.same_proposer)):
        if items:
            blocks.append(f'<h3 id="related-{key}">{title}</h3>'
                          f"<ul class=\"related-list\">{''.join(_reply_item(r, url) for r in items)}</ul>")
    if not blocks:
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


def _record_json(reply: Reply, url: str) -> str:
    """Where the whole record is: the reply's JSON in the API (the page itself stays small)."""
    href = escape.html(rel(url, record_path(reply.id)))
    return (
        '<div class="record-json"><p>本答复的完整记录（全部字段，含分节正文、修复与判断说明、每项信息的出处）：'
        f'<a href="{href}" type="application/json">JSON 格式</a>（<code>/{escape.html(record_path(reply.id))}</code>）。'
        f'全部答复的表格与数据库见<a href="{escape.html(rel(url, "data/"))}">数据下载</a>。</p></div>\n'
    )


def _plain_citation(reply: Reply) -> str:
    """A plain-text citation: agency, title, 文号, date, site."""
    doc = f"（{reply['doc_number']}）" if reply["doc_number"] else ""
    when = date_zh(reply["reply_date"]) if reply["reply_date"] else "日期未注明"
    return f"{reply['agency']}：《{reply['title']}》{doc}，{when}。答复公开收录"


def _print_footer(reply: Reply, url: str) -> str:
    """Shown only on paper: the permalink (made absolute by reader.js) and a citation."""
    return (
        '<div class="print-footer">'
        f'<p>本页网址：<a class="permalink" href="{escape.html(rel(url, url))}">'
        f'<span class="permalink-text">/{escape.html(url)}</span></a></p>'
        f'<p>引用：{escape.html(_plain_citation(reply))}，<span class="permalink-text">/{escape.html(url)}</span></p></div>\n'
    )
