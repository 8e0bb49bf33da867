"""答复时效: how fast agencies answer and publish, per agency (median, slowest), as charts and tables.

Two measures, each only where its dates are known: days from the reply to its publication online;
days from the session the proposal was made at (``datasets/vocab/sessions.yaml``) to the reply. The
answer periods set by rule are listed with the rule cited and whether it has been verified. The page
stays small: the ``AGENCIES`` agencies with the most replies; every day count is in replies.csv.
"""

from __future__ import annotations

from collections import defaultdict

from build_scripts import dates, speed, svgchart
from build_scripts.dataset import Dataset
from build_scripts.pages import escape
from build_scripts.pages.common import front_matter, rel

PAGE = "speed/"
AGENCIES = 40
"""Agencies per table and chart."""
VERIFIED = {"verified": "已核实", "unverified": "待核实"}


def _by_agency(dataset: Dataset, field: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for reply in dataset.replies:
        if reply[field] is not None:
            out[reply["agency"]].append(int(reply[field]))
    return out


def _block(dataset: Dataset, field: str, slug: str, title: str, intro: str) -> str:
    groups = _by_agency(dataset, field)
    if not groups:
        return f"## {title} {{ #{slug} }}\n\n<p>{escape.html(intro)}</p>\n\n<p>暂无可计算的答复。</p>\n"
    ordered = sorted(groups, key=lambda a: (-len(groups[a]), a))[:AGENCIES]
    rows, bars = [], []
    for agency in ordered:
        found = speed.summary(groups[agency])
        assert found is not None  # every group has a value
        count, median, slowest = found
        bars.append(svgchart.Bar(agency, round(median)))
        rows.append(f"<tr><td>{escape.html(agency)}</td><td class=\"num\">{count}</td>"
                    f"<td class=\"num\">{median:g}</td><td class=\"num\">{slowest}</td></tr>")
    every = [v for values in groups.values() for v in values]
    overall = speed.summary(every)
    assert overall is not None
    chart = svgchart.bar_chart(bars, title=f"{title}：各答复单位的中位数（天）", chart_id=f"chart-{slug}")
    table = (f'<table class="stat-table"><caption>{escape.html(title)}（天）</caption><thead><tr>'
             '<th scope="col">答复单位</th><th scope="col">答复数</th><th scope="col">中位数</th>'
             f'<th scope="col">最慢</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return (f"## {title} {{ #{slug} }}\n\n<p>{escape.html(intro)}全部 {overall[0]} 件：中位数 {overall[1]:g} 天，"
            f"最慢 {overall[2]} 天。按答复数从多到少列出前 {min(AGENCIES, len(groups))} 个答复单位"
            f"（共 {len(groups)} 个）。</p>\n\n"
            f'<div class="stat-block">{chart}{table}</div>\n')


def _sessions(dataset: Dataset) -> str:
    rows = "".join(
        f"<tr><td>{escape.html(s['assembly'])}第{s['term']}届第{s['session_no']}次会议</td>"
        f"<td>{escape.html(dates.zh_text(s['start_date']))}</td><td>{escape.html(VERIFIED[s['verified']])}</td>"
        f"<td>{escape.html(s['source'])}</td></tr>"
        for s in dataset.vocab.sessions
    )
    periods = "".join(
        f"<tr><td>{escape.html(p['issuer'])}</td><td class=\"num\">{p['days']}</td>"
        f"<td>{escape.html(VERIFIED[p['verified']])}</td><td>{escape.html(p['rule'])}</td></tr>"
        for p in dataset.vocab.answer_periods
    )
    return (
        "## 会议日期与答复期限 { #rules }\n\n"
        "<p>会议日期和答复期限都是数据（<code>datasets/vocab/sessions.yaml</code>、"
        "<code>answer_periods.yaml</code>），各注出处；“待核实”表示尚未找到制定机构自己的文本，使用前请核对。"
        "法定期限一般自交办之日起算，交办日期信中多未写明，故本页不判断是否超期。</p>\n\n"
        '<div class="reply-table-wrap"><table class="notes-table"><caption>已收录日期的会议</caption><thead><tr>'
        '<th scope="col">会议</th><th scope="col">开幕</th><th scope="col">核实</th><th scope="col">出处</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div>\n\n"
        '<div class="reply-table-wrap"><table class="notes-table"><caption>答复期限及依据</caption><thead><tr>'
        '<th scope="col">适用</th><th scope="col">天数</th><th scope="col">核实</th><th scope="col">依据</th>'
        f"</tr></thead><tbody>{periods}</tbody></table></div>\n"
    )


def render(dataset: Dataset) -> str:
    return (
        front_matter("答复时效", "各答复单位从会议到答复、从答复到公开的天数：中位数与最慢")
        + "# 答复时效\n\n"
        + "<p>天数只用答复函和网页上的日期计算，缺一个日期的答复不计入。每件答复的天数见"
        f'<a href="{escape.html(rel(PAGE, "data/"))}">数据下载</a>中 <code>replies.csv</code> 的 '
        "<code>days_to_publication</code>、<code>days_from_session</code> 两列。</p>\n\n"
        + _block(dataset, "days_from_session", "session", "会议至答复",
                 "从提出建议的会议开幕到答复落款的天数（只计会议日期已收录的答复）。")
        + "\n" + _block(dataset, "days_to_publication", "publication", "答复至公开",
                        "从答复落款到网上公开的天数。")
        + "\n" + _sessions(dataset)
    )
