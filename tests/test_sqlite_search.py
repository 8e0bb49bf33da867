"""Issue 15: full-text search in the SQLite download finds exactly what the site's search finds.

The yardstick is the brute-force oracle (``search/oracle.py``: a reply matches when one of its fields,
normalised, contains the normalised query) on the committed query set (tests/search_queries.yaml),
on the seeds and on hand-made replies; Datasette itself is run in-process on the built file.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from build_scripts import records, sqlitedb
from build_scripts.dataset import Dataset, Reply
from build_scripts.fields import TABLES
from build_scripts.paths import Paths
from build_scripts.search import oracle
from build_scripts.textnorm import char_folds, normalise

STEM = "dafu-gongkai-community-governance"
QUERIES = [q["q"] for q in yaml.safe_load((Path(__file__).parent / "search_queries.yaml").read_text("utf-8"))["queries"]]


def phrase(query: str) -> str:
    """The documented MATCH form: the normalised query as one FTS5 phrase."""
    return '"' + normalise(query).replace('"', '""') + '"'


def match(conn: sqlite3.Connection, query: str) -> list[str]:
    sql = (f"select id from replies where rowid in (select rowid from {sqlitedb.SEARCH_VIEW} "
           f"where {sqlitedb.SEARCH_VIEW} match ?) order by id")
    return [row[0] for row in conn.execute(sql, (phrase(query),))]


def site_search(conn: sqlite3.Connection, query: str) -> list[str]:
    return [row[0] for row in conn.execute(sqlitedb.SEARCH_SQL, {"q": query})]


@pytest.fixture(scope="module")
def database(built: Paths, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite")
    with zipfile.ZipFile(built.site / "data" / f"{STEM}.sqlite.zip") as archive:
        assert sorted(archive.namelist()) == [f"{STEM}.datasette.json", f"{STEM}.sqlite"]
        archive.extractall(folder)
    return folder / f"{STEM}.sqlite"


@pytest.fixture(scope="module")
def seeds(built: Paths) -> Dataset:
    return records.load(built)


def test_query_set_is_there() -> None:
    assert "陆林" in QUERIES and "社區減負" in QUERIES and len(QUERIES) > 10


@pytest.mark.parametrize("query", QUERIES)
def test_match_finds_exactly_what_the_oracle_finds(database: Path, seeds: Dataset, query: str) -> None:
    conn = sqlite3.connect(database)
    expected = sorted(oracle.search(seeds, query))
    assert match(conn, query) == expected
    assert site_search(conn, query) == expected


def test_two_character_name_is_found(database: Path) -> None:
    """The issue's example: MATCH '陆林' found nothing with the trigram index alone."""
    conn = sqlite3.connect(database)
    assert match(conn, "陆林") == ["530112-2020-yian-001"]
    assert match(conn, "社工站") == ["530000-2021-tian-0079", "530100-2023-tian-142282", "610102-2023-jianyi-11"]


def test_sql_fold_is_the_sites_normalisation_for_every_committed_query(database: Path) -> None:
    conn = sqlite3.connect(database)
    sql = sqlitedb.SEARCH_SQL.split("select id, title")[0] + "select q from query"
    for query in QUERIES:
        assert conn.execute(sql, {"q": query}).fetchone()[0] == normalise(query), query
    assert dict(conn.execute(f"select ch, folded from {sqlitedb.FOLD_TABLE}")) == char_folds()


