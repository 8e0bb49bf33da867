"""承诺事项: what the replies promise, by deadline and by agency; and a reply page's own commitments.

Whether a deadline has passed is judged against the data's date (``Dataset.data_date``, the newest
reply or publication date), never the build's clock: the same records give the same page. The page
stays small however many replies there are: the ``ROWS`` nearest deadlines ahead and the ``ROWS``
most recently passed, the ``AGENCIES`` agencies with the most commitments; all of them are in
``data/commitments.csv``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from build_scripts import dates
from build_scripts.commitments import Commitment
from build_scripts.dataset import Dataset, Reply
from build_scripts.pages import escape
from build_scripts.pages.common import front_matter, rel
from build_scripts.pages.urls import reply_url

PAGE = "commitments/"
ROWS = 60
"""Commitments listed in each of the two deadline tables."""
AGENCIES = 50
"""Agencies listed in the by-agency table."""
SHOWN_CHARS = 90
"""How much of a long sentence the site-wide page shows (the reply page shows it whole)."""
ON_REPLY_PAGE = 30
"""Commitments a reply page lists (a long letter may have hundreds; all are in the API record)."""
REPLY_CHARS = 80
"""How much of a sentence a reply page shows (one sentence can be a whole badly punctuated letter)."""
FEED = "commitments"
FEED_TITLE = "答复公开：承诺事项"


@dataclass(frozen=True)
class Promise:
    reply: Reply
    position: int
    commitment: Commitment


def promises(dataset: Dataset) -> list[Promise]:
    return [Promise(r, i, c) for r in dataset.replies for i, c in enumerate(dataset.commitments[r.id], 1)]


def is_overdue(commitment: Commitment, dataset: Dataset) -> bool:
    """The deadline has passed by the data's date (not the clock's)."""
    return commitment.deadline is not None and commitment.deadline < dataset.data_date.isoformat()


def anchor(position: int) -> str:
    """The commitment's anchor on its reply page; those past ``ON_REPLY_PAGE`` link to the section."""
    return f"commitment-{position}" if position <= ON_REPLY_PAGE else "commitments"


def _shown(sentence: str, limit: int = SHOWN_CHARS) -> str:
    return sentence if len(sentence) <= limit else sentence[:limit] + "……"


def _deadline_cell(c: Commitment, overdue: bool) -> str:
    when = escape.html(dates.zh_text(c.deadline)) if c.deadline else "未写明"
    mark = ' <strong class="overdue">已过期</strong>' if overdue else ""
    return (f'<td class="nowrap" data-sort-value="{escape.html(c.deadline or "")}">{when}{mark}'
            f'<div class="reply-sub">{escape.html(c.deadline_words or "")}</div></td>')


def _rows(items: list[Promise], dataset: Dataset) -> str:
    out = []
    for p in items:
        href = escape.html(rel(PAGE, reply_url(p.reply.id)) + "#" + anchor(p.position))
        out.append(
            f"<tr>{_deadline_cell(p.commitment, is_overdue(p.commitment, dataset))}"
            f"<td>{escape.html(p.reply['agency'])}</td>"
            f'<td><a href="{href}">{escape.html(_shown(p.commitment.sentence))}</a></td></tr>'
        )
    return "".join(out)


def _table(items: list[Promise], dataset: Dataset, caption: str) -> str:
    if not items:
        return "<p>暂无。</p>\n"
    return (f'<div class="reply-table-wrap"><table class="reply-table commitment-table"><caption>{escape.html(caption)}</caption>'
            '<thead><tr><th scope="col">时限</th><th scope="col">答复单位</th><th scope="col">承诺事项</th></tr></thead>'
            f"<tbody>{_rows(items, dataset)}</tbody></table></div>\n")


