"""Stage 2, package: the Frictionless data package (canonical CSV + datapackage.json).

Load: the checked dataset. Process: each table's rows in primary-key order, made as they are
written (``rows``: a table keyed by reply comes reply by reply); a Table Schema per table
generated from ``fields.TABLES``. Save: UTF-8 CSV without BOM, ``\\n`` line
ends, then ``datapackage.json`` with each file's bytes and sha256; finally validate the whole
package with frictionless and fail the build if it is not valid.

Validation reads every row back (about 2 ms of CPU per letter, most of the stage), so
``write(..., check=False)`` lets the build run ``validate`` in a child process beside the
later stages, as long as it checks the result before publishing.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from build_scripts import divisions, foreignkeys, proposals, yamlio
from build_scripts.dataset import Dataset, Reply
from build_scripts.fields import LIST_SEPARATOR, TABLES, Field, Table
from build_scripts.paths import Paths, relative
from build_scripts.problems import BuildError, Problem, Report

Row = dict[str, Any]


def _items(key: str) -> Callable[[Dataset, Reply], list[Row]]:
    """One row per item of a record's list ``key`` (sections, notes, …), numbered from 1."""
    return lambda dataset, r: [{"reply_id": r.id, "position": i, **item} for i, item in enumerate(r[key], 1)]


def _used_regions(dataset: Dataset) -> list[Row]:
    """Every GB/T 2260 division is known; the package publishes those the records use and their parents."""
    used = {r["code"] for reply in dataset.replies for r in dataset.vocab.region_chain(reply["region_code"])}
    return [dict(r) for r in dataset.vocab.regions if r["code"] in used]


# Commitments, figures and links are flat frozen dataclasses: ``vars`` gives their fields in order, as
# ``dataclasses.asdict`` did with a deep copy of each value (6 s of the package at 10,000 letters).
PER_REPLY: dict[str, Callable[[Dataset, Reply], list[Row]]] = {
    "replies": lambda ds, r: [r.fields],  # read only: the CSV takes the table's columns (no text)
    "sections": _items("sections"),
    "notes": _items("notes"),
    "evidence": _items("evidence"),
    "commitments": lambda ds, r: [{"reply_id": r.id, "position": i, **vars(c), "agency": r["agency"]}
                                  for i, c in enumerate(ds.commitments[r.id], 1)],
    "figures": lambda ds, r: [{"reply_id": r.id, "position": i, **vars(f)} for i, f in enumerate(ds.figures[r.id], 1)],
    "thread_decisions": _items("thread_decisions"),
    "threads": lambda ds, r: [{"reply_id": r.id, **vars(link), "reasons": list(link.reasons)} for link in ds.threads[r.id]],
    "reply_topics": lambda ds, r: [{"reply_id": r.id, "topic_id": t} for t in r["topics"]],
}
"""Tables whose key starts with the reply's id: their rows, reply by reply (every reply's rows one after another)."""

WHOLE: dict[str, Callable[[Dataset], list[Row]]] = {
    "proposals": lambda ds: [proposals.proposal_row(pid, group)
                             for pid, group in proposals.by_proposal(ds.replies, proposals.PROPOSAL_COLUMNS).items()],
    "topics": lambda ds: [dict(t) for t in ds.vocab.topics],
    "regions": _used_regions,
    "category_schemes": lambda ds: [dict(s) for s in ds.vocab.category_schemes],
    "sessions": lambda ds: [dict(s) for s in ds.vocab.sessions],
    "answer_periods": lambda ds: [dict(a) for a in ds.vocab.answer_periods],
    "categories": lambda ds: [{"scheme": s["scheme"], **c} for s in ds.vocab.category_schemes for c in s["codes"]],
}
"""The other tables (one row per proposal, the vocabularies): made whole, then sorted."""


def rows(dataset: Dataset, table: Table) -> Iterator[Row]:
    """A table's rows as plain values (lists still lists), in primary-key order, made as they are read.

    A table keyed by reply comes reply by reply in id order, each reply's rows sorted, so the
    table is never held whole (issue 13: the sections alone were gigabytes at 100,000 letters)."""
    def key(row: Row) -> tuple[tuple[int, Any], ...]:
        return tuple(_sort_key(row[k]) for k in table.primary_key)

    if table.name in WHOLE:
        yield from sorted(WHOLE[table.name](dataset), key=key)
        return
    make = PER_REPLY[table.name]
    for reply in sorted(dataset.replies, key=operator.attrgetter("id")):
        group = make(dataset, reply)
        if len(group) > 1:
            group.sort(key=key)
        yield from group


