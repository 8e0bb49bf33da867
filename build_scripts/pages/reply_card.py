"""The reply page's facts: the card (who asked, what, who replied, when, 办理类型, 文号, source),
with the letter's own words beside each value (evidence), provenance, and the repair notes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from build_scripts import dates, siteurl
from build_scripts import proposals as proposal_rules
from build_scripts.dataset import Dataset, Reply
from build_scripts.fields import REPLY_FIELDS
from build_scripts.pages import escape
from build_scripts.pages.common import card_row, rel
from build_scripts.pages.facets import (
    agency_slug,
    has_page,
    proposer_counts,
    scheme_code,
    session_label,
    session_text,
    short_hash,
)
from build_scripts.pages.urls import proposal_url

FIELD_TITLES = {f.name: f.title for f in REPLY_FIELDS} | {"body": "正文"}
"""Chinese names of record fields, from the one field list (notes and evidence name fields)."""


def evidence_by_field(reply: Reply) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for span in reply.fields.get("evidence") or []:
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
    "答复单位": ("agency", "handling_role"),
    "答复日期": ("reply_date", "published_date"),
    "办理类型": ("category",),
    "文号": ("doc_number",),
    "来源": ("source_url",),
}


def card(reply: Reply, dataset: Dataset, url: str, evidence: dict[str, list[dict[str, Any]]]) -> str:
    def link(facet: str, slug: str, label: str) -> str:
        return f'<a href="{escape.html(rel(url, f"browse/{facet}/{slug}/"))}">{escape.html(label)}</a>'

    topic_names = {t["id"]: t["name"] for t in dataset.vocab.topics}
    counts = proposer_counts(dataset)
    proposers = "、".join(link("proposer", short_hash(p), p) if has_page("proposer", counts.get(p, 0)) else escape.html(p)
                         for p in reply["proposers"]) or "—"
    role = f"（{escape.html(reply['proposer_role'])}）" if reply["proposer_role"] else ""
    published = f"<span class=\"card-note\">（网上公开：{escape.html(dates.zh_text(reply['published_date']))}）</span>"
    values = {
        "提出人": proposers + role,
        "所提建议": escape.html(f"《{reply['proposal_title']}》" if reply["proposal_title"] else "未注明标题")
        + _proposal_link(reply, dataset, url),
        "提出机构与届次": link("session", short_hash(session_label(reply)), f"{reply['assembly']}{session_text(reply)}")
        + escape.html(f"，第{reply['proposal_number'] or '—'}号{reply['proposal_kind']}"),
        "答复单位": link("agency", agency_slug(reply), reply["agency"]) + f"（{escape.html(reply['region_name'])}）"
        + (f"，办理方式：{escape.html(reply['handling_role'])}" if reply["handling_role"] else ""),
        "答复日期": escape.html(dates.zh_text(reply["reply_date"])) + (published if reply["published_date"] else ""),
        "办理类型": _category(reply, dataset),
        "文号": escape.html(reply["doc_number"] or "未印文号"),
        "来源": _source_link(reply, url),
    }
    rows = [card_row(label, values[label], _quotes(label, fields, evidence)) for label, fields in CARD_FIELDS.items()]
    topics = "、".join(link("topic", t, topic_names[t]) for t in reply["topics"]) or "—"
    rows.append(card_row("主题", topics))
    return f'<dl class="reply-card" aria-label="答复信息">{"".join(rows)}</dl>\n'


def _proposal_link(reply: Reply, dataset: Dataset, url: str) -> str:
    """The proposal's page, with how many replies to it the collection holds."""
    pid = reply["proposal_id"]
    if pid is None:
        return ""
    count = len(dataset.by_proposal[pid])
    if not proposal_rules.has_page(count):  # its reply page is where the proposal is shown
        return ' <span class="card-note">（本站只收录了对本件建议的这一件答复）</span>'
    return (f' <span class="card-note"><a href="{escape.html(rel(url, proposal_url(pid)))}">本件建议的页面'
            f"（本站收录答复 {count} 件）</a></span>")


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


def raw_href(reply: Reply, url: str) -> str:
    """The link to the raw letter, from ``url``: where this site publishes it (``letters/<id>/…``),
    or its copy in the repository when the build is told so (``siteurl.letters_url``)."""
    outside = siteurl.letters_url()
    if outside:
        return escape.html(f"{outside}{quote(reply.id)}/{quote(reply['raw_file'])}")
    return escape.html(rel(url, f"letters/{reply.id}/{escape.letter_name(reply['raw_file'])}"))


def _source_link(reply: Reply, url: str) -> str:
    href = raw_href(reply, url)
    original = f'<a href="{href}">原件</a>'
    if reply["source_url"]:
        return (
            f'<a href="{escape.html(reply["source_url"])}" rel="noopener noreferrer nofollow">'
            f"{escape.html(reply['source_url'])}</a>；本站保存的{original}"
        )
    return f"原件不是从网页获取，或未记录网址；本站保存的{original}"


def source(reply: Reply, url: str, evidence: dict[str, list[dict[str, Any]]]) -> str:
    href = raw_href(reply, url)
    source = (
        f'<a href="{escape.html(reply["source_url"])}" rel="noopener noreferrer nofollow">{escape.html(reply["source_url"])}</a>'
        if reply["source_url"] else "原件不是从网页获取，或未记录网址"
    )
    rows = [
        card_row("来源网址", source),
        card_row("原件", f'<a href="{href}">{escape.html(reply["raw_file"])}</a>（逐字节保存，格式：{escape.html(reply["raw_format"])}）'),
        card_row("原件 SHA-256", f"<code>{escape.html(reply['raw_sha256'])}</code>"),
        card_row("获取日期", escape.html(dates.zh_text(reply["retrieved_date"]))),
        card_row("永久链接", f"<code>/{escape.html(url)}</code>"),
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


def notes(reply: Reply) -> str:
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
