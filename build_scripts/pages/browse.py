"""Index pages: one per facet (agency, region, year, kind, category, topic, session, proposer, proposal,
handling role) and one per value.

Page size stays bounded however many replies there are:
- a value page lists at most ``ROWS_PER_PAGE`` replies; more go to numbered pages
  (``browse/agency/<slug>/2/``, …), newest first, so page 1 is always the newest;
- a facet page lists at most ``VALUES_PER_PAGE`` values (``browse/proposer/page-2/``, …);
- the overview shows only the ``OVERVIEW_TOP`` largest values of each facet;
- a proposal's page is its own (``proposals/<id>/``), and the facet lists only the proposals answered
  by several agencies (``facets.MIN_LISTED_REPLIES``): every proposal is in the proposals list.
Every table is sortable in the browser (reader.js); the order the build writes is the default.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from build_scripts import dates
from build_scripts.dataset import Dataset, Reply, sort_date
from build_scripts.pages import escape, proposals
from build_scripts.pages.common import breadcrumb, front_matter, pager, rel, reply_table, sortable_table
from build_scripts.pages.facets import Facet, facets, group, has_page, is_listed, value_url
from build_scripts.pages.feedlist import feed_meta
from build_scripts.pages.urls import PROPOSALS

BROWSE = "browse/"
ROWS_PER_PAGE = 120
"""Replies per value page; a value with more gets numbered pages (200 rows made 110 KB pages)."""
VALUES_PER_PAGE = 300
"""Values per facet page; a facet with more gets numbered pages (500 made 108 KB pages)."""
LONG_VALUES_PER_PAGE = {"proposal": 150}
"""Fewer values a page for facets whose labels are long (a proposal's title: 300 made 119 KB pages at
10,000 letters with one proposal in five answered by several agencies)."""
OVERVIEW_TOP = 12
"""Values shown per facet on the overview page."""

Groups = dict[str, tuple[str, list[Reply]]]

NONE_LISTED = {
    "proposal": "尚无由两个以上单位分别答复的建议提案。",
    "role": "收录的答复均未写明办理方式（主办、会办、协办等）。",
}
"""What a facet's pages say when it lists no value."""


def _listed(facet: Facet, groups: Groups) -> Groups:
    return {slug: g for slug, g in groups.items() if is_listed(facet.slug, len(g[1]))}


def pages(dataset: Dataset) -> Iterator[tuple[str, str]]:
    """(Markdown path, content) of every browse page, the overview (``browse/index.md``) first: made as
    they are asked for, so that the build never holds them all (1.2 GB at 100,000 letters)."""
    grouped = [(facet, group(dataset.replies, facet)) for facet in facets(dataset)]
    paged = proposals.with_pages(dataset)  # a proposal answered once has no page: its name is not linked
    yield "browse/index.md", _overview(grouped, dataset)
    for facet, groups in grouped:
        listed = _listed(facet, groups)
        if facet.slug == "region":
            yield "browse/region/index.md", _region_page(dataset, groups)
        else:
            yield from _facet_pages(facet, listed, _value_order(facet, listed), len(groups)).items()
        below = _children(dataset) if facet.slug == "region" else {}
        by_code = {r["code"]: r for r in dataset.vocab.regions}
        for slug, (label, replies) in groups.items():
            if not has_page(facet.slug, len(replies)):
                continue  # it links to its reply
            parents = [(r["name"], f"browse/region/{r['code']}/") for r in _chain(slug, by_code)[:-1]]
            children = [(r["code"], r["name"], len(groups[r["code"]][1])) for r in below.get(slug, []) if r["code"] in groups]
            yield from _value_pages(facet, slug, label, replies, parents if facet.slug == "region" else [], children,
                                    paged).items()


def _value_order(facet: Facet, groups: Groups) -> list[str]:
    """Default order of a facet's values: years newest first, others largest first."""
    if facet.slug == "year":
        return sorted(groups, reverse=True)
    return sorted(groups, key=lambda s: (-len(groups[s][1]), groups[s][0], s))


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


# --- facet pages: the list of values ---------------------------------------------------------

def _values_table(facet: Facet, groups: Groups, slugs: list[str], page_url: str) -> str:
    rows = []
    for slug in slugs:
        label, replies = groups[slug]
        newest = sort_date(replies[0]) if replies else ""
        href = escape.html(rel(page_url, value_url(facet.slug, slug, replies)))
        rows.append(
            f'<tr><td data-sort-value="{escape.html(label)}"><a href="{href}">{escape.html(label)}</a></td>'
            f'<td class="num" data-sort-value="{len(replies)}">{len(replies)}</td>'
            f'<td class="nowrap" data-sort-value="{escape.html(newest)}">{escape.html(dates.zh_text(newest or None))}</td></tr>'
        )
    return sortable_table(
        [(facet.title, "text"), ("答复数", "number"), ("最新答复", "date")], rows, caption=f"按{facet.title}浏览",
        cls="values-table", sorted_by=0 if facet.slug == "year" else 1,
    )