class Tables(Mapping[str, list[Row]]):
    """Every table's rows as a list (``rows``), made when asked for and not kept."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def __getitem__(self, name: str) -> list[Row]:
        return list(rows(self.dataset, next(t for t in TABLES if t.name == name)))

    def __iter__(self) -> Iterator[str]:
        return (t.name for t in TABLES)

    def __len__(self) -> int:
        return len(TABLES)


def table_rows(dataset: Dataset) -> Tables:
    """Every table's rows (``Tables``: made one at a time, when asked for)."""
    return Tables(dataset)


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int) else (1, str(value))


def cell(value: Any) -> str:
    """A value as it is written in the canonical CSV."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def table_schema(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [field_schema(f) for f in table.fields],
        "primaryKey": list(table.primary_key),
        "missingValues": [""],
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": list(fk.fields),
                "reference": {"resource": "" if fk.table == table.name else fk.table, "fields": list(fk.reference)},
            }
            for fk in table.foreign_keys
        ]
    return schema


def field_schema(f: Field) -> dict[str, Any]:
    kind = {"string": "string", "integer": "integer", "date": "date", "list": "string"}[f.kind]
    description = f.description
    if f.kind == "list":
        description += f" Several values are joined with “{LIST_SEPARATOR}”. 多个值以“{LIST_SEPARATOR}”分隔。"
    out: dict[str, Any] = {"name": f.name, "title": f.title, "description": description, "type": kind}
    if kind == "date":
        out["format"] = "%Y-%m-%d"
    # An empty list is an empty cell, so list columns are never required in the CSV.
    constraints: dict[str, Any] = {"required": f.required and f.kind != "list"}
    if f.enum is not None:
        constraints["enum"] = list(f.enum)
    if f.pattern is not None and f.kind != "list":
        constraints["pattern"] = f.pattern.removeprefix("^").removesuffix("$")
    if f.minimum is not None:
        constraints["minimum"] = f.minimum
    if f.max_length is not None:
        constraints["maxLength"] = f.max_length
    out["constraints"] = constraints
    return out


def csv_rows(table: Table, table_rows: Iterable[Row]) -> Iterator[list[str]]:
    """The canonical CSV's rows as cells: the header, then every row."""
    columns = [f.name for f in table.fields]
    yield columns
    for row in table_rows:
        yield [cell(row.get(c)) for c in columns]


def csv_bytes(table: Table, rows: list[Row]) -> bytes:
    """The canonical CSV: quoted only where needed, ``\\n`` line ends, UTF-8 without BOM."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(csv_rows(table, rows))
    return out.getvalue().encode("utf-8")


def write_csv(table: Table, table_rows: Iterable[Row], path: Path) -> tuple[int, str]:
    """Stream the canonical CSV (the bytes ``csv_bytes`` gives) to ``path``; return its size and sha256."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(csv_rows(table, table_rows))
    with open(path, "rb") as f:
        return path.stat().st_size, hashlib.file_digest(f, "sha256").hexdigest()


def descriptor(paths: Paths, files: dict[str, tuple[int, str]]) -> dict[str, Any]:
    """datapackage.json; ``files`` gives each CSV's size and sha256."""
    meta = yamlio.load(paths.package_meta.read_text(encoding="utf-8-sig")).data
    resources = []
    for table in TABLES:
        size, sha256 = files[f"{table.name}.csv"]
        resources.append({
            "name": table.name,
            "title": table.title,
            "description": table.description,
            "path": f"{table.name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": size,
            "hash": "sha256:" + sha256,
            "schema": table_schema(table),
        })
    return {
        "profile": "tabular-data-package",
        "name": meta["name"],
        "title": meta["title"],
        "description": meta["description"],
        "version": meta["version"],
        "licenses": meta["licenses"],
        "sources": meta["sources"] + divisions.source_entries(),
        "resources": resources,
    }


