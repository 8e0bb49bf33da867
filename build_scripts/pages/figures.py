"""Key figures on the pages: a reply's figures beside the words they come from, and money by agency
and year for the statistics page (amounts as stated by the agencies, never checked or deduplicated)."""

from __future__ import annotations

from collections import defaultdict

from build_scripts.dataset import Dataset, Reply
from build_scripts.figures import Figure
from build_scripts.pages import escape
from build_scripts.pages.facets import year

ON_REPLY_PAGE = 30
"""Figures a reply page lists (all are in figures.csv and the API record)."""
PHRASE_CHARS = 60
"""How much of a long clause a reply page shows around its figure."""
MONEY_ROWS = 50
"""Agency-year rows of the statistics page's money table."""
KINDS = {"money": "金额", "count": "数量", "percent": "比例"}


def _beside(f: Figure) -> str:
    """The clause with the figure marked; a long clause is cut around the figure."""
    at = f.phrase.find(f.quote)
    before, after = f.phrase[:at], f.phrase[at + len(f.quote):]
    room = max(0, (PHRASE_CHARS - len(f.quote)) // 2)
    if len(before) > room:
        before = "……" + before[-room:]
    if len(after) > room:
        after = after[:room] + "……"
    return f"{escape.html(before)}<mark>{escape.html(f.quote)}</mark>{escape.html(after)}"


def _value(f: Figure) -> str:
    if f.kind == "money":
        return f"{f.yuan:,} 元" if f.yuan is not None else "区间，不折算"
    return escape.html(f"{f.amount} {f.unit}")


def reply_section(reply: Reply, dataset: Dataset) -> str:
    found = dataset.figures[reply.id]
    if not found:
        return ""
    rows = "".join(
        f"<tr><td>{KINDS[f.kind]}</td><td class=\"num\">{_value(f)}</td><td>{_beside(f)}</td></tr>"
        for f in found[:ON_REPLY_PAGE]
    )
    more = (f"<p>以上为前 {ON_REPLY_PAGE} 个；全部 {len(found)} 个见数据下载中的 <code>figures.csv</code>。</p>\n"
            if len(found) > ON_REPLY_PAGE else "")
    return (
        "## 关键数字 { #figures }\n\n"
        f"<p>本件答复中的金额、数量和比例 {len(found)} 个，按规则提取，原文照录；金额按答复单位所述折合为元。</p>\n\n"
        '<div class="reply-table-wrap"><table class="notes-table figure-table"><caption>关键数字及其所在语句</caption>'
        '<thead><tr><th scope="col">类别</th><th scope="col">数值</th><th scope="col">原文</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>\n{more}"
    )


def money_by_agency_and_year(dataset: Dataset) -> str:
    """The statistics page's block: sums of stated amounts per agency and year, largest first."""
    sums: dict[tuple[str, str], list[int]] = defaultdict(list)
    for reply in dataset.replies:
        amounts = [f.yuan for f in dataset.figures[reply.id] if f.kind == "money" and f.yuan is not None]
        if amounts:
            sums[(reply["agency"], year(reply) or "未注明")].extend(amounts)
    ordered = sorted(sums, key=lambda k: (-sum(sums[k]), k))[:MONEY_ROWS]
    rows = "".join(
        f"<tr><td>{escape.html(agency)}</td><td>{escape.html(when)}</td><td class=\"num\">{len(sums[(agency, when)])}</td>"
        f"<td class=\"num\">{sum(sums[(agency, when)]):,}</td></tr>"
        for agency, when in ordered
    )
    table = ('<div class="reply-table-wrap"><table class="stat-table"><caption>各答复单位各年答复所述金额</caption><thead><tr>'
             '<th scope="col">答复单位</th><th scope="col">年份</th><th scope="col">金额个数</th>'
             f'<th scope="col">合计（元）</th></tr></thead><tbody>{rows}</tbody></table></div>') if rows else "<p>暂无金额。</p>"
    return (
        "## 答复所述金额 { #money }\n\n"
        '<p class="card-note">金额均为答复单位所述，本站未核实：同一笔资金可能在多件答复中重复出现，'
        "“累计”“其中”等金额也直接相加，合计只说明答复中提到的金额有多少，不是实际投入。"
        f"按合计从大到小列出前 {MONEY_ROWS} 行；每个金额及其原文见数据下载中的 <code>figures.csv</code>。</p>\n\n"
        + table + "\n"
    )
