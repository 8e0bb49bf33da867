"""The written package's foreign keys, each table read once (issue 13).

frictionless checks a foreign key by reading the whole referenced table, every cell typed, once for each
key that points at it: at 10,000 letters ``replies.csv`` eight times and ``sections.csv`` three times, half
of its 10.4 CPU-seconds. ``package.validate`` gives frictionless the descriptor without its foreign keys
(it still checks every cell, primary key and hash) and checks them here: each table's key columns are read
once with the csv module, and a row whose values are missing from the referenced table is a problem naming
the file, its line, the fields and the values, as frictionless's ``foreign-key`` error does.

As in frictionless, a row whose referencing cells are all empty refers to nothing, and cells are compared
as written (the build writes every key in one form).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from build_scripts.paths import relative
from build_scripts.problems import Problem

Key = tuple[str, tuple[str, ...]]  # (table, its fields a foreign key points at)

LIMIT = 1000
"""Problems listed per table at most (frictionless's own limit): a build bug would dangle every row."""


def problems(descriptor: dict[str, Any], data_dir: Path, root: Path) -> list[Problem]:
    """Every row of the package whose foreign key finds no row in the table it points at."""
    resources = {r["name"]: r for r in descriptor["resources"]}
    wanted: dict[str, set[tuple[str, ...]]] = {}  # table -> the field tuples read from it
    for resource in descriptor["resources"]:
        for fk in _foreign_keys(resource):
            wanted.setdefault(_target(resource, fk), set()).add(tuple(fk["reference"]["fields"]))
    missing = sorted(set(wanted) - set(resources))
    if missing:
        return [Problem(relative(data_dir / "datapackage.json", root), 0, "foreignKeys", "package-foreign-key",
                        f"a foreign key points at the table {name!r}, which the package does not have",
                        "a build bug: every foreign key must name a table of the package") for name in missing]
    keys: dict[Key, set[tuple[str, ...]]] = {}
    for name, field_sets in sorted(wanted.items()):
        keys.update(_key_values(data_dir / resources[name]["path"], name, sorted(field_sets)))
    found: list[Problem] = []
    for resource in descriptor["resources"]:
        if _foreign_keys(resource):
            found += _dangling(resource, data_dir, keys, root)
    return found


def _foreign_keys(resource: dict[str, Any]) -> list[dict[str, Any]]:
    return list(resource.get("schema", {}).get("foreignKeys", []))


def _target(resource: dict[str, Any], fk: dict[str, Any]) -> str:
    return str(fk["reference"]["resource"] or resource["name"])  # "": the table itself


def _rows(path: Path) -> Iterator[tuple[int, dict[str, int], list[str]]]:
    """(line the row starts on, the header's columns, the row) for each row of a CSV."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        columns = {name: i for i, name in enumerate(next(reader, []))}
        line = reader.line_num + 1
        for row in reader:
            yield line, columns, row
            line = reader.line_num + 1


def _key_values(path: Path, name: str, field_sets: list[tuple[str, ...]]) -> dict[Key, set[tuple[str, ...]]]:
    """The values of each field tuple in one reading of the table (rows whose cells are all empty left out)."""
    values: dict[Key, set[tuple[str, ...]]] = {(name, fields): set() for fields in field_sets}
    for _, columns, row in _rows(path):
        for fields in field_sets:
            cells = tuple(_cell(row, columns, f) for f in fields)
            if any(cells):
                values[(name, fields)].add(cells)
    return values


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    at = columns.get(name)
    return row[at] if at is not None and at < len(row) else ""


def _dangling(resource: dict[str, Any], data_dir: Path, keys: dict[Key, set[tuple[str, ...]]],
              root: Path) -> list[Problem]:
    path = data_dir / resource["path"]
    checks = [(tuple(fk["fields"]), _target(resource, fk), tuple(fk["reference"]["fields"]))
              for fk in _foreign_keys(resource)]
    found: list[Problem] = []
    for line, columns, row in _rows(path):
        for fields, target, reference in checks:
            cells = tuple(_cell(row, columns, f) for f in fields)
            if any(cells) and cells not in keys[(target, reference)]:
                found.append(Problem(
                    relative(path, root), line, ",".join(fields), "package-foreign-key",
                    f'for "{", ".join(fields)}": values "{", ".join(cells)}" not found in the table "{target}" '
                    f'as "{", ".join(reference)}"', "a build bug or bad record: the package must validate"))
                if len(found) >= LIMIT:
                    return found
    return found
