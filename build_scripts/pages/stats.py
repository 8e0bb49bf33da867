"""The statistics page (统计): replies by year, agency, region, kind, category, topic, session, proposer
and handling role (not by proposal: ``proposals.csv`` has each proposal's count).

Each count is a bar chart drawn at build time by ``svgchart`` and, beside it, the same numbers as
a table with links to the browse pages. The groups are the browse facets, so the numbers here and
there always agree. The page stays flat in N: a facet with more than ``TOP`` values (agencies,
proposers grow with the letters) shows its ``TOP`` largest and links to its browse page, which
lists every value, and to ``stats/counts.csv``, every count of every facet (``counts_csv``).
"""

from __future__ import annotations

import csv
import io

from build_scripts import svgchart
from build_scripts.dataset import Dataset
from build_scripts.pages import escape, figures
from build_scripts.pages.common import front_matter, rel
from build_scripts.pages.facets import Facet, facets, group, value_url

PAGE = "stats/"
TOP = 20
"""Values per facet on the page (years are all shown: one per year)."""
COUNTS_CSV = "stats/counts.csv"
"""Every facet's every value with its count and browse page (path in docs and in the site)."""
NOTES = {
    "region": "每件答复计入答复单位所在地区及其上级地区，故各行之和大于答复总数。",
    "topic": "一件答复可有多个主题，故各行之和可大于答复总数。",
    "category": "办理类型的含义因定义机构而异，见数据字典。未标注办理类型的答复不计入。",
    "role": "办理方式按答复函自己的写法（主办、会办、协办等）；函中未写明的答复不计入。",
}


def _ordered(facet: Facet, groups: dict[str, tuple[str, list]]) -> list[tuple[str, str, int]]:  # type: ignore[type-arg]
    """(site-relative URL the value links to, label, count), years in order, other values largest first."""
    rows = [(value_url(facet.slug, slug, replies), label, len(replies)) for slug, (label, replies) in groups.items()]
    if facet.slug == "year":
        return sorted(rows)
    return sorted(rows, key=lambda row: (-row[2], row[0]))


def _table(facet: Facet, rows: list[tuple[str, str, int]]) -> str:
    body = "".join(
        f'<tr><td><a href="{escape.html(rel(PAGE, url))}">{escape.html(label)}</a></td>'
        f'<td class="num">{count}</td></tr>'
        for url, label, count in rows
    )
    return (f'<table class="stat-table"><caption>按{escape.html(facet.title)}</caption><thead><tr>'
            f'<th scope="col">{escape.html(facet.title)}</th><th scope="col">答复数</th></tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _more(facet: Facet, shown: int, total: int) -> str:
    if shown >= total:
        return ""
    return (f'<p class="more">此处列出答复最多的 {shown} 个{escape.html(facet.title)}，共 {total} 个：'
            f'<a href="{escape.html(rel(PAGE, f"browse/{facet.slug}/"))}">全部 {total} 个{escape.html(facet.title)} →</a>'
            f'；全部统计数字见 <a href="counts.csv" download>counts.csv</a>。</p>\n\n')


def counts_csv(dataset: Dataset) -> str:
    """``stats/counts.csv``: facet, value, replies, page (site-relative), every facet in page order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["facet", "value", "replies", "page"])
    for facet in counted(dataset):
        for url, label, count in _ordered(facet, group(dataset.replies, facet)):
            writer.writerow([facet.slug, label, count, url])
    return out.getvalue()


def counted(dataset: Dataset) -> list[Facet]:
    """The facets the page counts by."""
    return [f for f in facets(dataset) if f.stats]


def render(dataset: Dataset) -> str:
    blocks = []
    for facet in counted(dataset):
        every = _ordered(facet, group(dataset.replies, facet))
        if not every:
            blocks.append(f"## 按{escape.md_inline(facet.title)} {{ #{facet.slug} }}\n\n"
                          f"<p>收录的答复中没有可按{escape.html(facet.title)}统计的。{escape.html(NOTES.get(facet.slug, ''))}</p>\n\n")
            continue
        rows = every if facet.slug == "year" else every[:TOP]
        chart = svgchart.bar_chart([svgchart.Bar(label, count) for _, label, count in rows],
                                   title=f"按{facet.title}统计的答复数", chart_id=f"chart-{facet.slug}")
        note = f'<p class="card-note">{escape.html(NOTES[facet.slug])}</p>\n\n' if facet.slug in NOTES else ""
        blocks.append(
            f"## 按{escape.md_inline(facet.title)} {{ #{facet.slug} }}\n\n{note}"
            f'<div class="stat-block">{chart}{_table(facet, rows)}</div>\n\n' + _more(facet, len(rows), len(every))
        )
    return (
        front_matter("统计", "答复公开收录的答复按年份、答复单位、地区、类型、办理类型和主题的统计")
        + "# 统计\n\n"
        + f"<p>共 {len(dataset.replies)} 件答复。图表在构建时生成，数字与右侧表格相同；"
        "年份按落款日期（无落款日期时按公开日期）。每类最多列出答复最多的"
        f'{TOP}项；全部数字见 <a href="counts.csv" download>counts.csv</a>。</p>\n\n'
        + "\n".join(blocks)
        + "\n" + figures.money_by_agency_and_year(dataset)
    )