def write(dataset: Dataset, paths: Paths, out_dir: Path, *, check: bool = True) -> dict[str, Any]:
    """Write the package into ``out_dir`` and (with ``check``) validate it; return the descriptor."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {f"{t.name}.csv": write_csv(t, rows(dataset, t), out_dir / f"{t.name}.csv") for t in TABLES}
    package = descriptor(paths, files)
    (out_dir / "datapackage.json").write_text(dumps(package), encoding="utf-8")
    if check:
        validate(out_dir / "datapackage.json", paths.root)
    return package


DATES_NOTE = ("last_changed: the newest date the latest record changes in the changelog carry (a record's retrieved, "
              "else published or reply date; a withdrawal's date), in version last_changed_version; newest_reply: "
              "the newest reply or publication date. last_changed：更新记录中最近一次记录变化（新增、修改、撤回）所带的"
              "最新日期；newest_reply：最新的答复或公开日期。")


def stamp_dates(descriptor: dict[str, Any], dates: dict[str, str], out_dir: Path) -> dict[str, Any]:
    """Put the two dates (``changelog.last_change``) into ``datapackage.json`` after ``version``; return it."""
    stamped: dict[str, Any] = {}
    for key, value in descriptor.items():
        if key != "dates":
            stamped[key] = value
        if key == "version":
            stamped["dates"] = {**dates, "note": DATES_NOTE}
    (out_dir / "datapackage.json").write_text(dumps(stamped), encoding="utf-8")
    return stamped


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def validate(descriptor_path: Path, root: Path) -> None:
    """Run frictionless on the written package, its foreign keys checked by ``foreignkeys`` (each table read
    once, not once per key pointing at it); raise BuildError listing every error of both."""
    from frictionless import Package, system

    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    without_keys = {**descriptor, "resources": [_without_foreign_keys(r) for r in descriptor["resources"]]}
    with system.use_context(trusted=True):
        report = Package(without_keys, basepath=str(descriptor_path.parent)).validate()
    problems = foreignkeys.problems(descriptor, descriptor_path.parent, root)
    if report.valid and not problems:
        return
    for task in report.tasks:
        for error in task.errors:
            problems.append(_problem(descriptor_path.parent / Path(task.name + ".csv"), error, root))
    for error in report.errors:
        problems.append(_problem(descriptor_path, error, root))
    raise BuildError(Report.of(problems))


def _without_foreign_keys(resource: dict[str, Any]) -> dict[str, Any]:
    if "foreignKeys" not in resource.get("schema", {}):
        return resource
    return {**resource, "schema": {k: v for k, v in resource["schema"].items() if k != "foreignKeys"}}


def _problem(path: Path, error: Any, root: Path) -> Problem:
    return Problem(relative(path, root), int(getattr(error, "row_number", 0) or 0), str(getattr(error, "field_name", "") or ""),
                   f"package-{error.type}", error.message, "a build bug or bad record: the package must validate")


def table_rows_of(dataset: Dataset, name: str) -> list[Row]:
    """One table's rows."""
    return table_rows(dataset)[name]


def examples(data_dir: Path) -> dict[str, dict[str, str]]:
    """Table -> field -> the first non-empty cell of its column in the written CSV (rows in key order): the
    data dictionary's examples. Each CSV is read only until every column has one, never held whole (issue 13:
    making every table again for them held the whole text, ≈ 100 MB at 10,000 letters)."""
    out: dict[str, dict[str, str]] = {}
    for table in TABLES:
        found: dict[str, str] = {}
        with open(data_dir / f"{table.name}.csv", encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            for row in reader:
                found.update((name, value) for name, value in zip(header, row, strict=True) if value and name not in found)
                if len(found) == len(header):
                    break
        out[table.name] = found
    return out


def rows_of(dataset: Dataset) -> Iterable[tuple[Table, list[Row]]]:
    tables = table_rows(dataset)
    return ((t, tables[t.name]) for t in TABLES)


RIGHTS = ("数据整理部分采用 CC BY 4.0；答复函本身是国家机关公文（《著作权法》第五条不适用该法保护），"
          "引用请注明答复单位、文号、日期和来源（source_url、raw_sha256）。"
          "Curated data CC BY 4.0; the letters are official documents, free to reuse with attribution of the issuer.")
"""The rights statement every download carries (manifest, workbook, database)."""


@functools.lru_cache(maxsize=8)
def _version_and_title(path: Path) -> tuple[str, str]:
    meta = yamlio.load(path.read_text(encoding="utf-8-sig")).data
    return str(meta["version"]), str(meta["title"])


def data_version(dataset: Dataset) -> tuple[str, str]:
    """(version, title) of the data package the records belong to (datasets/package.yaml)."""
    return _version_and_title(dataset.paths.package_meta)
