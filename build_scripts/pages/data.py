"""The data page (downloads) and the data dictionary, both generated from the Table Schemas."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from build_scripts import fields as fields_mod
from build_scripts import package as package_mod
from build_scripts import replytext, siteurl
from build_scripts.dataset import Dataset
from build_scripts.fields import FLAT_TABLE
from build_scripts.pages import citation, escape
from build_scripts.pages.common import front_matter
from build_scripts.pages.recipes import RECIPES
from build_scripts.sqlitedb import FOLD_TABLE, FTS_TABLE, SEARCH_VIEW, SHORT_TABLE

EXCEL_NOTE = ("标准 CSV 与 JSON、SQLite 中的值与记录逐字相同；只有 Excel 版（带 BOM 的 CSV 和 XLSX）里，"
              "以 = + - @、制表符或回车开头的文本单元格前加了一个英文单引号 '，以免 Excel 把它当作公式执行（CSV 注入）。"
              "其余单元格与标准 CSV 逐格相同。")
EXCEL_NOTE_EN = ("The canonical CSV, JSON and SQLite hold every value verbatim; only in the Excel 版 (the CSVs with a BOM "
                 "and the XLSX) does a text cell that starts with = + - @, a tab or a carriage return get a leading "
                 "apostrophe, so that a spreadsheet never runs it as a formula (CSV injection).")
"""What the Excel files change (the downloads page and the data dictionary both say it; issue 17)."""


DOWNLOADS_TITLE = "数据下载"
DOWNLOADS_DESCRIPTION = "下载答复公开的全部数据：标准数据包（CSV）、Excel 版、全文宽表、JSON、SQLite 与压缩包"


def downloads_placeholder() -> str:
    """The 数据下载 page as MkDocs first renders it, before the downloads exist: its title and description
    (the navigation and the other pages are the same either way); rendered again from the manifest last."""
    return front_matter(DOWNLOADS_TITLE, DOWNLOADS_DESCRIPTION) + f"# {DOWNLOADS_TITLE}\n"


def downloads(package: dict[str, Any], manifest: dict[str, Any], dataset: Dataset) -> str:
    """The 数据下载 page: the dates, recipes per tool, every file with what it is for, size, rows, sha256; license and sources."""
    files = manifest["files"]
    by_kind = lambda *kinds: [f for f in files if f["kind"] in kinds]  # noqa: E731
    version = escape.html(package["version"])
    return (
        front_matter(DOWNLOADS_TITLE, DOWNLOADS_DESCRIPTION)
        + f"# {DOWNLOADS_TITLE}\n\n"
        + f"<p>数据包 <code>{escape.html(package['name'])}</code>，版本 <strong>{version}</strong>"
        "（版本规则与变化见<a href=\"../changelog/\">更新记录</a>）。"
        "每个文件的大小、行数和 SHA-256 也写在 <a href=\"manifest.json\">manifest.json</a> 中，"
        "下载后可用 <code>sha256sum 文件名</code> 核对。</p>\n\n"
        + _dates(package)
        + _recipes(files)
        + "## 标准数据包（CSV） { #canonical }\n\n"
        "<p>这是权威版本：Frictionless 数据包，CSV 为 UTF-8 编码（<strong>无 BOM</strong>），换行符为 LF，按主键排序，"
        "列表值以“、”分隔。<a href=\"datapackage.json\">datapackage.json</a> 描述每张表的字段、类型、约束、主外键，"
        "并记录每个 CSV 的字节数（bytes）和哈希（hash）；可用 <code>frictionless validate datapackage.json</code> 校验。"
        "R、Python（pandas）、数据库等工具请用这一版，并按上面的读取方法指定列类型。</p>\n\n"
        + _file_table(by_kind("descriptor", "canonical"))
        + "\n## 全文宽表与按年文件 { #flat }\n\n"
        f"<p>只想要一个文件：<code>{FLAT_TABLE.name}.csv</code> 每件答复一行，含答复表（replies）的全部字段，"
        "外加 <code>text</code> 列：整封答复清洗后的全文（各节小标题单独一行，节与节之间空一行）。"
        f"<code>by-year/</code> 下按年份分文件（按答复日期，无答复日期的按公开日期；gzip 压缩，"
        "pandas 与 R 的 readr 可直接读取 <code>.csv.gz</code>，也可先用解压软件解压），"
        "各文件的 Excel 版（带 BOM）在下面 Excel 版的 CSV 压缩包里。字段说明见<a href=\"dictionary/#replies_text\">数据字典</a>。"
        "它不是数据包的一部分，由数据包生成；正文超过 32,767 字的答复在 Excel 中会被截断，请用 CSV 工具或 SQLite。</p>\n\n"
        + _file_table(by_kind("text", "year"))
        + "\n## Excel 版 { #excel }\n\n"
        "<p><strong>用 Excel 打开请下载这一版。</strong>XLSX 工作簿每张表一个工作表，内容与标准 CSV 逐格相同："
        "整数列为数值，日期列为日期（格式 yyyy-mm-dd，可按日期排序筛选），其余为文本"
        "（<code>0079</code>、行政区划代码等标识符保留前导零，任何单元格都不会被当作公式）。"
        "中文 Windows 上的 Excel 会把不带 BOM 的 UTF-8 CSV 显示成乱码，所以这里的 CSV 在开头加了 UTF-8 BOM（3 个字节），"
        "各表的这种 CSV 打包为一个 zip，解压后打开；"
        "但直接双击打开 CSV 时 Excel 仍会把 0079 读成 79、把日期按本机格式改写，"
        "所以要保留类型请用工作簿，或用上面的 Power Query 读取。"
        "不少程序会把 BOM 读成第一个列名的一部分，所以标准版不带 BOM，两种都提供。"
        f"{EXCEL_NOTE}</p>\n\n"
        + _file_table(by_kind("excel"))
        + "\n## 其他格式 { #other }\n\n"
        + _file_table(by_kind("json", "sqlite", "zip"))
        + "\n" + _sqlite_help()
        + "\n<p>逐条记录的 JSON 也可按编号单独获取，见 <a href=\"../api/\">JSON API</a>；"
        "新答复可通过 <a href=\"../api/#feeds\">Atom / JSON Feed 订阅</a>。"
        "<a href=\"dictionary/\">数据字典</a>说明每张表、每个字段的含义、类型、约束和示例值。</p>\n\n"
        + _license(package, dataset, files)
        + "\n" + citation.dataset_section(dataset)
    )


def _dates(package: dict[str, Any]) -> str:
    """The two dates, each saying what it is (issue 15): when the data last changed, and the newest reply."""
    dates = package.get("dates", {})
    changed, newest = dates.get("last_changed") or "—", dates.get("newest_reply") or "—"
    in_version = dates.get("last_changed_version")
    return (
        '<ul class="data-dates">'
        f'<li><strong>数据最近变更</strong>：<time id="last-changed">{escape.html(changed)}</time>'
        + (f"（版本 {escape.html(in_version)}）" if in_version else "")
        + "。取<a href=\"../changelog/\">更新记录</a>中最近一次记录变化（新增、修改或撤回答复）所带的最新日期："
        "新增或修改的记录取其获取日期（无则公开日期或答复日期），撤回取撤回日期。构建不读时钟，所以这是数据本身给出的日期。</li>"
        f'<li><strong>最新答复</strong>：<time id="newest-reply">{escape.html(newest)}</time>，'
        "即全部答复中最新的公开日期或答复日期（引用中的“数据日期”也是它）。</li></ul>\n"
        "<p><code>datapackage.json</code> 的 <code>dates</code> 字段给出同样两个日期"
        "（<code>last_changed</code>、<code>newest_reply</code>）。</p>\n\n"
    )


def _recipes(files: list[dict[str, Any]]) -> str:
    """One block per tool, each with a copy button; the code is generated from the field list."""
    stem = next((f["path"].removesuffix(".sqlite.zip") for f in files if f["kind"] == "sqlite"), "")
    blocks = "".join(
        f'<h3 id="recipe-{key}-title">{escape.html(title)}</h3>\n'
        f'<div class="recipe" id="recipe-{key}"><button type="button" class="citation-copy" data-copy="recipe-{key}" '
        f'data-copy-code hidden>复制</button><pre><code>{escape.html(make(stem))}</code></pre></div>\n'
        for key, title, make in RECIPES
    )
    return (
        "## 五分钟上手：读取时保留类型 { #recipes }\n\n"
        "<p>CSV 不带类型：直接用 <code>pandas.read_csv</code> 或 Excel 双击打开，"
        "<code>proposal_number</code> 的 <code>0079</code> 会变成 79，行政区划代码变成整数，日期只是文字。"
        "下面每段代码都按 <code>datapackage.json</code> 的 Table Schema 指定每一列的类型："
        "标识符为文本，整数可为空，日期为日期。在解压后的数据目录中运行。"
        "pandas、frictionless 和 SQLite 的代码由测试原样运行并与数据包核对；R 与 Power Query 的代码由同一字段表生成，"
        "但本站的测试环境没有 R 和 Excel，未经运行。Excel 用户最简单的办法是直接打开 XLSX 工作簿（见下文）。</p>\n\n"
        + blocks + "\n"
    )


def _file_link(f: dict[str, Any]) -> str:
    """A file in the site, or a release asset (too large for the site) at its stable URL."""
    if f.get("url"):
        return (f'<a href="{escape.html(f["url"])}" rel="noopener noreferrer">{escape.html(f["path"])}</a>'
                '<span class="card-note">（文件较大，作为发布附件提供）</span>')
    return f'<a href="{escape.html(f["path"])}" download>{escape.html(f["path"])}</a>'


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 10_000_000 else f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} B"


def _file_table(files: list[dict[str, Any]]) -> str:
    rows = "".join(
        "<tr>"
        f"<td>{_file_link(f)}</td>"
        f"<td>{escape.html(f['title'])}</td>"
        f'<td class="nowrap">{"—" if f["rows"] is None else f["rows"]}</td>'
        f'<td class="nowrap">{_size(f["bytes"])}</td>'
        f"<td><code class=\"hash\">{escape.html(f['sha256'])}</code></td>"
        "</tr>"
        for f in files
    )
    return (
        '<div class="reply-table-wrap"><table class="data-table"><thead><tr><th scope="col">文件</th>'
        '<th scope="col">内容</th><th scope="col">行数</th><th scope="col">大小</th><th scope="col">SHA-256</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div>\n"
    )


def _sqlite_help() -> str:
    return (
        "<p><strong>SQLite</strong>：zip 中是数据库和 Datasette 配置（<code>.datasette.json</code>）。数据库含全部表"
        f"（主键、外键与标准数据包一致）和全文检索：视图 <code>{SEARCH_VIEW}</code> 与网站检索的结果完全相同——"
        "标题、建议标题、答复单位、文号、提出人和正文中含有检索词的答复，一个字起，两个字的人名（如“陆林”）也能找到。"
        f"用法：<code>select rowid from {SEARCH_VIEW} where {SEARCH_VIEW} match '\"检索词\"'</code>"
        "（检索词加英文双引号；rowid 即 replies 表的 rowid）。这个视图请这样放在 <code>rowid in (…)</code> 里或与 replies 连接使用："
        f"SQLite 不能在它上面直接做聚合（如 <code>select count(*) from {SEARCH_VIEW} where …</code> 会报错），"
        f"计数请写 <code>select count(*) from replies where rowid in (select rowid from {SEARCH_VIEW} where …)</code>。它由两个索引组成："
        f"<code>{FTS_TABLE}</code>（trigram，三个字及以上）和 <code>{SHORT_TABLE}</code>（一两个字），"
        "都建在与网站相同规范化后的文本上（繁体转简体、全角转半角、英文转小写、去掉空白），所以检索词也要是规范化后的形式："
        f"简体、半角、无空格。要像网站一样直接输入繁体、全角或带空格的词，用上面的“与网站相同的检索”SQL："
        f"它按表 <code>{FOLD_TABLE}</code> 逐字规范化检索词（与网站在浏览器中的做法相同）。</p>\n\n"
        "<p><strong>Datasette</strong>：<code>datasette 数据库.sqlite</code> 即可在 replies 表和 replies_text 视图（每件答复的全文）上使用搜索框"
        f"（Datasette 自动把 <code>{SEARCH_VIEW}</code> 关联到这两处），输入简体、半角、无空格的词，"
        "结果与网站相同；Datasette 把空格分开的几个词当作“同时包含”，而网站忽略空格，所以请不要在词中加空格。"
        "加上 <code>-m 数据库.datasette.json</code> 还会多一个“全文检索（与网站检索相同）”查询页（<code>/数据库名/search</code>），"
        "繁体、全角、空格都按网站的方式处理。Datasette 的搜索框本身不做繁简转换：这需要插件，我们没有提供。</p>\n"
    )


def _license(package: dict[str, Any], dataset: Dataset, files: list[dict[str, Any]]) -> str:
    licenses = "、".join(
        f'<a href="{escape.html(lic["path"])}" rel="license noopener noreferrer">{escape.html(lic["title"])}（{escape.html(lic["name"])}）</a>'
        for lic in package["licenses"]
    )
    return (
        "## 许可与来源 { #license }\n\n"
        f"<p><strong>数据整理部分</strong>（表结构、清洗后的分节正文、主题、修复说明、数据字典）采用 {licenses} 许可："
        "可以复制、改编和商业使用，须署名“答复公开”并注明数据版本。</p>\n\n"
        "<p><strong>答复函本身</strong>是国家机关的公文。依《中华人民共和国著作权法》第五条，"
        "法律、法规，国家机关的决议、决定、命令和其他具有立法、行政、司法性质的文件及其官方正式译文不适用该法，"
        "因此答复函文字可以自由引用和转载；但它们仍是答复单位的正式表态：引用时请注明答复单位、文号和日期，"
        "不要删改原意，并以原始来源为准。信中的联系人姓名和电话是答复单位公开印发的办公联系信息，"
        "请只用于核实答复。</p>\n\n"
        + _sources(dataset, files)
    )


SOURCES_TOP = 20
"""Source sites listed on the page; every record's own source is on its reply page and in replies.csv."""


