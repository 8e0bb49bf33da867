"""Issue #5: the downloads journalists rely on: Excel 版, JSON, SQLite, zip and the manifest."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gzip
import hashlib
import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from build_scripts import downloads, flatfiles, package, records, release_assets, site, sqlitedb, xlsx
from build_scripts.fields import TABLES
from build_scripts.paths import Paths
from build_scripts.problems import BuildError
from build_scripts.textnorm import normalise
from tests.conftest import copy_inputs

STEM = "dafu-gongkai-community-governance"


def _data(built: Paths) -> Path:
    return built.site / "data"


@pytest.fixture(scope="module")
def db(built: Paths, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published SQLite file, unzipped (the site has it zipped with its Datasette metadata: issues 13, 15)."""
    folder = tmp_path_factory.mktemp("sqlite")
    with zipfile.ZipFile(_data(built) / f"{STEM}.sqlite.zip") as archive:
        archive.extractall(folder)
    return folder / f"{STEM}.sqlite"


def _replies_json(built: Paths) -> list[dict[str, Any]]:
    return json.loads(gzip.decompress((_data(built) / "replies.json.gz").read_bytes()).decode("utf-8"))


def _canonical_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _as_csv(value: object) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, dt.datetime) else str(value)


def test_xlsx_equals_canonical_csv_cell_for_cell(built: Paths) -> None:
    wb = openpyxl.load_workbook(_data(built) / "excel" / f"{STEM}.xlsx", read_only=True)
    assert wb.sheetnames == [t.name for t in TABLES]
    for table in TABLES:
        expected = _canonical_rows(_data(built) / f"{table.name}.csv")
        # no seed is linked to another or carries a maintainer's decision (tests/test_threads.py has both)
        assert len(expected) > 1 or table.name in {"threads", "thread_decisions"}, table.name
        width = len(expected[0])
        got = [[_as_csv(v) for v in row][:width] for row in wb[table.name].iter_rows(values_only=True)]
        got = [row + [""] * (width - len(row)) for row in got]
        assert got == xlsx.neutralise_rows(expected, _ints(table.name)), table.name


def test_xlsx_keeps_chinese_and_never_makes_formulas(built: Paths) -> None:
    wb = openpyxl.load_workbook(_data(built) / "excel" / f"{STEM}.xlsx")
    titles = [c.value for c in wb["replies"]["B"][1:]]
    assert "新城区民政局对区十九届人大二次会议第11号建议的复函" in titles
    assert all(c.data_type in ("s", "n", "d") for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


WHEN = dt.datetime(2021, 1, 1)


def _workbook(path: Path, rows: list[list[str]], ints: set[int] = set(),  # noqa: B006
              days: set[int] = set()) -> openpyxl.Workbook:  # noqa: B006
    with xlsx.Workbook(path, ["t"], title="t", creator="c", description="d", version="0.0.1", language="zh-CN",
                       when=WHEN, level=1) as book:
        book.add_sheet("t", rows, ints, days)
    return openpyxl.load_workbook(path)


def test_xlsx_text_starting_with_equals_stays_text(tmp_path: Path) -> None:
    ws = _workbook(tmp_path / "x.xlsx", [["id", "title"], ["x", "=HYPERLINK(\"http://evil\")"]])["t"]
    assert ws["B2"].data_type == "s" and ws["B2"].value == "=HYPERLINK(\"http://evil\")"


def test_xlsx_keeps_markup_spaces_and_line_breaks_as_text(tmp_path: Path) -> None:
    tricky = ["<b>&amp;</b> & 1 < 2 > 0", "  两端空格  ", "第一行\n第二行", "a\r\nb", "]]>", "_x000D_"]
    rows = [["text", "n"]] + [[v, str(i)] for i, v in enumerate(tricky)]
    ws = _workbook(tmp_path / "x.xlsx", rows, {1})["t"]
    assert [c.value for c in ws["A"][1:]] == tricky
    assert [c.value for c in ws["B"][1:]] == list(range(len(tricky)))
    assert ws["A1"].font.b and not ws["A2"].font.b and ws.freeze_panes == "A2"


def test_xlsx_leaves_empty_cells_empty(tmp_path: Path) -> None:
    ws = _workbook(tmp_path / "x.xlsx", [["a", "b", "c"], ["", "x", ""], ["1", "", "2"]], {0, 2})["t"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["a", "b", "c"], [None, "x", None], [1, None, 2]]


def test_xlsx_writes_dates_as_date_cells(tmp_path: Path) -> None:
    """Issue 15: a date column is a date cell with a date format; an identifier with leading zeros stays text."""
    rows = [["number", "date", "n"], ["0079", "2021-05-28", "12"], ["001", "", ""], ["7", "1900-03-01", "0"]]
    ws = _workbook(tmp_path / "x.xlsx", rows, {2}, {1})["t"]
    assert [c.value for c in ws["A"][1:]] == ["0079", "001", "7"] and all(c.data_type == "s" for c in ws["A"][1:])
    assert ws["B2"].is_date and ws["B2"].number_format == xlsx.DATE_FORMAT
    assert ws["B2"].value == dt.datetime(2021, 5, 28) and ws["B4"].value == dt.datetime(1900, 3, 1)
    assert ws["B3"].value is None and ws["C2"].value == 12
    assert xlsx.day_number("2021-05-28") == 44344  # Excel's own serial for 2021-05-28


def test_xlsx_is_byte_identical_for_the_same_rows(tmp_path: Path) -> None:
    rows = [["id", "text"], ["1", "社工站"]]
    _workbook(tmp_path / "a.xlsx", rows)
    _workbook(tmp_path / "b.xlsx", rows)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in z.infolist()} == {(2021, 1, 1, 0, 0, 0)}