def _facet_intro(facet: Facet, groups: Groups, every: int, url: str) -> str:
    """How many values the facet's pages list, and in what order."""
    if facet.slug == "proposal":
        total = sum(len(groups[s][1]) for s in groups)
        listed = (f"其中 {len(groups)} 件由两个以上单位分别答复（主办、会办、协办单位各自答复），涉及答复 {total} 件，"
                  "按答复数从多到少排列于下；") if groups else NONE_LISTED["proposal"]
        return (f"<p>共 {every} 件建议、议案和提案。{listed}每件建议提案的页面列出对它的全部答复；"
                f'全部建议提案见<a href="{escape.html(rel(url, PROPOSALS))}">建议提案</a>列表。</p>\n\n')
    if not groups:
        return f"<p>{escape.html(NONE_LISTED.get(facet.slug, '暂无。'))}</p>\n\n"
    total = sum(len(groups[s][1]) for s in groups)
    order = "从新到旧" if facet.slug == "year" else "按答复数从多到少"
    return (f"<p>共 {len(groups)} 个{escape.html(facet.title)}，涉及答复 {total} 件次；{order}排列，"
            "点击表头可按名称、答复数或最新答复日期重新排序。</p>\n\n")


def _facet_pages(facet: Facet, groups: Groups, ordered: list[str], every: int) -> dict[str, str]:
    """The list of a facet's listed values (``groups``), ``VALUES_PER_PAGE`` a page; ``every`` counts all its values."""
    chunks = _chunks(ordered, min(VALUES_PER_PAGE, LONG_VALUES_PER_PAGE.get(facet.slug, VALUES_PER_PAGE)))
    urls = [f"browse/{facet.slug}/"] + [f"browse/{facet.slug}/page-{n}/" for n in range(2, len(chunks) + 1)]
    out = {}
    for n, (chunk, url) in enumerate(zip(chunks, urls), 1):
        md_path = f"browse/{facet.slug}/index.md" if n == 1 else f"browse/{facet.slug}/page-{n}.md"
        out[md_path] = (
            front_matter(f"按{facet.title}浏览" + (f"（第{n}页）" if n > 1 else ""), f"按{facet.title}浏览全部答复")
            + f"# 按{escape.md_inline(facet.title)}浏览\n\n"
            + breadcrumb(url, [("浏览", BROWSE)])
            + _facet_intro(facet, groups, every, url)
            + (_values_table(facet, groups, chunk, url) if groups else "")
            + pager(urls, n, url)
            + "\n"
        )
    return out


def _region_page(dataset: Dataset, groups: Groups) -> str:
    """The region hierarchy 省 → 市 → 区县, each with its count (a province counts its cities' replies)."""
    url = "browse/region/"
    children = _children(dataset)

    def tree(parent: str | None) -> str:
        items = []
        for region in (r for r in children.get(parent, []) if r["code"] in groups):
            count = len(groups[region["code"]][1])
            href = escape.html(rel(url, f"browse/region/{region['code']}/"))
            items.append(
                f'<li><a href="{href}">{escape.html(region["name"])}</a>'
                f' <span class="level">{escape.html(region["level"])}</span> <span class="count">{count} 件</span>'
                f"{tree(region['code'])}</li>"
            )
        return f'<ul class="region-tree">{"".join(items)}</ul>' if items else ""

    return (
        front_matter("按地区浏览", "按省、市、区县浏览答复")
        + "# 按地区浏览\n\n"
        + breadcrumb(url, [("浏览", BROWSE)])
        + "<p>按答复单位所在的行政区划（省 → 市 → 区县）排列；上级地区的件数包含下级地区的答复。</p>\n\n"
        + tree(None)
        + "\n"
    )


# --- value pages: the replies of one value -----------------------------------------------------

def _children(dataset: Dataset) -> dict[str | None, list[dict[str, Any]]]:
    """Region code -> the regions directly below it, by code."""
    out: dict[str | None, list[dict[str, Any]]] = {}
    for region in sorted(dataset.vocab.regions, key=lambda r: r["code"]):
        out.setdefault(region["parent"], []).append(region)
    return out