def source_hosts(dataset: Dataset) -> list[tuple[str, int]]:
    """(site the letters were taken from, how many), most first; "" for letters not from a web page."""
    counts: dict[str, int] = {}
    for reply in dataset.replies:
        host = (urlsplit(reply["source_url"]).hostname or "") if reply["source_url"] else ""
        counts[host] = counts.get(host, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _sources(dataset: Dataset, files: list[dict[str, Any]]) -> str:
    """Where the letters come from, by site (flat in N), and where each record's own source is: replies.csv,
    in the site or, over the release size, at its release URL (``files``: the manifest's)."""
    replies = next((f for f in files if f["path"] == "replies.csv"), {"path": "replies.csv"})
    hosts = source_hosts(dataset)
    shown = hosts[:SOURCES_TOP]
    rows = "".join(
        f"<tr><td>{escape.html(host) if host else '原件不是从网页获取'}</td><td class=\"num\">{count}</td></tr>"
        for host, count in shown
    )
    more = f"<p>此处列出答复最多的 {len(shown)} 个来源网站，共 {len(hosts)} 个。</p>\n\n" if len(shown) < len(hosts) else ""
    return (
        "<p>每条记录的来源：来源网址（网页获取的）或原件文件，以及原件的 SHA-256，写在每件答复页面的“来源与核验”中，"
        "也在 " + _file_link(replies) + " 的 <code>source_url</code>、<code>raw_file</code>、"
        "<code>raw_sha256</code> 列（Excel 版同）。" + _where_letters() + "</p>\n\n"
        '<div class="reply-table-wrap"><table class="data-table"><caption>按来源网站</caption><thead><tr>'
        '<th scope="col">来源网站</th><th scope="col">答复数</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>\n\n" + more
    )


def dictionary(package: dict[str, Any], dataset: Dataset, examples: dict[str, dict[str, str]]) -> str:
    """The 数据字典 page; ``examples``: table -> field -> a value from the data (``package.examples``)."""
    examples = {name: dict(found) for name, found in examples.items()}
    flat = {"name": FLAT_TABLE.name, "title": FLAT_TABLE.title, "description": FLAT_TABLE.description,
            "schema": package_mod.table_schema(FLAT_TABLE)}
    examples[FLAT_TABLE.name] = {**examples["replies"],
                                 "text": next((t for t in map(replytext.full_text, dataset.replies) if t), "")}
    blocks = []
    for resource in [*package["resources"], flat]:
        schema = resource["schema"]
        rows = "".join(
            "<tr>"
            f"<td><code>{escape.html(f['name'])}</code></td><td>{escape.html(f['title'])}</td>"
            f"<td>{escape.html(f['type'])}</td><td>{escape.html(_constraints(f))}</td>"
            f"<td>{escape.html(f['description'])}</td>"
            f"<td>{_example(examples[resource['name']].get(f['name']), _documented(resource['name'], f['name']))}</td>"
            "</tr>"
            for f in schema["fields"]
        )
        keys = "主键：" + "、".join(schema["primaryKey"])
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"]["resource"] or resource["name"]
            keys += f"；外键：{'、'.join(fk['fields'])} → {target}.{'、'.join(fk['reference']['fields'])}"
        blocks.append(
            f"## {escape.md_inline(resource['name'])}（{escape.md_inline(resource['title'])}） {{ #{resource['name']} }}\n\n"
            f"<p>{escape.html(resource['description'])}</p>\n\n<p class=\"keys\">{escape.html(keys)}</p>\n\n"
            '<div class="reply-table-wrap"><table class="dictionary-table"><thead><tr><th scope="col">字段</th>'
            '<th scope="col">中文名</th><th scope="col">类型</th><th scope="col">约束</th>'
            f'<th scope="col">说明</th><th scope="col">示例值（取自数据）</th></tr></thead><tbody>{rows}</tbody></table></div>\n'
        )
    return (
        front_matter("数据字典", "答复公开数据包的表与字段说明")
        + "# 数据字典\n\n<p>由数据包的 Table Schema 生成，与 datapackage.json 一致；示例值取自当前数据"
        "（该字段第一个非空值，过长的截断）；某列在数据中全部为空时给出字段表中的格式示例并注明。</p>\n\n"
        f"<p>{EXCEL_NOTE} {EXCEL_NOTE_EN}</p>\n\n"
        + _categories(dataset)
        + "\n".join(blocks)
    )


EXAMPLE_CHARS = 60


def _example(value: str | None, documented: str | None) -> str:
    if not value:
        if documented:
            return f'<code>{escape.html(documented)}</code><span class="card-note">（格式示例；数据中暂无此值）</span>'
        return '<span class="card-note">（暂无数据）</span>'
    value = " ".join(value.split())
    short = value if len(value) <= EXAMPLE_CHARS else value[:EXAMPLE_CHARS] + "…"
    return f"<code>{escape.html(short)}</code>"


def _documented(table_name: str, field_name: str) -> str | None:
    """The example written in the field list, for columns the data does not fill yet."""
    table = FLAT_TABLE if table_name == FLAT_TABLE.name else fields_mod.table(table_name)
    return next((f.example for f in table.fields if f.name == field_name), None)


def _categories(dataset: Dataset) -> str:
    """办理类型: each issuer's codes with its definition, source and whether it is verified."""
    status = {"verified": "已核实", "unverified": "待核实"}
    rows = "".join(
        "<tr>"
        + (f'<td rowspan="{len(s["codes"])}">{escape.html(s["issuer"])}<br><code>{escape.html(s["scheme"])}</code></td>'
           if i == 0 else "")
        + f"<td>{escape.html(c['code'])}</td><td>{escape.html(c['label'])}</td><td>{escape.html(c['definition'])}</td>"
        + (f'<td rowspan="{len(s["codes"])}">{escape.html(s["source"])}</td>'
           f'<td rowspan="{len(s["codes"])}">{status[s["verified"]]}</td>' if i == 0 else "")
        + "</tr>"
        for s in dataset.vocab.category_schemes for i, c in enumerate(s["codes"])
    )
    return (
        "## 办理类型（各定义机构） { #category-definitions }\n\n"
        "<p>办理类型（A、B、C……）没有全国统一的含义，由各人大常委会、政协各自规定；"
        "每件答复的类别按其提出机构所属的体系解释。“待核实”表示尚未找到定义机构自己的文本，"
        "定义取通行用法，引用前请核对。</p>\n\n"
        '<div class="reply-table-wrap"><table class="dictionary-table"><thead><tr><th scope="col">定义机构</th>'
        '<th scope="col">代码</th><th scope="col">名称</th><th scope="col">定义</th><th scope="col">出处</th>'
        f'<th scope="col">核实状态</th></tr></thead><tbody>{rows}</tbody></table></div>\n\n'
    )


def _constraints(field: dict[str, Any]) -> str:
    c = field.get("constraints", {})
    parts = ["必填" if c.get("required") else "可空"]
    if "enum" in c:
        parts.append("取值：" + "、".join(c["enum"]))
    if "pattern" in c:
        parts.append(f"格式：{c['pattern']}")
    if "minimum" in c:
        parts.append(f"最小值：{c['minimum']}")
    if "maxLength" in c:
        parts.append(f"最长：{c['maxLength']}")
    return "；".join(parts)


def _where_letters() -> str:
    """Where the raw letters are kept: in this site, or the repository's copy (``siteurl.letters_url``)."""
    outside = siteurl.letters_url()
    if outside:
        return (f"原件逐字节保存在项目仓库中（<code>{escape.html(outside)}&lt;编号&gt;/</code>），"
                "每件答复页面的“原件”链接指向它。")
    return "原件逐字节保存在 <code>letters/&lt;编号&gt;/</code>。"
