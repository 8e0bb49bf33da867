"""The API page: the static JSON API and the feeds, with a curl and a pandas example."""

from __future__ import annotations

from build_scripts import siteurl
from build_scripts.dataset import Dataset
from build_scripts.pages import commitments, escape
from build_scripts.pages.common import front_matter
from build_scripts.pages.feedlist import feeds
from build_scripts.pages.urls import API_INDEX, API_INDEX_FIELDS, API_PROPOSALS, DERIVED, record_path

CHANGES = (
    "<ul><li><strong>数据版本 0.2.0 起</strong>：<code>/api/derived/&lt;编号&gt;.json</code> 已并入"
    f"<code>/api/replies/&lt;编号&gt;.json</code> 的 <code>{DERIVED}</code> 键，内容不变（只去掉了重复的 <code>reply_id</code>），"
    "原地址不再提供（静态托管无法转发 JSON 地址）。原来读 <code>derived/…</code> 的程序，"
    f"改读同一编号的完整记录中的 <code>{DERIVED}</code> 即可。记录原有的字段都没有变化。</li></ul>\n"
)
"""What changed in the API's URLs and files, newest first (the changelog page links here)."""


def _code(text: str) -> str:
    return f"<pre><code>{escape.html(text)}</code></pre>\n"


def render(dataset: Dataset) -> str:
    base = siteurl.site_url()
    index_url = siteurl.absolute(API_INDEX, base)
    example = dataset.replies[0].id
    record_url = siteurl.absolute(record_path(example), base)
    curl = (f"curl -s {index_url} | python3 -m json.tool | head -40\n"
            f"curl -s {record_url} -o {example}.json")
    pandas = (
        "import json\n"
        "from urllib.request import urlopen\n\n"
        "import pandas as pd\n\n"
        f'index = json.load(urlopen("{index_url}"))\n'
        'replies = pd.DataFrame(index["replies"])          # one row per reply\n'
        'print(index["version"], len(replies))\n'
        'print(replies.groupby("agency").size())\n\n'
        'record = json.load(urlopen(replies.loc[0, "json"]))  # the full record\n'
        'sections = pd.DataFrame(record["sections"])      # heading, level, text\n'
        f'commitments = pd.DataFrame(record["{DERIVED}"]["commitments"])  # what the reply promises, by when\n'
    )
    fields = "、".join(f"<code>{escape.html(f)}</code>" for f in API_INDEX_FIELDS)
    feed_rows = "".join(
        f"<tr><td>{escape.html(feed.title)}</td>"
        f'<td><a href="{escape.html(f"../feeds/{feed.path}.atom")}">Atom</a></td>'
        f'<td><a href="{escape.html(f"../feeds/{feed.path}.json")}">JSON Feed</a></td></tr>'
        for feed in feeds(dataset)
    ) + (f"<tr><td>{escape.html(commitments.FEED_TITLE)}</td>"
         f'<td><a href="../feeds/{commitments.FEED}.atom">Atom</a></td>'
         f'<td><a href="../feeds/{commitments.FEED}.json">JSON Feed</a></td></tr>')
    return (
        front_matter("API 与订阅", "答复公开的静态 JSON API 与 Atom / JSON Feed 订阅")
        + "# API 与订阅\n\n"
        "<p>静态 JSON 文件，随每次构建生成，无需密钥、没有调用频率限制；UTF-8 编码，字段名与数据字典一致。"
        f"本页地址以 <code>{escape.html(base)}</code> 为站点根（构建时由环境变量 <code>{siteurl.ENV}</code> 设定）。</p>\n\n"
        "## 接口 { #endpoints }\n\n"
        '<div class="reply-table-wrap"><table class="data-table"><thead><tr><th scope="col">地址</th>'
        '<th scope="col">内容</th></tr></thead><tbody>'
        f'<tr><td class="nowrap"><a href="../{escape.html(API_INDEX)}"><code>/{API_INDEX}</code></a></td>'
        "<td>全部答复的索引：数据版本 <code>version</code>、总数 <code>count</code>，"
        f"以及每件答复的 {fields}，加上页面地址 <code>url</code> 和完整记录地址 <code>json</code>。</td></tr>"
        "<tr><td class=\"nowrap\"><code>/api/replies/&lt;编号&gt;.json</code></td>"
        "<td>一件答复的完整记录：全部字段、分节正文 <code>sections</code>、修复说明 <code>notes</code>；"
        f"以及 <code>{DERIVED}</code>：本站从这件答复中按规则提取的内容，承诺事项 <code>commitments</code>、"
        "关键数字 <code>figures</code>、前后相关 <code>threads</code>（与同名表格的行相同，只是不重复答复编号）"
        f'（例：<a href="../{escape.html(record_path(example))}">{escape.html(example)}.json</a>）。</td></tr>'
        f'<tr><td class="nowrap"><a href="../{escape.html(API_PROPOSALS)}"><code>/{API_PROPOSALS}</code></a></td>'
        "<td>全部建议、提案：每件的字段（与 <code>proposals.csv</code> 相同）、页面地址及其全部答复"
        "（编号、答复单位、办理方式）。</td></tr>"
        "</tbody></table></div>\n\n"
        "<p>编号即永久链接，永不更改；撤回的答复仍在索引中，<code>withdrawn_date</code> 不为空。"
        '全部记录一次下载见<a href="../data/">数据下载</a>的 <code>replies.json.gz</code>（gzip 压缩）。</p>\n\n'
        "### curl\n\n" + _code(curl)
        + "\n### pandas\n\n" + _code(pandas)
        + "\n## 接口变化 { #changes }\n\n" + CHANGES
        + "\n## 订阅 { #feeds }\n\n"
        "<p>每个订阅列出最新 50 件答复，按答复自身的日期（公开日期，无则落款日期）排序，条目日期来自数据而非构建时间。"
        "每个页面的头部都声明了全站订阅，答复单位和主题的浏览页另外声明各自的订阅，阅读器可以自动发现。</p>\n\n"
        '<div class="reply-table-wrap"><table class="data-table"><thead><tr><th scope="col">订阅</th>'
        f'<th scope="col">Atom</th><th scope="col">JSON Feed 1.1</th></tr></thead><tbody>{feed_rows}</tbody></table></div>\n'
    )
