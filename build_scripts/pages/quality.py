"""The data-quality page (数据质量): what a reader should know before trusting the data.

Load: the checked dataset (its validation report, records, vocabularies). Process: the validation
verdict and warnings; rows per table; foreign-key integrity checked from the tables themselves;
how often each field is empty; the repairs and decisions maintainers accepted, per field.
Save: one Markdown page, every value escaped.
"""

from __future__ import annotations

import collections
from collections.abc import Mapping
from typing import Any

from build_scripts.dataset import Dataset
from build_scripts.fields import TABLES, Table
from build_scripts.package import cell, table_rows
from build_scripts.pages import escape
from build_scripts.pages.common import front_matter

Rows = Mapping[str, list[dict[str, Any]]]
NOTE_KINDS = {"repair": "修复", "decision": "判断"}


def render(dataset: Dataset) -> str:
    rows = table_rows(dataset)
    return (
        front_matter("数据质量", "答复公开数据的校验结果、各表行数、外键完整性、空值比例与已采纳的修复和判断")
        + "# 数据质量\n\n"
        + "<p>本页在每次构建时由数据生成：构建只在全部校验通过后才发布。</p>\n\n"
        + "## 校验结果 { #validation }\n\n" + _validation(dataset)
        + "## 各表行数 { #counts }\n\n" + _counts(rows)
        + "## 外键完整性 { #foreign-keys }\n\n" + _foreign_keys(rows)
        + "## 空值最多的字段 { #empty }\n\n" + _empty(rows)
        + "## 已采纳的修复与判断 { #accepted }\n\n" + _accepted(rows)
    )


def _table(headers: list[str], body: list[list[str]], cls: str = "quality-table") -> str:
    head = "".join(f'<th scope="col">{escape.html(h)}</th>' for h in headers)
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in body)
    return (f'<div class="reply-table-wrap"><table class="{cls}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>\n\n")


def _validation(dataset: Dataset) -> str:
    report = dataset.report
    verdict = (f"<p>{len(dataset.replies)} 件答复记录全部通过校验：{len(report.errors)} 个错误，"
               f"{len(report.warnings)} 个警告。</p>\n\n")
    if not report.problems:
        return verdict
    body = [[f"<code>{escape.html(p.file)}</code>", f"<code>{escape.html(p.field)}</code>",
             f"<code>{escape.html(p.code)}</code>", escape.html(p.message)] for p in report.problems]
    return verdict + _table(["文件", "字段", "代码", "说明"], body)


def _counts(rows: Rows) -> str:
    body = [[f"<code>{escape.html(t.name)}</code>", escape.html(t.title), str(len(rows[t.name]))] for t in TABLES]
    return _table(["表", "内容", "行数"], body)


def dangling(table: Table, rows: Rows) -> list[tuple[str, int, int]]:
    """Per foreign key of ``table``: (description, rows checked, rows whose target is missing)."""
    out = []
    for fk in table.foreign_keys:
        target = {tuple(cell(r[f]) for f in fk.reference) for r in rows[fk.table]}
        checked = [tuple(cell(r.get(f)) for f in fk.fields) for r in rows[table.name]]
        present = [key for key in checked if all(key)]  # an empty value refers to nothing
        missing = sum(1 for key in present if key not in target)
        label = f"{table.name}.{'+'.join(fk.fields)} → {fk.table}.{'+'.join(fk.reference)}"
        out.append((label, len(present), missing))
    return out


def _foreign_keys(rows: Rows) -> str:
    body = []
    for table in TABLES:
        for label, checked, missing in dangling(table, rows):
            status = "✓ 完整" if missing == 0 else f"✗ {missing} 行找不到对应记录"
            body.append([f"<code>{escape.html(label)}</code>", str(checked), escape.html(status)])
    return "<p>每个外键的值都应在被引用的表中找到（空值不计）。</p>\n\n" + _table(["外键", "检查行数", "结果"], body)


def empty_share(table: Table, rows: Rows) -> list[tuple[str, str, int, int]]:
    """(field, title, empty cells, rows) for every column of ``table``, most often empty first."""
    data = rows[table.name]
    counts = [(f.name, f.title, sum(1 for r in data if cell(r.get(f.name)) == ""), len(data)) for f in table.fields]
    return sorted(counts, key=lambda c: (-c[2], c[0]))


def _empty(rows: Rows) -> str:
    found = [(empty / total, f"{table.name}.{name}", title, empty, total)
             for table in TABLES[:3]  # replies, sections, notes: the tables written from letters
             for name, title, empty, total in empty_share(table, rows) if empty]
    body = [[f"<code>{escape.html(column)}</code>", escape.html(title), f"{empty} / {total}", f"{100 * share:.0f}%"]
            for share, column, title, empty, total in sorted(found, key=lambda f: (-f[0], f[1]))]
    note = "<p>空值表示信件没有写明（记录中写作 null 或空列表），不是遗漏：每个字段在每条记录里都必须出现。</p>\n\n"
    return note + (_table(["字段", "中文名", "空值 / 行数", "比例"], body) if body else "<p>没有空值。</p>\n\n")


def _accepted(rows: Rows) -> str:
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for note in rows["notes"]:
        if note["kind"] in NOTE_KINDS:
            counts[note["field"]][note["kind"]] += 1
    intro = ("<p>导入时的警告经维护者核对后写入记录的修复说明（notes）：“修复”是把受损的值复原，"
             "“判断”是在有歧义时作出的选择，每条都附有原文和理由，见各答复页面的“修复与判断说明”。</p>\n\n")
    if not counts:
        return intro + "<p>暂无。</p>\n\n"
    body = [[f"<code>{escape.html(field)}</code>", str(c["repair"]), str(c["decision"]), str(sum(c.values()))]
            for field, c in sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))]
    return intro + _table(["字段", "修复", "判断", "合计"], body)
