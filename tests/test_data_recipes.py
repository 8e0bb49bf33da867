"""Issue 15: the data page's recipes, run as printed, read every column with its type.

Each recipe is taken from the built data page (HTML-unescaped, exactly what the copy button copies)
and run in the built site's data folder; what it reads is compared cell for cell with the canonical
CSVs. The seeds named here: 530000-2021-tian-0079 (proposal number 0079, region 530000, term 12) and
530112-2020-yian-001 (the proposer 陆林).
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import re
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from build_scripts import records
from build_scripts.fields import FLAT_TABLE, TABLES
from build_scripts.pages.recipes import r_types
from build_scripts.paths import Paths
from build_scripts.replytext import full_text
from build_scripts.search import oracle

STEM = "dafu-gongkai-community-governance"
SEED = "530000-2021-tian-0079"


def recipe(built: Paths, key: str) -> str:
    page = (built.site / "data" / "index.html").read_text(encoding="utf-8")
    found = re.search(rf'<div class="recipe" id="recipe-{key}">.*?<pre><code>(.*?)</code></pre>', page, flags=re.DOTALL)
    assert found, key
    return html.unescape(found.group(1))


def canonical(built: Paths, path: str) -> list[dict[str, str]]:
    text = (built.site / "data" / path).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def as_cell(value: Any) -> str:
    """A value pandas read, written back as the canonical CSV writes it."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def same_as_csv(frame: pd.DataFrame, rows: list[dict[str, str]], columns: list[str]) -> None:
    assert len(frame) == len(rows) > 0
    for i, row in enumerate(rows):
        for column in columns:
            assert as_cell(frame[column].iloc[i]) == row[column], (row.get("id"), column)


def check_types(frame: pd.DataFrame, table_fields: Any) -> None:
    for f in table_fields:
        dtype = str(frame[f.name].dtype)
        if f.kind == "integer":
            assert dtype == "Int64", (f.name, dtype)
        elif f.kind == "date":
            assert dtype.startswith("datetime64"), (f.name, dtype)
        else:
            assert dtype == "string", (f.name, dtype)


