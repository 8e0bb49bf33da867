"""The changelog page (更新记录), rendered from ``releases.build_history``.

Flat in N: each release lists at most ``TOP`` ids per kind of change (a first release adds every
record); the rest are in ``changelog/changes.csv`` (``changes_csv``: one row per change) and
``data/changelog.json``.
"""

from __future__ import annotations

import csv
import io

from build_scripts.pages import escape
from build_scripts.pages.common import front_matter, rel
from build_scripts.pages.urls import reply_url
from build_scripts.releases import Diff

PAGE = "changelog/"
TOP = 50
"""Ids listed per release and kind of change; the CSV has them all."""
CHANGES_CSV = "changelog/changes.csv"
LEVEL_ZH = {"major": "主版本（字段删除或改名）", "minor": "次版本（新增记录或字段）", "patch": "修订版本（更正）", None: "无变化"}


def _reply(rid: str) -> str:
    return f'<a href="{escape.html(rel(PAGE, reply_url(rid)))}">{escape.html(rid)}</a>'


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>\n"


def _top(items: list[str]) -> str:
    """The first ``TOP`` items, and where the others are."""
    more = (f'<p class="more">以上为前 {TOP} 件，共 {len(items)} 件；全部见 <a href="changes.csv" download>changes.csv</a>'
            '（每行一项变化）或 <a href="../data/changelog.json">changelog.json</a>。</p>\n' if len(items) > TOP else "")
    return _list(items[:TOP]) + more


def changes_csv(diffs: list[Diff]) -> str:
    """``changelog/changes.csv``: version, change (added, changed, withdrawn), id, detail; newest release first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["version", "change", "id", "detail"])
    for d in diffs:
        writer.writerows([d.version, "added", rid, ""] for rid in d.added)
        writer.writerows([d.version, "changed", c["id"], "、".join(c["fields"])] for c in d.changed)
        writer.writerows([d.version, "withdrawn", w["id"], f"{w['date']} {w['reason']}"] for w in d.withdrawn)
    return out.getvalue()


def _release(d: Diff) -> str:
    status = "已存档" if d.released else "当前构建，尚未存档为发布版本"
    head = (f"## {escape.md_inline(d.version)} {{ #v{d.version.replace('.', '-')} }}\n\n"
            f"<p>{status}；数据日期 {escape.html(d.data_date or '—')}；"
            + (f"相对 {escape.html(d.previous)}：{LEVEL_ZH[d.required]}。" if d.previous else "首个版本。")
            + "</p>\n\n")
    parts = [head]
    if d.added:
        parts.append(f"<p><strong>新增记录（{len(d.added)}）</strong></p>\n" + _top([_reply(r) for r in d.added]))
    if d.changed:
        parts.append(f"<p><strong>修改记录（{len(d.changed)}）</strong></p>\n" + _top(
            [f"{_reply(c['id'])}：{escape.html('、'.join(c['fields']))}" for c in d.changed]))
    if d.withdrawn:
        parts.append(f"<p><strong>撤回记录（{len(d.withdrawn)}）</strong></p>\n" + _top(
            [f"{_reply(w['id'])}（{escape.html(w['date'])}）：{escape.html(w['reason'])}" for w in d.withdrawn]))
    if d.fields_added:
        parts.append("<p><strong>新增字段</strong></p>\n" + _list([f"<code>{escape.html(f)}</code>" for f in d.fields_added]))
    if d.fields_removed:
        parts.append("<p><strong>删除或改名的字段</strong></p>\n" + _list(
            [f"<code>{escape.html(f)}</code>" for f in d.fields_removed]))
    if d.other:
        parts.append("<p><strong>词表变化</strong></p>\n" + _list([escape.html(o) for o in d.other]))
    if len(parts) == 1:
        parts.append("<p>记录与字段均无变化。</p>\n")
    return "".join(parts)


def render(diffs: list[Diff]) -> str:
    return (
        front_matter("更新记录", "答复公开数据包各版本的新增、修改和撤回记录")
        + "# 更新记录\n\n"
        "<p>数据包使用语义化版本号：删除或改名字段时升主版本号，新增记录或字段时升次版本号，更正升修订号。"
        "每个发布版本的数据包原样保存在仓库的 <code>datasets/releases/&lt;版本&gt;/</code>，"
        "下面的变化是与上一个版本逐条比较得出的，机器可读版本见 "
        '<a href="../data/changelog.json">data/changelog.json</a>。撤回的答复保留永久链接，页面上注明撤回日期和理由。'
        'JSON API 地址与文件的变化（如 0.2.0 起 <code>api/derived/</code> 并入每件答复的记录）见 '
        '<a href="../api/#changes">API 页的接口变化</a>。</p>\n\n'
        + "\n".join(_release(d) for d in diffs)
    )
