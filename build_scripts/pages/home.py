"""The home page: what this is, how much is here, a search box, ways in, the newest replies."""

from __future__ import annotations

from build_scripts.dataset import Dataset, newest_first
from build_scripts.pages import proposals
from build_scripts.pages.common import front_matter, reply_table

NEWEST = 10

SEARCH_FORM = (
    '<form class="home-search" role="search" action="search/" method="get">'
    '<label for="home-q">搜索答复</label>'
    '<div class="home-search-row"><input id="home-q" name="q" type="search" '
    'placeholder="如：社区减负、社工站" autocomplete="off">'
    '<button type="submit" class="md-button md-button--primary">搜索</button></div></form>'
)

BROWSE_LINKS = (
    ("browse/agency/", "按答复单位"), ("browse/region/", "按地区"), ("browse/year/", "按年份"),
    ("browse/topic/", "按主题"), ("browse/kind/", "按类型"), ("browse/category/", "按办理类型"),
    ("browse/session/", "按届次"), ("browse/proposer/", "按提出人"),
)


def render(dataset: Dataset) -> str:
    replies = dataset.replies
    agencies = {r["agency"] for r in replies}
    regions = {r["region_code"] for r in replies}
    ways = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in BROWSE_LINKS)
    return (
        front_matter("首页", "政府部门对人大代表建议、政协提案的答复函，公开、可查、可下载。", hide=["navigation", "toc"])
        + "# 答复公开\n\n"
        + '<p class="lead">答复公开收录政府部门对人大代表建议、议案和政协委员提案的答复函，'
        "首先是社区治理方面的答复。每封答复都保存原件并注明来源，正文经过清洗、分节，"
        "可以浏览、检索、引用，也可以下载全部数据。</p>\n\n"
        + SEARCH_FORM + "\n\n"
        + f'<ul class="stats" aria-label="收录情况"><li><strong>{len(replies)}</strong> 件答复</li>'
        f"<li>来自 <strong>{len(agencies)}</strong> 个答复单位</li>"
        f"<li>涉及 <strong>{len(regions)}</strong> 个地区</li></ul>\n\n"
        + "## 浏览 { #browse }\n\n"
        + f'<ul class="home-ways">{ways}</ul>\n\n'
        + '<p class="home-links"><a class="md-button" href="browse/">全部浏览方式</a> '
        '<a class="md-button" href="data/">下载数据</a> <a class="md-button" href="about/">关于本站</a></p>\n\n'
        + "## 最新答复 { #newest }\n\n"
        + reply_table(newest_first(replies)[:NEWEST], "", caption="最新收录的答复，按日期从新到旧",
                      paged=proposals.with_pages(dataset))
        + "\n\n"
        + '<p class="lead-en" lang="en">An open-data portal of official replies by Chinese government '
        "departments to people's-congress deputies' suggestions and CPPCC members' proposals, "
        "starting with community governance.</p>\n"
    )
