"""Index pages: one per facet (agency, region, year, kind, category, topic) and one per value."""

from __future__ import annotations

from build_scripts.pages import escape
from build_scripts.pages.common import front_matter, rel, reply_table
from build_scripts.pages.feedmeta import feed_meta
from build_scripts.pages.model import Facet, facets, group
from build_scripts.records import Dataset

BROWSE = "browse/"


def pages(dataset: Dataset) -> dict[str, str]:
    """Markdown path -> content for every browse page."""
    out: dict[str, str] = {"browse/index.md": _overview(dataset)}
    for facet in facets(dataset):
        groups = group(dataset.replies, facet)
        out[f"browse/{facet.slug}/index.md"] = _facet_page(facet, groups)
        for slug, (label, replies) in groups.items():
            url = f"browse/{facet.slug}/{slug}/"
            out[f"browse/{facet.slug}/{slug}.md"] = (
                front_matter(f"{label}（{facet.title}）", f"{facet.title}：{label}，共{len(replies)}件答复",
                             **feed_meta(facet.slug, slug, label))
                + f"# {escape.md_inline(label)}\n\n"
                + f'<p class="breadcrumb"><a href="{rel(url, BROWSE)}">浏览</a> › '
                + f'<a href="{rel(url, f"browse/{facet.slug}/")}">{escape.html(facet.title)}</a></p>\n\n'
                + f"<p>共 {len(replies)} 件答复，按日期从新到旧排列。</p>\n\n"
                + reply_table(replies, url)
                + "\n"
            )
    return out


def _facet_list(facet: Facet, groups: dict[str, tuple[str, list]], page_url: str) -> str:  # type: ignore[type-arg]
    items = "".join(
        f'<li><a href="{escape.html(rel(page_url, f"browse/{facet.slug}/{slug}/"))}">{escape.html(label)}</a>'
        f' <span class="count">{len(replies)}</span></li>'
        for slug, (label, replies) in groups.items()
    )
    return f'<ul class="facet-list">{items}</ul>'


def _facet_page(facet: Facet, groups: dict[str, tuple[str, list]]) -> str:  # type: ignore[type-arg]
    url = f"browse/{facet.slug}/"
    return (
        front_matter(f"按{facet.title}浏览", f"按{facet.title}浏览全部答复")
        + f"# 按{escape.md_inline(facet.title)}浏览\n\n"
        + f'<p class="breadcrumb"><a href="{rel(url, BROWSE)}">浏览</a></p>\n\n'
        + _facet_list(facet, groups, url)
        + "\n"
    )


def _overview(dataset: Dataset) -> str:
    blocks = []
    for facet in facets(dataset):
        groups = group(dataset.replies, facet)
        blocks.append(f"## 按{escape.md_inline(facet.title)} {{ #{facet.slug} }}\n\n{_facet_list(facet, groups, BROWSE)}\n")
    return front_matter("浏览", "按单位、地区、年份、类型、办理类型和主题浏览答复") + "# 浏览答复\n\n" + "\n".join(blocks)
