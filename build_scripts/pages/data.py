"""The data page (downloads) and the data dictionary, both generated from the Table Schemas."""

from __future__ import annotations

from typing import Any

from build_scripts.pages import escape
from build_scripts.pages.common import front_matter


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} B"


def downloads(package: dict[str, Any]) -> str:
    rows = "".join(
        "<tr>"
        f'<td><a href="{escape.html(r["path"])}">{escape.html(r["path"])}</a></td>'
        f"<td>{escape.html(r['title'])}</td><td class=\"nowrap\">{_size(r['bytes'])}</td>"
        f"<td><code class=\"hash\">{escape.html(r['hash'].split(':', 1)[1])}</code></td>"
        "</tr>"
        for r in package["resources"]
    )
    licenses = "、".join(escape.html(f"{lic['title']}（{lic['name']}）") for lic in package["licenses"])
    return (
        front_matter("数据下载", "下载答复公开的全部数据：Frictionless 数据包（CSV）")
        + "# 数据下载\n\n"
        + f"<p>数据包 <code>{escape.html(package['name'])}</code>，版本 <strong>{escape.html(package['version'])}</strong>。"
        "CSV 为 UTF-8 编码（无 BOM），换行符为 LF，按主键排序；"
        '<a href="datapackage.json">datapackage.json</a> 描述每张表的字段、类型、约束和主外键，'
        "可用 <code>frictionless validate datapackage.json</code> 校验。</p>\n\n"
        + '<div class="reply-table-wrap"><table class="data-table"><thead><tr><th scope="col">文件</th>'
        '<th scope="col">内容</th><th scope="col">大小</th><th scope="col">SHA-256</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>\n\n"
        + "## 许可与来源\n\n"
        + f"<p>数据整理部分（结构、清洗、分节、主题、修复说明）采用 {licenses} 许可。"
        "答复函本身是国家机关的公文：依《中华人民共和国著作权法》第五条，具有行政性质的文件不适用该法保护；"
        "转载时请注明答复单位和原始来源（见每件答复的来源网址与原件哈希）。</p>\n\n"
        + '<p><a href="dictionary/">数据字典</a>：每张表、每个字段的英文名、中文名、类型和约束。</p>\n'
    )


def dictionary(package: dict[str, Any]) -> str:
    blocks = []
    for resource in package["resources"]:
        schema = resource["schema"]
        rows = "".join(
            "<tr>"
            f"<td><code>{escape.html(f['name'])}</code></td><td>{escape.html(f['title'])}</td>"
            f"<td>{escape.html(f['type'])}</td><td>{escape.html(_constraints(f))}</td>"
            f"<td>{escape.html(f['description'])}</td>"
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
            f'<th scope="col">说明</th></tr></thead><tbody>{rows}</tbody></table></div>\n'
        )
    return (
        front_matter("数据字典", "答复公开数据包的表与字段说明")
        + "# 数据字典\n\n<p>由数据包的 Table Schema 生成，与 datapackage.json 一致。</p>\n\n"
        + "\n".join(blocks)
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