@pytest.fixture
def in_data(built: Paths, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(built.site / "data")
    return built.site / "data"


def test_plain_pandas_loses_the_leading_zeros_the_recipe_keeps(built: Paths, in_data: Path) -> None:
    plain = pd.read_csv("replies.csv")
    assert plain.set_index("id").loc[SEED, "proposal_number"] == 79  # the problem the recipe solves
    scope: dict[str, Any] = {}
    exec(recipe(built, "pandas"), scope)  # noqa: S102 - the recipe as the page prints it
    replies = scope["replies"].set_index("id", drop=False)
    assert replies.loc[SEED, "proposal_number"] == "0079"
    assert replies.loc[SEED, "region_code"] == "530000"
    assert replies.loc[SEED, "term"] == 12
    assert replies.loc[SEED, "reply_date"] == pd.Timestamp("2021-05-28")


def test_pandas_recipe_reads_every_column_with_its_type_and_value(built: Paths, in_data: Path) -> None:
    scope: dict[str, Any] = {}
    exec(recipe(built, "pandas"), scope)  # noqa: S102
    table = TABLES[0]
    check_types(scope["replies"], table.fields)
    same_as_csv(scope["replies"], canonical(built, "replies.csv"), [f.name for f in table.fields])
    sections = next(t for t in TABLES if t.name == "sections")
    check_types(scope["sections"], sections.fields)
    same_as_csv(scope["sections"], canonical(built, "sections.csv"), [f.name for f in sections.fields])
    check_types(scope["texts"], FLAT_TABLE.fields)
    same_as_csv(scope["texts"], canonical(built, "replies_text.csv"), [f.name for f in FLAT_TABLE.fields])
    check_types(scope["replies_from_excel"], table.fields)
    same_as_csv(scope["replies_from_excel"], canonical(built, "replies.csv"), [f.name for f in table.fields])


def test_frictionless_recipe_reads_the_same_values(built: Paths, in_data: Path) -> None:
    scope: dict[str, Any] = {}
    exec(recipe(built, "frictionless"), scope)  # noqa: S102
    replies = scope["replies"].reset_index()
    assert replies.set_index("id").loc[SEED, "proposal_number"] == "0079"
    same_as_csv(replies, canonical(built, "replies.csv"), [f.name for f in TABLES[0].fields])


def test_r_recipe_gives_each_table_its_schema_types(built: Paths) -> None:
    """R is not installed here: the readr types printed on the page are checked against datapackage.json."""
    import json

    code = recipe(built, "r")
    schemas = {r["name"]: r["schema"] for r in json.loads((built.site / "data" / "datapackage.json").read_text())["resources"]}
    letters = {"string": "c", "integer": "i", "date": "D"}
    for table in TABLES:
        expected = "".join(letters[f["type"]] for f in schemas[table.name]["fields"])
        assert f'{table.name} = "{expected}"' in code, table.name
    assert f'{FLAT_TABLE.name} = "{r_types(TABLES[0])}c"' in code
    for path in re.findall(r'read_csv\("([^"]+)"', code):
        assert (built.site / "data" / path).is_file(), path


def test_power_query_recipe_types_every_replies_column(built: Paths) -> None:
    code = recipe(built, "power-query")
    assert "Encoding = 65001" in code
    names = re.findall(r'\{"([a-z0-9_]+)", (?:type text|Int64\.Type|type date)\}', code)
    assert names == [f.name for f in TABLES[0].fields]
    assert '{"proposal_number", type text}' in code and '{"reply_date", type date}' in code


def _unzipped(built: Paths, tmp_path: Path) -> Path:
    with zipfile.ZipFile(built.site / "data" / f"{STEM}.sqlite.zip") as archive:
        archive.extractall(tmp_path)
    return tmp_path / f"{STEM}.sqlite"


def _sqlite3() -> str:
    found = shutil.which("sqlite3")
    if not found:
        pytest.fail("the sqlite3 shell is missing: apt-get install sqlite3 (make test installs it)")
    return found


def test_sqlite_recipe_finds_two_character_names(built: Paths, tmp_path: Path) -> None:
    database = _unzipped(built, tmp_path)
    command = next(line for line in recipe(built, "sqlite").splitlines() if line.startswith("sqlite3 "))
    out = subprocess.run(["bash", "-c", command.replace("sqlite3 ", f"{_sqlite3()} ", 1)], cwd=database.parent,
                         capture_output=True, text=True, check=True).stdout
    ids = [line.split("|")[0] for line in out.splitlines()]
    expected = oracle.search(records.load(built), "陆林")
    assert ids == sorted(expected) == ["530112-2020-yian-001"]


def test_sqlite_search_recipe_normalises_as_the_site(built: Paths, tmp_path: Path) -> None:
    database = _unzipped(built, tmp_path)
    out = subprocess.run([_sqlite3(), str(database)], input=recipe(built, "sqlite-search"), capture_output=True,
                         text=True, check=True).stdout
    ids = [line.split("|")[0] for line in out.splitlines()]
    expected = oracle.search(records.load(built), "社區減負")
    assert expected and ids == sorted(expected)


def test_workbook_dates_are_date_cells_and_identifiers_text(built: Paths) -> None:
    book = openpyxl.load_workbook(built.site / "data" / "excel" / f"{STEM}.xlsx")
    sheet = book["replies"]
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    seed = rows[SEED]
    number = seed[header.index("proposal_number")]
    assert number.data_type == "s" and number.value == "0079"
    assert seed[header.index("region_code")].value == "530000"
    date = seed[header.index("reply_date")]
    assert date.is_date and date.number_format == "yyyy-mm-dd" and date.value.date().isoformat() == "2021-05-28"
    for name in ("reply_date", "published_date", "retrieved_date", "withdrawn_date"):
        column = header.index(name)
        assert all(r[column].value is None or r[column].is_date for r in rows.values()), name


def test_flat_file_has_every_reply_with_its_whole_text(built: Paths) -> None:
    dataset = records.load(built)
    rows = canonical(built, "replies_text.csv")
    assert [r["id"] for r in rows] == sorted(r.id for r in dataset.replies)
    replies = {r["id"]: r for r in canonical(built, "replies.csv")}
    for row, reply in zip(rows, sorted(dataset.replies, key=lambda r: r.id)):
        assert row["text"] == full_text(reply) and row["text"]
        assert {k: v for k, v in row.items() if k != "text"} == replies[reply.id]
    seed = next(r for r in rows if r["id"] == "530112-2020-yian-001")
    assert "陆林" in seed["text"] or "陆林" in seed["proposers"]


def test_year_files_split_the_flat_file_by_year(built: Paths) -> None:
    """Each year's file is gzipped (pandas reads it as it is) and its Excel 版 copy is in the Excel zip
    only (issue 13: loose, the per-year files and their copies were 366 MB at 10,000 letters)."""
    rows = canonical(built, "replies_text.csv")
    by_year = sorted((built.site / "data" / "by-year").glob("replies_text-*.csv.gz"))
    assert by_year and not list((built.site / "data" / "by-year").glob("*.csv"))
    assert not (built.site / "data" / "excel" / "by-year").exists()
    assert not (built.site / "data" / "excel" / "replies_text.csv").exists()
    excel_zip = next((built.site / "data" / "excel").glob("*-excel-csv.zip"))
    with zipfile.ZipFile(excel_zip) as archive:
        members = {name.split("/", 1)[1]: name for name in archive.namelist()}
        assert archive.read(members["replies_text.csv"]) == \
            b"\xef\xbb\xbf" + (built.site / "data" / "replies_text.csv").read_bytes()
        together = []
        for path in by_year:
            year = path.name.removesuffix(".csv.gz").rsplit("-", 1)[1]
            plain = gzip.decompress(path.read_bytes())
            part = list(csv.DictReader(io.StringIO(plain.decode("utf-8"), newline="")))
            assert part and all((r["reply_date"] or r["published_date"])[:4] == year for r in part), path.name
            assert pd.read_csv(path, dtype="string", keep_default_na=False)["id"].tolist() == [r["id"] for r in part]
            together += part
            assert archive.read(members[f"by-year/{path.name.removesuffix('.gz')}"]) == b"\xef\xbb\xbf" + plain
    assert sorted(together, key=lambda r: r["id"]) == rows
    assert "2021" in [p.name.removesuffix(".csv.gz").rsplit("-", 1)[1] for p in by_year]  # the seed 530000-2021-tian-0079


def test_sqlite_text_view_is_the_flat_files_text(built: Paths, tmp_path: Path) -> None:
    conn = sqlite3.connect(_unzipped(built, tmp_path))
    view = dict(conn.execute("select id, text from replies_text"))
    assert view == {r["id"]: r["text"] for r in canonical(built, "replies_text.csv")}


@pytest.mark.browser
def test_copy_button_copies_a_recipe_exactly_as_shown(browser: object, site_url: str, built: Paths) -> None:
    """The copied pandas recipe keeps its line breaks and indentation, so it runs when pasted."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(site_url + "data/")
    page.locator("button[data-copy='recipe-pandas']").click()
    page.wait_for_selector("button[data-copy='recipe-pandas'][data-copied]")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == recipe(built, "pandas")
    assert "\n    fields = SCHEMAS[table][\"fields\"]\n" in copied
    context.close()