def _value_pages(facet: Facet, slug: str, label: str, replies: list[Reply], parents: list[tuple[str, str]],
                 below: list[tuple[str, str, int]], paged: frozenset[str] = frozenset()) -> dict[str, str]:
    """The value's replies, ROWS_PER_PAGE a page; ``parents`` and ``below`` place a region in its hierarchy."""
    base = f"browse/{facet.slug}/{slug}/"
    chunks = _chunks(replies, ROWS_PER_PAGE)
    urls = [base] + [f"{base}{n}/" for n in range(2, len(chunks) + 1)]
    out = {}
    for n, (chunk, url) in enumerate(zip(chunks, urls), 1):
        md_path = f"browse/{facet.slug}/{slug}.md" if n == 1 else f"browse/{facet.slug}/{slug}/{n}.md"
        crumbs = [("浏览", BROWSE), (facet.title, f"browse/{facet.slug}/")] + parents
        region_extra = _region_children(below, url)
        first, last = (n - 1) * ROWS_PER_PAGE + 1, (n - 1) * ROWS_PER_PAGE + len(chunk)
        where = f"，本页为第 {first}–{last} 件" if len(chunks) > 1 else ""
        out[md_path] = (
            front_matter(f"{label}（{facet.title}）" + (f"（第{n}页）" if n > 1 else ""),
                         f"{facet.title}：{label}，共{len(replies)}件答复", **feed_meta(facet.slug, slug, label))
            + f"# {escape.md_inline(label)}\n\n"
            + breadcrumb(url, crumbs)
            + f"<p>{escape.html(facet.title)}：共 <strong>{len(replies)}</strong> 件答复{where}。"
            "默认按日期从新到旧排列，点击表头“日期”可改为从旧到新。</p>\n\n"
            + region_extra
            + ("## 答复 { #replies }\n\n" if region_extra else "")
            + reply_table(chunk, url, caption=f"{label}的答复", paged=paged)
            + pager(urls, n, url)
            + "\n"
        )
    return out


def _chain(code: str, by_code: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The region and its parents, province first."""
    chain: list[dict[str, Any]] = []
    current = by_code.get(code)
    while current is not None and len(chain) < 5:
        chain.insert(0, current)
        current = by_code.get(current["parent"]) if current["parent"] else None
    return chain


def _region_children(below: list[tuple[str, str, int]], url: str) -> str:
    """Links to the regions directly below this one that have replies, with their counts."""
    items = "".join(
        f'<li><a href="{escape.html(rel(url, f"browse/region/{code}/"))}">{escape.html(name)}</a>'
        f' <span class="count">{count} 件</span></li>'
        for code, name, count in below
    )
    return f"## 下级地区 {{ #children }}\n\n<ul class=\"facet-list\">{items}</ul>\n\n" if items else ""


# --- overview ----------------------------------------------------------------------------------

def _overview(grouped: list[tuple[Facet, Groups]], dataset: Dataset) -> str:
    blocks = []
    provinces = {r["code"] for r in dataset.vocab.regions if r["parent"] is None}
    for facet, groups in grouped:
        listed = _listed(facet, groups)
        slugs = _value_order(facet, listed)
        if facet.slug == "region":
            slugs = [s for s in slugs if s in provinces]
        items = "".join(
            f'<li><a href="{escape.html(rel(BROWSE, value_url(facet.slug, slug, groups[slug][1])))}">{escape.html(groups[slug][0])}</a>'
            f' <span class="count">{len(groups[slug][1])}</span></li>'
            for slug in slugs[:OVERVIEW_TOP]
        )
        values = f'<ul class="facet-list">{items}</ul>' if items else f"<p>{escape.html(NONE_LISTED.get(facet.slug, '暂无。'))}</p>"
        if facet.slug == "proposal":
            more = (f'<p class="more"><a href="{facet.slug}/">由多个单位答复的 {len(listed)} 件 →</a>'
                    f' <a href="{escape.html(rel(BROWSE, PROPOSALS))}">全部 {len(groups)} 件建议提案 →</a></p>')
        else:
            more = f'<p class="more"><a href="{facet.slug}/">全部 {len(groups)} 个{escape.html(facet.title)} →</a></p>'
        blocks.append(f"## 按{escape.md_inline(facet.title)} {{ #{facet.slug} }}\n\n{values}\n{more}\n")
    intro = (
        f"<p>全部 <strong>{len(dataset.replies)}</strong> 件答复，可按下列方式浏览；每类列出答复最多的"
        f"{OVERVIEW_TOP}项，数字为答复件数。</p>\n\n"
    )
    return (
        front_matter("浏览", "按答复单位、地区、年份、类型、办理类型、主题、届次、提出人、建议提案和办理方式浏览答复")
        + "# 浏览答复\n\n" + intro + "\n".join(blocks)
    )