def test_search_survives_vacuum(database: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(database, copy)
    conn = sqlite3.connect(copy)
    before = {q: match(conn, q) for q in QUERIES}
    conn.execute("VACUUM")
    assert {q: match(conn, q) for q in QUERIES} == before
    for table in (sqlitedb.FTS_TABLE, sqlitedb.SHORT_TABLE):
        conn.execute(f"insert into {table}({table}, rank) values('integrity-check', 1)")


# --- hand-made replies: the edges of the two indexes -------------------------------------------

def _reply(rid: str, title: str, agency: str = "某局", text: str = "", proposers: tuple[str, ...] = ()) -> Reply:
    data: dict[str, Any] = {"id": rid, "title": title, "proposal_title": None, "agency": agency, "doc_number": None,
                            "proposers": list(proposers), "sections": [{"heading": None, "level": 0, "text": text}]}
    return Reply(data, Path("."))


EDGE_REPLIES = (
    _reply("a", "标题末字陆", agency="林业局", text="第一段甲\n\n乙第二段"),
    _reply("b", "云民发〔2021〕118号", text='他说"好"，ABC 與 Ｘｙ'),
    _reply("c", "单", proposers=("陆林",), text="a-b [x]"),
    _reply("d", "前\ue000后", text="私用区字符把字段连起来时不能错位"),  # the character normalised_fields joins with
)

EDGE_QUERIES = ("陆林", "陆林业", "标题末字陆林", "甲乙", "段甲", "甲\n\n乙", "〔2", "[2021]", '"好"', '说"', "abc",
                "与", "xy", "ｘ", "a-b", "-b", "[x]", "单", "陆", "林", "。", "乙第二段", "\ue000后", "后私", "错位")


@pytest.fixture(scope="module", params=["made in place", "short grams copied in"])
def edge_database(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> sqlite3.Connection:
    """The replies table and both indexes; the short-gram index made in the same connection, or (as the build
    does, issue 13) in a database of its own by another process and copied in (``sqlitedb.copy_index``): then
    the connection that copied it is closed and the file opened again, as a reader opens the download."""
    folder = tmp_path_factory.mktemp("edge")
    path = folder / "edge.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(sqlitedb.create_table_sql(TABLES[0]).replace("NOT NULL", ""))
    conn.executemany("insert into replies (id, title) values (?, ?)", [(r.id, r["title"]) for r in EDGE_REPLIES])
    dataset = SimpleNamespace(replies=EDGE_REPLIES)
    short = None
    if request.param == "short grams copied in":
        short = folder / "short.sqlite"
        sqlitedb.write_short_index(short, dataset, dict(conn.execute("SELECT id, rowid FROM replies")))  # type: ignore[arg-type]
    sqlitedb.add_search(conn, dataset, short=(lambda: short) if short else None)  # type: ignore[arg-type, return-value]
    sqlitedb.add_search_view(conn)
    if short:
        conn.close()
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute(f"INSERT INTO {sqlitedb.SHORT_TABLE}({sqlitedb.SHORT_TABLE}, rank) VALUES ('integrity-check', 0)")
        assert conn.execute(f"SELECT count(*) FROM {sqlitedb.SHORT_TABLE}_data").fetchone()[0] > 1  # not the empty one
    return conn


@pytest.mark.parametrize("query", EDGE_QUERIES)
def test_hand_made_edges_match_the_oracle(edge_database: sqlite3.Connection, query: str) -> None:
    expected = sorted(oracle.search(SimpleNamespace(replies=EDGE_REPLIES), query))  # type: ignore[arg-type]
    assert match(edge_database, query) == expected
    assert site_search(edge_database, query) == expected


def test_no_match_spans_two_fields(edge_database: sqlite3.Connection) -> None:
    """陆 ends reply a's title and 林 begins its agency: not 陆林 (reply c has it, as a proposer)."""
    assert match(edge_database, "陆林") == ["c"]
    assert match(edge_database, "陆林业") == []
    assert match(edge_database, "[2021]") == []  # ASCII brackets are not the full-width ones
    assert match(edge_database, "〔2021〕118") == ["b"]


@pytest.mark.parametrize("fields", [["标题末字陆", "林业局", "第一段甲\n\n乙第二段"], ["单"], [], ["ab", "c"],
                                    ['他说"好"，abc 与 xy', "a-b [x]", "前\ue000后"], ["𠀀𠀁字"]])
def test_short_grams_are_each_fields_one_and_two_character_substrings(fields: list[str]) -> None:
    """What the ``ascii`` tokenizer makes of ``short_grams``: every one- and two-character substring of each
    field (one that holds a separator, such as a space, is what the tokenizer keeps of it), none across two."""
    separators = re.compile(r"[\x00-\x20\x7f]+")
    tokens = set(separators.split(sqlitedb.short_grams(fields))) - {""}
    expected = {g for text in fields for n in (1, 2) for i in range(len(text) - n + 1)
                for g in separators.split(text[i:i + n]) if g}
    assert tokens == expected


# --- Datasette itself -------------------------------------------------------------------------

def _in_a_thread(coroutine: Any) -> Any:
    """``asyncio.run`` in a thread of its own: Playwright's sync API keeps an event loop running in this
    one when the browser tests ran first in the same session."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _datasette(database: Path, metadata: dict[str, Any] | None, requests: list[tuple[str, dict[str, str]]]) -> list[Any]:
    datasette = pytest.importorskip("datasette.app")

    async def run() -> list[Any]:
        ds = datasette.Datasette([str(database)], metadata=metadata) if metadata else datasette.Datasette([str(database)])
        out = []
        for path, params in requests:
            response = await ds.client.get(path, params=params)
            assert response.status_code == 200, (path, params, response.text[:500])
            out.append(response.json())
        return out

    return _in_a_thread(run())


def _box_queries() -> list[str]:
    """Queries typed as the site normalises them (Datasette's box does not fold traditional or width)."""
    return [q for q in QUERIES if normalise(q) == q]


@pytest.mark.parametrize("with_metadata", [False, True])
@pytest.mark.parametrize("table", ["replies", sqlitedb.TEXT_VIEW])
def test_datasette_search_box_returns_exactly_the_matching_replies(database: Path, seeds: Dataset,
                                                                    with_metadata: bool, table: str) -> None:
    metadata = json.loads((database.parent / f"{STEM}.datasette.json").read_text("utf-8")) if with_metadata else None
    queries = _box_queries()
    assert "陆林" in queries and "社工站" in queries and "社区减负" in queries
    answers = _datasette(database, metadata, [(f"/{STEM}/{table}.json", {"_search": q, "_shape": "array",
                                                                          "_col": "id", "_size": "max"})
                                              for q in queries])
    for query, rows in zip(queries, answers):
        assert sorted(r["id"] for r in rows) == sorted(oracle.search(seeds, query)), query


def test_datasette_table_page_shows_a_search_box(database: Path) -> None:
    datasette = pytest.importorskip("datasette.app")

    async def run() -> str:
        response = await datasette.Datasette([str(database)]).client.get(f"/{STEM}/replies", params={"_search": "陆林"})
        return response.text

    page = _in_a_thread(run())
    assert 'name="_search"' in page and "530112-2020-yian-001" in page and "530000-2021-tian-0079" not in page


def test_datasette_search_query_normalises_as_the_site(database: Path, seeds: Dataset) -> None:
    metadata = json.loads((database.parent / f"{STEM}.datasette.json").read_text("utf-8"))
    answers = _datasette(database, metadata, [(f"/{STEM}/search.json", {"q": q, "_shape": "array"}) for q in QUERIES])
    for query, rows in zip(QUERIES, answers):
        assert [r["id"] for r in rows] == sorted(oracle.search(seeds, query)), query
