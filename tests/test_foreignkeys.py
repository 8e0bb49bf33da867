"""The package's foreign keys, checked in one reading per table (issue 13), find what frictionless finds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from build_scripts import foreignkeys, package
from build_scripts.paths import Paths
from build_scripts.problems import BuildError


def _frictionless_foreign_keys(descriptor_path: Path) -> list[tuple[str, str]]:
    """(table, field names) of each foreign-key error frictionless itself reports."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(descriptor_path)).validate()
    return sorted((task.name, ",".join(error.field_names)) for task in report.tasks for error in task.errors
                  if error.type == "foreign-key")


def _package(folder: Path) -> Path:
    """Two tables: ``units`` (a self-reference to its parent) and ``staff`` (one key, one composite key)."""
    folder.mkdir()
    (folder / "units.csv").write_text("code,parent,name\nA,,总局\nB,A,\"第一处\n（两行）\"\nC,Z,第二处\n",
                                      encoding="utf-8")
    (folder / "staff.csv").write_text(
        "id,unit,unit_parent,note\n"
        "1,A,,\n"            # a unit with no parent: the composite key (unit, parent) is ("A", "")
        "2,B,A,\"写了\n两行\"\n"
        "3,Q,A,\n"           # no unit Q
        "4,,,\n"             # no unit at all: refers to nothing
        "5,C,B,\n",          # unit C's parent is Z, not B
        encoding="utf-8")
    fields = {"units": ["code", "parent", "name"], "staff": ["id", "unit", "unit_parent", "note"]}
    keys = {
        "units": [{"fields": ["parent"], "reference": {"resource": "", "fields": ["code"]}}],
        "staff": [{"fields": ["unit"], "reference": {"resource": "units", "fields": ["code"]}},
                  {"fields": ["unit", "unit_parent"], "reference": {"resource": "units", "fields": ["code", "parent"]}}],
    }
    descriptor = {"name": "fk-test", "resources": [
        {"name": name, "path": f"{name}.csv", "format": "csv", "encoding": "utf-8",
         "schema": {"fields": [{"name": f, "type": "string"} for f in fields[name]],
                    "primaryKey": [fields[name][0]], "foreignKeys": keys[name]}}
        for name in ("units", "staff")]}
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return path


def test_dangling_rows_are_found_with_their_lines_as_frictionless_finds_them(tmp_path: Path) -> None:
    path = _package(tmp_path / "pkg")
    found = foreignkeys.problems(json.loads(path.read_text(encoding="utf-8")), path.parent, tmp_path)
    assert [(p.file, p.line, p.field, p.message) for p in found] == [
        ("pkg/units.csv", 5, "parent", 'for "parent": values "Z" not found in the table "units" as "code"'),
        ("pkg/staff.csv", 5, "unit", 'for "unit": values "Q" not found in the table "units" as "code"'),
        ("pkg/staff.csv", 5, "unit,unit_parent",
         'for "unit, unit_parent": values "Q, A" not found in the table "units" as "code, parent"'),
        ("pkg/staff.csv", 7, "unit,unit_parent",
         'for "unit, unit_parent": values "C, B" not found in the table "units" as "code, parent"'),
    ]
    assert all(p.code == "package-foreign-key" for p in found)
    assert sorted((Path(p.file).stem, p.field) for p in found) == _frictionless_foreign_keys(path)


def test_validate_reports_foreign_keys_beside_frictionless_errors(tmp_path: Path) -> None:
    path = _package(tmp_path / "pkg")
    with (path.parent / "staff.csv").open("a", encoding="utf-8") as handle:
        handle.write("5,A,,\n")  # a repeated primary key: frictionless's own finding
    with pytest.raises(BuildError) as raised:
        package.validate(path, tmp_path)
    assert raised.value.report is not None
    codes = sorted(p.code for p in raised.value.report.problems)
    assert codes == ["package-foreign-key"] * 4 + ["package-primary-key"]


def test_a_key_pointing_at_a_missing_table_is_a_problem(tmp_path: Path) -> None:
    path = _package(tmp_path / "pkg")
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][1]["schema"]["foreignKeys"][0]["reference"]["resource"] = "offices"
    found = foreignkeys.problems(descriptor, path.parent, tmp_path)
    assert [(p.file, p.field) for p in found] == [("pkg/datapackage.json", "foreignKeys")]
    assert "'offices'" in found[0].message


def test_the_built_package_has_every_key_and_a_broken_one_is_found(built: Paths, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(built.site / "data", data)
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert any(r["schema"].get("foreignKeys") for r in descriptor["resources"])
    assert foreignkeys.problems(descriptor, data, tmp_path) == []
    sections = (data / "sections.csv").read_text(encoding="utf-8")
    header, first, rest = sections.split("\n", 2)
    reply_id = first.split(",", 1)[0]
    (data / "sections.csv").write_text("\n".join([header, first.replace(reply_id, "no-such-reply", 1), rest]),
                                       encoding="utf-8")
    found = foreignkeys.problems(descriptor, data, tmp_path)
    assert ("data/sections.csv", 2, "reply_id") in [(p.file, p.line, p.field) for p in found]
    assert _frictionless_foreign_keys(data / "datapackage.json") == sorted(
        (Path(p.file).stem, p.field) for p in found)