# --- downloads.write: the interface the build calls -------------------------------------------

SeedPackage = tuple[records.Dataset, dict[str, Any], Path]


@pytest.fixture(scope="module")
def seed_package(tmp_path_factory: pytest.TempPathFactory) -> SeedPackage:
    """The seeds' canonical package, as package.write leaves it for downloads.write."""
    paths = copy_inputs(tmp_path_factory.mktemp("pkg") / "repo")
    dataset = records.load(paths)
    data_dir = paths.root / "data"
    return dataset, package.write(dataset, paths, data_dir), data_dir


def _fresh(seed_package: SeedPackage, target: Path) -> Path:
    """A copy of the canonical package (datapackage.json and the CSVs, no downloads yet)."""
    shutil.copytree(seed_package[2], target)
    return target


def test_write_puts_every_file_in_the_data_dir_and_returns_the_manifest(seed_package: SeedPackage, tmp_path: Path) -> None:
    dataset, descriptor, _ = seed_package
    data_dir = _fresh(seed_package, tmp_path / "data")
    manifest = downloads.write(dataset, descriptor, data_dir)
    assert json.loads((data_dir / "manifest.json").read_text(encoding="utf-8")) == manifest
    on_disk = sorted(p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*") if p.is_file())
    assert on_disk == sorted([f["path"] for f in manifest["files"]] + ["manifest.json"])
    years = {flatfiles.year_of(r) for r in dataset.replies}
    assert "2020" in years  # the seed 530112-2020-yian-001
    # canonical CSVs, descriptor, xlsx, excel-csv zip, json.gz, sqlite.zip, package zip; the flat file and
    # one gzipped file a year (their Excel 版 copies are inside the excel-csv zip, not loose: issue 13)
    assert len(manifest["files"]) == len(TABLES) + 6 + 1 + len(years)
    assert {f["path"] for f in manifest["files"]} >= {f"{STEM}.sqlite.zip", "replies.json.gz", f"excel/{STEM}-excel-csv.zip"}


def test_large_downloads_become_release_assets_with_a_stable_url(seed_package: SeedPackage, tmp_path: Path) -> None:
    """Issue 13: a download over the limit leaves the site, and so do the per-year files (they repeat
    replies_text.csv); the manifest gives each one's release URL."""
    dataset, descriptor, _ = seed_package
    data_dir, assets = _fresh(seed_package, tmp_path / "data"), tmp_path / "assets"
    plain = downloads.write(dataset, descriptor, _fresh(seed_package, tmp_path / "plain"))
    limit = sorted(f["bytes"] for f in plain["files"])[-2]  # only the largest file is over it
    url = "https://github.com/o/r/releases/download/data-1.0/"
    manifest = downloads.write(dataset, descriptor, data_dir, release_dir=assets, release_url=url, release_bytes=limit)
    released = {f["path"]: f for f in manifest["files"] if "url" in f}
    years = {p for p in released if p.startswith("by-year/")}  # every per-year file, whatever its size
    assert years == {f["path"] for f in plain["files"] if f["path"].startswith("by-year/")} and years
    (big,) = [f for p, f in released.items() if p not in years]
    assert big["bytes"] > limit and big["url"] == url + Path(big["path"]).name
    for f in released.values():
        assert not (data_dir / f["path"]).exists()
        assert downloads.sha256_of(assets / Path(f["path"]).name) == f["sha256"]
    assert [f for f in manifest["files"] if f["path"] not in released] == [
        f for f in plain["files"] if f["path"] not in released]


def test_a_large_canonical_table_becomes_a_release_asset_once_the_package_is_checked(
        seed_package: SeedPackage, tmp_path: Path) -> None:
    """Issue 13: sections.csv (the letters' text, 137 MB at 10,000 letters) leaves the site like the large
    downloads. While the build's children run, the data folder keeps the descriptor with local paths (the
    package check reads it); ``release_tables`` then moves the table out and puts in the descriptor whose
    ``path`` is the table's URL, the one the manifest hashed. The package zip keeps every table."""
    dataset, descriptor, _ = seed_package
    data_dir, assets = _fresh(seed_package, tmp_path / "data"), tmp_path / "assets"
    local = (data_dir / "datapackage.json").read_bytes()
    limit = (data_dir / "sections.csv").stat().st_size - 1  # sections.csv is the largest table of the seeds
    assert all((data_dir / f"{t.name}.csv").stat().st_size <= limit for t in TABLES if t.name != "sections")
    url = "https://github.com/o/r/releases/download/data-1.0/"
    sections_sha = downloads.sha256_of(data_dir / "sections.csv")
    manifest = downloads.write(dataset, descriptor, data_dir, release_dir=assets, release_url=url, release_bytes=limit)
    entry = {f["path"]: f for f in manifest["files"]}
    assert entry["sections.csv"]["url"] == url + "sections.csv" and entry["sections.csv"]["sha256"] == sections_sha
    assert "url" not in entry["replies.csv"]
    assert (data_dir / "datapackage.json").read_bytes() == local and (data_dir / "sections.csv").is_file()

    assert release_assets.release_tables(data_dir, assets, manifest) == ["sections.csv"]
    assert not (data_dir / "sections.csv").exists() and not (data_dir / release_assets.PUBLISHED_DESCRIPTOR).exists()
    assert downloads.sha256_of(assets / "sections.csv") == sections_sha
    assert downloads.sha256_of(data_dir / "datapackage.json") == entry["datapackage.json"]["sha256"]
    paths = {r["name"]: r["path"] for r in json.loads((data_dir / "datapackage.json").read_text("utf-8"))["resources"]}
    assert paths["sections"] == url + "sections.csv" and paths["replies"] == "replies.csv"
    with zipfile.ZipFile(data_dir / f"{STEM}.zip") as archive:
        names = {Path(n).name: n for n in archive.namelist()}
        assert archive.read(names["datapackage.json"]) == local and "sections.csv" in names


def test_without_a_release_url_every_table_stays(seed_package: SeedPackage, tmp_path: Path) -> None:
    dataset, descriptor, _ = seed_package
    data_dir = _fresh(seed_package, tmp_path / "data")
    local = (data_dir / "datapackage.json").read_bytes()
    manifest = downloads.write(dataset, descriptor, data_dir, release_bytes=0)
    assert release_assets.release_tables(data_dir, tmp_path / "assets", manifest) == []
    assert (data_dir / "datapackage.json").read_bytes() == local and not (tmp_path / "assets").exists()


def test_write_twice_gives_the_same_bytes(seed_package: SeedPackage, tmp_path: Path) -> None:
    dataset, descriptor, _ = seed_package
    first = downloads.write(dataset, descriptor, _fresh(seed_package, tmp_path / "a"))
    second = downloads.write(dataset, descriptor, _fresh(seed_package, tmp_path / "b"))
    assert first == second
    for f in first["files"] + [{"path": "manifest.json"}]:
        assert (tmp_path / "a" / f["path"]).read_bytes() == (tmp_path / "b" / f["path"]).read_bytes(), f["path"]


def test_write_refuses_a_canonical_csv_that_differs_from_the_descriptor(seed_package: SeedPackage, tmp_path: Path) -> None:
    dataset, descriptor, _ = seed_package
    data_dir = _fresh(seed_package, tmp_path / "data")
    with open(data_dir / "topics.csv", "a", encoding="utf-8") as f:
        f.write("extra,row\n")
    before = sorted(p.name for p in data_dir.iterdir())
    with pytest.raises(BuildError) as caught:
        downloads.write(dataset, descriptor, data_dir)
    assert caught.value.report and [p.code for p in caught.value.report.problems] == ["download-mismatch"]
    assert caught.value.report.problems[0].file == "site/data/topics.csv"
    assert sorted(p.name for p in data_dir.iterdir()) == before  # nothing written, no staging folder left


def test_write_reports_every_cell_a_workbook_cannot_hold_and_writes_nothing(seed_package: SeedPackage, tmp_path: Path) -> None:
    dataset, descriptor, _ = seed_package
    data_dir = _fresh(seed_package, tmp_path / "data")
    sections = (data_dir / "sections.csv").read_text(encoding="utf-8")
    first_text = next(csv.DictReader(io.StringIO(sections)))["text"]
    broken = sections.replace(first_text, first_text[:5] + "\x07" + first_text[5:], 1)
    (data_dir / "sections.csv").write_text(broken, encoding="utf-8")
    topics = list(csv.reader(io.StringIO((data_dir / "topics.csv").read_text(encoding="utf-8"), newline="")))
    topics[1][2] = "长" * (downloads.XLSX_CELL_LIMIT + 1)
    with open(data_dir / "topics.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(topics)
    descriptor = json.loads(json.dumps(descriptor))
    for resource in descriptor["resources"]:  # as if the package itself had been written this way
        resource["hash"] = "sha256:" + hashlib.sha256((data_dir / resource["path"]).read_bytes()).hexdigest()
    before = sorted(p.name for p in data_dir.iterdir())
    with pytest.raises(BuildError) as caught:
        downloads.write(dataset, descriptor, data_dir)
    assert caught.value.report
    found = {(p.file, p.line, p.field, p.code) for p in caught.value.report.problems}
    assert found == {("site/data/sections.csv", 2, "text", "xlsx-illegal-character"),
                     ("site/data/topics.csv", 2, "description", "xlsx-cell-too-long")}
    assert sorted(p.name for p in data_dir.iterdir()) == before


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_bom_csv_is_bom_plus_canonical(built: Paths, table: str) -> None:
    """The Excel 版 CSVs only duplicate the canonical ones: published zipped (issue 13), byte for byte
    but for the apostrophe before a cell that starts like a formula (issue 17)."""
    assert not (_data(built) / "excel" / f"{table}.csv").exists()
    manifest = json.loads((_data(built) / "manifest.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(_data(built) / "excel" / f"{STEM}-excel-csv.zip") as z:
        excel = z.read(f"{STEM}-{manifest['version']}-excel/{table}.csv")
    canonical = (_data(built) / f"{table}.csv").read_bytes()
    assert not canonical.startswith(b"\xef\xbb\xbf")
    assert excel[:3] == b"\xef\xbb\xbf"
    rows = _canonical_rows(_data(built) / f"{table}.csv")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(xlsx.neutralise_rows(rows, _ints(table)))
    assert excel[3:] == out.getvalue().encode("utf-8")
    if rows == xlsx.neutralise_rows(rows, _ints(table)):
        assert excel[3:] == canonical


def _ints(table: str) -> set[int]:
    return {i for i, f in enumerate(next(t for t in TABLES if t.name == table).fields) if f.kind == "integer"}


def test_sqlite_fulltext_finds_the_seeds_that_mention_shegongzhan(built: Paths, db: Path) -> None:
    replies = _replies_json(built)
    expected = sorted(r["id"] for r in replies if any("社工站" in (s["text"] or "") for s in r["sections"]))
    assert "530100-2023-tian-142282" in expected
    conn = sqlite3.connect(db)
    view = sqlitedb.SEARCH_VIEW
    found = [row[0] for row in conn.execute(f"select id from replies where rowid in (select rowid from {view} "
                                            f"where {view} match '\"社工站\"') order by id")]
    assert found == expected
    assert conn.execute(f"select count(*) from replies where rowid in (select rowid from {view} "
                        f"where {view} match '\"不存在的词语\"')").fetchone() == (0,)
    assert [r[0] for r in conn.execute(sqlitedb.FTS_EXAMPLE)] == ["530112-2020-yian-001"]  # the page's example


def test_sqlite_stores_no_copy_of_the_text(db: Path) -> None:
    """Both indexes are contentless: the text is stored once, in sections."""
    conn = sqlite3.connect(db)
    names = {r[0] for r in conn.execute("select name from sqlite_master")}
    assert {sqlitedb.FTS_TABLE, sqlitedb.SHORT_TABLE, sqlitedb.SEARCH_VIEW, sqlitedb.TEXT_VIEW} <= names
    assert not {f"{sqlitedb.FTS_TABLE}_content", f"{sqlitedb.SHORT_TABLE}_content"} & names
    assert dict(conn.execute("select key, value from _package"))["search_sql"] == sqlitedb.SEARCH_SQL


def test_sqlite_has_keys_and_all_rows(built: Paths, db: Path) -> None:
    conn = sqlite3.connect(db)
    for table in TABLES:
        canonical = _canonical_rows(_data(built) / f"{table.name}.csv")
        assert conn.execute(f'select count(*) from "{table.name}"').fetchone()[0] == len(canonical) - 1
        pk = [r[1] for r in sorted(conn.execute(f'pragma table_info("{table.name}")'), key=lambda r: r[5]) if r[5]]
        assert tuple(pk) == table.primary_key
        fks = {r[2] for r in conn.execute(f'pragma foreign_key_list("{table.name}")')}
        assert fks == {fk.table for fk in table.foreign_keys}
    assert conn.execute("pragma foreign_key_check").fetchall() == []


def test_replies_json_has_every_record(built: Paths) -> None:
    replies = _replies_json(built)
    folders = sorted(p.name for p in (built.replies).iterdir() if p.is_dir())
    assert folders and [r["id"] for r in replies] == folders
    assert all(r["sections"] for r in replies)


def test_replies_json_is_what_the_standard_json_module_writes(seed_package: SeedPackage, tmp_path: Path) -> None:
    dataset = seed_package[0]
    for name, replies in (("all", dataset.replies), ("one", dataset.replies[:1]), ("none", ())):
        subset = dataclasses.replace(dataset, replies=tuple(replies))
        downloads.write_replies_json(subset, tmp_path / f"{name}.json")
        expected = package.dumps([r.data for r in replies]).encode("utf-8")
        assert (tmp_path / f"{name}.json").read_bytes() == expected, name


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


@pytest.mark.parametrize(("value", "shown"), [
    ('=HYPERLINK("https://evil.example/?x","点此核验")', '\'=HYPERLINK("https://evil.example/?x","点此核验")'),
    ("+1", "'+1"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("关于=号", "关于=号"), ("'已有引号", "'已有引号"), ("", ""),
])
def test_excel_cells_that_start_like_formulas_get_an_apostrophe(value: str, shown: str) -> None:
    """Issue 17: OWASP's CSV-injection rule, in the Excel files only; integer columns stay numbers."""
    assert xlsx.neutralise(value) == shown
    rows = [["id", "n", "text"], ["a", "-1", value]]
    assert xlsx.neutralise_rows(rows, {1}) == [["id", "n", "text"], ["a", "-1", shown]]


@pytest.mark.parametrize("offset", range(6))
def test_a_forbidden_character_is_found_across_read_chunks(tmp_path: Path, offset: int) -> None:
    """Issue 13: a table is scanned a chunk at a time; U+FFFE (three bytes) may straddle two chunks."""
    path = tmp_path / "t.csv"
    path.write_bytes(b"x" * offset + "\ufffe".encode("utf-8") + b"y" * 7)
    assert xlsx.file_has_illegal(path, chunk=4)
    path.write_bytes(b"x" * offset + "\u4e2d".encode("utf-8") + b"y" * 7)
    assert not xlsx.file_has_illegal(path, chunk=4)


def test_rows_are_counted_and_batched_as_csv_not_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,text\na,"two\nlines"\nb,one\nc,""\n', encoding="utf-8")
    assert downloads.count_rows(path) == 4
    with open(path, encoding="utf-8", newline="") as f:
        assert list(downloads.batches(csv.reader(f), 2)) == [[["id", "text"], ["a", "two\nlines"]], [["b", "one"], ["c", ""]]]


def test_a_file_over_the_zip64_limit_is_zipped_with_zip64_sizes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: the SQLite file is 10 GB at 100,000 letters; zipfile will not stream past 2 GiB unless told
    (the 100,000-letter build failed so). Smaller files keep their bytes (no ZIP64 fields)."""
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    small.write_bytes(b"x" * 100)
    large.write_bytes(b"y" * 300)
    when = dt.datetime(2024, 1, 1)
    downloads.zip_files({"small.txt": small}, tmp_path / "before.zip", when)
    monkeypatch.setattr(downloads, "ZIP64_FROM", 200)  # "over 2 GiB", at a size a test can write
    downloads.zip_files({"small.txt": small, "large.txt": large}, tmp_path / "both.zip", when)
    with zipfile.ZipFile(tmp_path / "both.zip") as archive:
        assert archive.read("large.txt") == large.read_bytes() and archive.read("small.txt") == small.read_bytes()
        offsets = {i.filename: i.header_offset for i in archive.infolist()}
    data = (tmp_path / "both.zip").read_bytes()

    def local_extra(offset: int) -> int:  # the local header's extra-field length (ZIP64 sizes live there)
        return int.from_bytes(data[offset + 28:offset + 30], "little")

    assert local_extra(offsets["large.txt"]) == 20 and local_extra(offsets["small.txt"]) == 0
    before = (tmp_path / "before.zip").read_bytes()
    assert data.startswith(before[:before.index(b"PK\x01\x02")])  # the small entry's bytes are as they were


def test_deflate_writes_what_zlib_reads_with_no_name_or_time(tmp_path: Path) -> None:
    """zlib-ng makes the deflate streams (``deflate``): any unzip or gunzip must read them, and the gzip
    header carries no file name and no time, so the same records give the same bytes."""
    import gzip
    import zipfile
    import zlib

    from zlib_ng import zlib_ng

    from build_scripts import deflate

    text = ("社区治理：居民议事会每月召开一次。" * 2000).encode("utf-8")
    packed = deflate.gzip_bytes(text, 6)
    assert gzip.decompress(packed) == text and packed[4:8] == b"\0\0\0\0" and not packed[3] & 0x08  # no mtime, no name
    assert packed == deflate.gzip_bytes(text, 6)
    with deflate.zip_writer(tmp_path / "a.zip", 6) as archive:
        archive.writestr("正文.txt", text)
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        info = archive.getinfo("正文.txt")
        assert info.compress_type == zipfile.ZIP_DEFLATED and archive.read(info) == text
        raw = (tmp_path / "a.zip").read_bytes()[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra):]
        stream = raw[:info.compress_size]
    c = zlib_ng.compressobj(6, zlib_ng.DEFLATED, -15)
    assert stream == c.compress(text) + c.flush()  # zlib-ng's stream, not zlib's
    assert zlib.decompress(stream, -15) == text


def test_the_database_makes_its_search_before_the_package_exists(seed_package: SeedPackage, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: the build forks ``write_database`` as soon as the records are checked. It must make its
    full-text indexes from the records alone, read the tables only once ``ready()`` returns (the package
    written), and give the same database as ``write`` makes with the package already there."""
    dataset, descriptor, _ = seed_package
    data_dir, stage = tmp_path / "data", tmp_path / "stage"
    stage.mkdir()
    steps: list[str] = []
    add_search = sqlitedb.add_search
    monkeypatch.setattr(sqlitedb, "add_search", lambda *a, **k: (steps.append("search"), add_search(*a, **k))[1])

    def ready() -> None:  # the package stage, run while the database waits
        steps.append("package" if not data_dir.exists() else "package already there")
        shutil.copytree(seed_package[2], data_dir)

    placed = downloads.write_database(dataset, data_dir, stage, ready)
    assert steps == ["search", "package"]
    monkeypatch.undo()
    assert list(placed.files) == [f"{STEM}.sqlite.zip"] and list(stage.iterdir()) == []
    whole = _fresh(seed_package, tmp_path / "whole")
    manifest = downloads.write(dataset, descriptor, whole)
    entry = next(f for f in manifest["files"] if f["path"] == f"{STEM}.sqlite.zip")
    assert placed.files[f"{STEM}.sqlite.zip"] == (entry["bytes"], entry["sha256"])
    assert (data_dir / f"{STEM}.sqlite.zip").read_bytes() == (whole / f"{STEM}.sqlite.zip").read_bytes()
    assert entry["rows"] == sum(f["rows"] for f in manifest["files"] if f["kind"] == "canonical")


def _database_in(zip_path: Path, folder: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extract(f"{STEM}.sqlite", folder)
    return sqlite3.connect(folder / f"{STEM}.sqlite")


def test_the_database_copies_in_a_short_gram_index_made_by_another_process(seed_package: SeedPackage, tmp_path: Path) -> None:
    """Issue 13: the build makes the short-gram index in a process of its own (``sqlitedb.make_short_index``); the
    database waits for it after its trigram index, copies it in and removes it. Every query, of one
    character or more, finds what the database made in one process finds."""
    dataset, _, package_dir = seed_package
    short_dir, stage = tmp_path / "short", tmp_path / "stage"
    short_dir.mkdir()
    stage.mkdir()
    done: list[str] = []
    sqlitedb.make_short_index(dataset, short_dir, lambda: done.append("short"))
    assert done == ["short"] and [p.name for p in short_dir.iterdir()] == [sqlitedb.SHORT_INDEX]
    copied = downloads.write_database(dataset, _fresh(seed_package, tmp_path / "data"), stage, lambda: None,
                                      short=sqlitedb.short_index_made(short_dir, lambda: None))
    assert list(short_dir.iterdir()) == [] and list(copied.files) == [f"{STEM}.sqlite.zip"]
    whole = _fresh(seed_package, tmp_path / "whole")
    (tmp_path / "stage2").mkdir()
    downloads.write_database(dataset, whole, tmp_path / "stage2", lambda: None)
    one, two = (_database_in(d / f"{STEM}.sqlite.zip", tmp_path / name)
                for d, name in ((tmp_path / "data", "a"), (whole, "b")))
    texts = [normalise(t) for (t,) in two.execute("SELECT title || coalesce(agency, '') FROM replies")]  # as queries are
    queries = sorted({t[i:i + n] for t in texts for n in (1, 2, 3, 5) for i in range(0, len(t) - n + 1, 3)})
    assert len(queries) > 100
    found = 0
    for q in queries:
        sql = f"SELECT rowid FROM {sqlitedb.SEARCH_VIEW} WHERE {sqlitedb.SEARCH_VIEW} MATCH ? ORDER BY rowid"
        phrase = '"' + q.replace('"', '""') + '"'
        rows = one.execute(sql, (phrase,)).fetchall()
        assert rows == two.execute(sql, (phrase,)).fetchall(), q
        found += bool(rows) and len(q) <= 2
    assert found > 50  # one- and two-character queries answered by the copied index
    assert one.execute(f"SELECT count(*) FROM {sqlitedb.SHORT_TABLE}_data").fetchone() == \
        two.execute(f"SELECT count(*) FROM {sqlitedb.SHORT_TABLE}_data").fetchone()
    one.execute(f"INSERT INTO {sqlitedb.SHORT_TABLE}({sqlitedb.SHORT_TABLE}, rank) VALUES ('integrity-check', 0)")


def test_a_short_gram_index_that_was_not_made_stops_the_database(tmp_path: Path) -> None:
    """Its process failed (the build reports that error): the database says which file it waited for."""
    with pytest.raises(BuildError, match="short-gram index of the SQLite download was not made"):
        sqlitedb.short_index_made(tmp_path, lambda: None)()


def test_a_database_whose_replies_are_not_in_id_order_is_refused(seed_package: SeedPackage, tmp_path: Path) -> None:
    """The indexes are made under rowids counted from the sorted ids (``sqlitedb.rowids``), before the table
    exists; a replies.csv in another order would give every match to the wrong reply, so the build stops."""
    dataset, _, _ = seed_package
    data_dir = _fresh(seed_package, tmp_path / "data")
    replies = (data_dir / "replies.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, *rows = replies
    (data_dir / "replies.csv").write_text(header + "".join(reversed(rows)), encoding="utf-8")
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "replies")
    resource["hash"] = "sha256:" + downloads.sha256_of(data_dir / "replies.csv")
    (data_dir / "datapackage.json").write_text(package.dumps(descriptor), encoding="utf-8")
    (tmp_path / "stage").mkdir()
    with pytest.raises(BuildError) as caught:
        downloads.write_database(dataset, data_dir, tmp_path / "stage", lambda: None)
    assert "download-rowid" in str(caught.value.report.problems[0].code)
