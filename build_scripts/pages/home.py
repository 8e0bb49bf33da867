"""The home page: what this is, how much is here, the newest replies."""

from __future__ import annotations

from build_scripts.pages.common import front_matter, reply_table
from build_scripts.pages.model import newest_first
from build_scripts.records import Dataset

NEWEST = 10


def render(dataset: Dataset) -> str:
    replies = dataset.replies
    agencies = {r["agency"] for r in replies}
    regions = {r["region_code"] for r in replies}
    return (
        front_matter("首页", "政府部门对人大代表建议、政协提案的答复函，公开、可查、可下载。", hide=["navigation", "toc"])
        + "# 答复公开\n\n"
        + '<p class="lead">答复公开收录政府部门对人大代表建议、议案和政协委员提案的答复函，'
        "首先是社区治理方面的答复。每封答复都保存原件并注明来源，正文经过清洗、分节，"
        "可以浏览、检索、引用，也可以下载全部数据。</p>\n\n"
        + '<p class="lead-en" lang="en">An open-data portal of official replies by Chinese government '
        "departments to people's-congress deputies' suggestions and CPPCC members' proposals, "
        "starting with community governance.</p>\n\n"
        + f'<ul class="stats"><li><strong>{len(replies)}</strong> 件答复</li>'
        f"<li><strong>{len(agencies)}</strong> 个答复单位</li>"
        f"<li><strong>{len(regions)}</strong> 个地区</li></ul>\n\n"
        + '<p class="home-links"><a class="md-button md-button--primary" href="browse/">浏览答复</a> '
        '<a class="md-button" href="data/">下载数据</a> <a class="md-button" href="about/">关于本站</a></p>\n\n'
        + "## 最新答复\n\n"
        + reply_table(newest_first(replies)[:NEWEST], "")
        + "\n"
    )
