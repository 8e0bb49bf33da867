"""The data page (downloads) and the data dictionary, both generated from the Table Schemas."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from build_scripts import fields as fields_mod
from build_scripts import package as package_mod
from build_scripts.dataset import Dataset
from build_scripts.pages import citation, escape
from build_scripts.pages.common import front_matter
from build_scripts.sqlitedb import FTS_EXAMPLE


def downloads(package: dict[str, Any], manifest: dict[str, Any], dataset: Dataset) -> str:
    """The 数据下载 page: every file with what it is for, size, rows, sha256; license and sources."""
    files = manifest["files"]
    by_kind = lambda *kinds: [f for f in files if f["kind"] in kinds]  # noqa: E731
    version = escape.html(package["version"])
    return (
        front_matter("数据下载", "下载答复公开的全部数据：标准数据包（CSV）、Excel 版、JSON、SQLite 与压缩包")
        + "# 数据下载\n\n"
        + f"<p>数据包 <code>{escape.html(package['name'])}</code>，版本 <strong>{version}</strong>"
        f"（数据日期 {escape.html(dataset.data_date.isoformat())}；版本规则与变化见<a href=\"../changelog/\">更新记录</a>）。"
        "每个文件的大小、行数和 SHA-256 也写在 <a href=\"manifest.json\">manifest.json</a> 中，"
        "下载后可用 <code>sha256sum 文件名</code> 核对。</p>\n\n"
        + "## 标准数据包（CSV） { #canonical }\n\n"
        "<p>这是权威版本：Frictionless 数据包，CSV 为 UTF-8 编码（<strong>无 BOM</strong>），换行符为 LF，按主键排序，"
        "列表值以“、”分隔。<a href=\"datapackage.json\">datapackage.json</a> 描述每张表的字段、类型、约束、主外键，"
        "并记录每个 CSV 的字节数（bytes）和哈希（hash）；可用 <code>frictionless validate datapackage.json</code> 校验。"
        "R、Python（pandas）、数据库等工具请用这一版。</p>\n\n"
        + _file_table(by_kind("descriptor", "canonical"))
        + "\n## Excel 版 { #excel }\n\n"
        "<p><strong>用 Excel 打开请下载这一版。</strong>中文 Windows 上的 Excel 会把不带 BOM 的 UTF-8 CSV 显示成乱码，"
        "所以这里的 CSV 在开头加了 UTF-8 BOM（3 个字节），其余与标准 CSV 逐字节相同（打包为一个 zip，解压后打开）；"
        "而不少程序会把 BOM 读成第一个列名的一部分，所以标准版不带 BOM，两种都提供。"
        "XLSX 工作簿每张表一个工作表，内容与标准 CSV 逐格相同（整数列为数值，其余为文本，任何单元格都不会被当作公式）。</p>\n\n"
        + _file_table(by_kind("excel"))
        + "\n## 其他格式 { #other }\n\n"
        + _file_table(by_kind("json", "sqlite", "zip"))
        + "\n" + _sqlite_help(files)
        + "\n<p>逐条记录的 JSON 也可按编号单独获取，见 <a href=\"../api/\">JSON API</a>；"
        "新答复可通过 <a href=\"../api/#feeds\">Atom / JSON Feed 订阅</a>。"
        "<a href=\"dictionary/\">数据字典</a>说明每张表、每个字段的含义、类型、约束和示例值。</p>\n\n"
        + _license(package, dataset)
        + "\n" + citation.dataset_section(dataset)
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


def _sqlite_help(files: list[dict[str, Any]]) -> str:
    gz = next((f["path"] for f in files if f["kind"] == "sqlite"), "")
    db = gz.removesuffix(".gz")
    return (
        "<p>SQLite 数据库含全部表（主键、外键与标准数据包一致）和全文索引表 <code>replies_fts</code>"
        "（trigram 分词，覆盖答复标题、建议标题和正文），以 gzip 压缩提供，解压后可直接用 <code>sqlite3</code> 或 "
        "<code>datasette</code> 打开；<code>replies.json.gz</code> 同样先解压。"
        "检索词至少 3 个字；两个字的词请用 <code>LIKE '%社区%'</code>。例如：</p>\n\n"
        f"<pre><code>gunzip -k {escape.html(gz)}\n"
        f"sqlite3 {escape.html(db)} \"{escape.html(FTS_EXAMPLE)}\"\n"
        f"datasette {escape.html(db)}</code></pre>\n"
    )


def _license(package: dict[str, Any], dataset: Dataset) -> str:
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
        + _sources(dataset)
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


def _sources(dataset: Dataset) -> str:
    """Where the letters come from, by site (flat in N), and where each record's own source is."""
    hosts = source_hosts(dataset)
    shown = hosts[:SOURCES_TOP]
    rows = "".join(
        f"<tr><td>{escape.html(host) if host else '原件不是从网页获取'}</td><td class=\"num\">{count}</td></tr>"
        for host, count in shown
    )
    more = f"<p>此处列出答复最多的 {len(shown)} 个来源网站，共 {len(hosts)} 个。</p>\n\n" if len(shown) < len(hosts) else ""
    return (
        "<p>每条记录的来源：来源网址（网页获取的）或原件文件，以及原件的 SHA-256，写在每件答复页面的“来源与核验”中，"
        "也在 <a href=\"replies.csv\" download>replies.csv</a> 的 <code>source_url</code>、<code>raw_file</code>、"
        "<code>raw_sha256</code> 列（Excel 版同）。原件逐字节保存在 <code>letters/&lt;编号&gt;/</code>。</p>\n\n"
        '<div class="reply-table-wrap"><table class="data-table"><caption>按来源网站</caption><thead><tr>'
        '<th scope="col">来源网站</th><th scope="col">答复数</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>\n\n" + more
    )


def dictionary(package: dict[str, Any], dataset: Dataset) -> str:
    examples = _examples(dataset)
    blocks = []
    for resource in package["resources"]:
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
        + _categories(dataset)
        + "\n".join(blocks)
    )


EXAMPLE_CHARS = 60


def _examples(dataset: Dataset) -> dict[str, dict[str, str]]:
    """table -> field -> the first non-empty value in the data, as the CSV writes it."""
    out: dict[str, dict[str, str]] = {}
    for table, rows in package_mod.rows_of(dataset):
        found: dict[str, str] = {}
        for f in table.fields:
            value = next((package_mod.cell(r.get(f.name)) for r in rows if package_mod.cell(r.get(f.name))), "")
            if value:
                found[f.name] = value
        out[table.name] = found
    return out


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
    return next((f.example for f in fields_mod.table(table_name).fields if f.name == field_name), None)


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
