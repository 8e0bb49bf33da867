"""The data-quality page (数据质量): what a reader should know before trusting the data.

Load: the checked dataset (its validation report) and the package's written CSVs. Process: the
validation verdict and warnings; rows per table; foreign-key integrity checked from the tables
themselves; how often each field is empty; the repairs and decisions maintainers accepted, per field.
Each table is read once, a row at a time (``table_stats``: issue 13, making every table again for this
page held the whole text, ≈ 100 MB at 10,000 letters, and built each table four times). Save: one
Markdown page, every value escaped.
"""

from __future__ import annotations

import collections
import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from build_scripts.dataset import Dataset
from build_scripts.fields import TABLES, Table
from build_scripts.pages import escape
from build_scripts.pages.common import front_matter

Rows = Mapping[str, Iterable[Mapping[str, str]]]
"""Table name -> its rows as the CSV has them (column -> text)."""
NOTE_KINDS = {"repair": "修复", "decision": "判断"}


@dataclass
class TableStats:
    """What the page says of one table, from one pass over its rows."""

    rows: int = 0
    empty: collections.Counter[str] = field(default_factory=collections.Counter)  # column -> empty cells
    keys: dict[tuple[str, ...], set[tuple[str, ...]]] = field(default_factory=dict)  # referenced columns -> values
    refs: list[collections.Counter[tuple[str, ...]]] = field(default_factory=list)  # per foreign key: values -> rows
    notes: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)  # (field, kind) -> notes


@dataclass(frozen=True)
class CsvTable:
    """A written CSV's rows (column -> text), read from the file each time they are iterated."""

    path: Path

    def __iter__(self) -> Iterator[dict[str, str]]:
        with open(self.path, encoding="utf-8", newline="") as f:
            yield from csv.DictReader(f)


def csv_rows(data_dir: Path) -> Rows:
    """Each table of the package written in ``data_dir``."""
    return {t.name: CsvTable(data_dir / f"{t.name}.csv") for t in TABLES}


def table_stats(rows: Rows) -> dict[str, TableStats]:
    """Every table's ``TableStats``, each table's rows read once."""
    referenced = collections.defaultdict(set)
    for table in TABLES:
        for fk in table.foreign_keys:
            referenced[fk.table].add(fk.reference)
    out = {}
    for table in TABLES:
        stats = TableStats(keys={columns: set() for columns in sorted(referenced[table.name])},
                           refs=[collections.Counter() for _ in table.foreign_keys])
        names = [f.name for f in table.fields]
        for row in rows[table.name]:
            stats.rows += 1
            stats.empty.update(name for name in names if not row.get(name))
            for columns, values in stats.keys.items():
                values.add(tuple(row[c] for c in columns))
            for fk, counter in zip(table.foreign_keys, stats.refs, strict=True):
                key = tuple(row.get(f) or "" for f in fk.fields)
                if all(key):  # an empty value refers to nothing
                    counter[key] += 1
            if table.name == "notes" and row["kind"] in NOTE_KINDS:
                stats.notes[(row["field"], row["kind"])] += 1
        out[table.name] = stats
    return out


def render(dataset: Dataset, data_dir: Path) -> str:
    stats = table_stats(csv_rows(data_dir))
    return (
        front_matter("数据质量", "答复公开数据的校验结果、各表行数、外键完整性、空值比例与已采纳的修复和判断")
        + "# 数据质量\n\n"
        + "<p>本页在每次构建时由数据生成：构建只在全部校验通过后才发布。</p>\n\n"
        + "## 校验结果 { #validation }\n\n" + _validation(dataset)
        + "## 各表行数 { #counts }\n\n" + _counts(stats)
        + "## 外键完整性 { #foreign-keys }\n\n" + _foreign_keys(stats)
        + "## 空值最多的字段 { #empty }\n\n" + _empty(stats)
        + "## 已采纳的修复与判断 { #accepted }\n\n" + _accepted(stats)
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


def _counts(stats: dict[str, TableStats]) -> str:
    body = [[f"<code>{escape.html(t.name)}</code>", escape.html(t.title), str(stats[t.name].rows)] for t in TABLES]
    return _table(["表", "内容", "行数"], body)


def dangling(table: Table, stats: dict[str, TableStats]) -> list[tuple[str, int, int]]:
    """Per foreign key of ``table``: (description, rows checked, rows whose target is missing)."""
    out = []
    for fk, counter in zip(table.foreign_keys, stats[table.name].refs, strict=True):
        target = stats[fk.table].keys[fk.reference]
        missing = sum(n for key, n in counter.items() if key not in target)
        label = f"{table.name}.{'+'.join(fk.fields)} → {fk.table}.{'+'.join(fk.reference)}"
        out.append((label, sum(counter.values()), missing))
    return out


def _foreign_keys(stats: dict[str, TableStats]) -> str:
    body = []
    for table in TABLES:
        for label, checked, missing in dangling(table, stats):
            status = "✓ 完整" if missing == 0 else f"✗ {missing} 行找不到对应记录"
            body.append([f"<code>{escape.html(label)}</code>", str(checked), escape.html(status)])
    return "<p>每个外键的值都应在被引用的表中找到（空值不计）。</p>\n\n" + _table(["外键", "检查行数", "结果"], body)


def empty_share(table: Table, stats: dict[str, TableStats]) -> list[tuple[str, str, int, int]]:
    """(field, title, empty cells, rows) for every column of ``table``, most often empty first."""
    found = stats[table.name]
    counts = [(f.name, f.title, found.empty[f.name], found.rows) for f in table.fields]
    return sorted(counts, key=lambda c: (-c[2], c[0]))


def _empty(stats: dict[str, TableStats]) -> str:
    found = [(empty / total, f"{table.name}.{name}", title, empty, total)
             for table in TABLES[:3]  # replies, sections, notes: the tables written from letters
             for name, title, empty, total in empty_share(table, stats) if empty]
    body = [[f"<code>{escape.html(column)}</code>", escape.html(title), f"{empty} / {total}", f"{100 * share:.0f}%"]
            for share, column, title, empty, total in sorted(found, key=lambda f: (-f[0], f[1]))]
    note = "<p>空值表示信件没有写明（记录中写作 null 或空列表），不是遗漏：每个字段在每条记录里都必须出现。</p>\n\n"
    return note + (_table(["字段", "中文名", "空值 / 行数", "比例"], body) if body else "<p>没有空值。</p>\n\n")


def _accepted(stats: dict[str, TableStats]) -> str:
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for (name, kind), n in stats["notes"].notes.items():
        counts[name][kind] += n
    intro = ("<p>导入时的警告经维护者核对后写入记录的修复说明（notes）：“修复”是把受损的值复原，"
             "“判断”是在有歧义时作出的选择，每条都附有原文和理由，见各答复页面的“修复与判断说明”。</p>\n\n")
    if not counts:
        return intro + "<p>暂无。</p>\n\n"
    body = [[f"<code>{escape.html(name)}</code>", str(c["repair"]), str(c["decision"]), str(sum(c.values()))]
            for name, c in sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))]
    return intro + _table(["字段", "修复", "判断", "合计"], body)
