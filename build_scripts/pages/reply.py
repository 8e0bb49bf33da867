"""One page per reply: metadata card, the proposal, the text, provenance, the record as JSON."""

from __future__ import annotations

import json

from build_scripts.pages import citation, escape, evidence, withdrawn
from build_scripts.pages.common import front_matter, rel
from build_scripts.pages.model import date_zh, reply_url, scheme_code, session_text
from build_scripts.records import Dataset, Reply

HEADING_DEPTH = {1: "##", 2: "###", 3: "####"}


def render(reply: Reply, dataset: Dataset) -> str:
    url = reply_url(reply.id)
    parts = [
        front_matter(reply["title"], _summary(reply)),
        f"# {escape.md_inline(reply['title'])} {{ #reply-title }}\n",
        withdrawn.notice(reply),
        _card(reply, dataset),
        "## 所答复的建议 { #proposal }\n",
        _proposal(reply),
        "## 答复正文 { #text }\n",
        _sections(reply),
        "## 来源与核验 { #source }\n",
        _source(reply, url),
    ]
    if reply["notes"]:
        parts += ["## 修复与判断说明 { #notes }\n", _notes(reply)]
    parts.append(citation.section(reply, dataset))
    parts += [evidence.render(reply)]
    parts += ["## 记录数据 { #record }\n", _record_json(reply)]
    return "\n".join(parts) + "\n"


def _summary(reply: Reply) -> str:
    return f"{reply['agency']}对{reply['assembly']}{reply['proposal_number'] or ''}号{reply['proposal_kind']}的答复"


def _row(label: str, value: str) -> str:
    return f"<div class=\"card-row\"><dt>{escape.html(label)}</dt><dd>{value}</dd></div>"


def _card(reply: Reply, dataset: Dataset) -> str:
    topic_names = {t["id"]: t["name"] for t in dataset.vocab.topics}
    category = scheme_code(dataset, reply)
    category_html = (
        f"{escape.html(category['code'])}类：{escape.html(category['label'])}"
        f"<span class=\"card-note\">（{escape.html(category['scheme']['issuer'])}的定义"
        f"{'，待核实' if category['scheme']['verified'] != 'verified' else ''}）</span>"
        if category else "未标注"
    )
    rows = [
        _row("提出人", escape.html("、".join(reply["proposers"]) or "—") + (
            f"（{escape.html(reply['proposer_role'])}）" if reply["proposer_role"] else "")),
        _row("建议", escape.html(f"{reply['assembly']}{session_text(reply)}第{reply['proposal_number'] or '—'}号"
                               f"{reply['proposal_kind']}")),
        _row("答复单位", escape.html(reply["agency"]) + f"（{escape.html(reply['region_name'])}）"),
        _row("答复日期", escape.html(date_zh(reply["reply_date"]))),
        _row("公开日期", escape.html(date_zh(reply["published_date"]))),
        _row("文号", escape.html(reply["doc_number"] or "未印文号")),
        _row("办理类型", category_html),
        _row("主题", escape.html("、".join(topic_names[t] for t in reply["topics"]) or "—")),
    ]
    return f'<dl class="reply-card">{"".join(rows)}</dl>\n'


def _proposal(reply: Reply) -> str:
    rows = [
        _row("类型", escape.html(reply["proposal_kind"])),
        _row("提出机构", escape.html(reply["assembly"])),
        _row("届次", escape.html(session_text(reply))),
        _row("编号", escape.html(reply["proposal_number"] or "—")),
        _row("提出人", escape.html("、".join(reply["proposers"]) or "—")),
        _row("标题", escape.html(f"《{reply['proposal_title']}》" if reply["proposal_title"] else "—")),
    ]
    return f'<dl class="reply-card proposal-card">{"".join(rows)}</dl>\n'


def _sections(reply: Reply) -> str:
    out = []
    for i, section in enumerate(reply["sections"], 1):
        if section["heading"]:
            out.append(f"{HEADING_DEPTH[section['level']]} {escape.md_inline(section['heading'])} {{ #s{i} }}\n")
        if section["text"]:
            out.append(escape.paragraphs(section["text"]) + "\n")
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


def _source(reply: Reply, url: str) -> str:
    raw_href = escape.html(rel(url, f"letters/{reply.id}/{escape.letter_name(reply['raw_file'])}"))
    source = (
        f'<a href="{escape.html(reply["source_url"])}" rel="noopener noreferrer nofollow">{escape.html(reply["source_url"])}</a>'
        if reply["source_url"] else "原件不是从网页获取，或未记录网址"
    )
    rows = [
        _row("来源网址", source),
        _row("原件", f'<a href="{raw_href}">{escape.html(reply["raw_file"])}</a>（逐字节保存，格式：{escape.html(reply["raw_format"])}）'),
        _row("原件 SHA-256", f"<code>{escape.html(reply['raw_sha256'])}</code>"),
        _row("获取日期", escape.html(date_zh(reply["retrieved_date"]))),
        _row("永久链接", f"<code>{escape.html(url)}</code>"),
    ]
    return f'<dl class="reply-card">{"".join(rows)}</dl>\n'


def _notes(reply: Reply) -> str:
    kinds = {"repair": "修复", "cleaning": "清洗", "decision": "判断"}
    rows = "".join(
        "<tr>"
        f"<td>{escape.html(n['field'])}</td><td>{escape.html(kinds[n['kind']])}</td>"
        f"<td>{escape.html(n['original'] or '—')}</td><td>{escape.html(n['value'] or '—')}</td>"
        f"<td>{escape.html(n['reason'])}</td>"
        "</tr>"
        for n in reply["notes"]
    )
    return (
        '<div class="reply-table-wrap"><table class="notes-table"><thead><tr><th scope="col">字段</th>'
        '<th scope="col">类型</th><th scope="col">原文</th><th scope="col">采用值</th><th scope="col">理由</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div>\n"
    )


def _record_json(reply: Reply) -> str:
    """The record as JSON, its sections shortened to headings: the text is on the page above,
    and repeating it would double the page (the whole record is in the data package)."""
    data = dict(reply.data)
    data["sections"] = [{"heading": s["heading"], "level": s["level"], "text": f"（正文{len(s['text'])}字，见上文）"}
                        for s in reply.data["sections"]]
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return (
        '<details class="record-json"><summary>查看本答复的记录（JSON）</summary>'
        f"<pre><code>{escape.html(text)}</code></pre></details>\n"
    )
