"""Issue #5: the downloads journalists rely on: Excel 版, JSON, SQLite, zip and the manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest

from build_scripts import downloads, site
from build_scripts.fields import TABLES
from build_scripts.paths import Paths
from tests.conftest import copy_inputs

STEM = "dafu-gongkai-community-governance"


def _data(built: Paths) -> Path:
    return built.site / "data"


def _canonical_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_xlsx_equals_canonical_csv_cell_for_cell(built: Paths) -> None:
    wb = openpyxl.load_workbook(_data(built) / "excel" / f"{STEM}.xlsx", read_only=True)
    assert wb.sheetnames == [t.name for t in TABLES]
    for table in TABLES:
        expected = _canonical_rows(_data(built) / f"{table.name}.csv")
        assert len(expected) > 1, table.name
        width = len(expected[0])
        got = [["" if v is None else str(v) for v in row][:width] for row in wb[table.name].iter_rows(values_only=True)]
        got = [row + [""] * (width - len(row)) for row in got]
        assert got == expected, table.name


def test_xlsx_keeps_chinese_and_never_makes_formulas(built: Paths) -> None:
    wb = openpyxl.load_workbook(_data(built) / "excel" / f"{STEM}.xlsx")
    titles = [c.value for c in wb["replies"]["B"][1:]]
    assert "新城区民政局对区十九届人大二次会议第11号建议的复函" in titles
    assert all(c.data_type in ("s", "n") for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


def test_xlsx_text_starting_with_equals_stays_text() -> None:
    tables = {t.name: [[f.name for f in t.fields]] for t in TABLES}
    tables["topics"].append(["x", "=HYPERLINK(\"http://evil\")", "d", "t", "1"])
    data = downloads.xlsx_bytes(tables, title="t", version="0.0.1", when=downloads.dt.datetime(2021, 1, 1))
    ws = openpyxl.load_workbook(io.BytesIO(data))["topics"]
    assert ws["B2"].data_type == "s" and ws["B2"].value == "=HYPERLINK(\"http://evil\")"


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_bom_csv_is_bom_plus_canonical(built: Paths, table: str) -> None:
    excel = (_data(built) / "excel" / f"{table}.csv").read_bytes()
    canonical = (_data(built) / f"{table}.csv").read_bytes()
    assert not canonical.startswith(b"\xef\xbb\xbf")
    assert excel[:3] == b"\xef\xbb\xbf"
    assert excel[3:] == canonical


def test_sqlite_fulltext_finds_the_seeds_that_mention_shegongzhan(built: Paths) -> None:
    replies = json.loads((_data(built) / "replies.json").read_text(encoding="utf-8"))
    expected = sorted(r["id"] for r in replies if any("社工站" in (s["text"] or "") for s in r["sections"]))
    assert "530100-2023-tian-142282" in expected
    conn = sqlite3.connect(_data(built) / f"{STEM}.sqlite")
    found = [row[0] for row in conn.execute(downloads.FTS_EXAMPLE)]
    assert found == expected
    assert conn.execute(f"select count(*) from {downloads.FTS_TABLE} where {downloads.FTS_TABLE} match '不存在的词语'").fetchone() == (0,)


def test_sqlite_has_keys_and_all_rows(built: Paths) -> None:
    conn = sqlite3.connect(_data(built) / f"{STEM}.sqlite")
    for table in TABLES:
        canonical = _canonical_rows(_data(built) / f"{table.name}.csv")
        assert conn.execute(f'select count(*) from "{table.name}"').fetchone()[0] == len(canonical) - 1
        pk = [r[1] for r in sorted(conn.execute(f'pragma table_info("{table.name}")'), key=lambda r: r[5]) if r[5]]
        assert tuple(pk) == table.primary_key
        fks = {r[2] for r in conn.execute(f'pragma foreign_key_list("{table.name}")')}
        assert fks == {fk.table for fk in table.foreign_keys}
    assert conn.execute("pragma foreign_key_check").fetchall() == []


def test_replies_json_has_every_record(built: Paths) -> None:
    replies = json.loads((_data(built) / "replies.json").read_text(encoding="utf-8"))
    folders = sorted(p.name for p in (built.replies).iterdir() if p.is_dir())
    assert folders and [r["id"] for r in replies] == folders
    assert all(r["sections"] for r in replies)


def test_zip_holds_the_canonical_package(built: Paths) -> None:
    manifest = json.loads((_data(built) / "manifest.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(_data(built) / f"{STEM}.zip") as z:
        names = z.namelist()
        folder = f"{STEM}-{manifest['version']}/"
        assert names[0] == folder + "datapackage.json"
        for table in TABLES:
            assert z.read(folder + f"{table.name}.csv") == (_data(built) / f"{table.name}.csv").read_bytes()


def test_manifest_hashes_and_sizes_match_the_files(built: Paths) -> None:
    manifest = json.loads((_data(built) / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {p.relative_to(_data(built)).as_posix() for p in _data(built).rglob("*")
               if p.is_file() and p.suffix != ".html" and p.name not in ("manifest.json", "changelog.json")}
    assert on_disk and listed == on_disk
    for f in manifest["files"]:
        data = (_data(built) / f["path"]).read_bytes()
        assert f["bytes"] == len(data), f["path"]
        assert f["sha256"] == hashlib.sha256(data).hexdigest(), f["path"]
        if f["kind"] == "canonical":
            assert f["rows"] == len(_canonical_rows(_data(built) / f["path"])) - 1


def test_descriptor_records_bytes_and_hash_of_canonical_files(built: Paths) -> None:
    descriptor = json.loads((_data(built) / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (_data(built) / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


# Every file the issue-5 steps write, compared byte for byte across two builds.
NEW_OUTPUTS = ("data", "api", "feeds", "stats", "changelog")


def test_two_builds_write_byte_identical_new_files(built: Paths, tmp_path: Path) -> None:
    again = copy_inputs(tmp_path / "again")
    site.build(again)
    compared = 0
    for folder in NEW_OUTPUTS:
        first = sorted(p.relative_to(built.site) for p in (built.site / folder).rglob("*") if p.is_file())
        second = sorted(p.relative_to(again.site) for p in (again.site / folder).rglob("*") if p.is_file())
        assert first == second, folder
        for rel in first:
            assert (built.site / rel).read_bytes() == (again.site / rel).read_bytes(), rel
            compared += 1
    assert compared > 30