def render(dataset: Dataset) -> str:
    every = promises(dataset)
    today = dataset.data_date.isoformat()
    dated = [p for p in every if p.commitment.deadline]
    ahead = sorted((p for p in dated if p.commitment.deadline >= today),  # type: ignore[operator]
                   key=lambda p: (p.commitment.deadline, p.reply["agency"], p.reply.id, p.position))
    passed = sorted((p for p in dated if p.commitment.deadline < today),  # type: ignore[operator]
                    key=lambda p: (p.commitment.deadline, p.reply["agency"], p.reply.id, p.position), reverse=True)
    return (
        front_matter("承诺事项", "各答复中的承诺事项：时限、答复单位与原文", feed=FEED, feed_title=FEED_TITLE)
        + "# 承诺事项\n\n"
        + f"<p>从 {len(dataset.replies)} 件答复中按规则找出承诺语句 <strong>{len(every)}</strong> 条，其中写明时限的 "
        f"{len(dated)} 条；以数据日期 <time datetime=\"{today}\">{escape.html(dates.zh_text(today))}</time>"
        f"（最新一件答复或公开的日期，不是构建当天）计，已过期 {len(passed)} 条。"
        "时限按答复日期推算（如“年底前”为答复当年12月31日），原文照录。承诺语句由规则提取，可能有遗漏或误收；"
        f'全部承诺见<a href="{escape.html(rel(PAGE, "data/"))}">数据下载</a>中的 <code>commitments.csv</code>，'
        f'订阅：<a href="{escape.html(rel(PAGE, f"feeds/{FEED}.atom"))}">Atom</a>、'
        f'<a href="{escape.html(rel(PAGE, f"feeds/{FEED}.json"))}">JSON Feed</a>。</p>\n\n'
        + "## 即将到期 { #ahead }\n\n"
        + f"<p>时限未到的承诺，按时限从近到远，最多列 {ROWS} 条。</p>\n\n"
        + _table(ahead[:ROWS], dataset, "即将到期的承诺")
        + "\n## 已过期 { #passed }\n\n"
        + f"<p>时限已过（相对数据日期）的承诺，按时限从近到远，最多列 {ROWS} 条。过期只说明时限已过，"
        "不说明是否已经完成。</p>\n\n"
        + _table(passed[:ROWS], dataset, "时限已过的承诺")
        + "\n## 按答复单位 { #agency }\n\n"
        + _agency_table(every, dataset)
    )


def _agency_table(every: list[Promise], dataset: Dataset) -> str:
    total = Counter(p.reply["agency"] for p in every)
    dated = Counter(p.reply["agency"] for p in every if p.commitment.deadline)
    overdue = Counter(p.reply["agency"] for p in every if is_overdue(p.commitment, dataset))
    ordered = sorted(total, key=lambda a: (-total[a], a))[:AGENCIES]
    rows = "".join(f"<tr><td>{escape.html(a)}</td><td class=\"num\">{total[a]}</td><td class=\"num\">{dated[a]}</td>"
                   f"<td class=\"num\">{overdue[a]}</td></tr>" for a in ordered)
    return (f"<p>承诺最多的 {min(len(total), AGENCIES)} 个答复单位（共 {len(total)} 个）。</p>\n\n"
            '<div class="reply-table-wrap"><table class="stat-table"><caption>各答复单位的承诺</caption><thead><tr>'
            '<th scope="col">答复单位</th><th scope="col">承诺</th><th scope="col">有时限</th><th scope="col">已过期</th>'
            f"</tr></thead><tbody>{rows}</tbody></table></div>\n")


def reply_section(reply: Reply, dataset: Dataset) -> str:
    """A reply page's 承诺事项: each sentence whole, its deadline and where it is in the text."""
    found = dataset.commitments[reply.id]
    if not found:
        return ""
    items = []
    for position, c in enumerate(found[:ON_REPLY_PAGE], 1):
        section = reply["sections"][c.section - 1]
        where = escape.html(section["heading"] or f"第{c.section}段")
        deadline = (f"时限：{escape.html(c.deadline_words or '')}（{escape.html(dates.zh_text(c.deadline))}"
                    + ("，以数据日期计已过期" if is_overdue(c, dataset) else "") + "）") if c.deadline else "未写明时限"
        items.append(f'<li id="{anchor(position)}"><q>{escape.html(_shown(c.sentence, REPLY_CHARS))}</q>'
                     f'<div class="reply-sub">{deadline} · 见“{where}”，第 {c.start}–{c.end} 字</div></li>')
    return ("## 承诺事项 { #commitments }\n\n"
            f"<p>本件答复中按规则找出的承诺语句 {len(found)} 条（原文照录；时限按答复日期推算）。"
            f'全站的承诺见<a href="{escape.html(rel(reply_url(reply.id), PAGE))}">承诺事项</a>。</p>\n\n'
            f'<ol class="commitment-list">{"".join(items)}</ol>\n' + _more(reply, len(found)))


def _more(reply: Reply, count: int) -> str:
    if count <= ON_REPLY_PAGE:
        return ""
    return (f"<p>以上为前 {ON_REPLY_PAGE} 条；全部 {count} 条见"
            f'<a href="{escape.html(rel(reply_url(reply.id), "data/"))}">数据下载</a>中的 <code>commitments.csv</code>。</p>\n')
