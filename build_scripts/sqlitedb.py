"""The SQLite download: every table of the package with its keys, and a full-text index that finds what the site's search finds.

``downloads`` feeds it one table at a time (``open_database``, ``insert_rows``, ``finish_database``)
from the canonical CSVs, so the whole package is never in memory. Integer columns are INTEGER,
"" is NULL; foreign keys are checked before the file is kept.

Full-text search (issue 15): a reply matches a query when one of its searchable fields (``replytext``:
title, proposal title, agency, 文号, proposers, each section's heading and text), normalised as the
site normalises (``textnorm.normalise``), contains the normalised query: any length from one
character. No tokenizer built into SQLite does that alone: ``trigram`` returns nothing for a query
under three characters, ``unicode61`` keeps a run of Chinese characters as one token. So two
contentless FTS5 indexes over the normalised fields, and one view that asks both:

- ``replies_fts`` (``trigram``): the fields joined by a line break (no normalised query holds white
  space, so no match spans two fields); exact for queries of three characters or more.
- ``replies_fts_short`` (``ascii`` tokenizer, every printable character a token character,
  ``detail=none``): every one- and two-character substring of each field, as one token each;
  exact for queries of one or two characters, and never matches a longer one.
- ``replies_search``: ``select rowid from replies_search where replies_search match '"陆林"'`` is
  the union of both; its rowids are ``replies.rowid``. The comment in its SQL names
  ``content="replies"`` (and ``content="replies_text"``, the view of each reply's whole text) so
  that Datasette links it to both and their search box (which quotes each word as a phrase) asks it. ``search_fold`` maps each character to its normalised form, so
  ``SEARCH_SQL`` normalises a query in SQL exactly as the site's browser does.
"""

from __future__ import annotations

import itertools
import sqlite3
import string
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from build_scripts import replytext
from build_scripts.dataset import Dataset, Reply
from build_scripts.fields import TABLES, Table
from build_scripts.package import RIGHTS
from build_scripts.problems import BuildError, Problem
from build_scripts.textnorm import char_folds, normalise_many

FTS_TABLE = "replies_fts"
SHORT_TABLE = "replies_fts_short"
SEARCH_VIEW = "replies_search"
FOLD_TABLE = "search_fold"
TEXT_VIEW = "replies_text"  # one row per reply: replies' rowid, id, title, proposal title, its whole text

FTS_EXAMPLE = (f"select id, title from replies where rowid in (select rowid from {SEARCH_VIEW} "
               f"where {SEARCH_VIEW} match '\"陆林\"') order by id;")

SEARCH_SQL = f"""with recursive folded(i, q) as (
  select 0, ''
  union all
  select i + 1, q || coalesce((select folded from {FOLD_TABLE} where ch = substr(:q, i + 1, 1)), substr(:q, i + 1, 1))
  from folded where i < length(:q)
), query(q) as (select q from folded order by i desc limit 1)
select id, title, agency, reply_date from replies
where (select q from query) <> ''
  and rowid in (select rowid from {SEARCH_VIEW}
                where {SEARCH_VIEW} match (select '"' || replace(q, '"', '""') || '"' from query))
order by id"""
"""The site's search in SQL: ``:q`` normalised character by character through ``search_fold``, then matched."""

SQLITE_PAGE_SIZE = 16384

# While the indexes are built, merge segments only in a crisis (automerge rewrote the index ~4 times:
# 44 s instead of 10 at 10,000 letters, and left 56 MB of free pages); unmerged segments cost a query a few
# milliseconds. Hash tables small enough for the processor's caches (2 MB of L2 a core, 32 MB of L3 shared):
# the trigram index's 64 MB table missed them (at 10,000 letters 70.8 s with 64 MB, 35.1 s with 1 MB;
# 410 → 424 MB). The short grams' table was 64 MB, never merged (94 MB at 10,000 letters), but at 100,000
# letters (the 10,000 ten times over, ``TIMES=10``) that was 281 CPU-seconds and 1,344 MB against 242 s and
# 819 MB with 2 MB and a merge every 32 segments (119.6 MB at 10,000 letters); 1 MB and 16: 256 s, 864 MB.
# A 64 MB table also takes the shared cache from the build's other processes (the short index alone took
# 34.7 s at 10,000 letters, 49.6 s beside the search index's build).
FTS_BULK_CONFIG = {
    FTS_TABLE: {"hashsize": 1 << 20, "automerge": 0, "crisismerge": 64},
    SHORT_TABLE: {"hashsize": 2 << 20, "automerge": 0, "crisismerge": 32},
}

FTS_DEFAULT_CONFIG = {"hashsize": 1 << 20, "automerge": 4, "crisismerge": 16}

FIELD_BREAK = "\n"  # joins a reply's normalised fields in replies_fts: no normalised query holds white space
_TOKEN_CHARS = string.punctuation  # ascii: every other printable ASCII character is a token character too


def _tokenize_option(tokenizer: str) -> str:
    return "'" + tokenizer.replace("'", "''") + "'"


SHORT_TOKENIZER = "ascii tokenchars '" + _TOKEN_CHARS.replace("'", "''") + "'"

def _sql_type(kind: str) -> str:
    return "INTEGER" if kind == "integer" else "TEXT"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def integer_columns(table: Table) -> set[int]:
    """Indexes of the table's integer columns (stored as numbers in the database and the workbook)."""
    return {i for i, f in enumerate(table.fields) if f.kind == "integer"}


def date_columns(table: Table) -> set[int]:
    """Indexes of the table's date columns (date cells in the workbook; ISO text in the database)."""
    return {i for i, f in enumerate(table.fields) if f.kind == "date"}


def create_table_sql(table: Table) -> str:
    columns = [f"{_quote(f.name)} {_sql_type(f.kind)}" + (" NOT NULL" if f.required and f.kind != "list" else "")
               for f in table.fields]
    columns.append(f"PRIMARY KEY ({', '.join(map(_quote, table.primary_key))})")
    for fk in table.foreign_keys:
        columns.append(f"FOREIGN KEY ({', '.join(map(_quote, fk.fields))}) "
                       f"REFERENCES {_quote(fk.table)} ({', '.join(map(_quote, fk.reference))})")
    return f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(columns) + "\n)"


TEXT_VIEW_SQL = (  # the text column as replies_text.csv has it (replytext.full_text)
    f"CREATE VIEW {TEXT_VIEW} AS SELECT r.rowid AS rowid, r.id AS id, r.title AS title, "
    "coalesce(r.proposal_title, '') AS proposal_title, "
    "coalesce((SELECT group_concat(CASE WHEN s.h IS NOT NULL AND s.t IS NOT NULL THEN s.h || char(10) || s.t "
    "ELSE coalesce(s.h, s.t, '') END, char(10) || char(10)) FROM (SELECT nullif(heading, '') AS h, "
    "nullif(text, '') AS t FROM sections WHERE reply_id = r.id ORDER BY position) s), '') AS text FROM replies r")

FTS_SQL = f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(text, content = '', tokenize = 'trigram')"

SHORT_SQL = (f"CREATE VIRTUAL TABLE {SHORT_TABLE} USING fts5(grams, content = '', detail = none, "
             f"tokenize = {_tokenize_option(SHORT_TOKENIZER)})")

SEARCH_VIEW_SQL = (
    f"CREATE VIEW {SEARCH_VIEW}(rowid, {SEARCH_VIEW}) AS\n"
    "-- Full-text search of replies (rowid = replies.rowid) as the site searches: "
    f"{SEARCH_VIEW} match '\"陆林\"'.\n"
    "-- For Datasette, which links it to replies and to replies_text (both have replies' rowid):\n"
    "-- VIRTUAL TABLE USING FTS5 content=\"replies\"; VIRTUAL TABLE USING FTS5 content=\"replies_text\"\n"
    f"SELECT rowid, {FTS_TABLE} FROM {FTS_TABLE} UNION ALL SELECT rowid, {SHORT_TABLE} FROM {SHORT_TABLE}")


def open_database(path: Path) -> sqlite3.Connection:
    """A new database inside one transaction, tuned for one bulk load (``create_tables`` makes the tables)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (f"page_size = {SQLITE_PAGE_SIZE}", "journal_mode = OFF", "synchronous = OFF",
                   "cache_size = -65536", "temp_store = MEMORY"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("BEGIN")
    return conn


def create_tables(conn: sqlite3.Connection) -> None:
    for table in TABLES:
        conn.execute(create_table_sql(table))


def insert_rows(conn: sqlite3.Connection, table: Table, rows: Iterable[Sequence[str]]) -> None:
    """Rows of a table's CSV (no header): "" is NULL, integer columns are integers."""
    ints = integer_columns(table)
    values = ([None if v == "" else int(v) if i in ints else v for i, v in enumerate(row)] for row in rows)
    marks = ", ".join("?" for _ in table.fields)
    conn.executemany(f"INSERT INTO {_quote(table.name)} VALUES ({marks})", values)


def finish_database(conn: sqlite3.Connection, version: str, dataset: Dataset) -> list[Problem]:
    """Check the foreign keys and that the full-text indexes (``add_search``, made first) have the replies'
    rowids; add the views and the fold table; record the version; commit and close."""
    problems = [Problem(f"site/data/{table}.csv", 0, "", "download-foreign-key",
                        f"row {rowid} refers to a missing row of {parent}",
                        "a build bug: the validated package has no dangling keys")
                for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")]
    if dict(conn.execute("SELECT id, rowid FROM replies")) != rowids(dataset):
        problems.append(Problem("site/data/replies.csv", 0, "id", "download-rowid",
                                "the replies' rowids in the database are not the full-text indexes' rowids",
                                "a build bug: replies.csv must list the records in id order"))
    conn.execute(TEXT_VIEW_SQL)
    add_search_view(conn)
    conn.execute("CREATE TABLE _package (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.executemany("INSERT INTO _package VALUES (?, ?)",
                     [("version", version), ("rights", RIGHTS), ("fts_example", FTS_EXAMPLE),
                      ("search_sql", SEARCH_SQL)])
    conn.execute("COMMIT")
    conn.close()
    return problems


def rowids(dataset: Dataset) -> dict[str, int]:
    """Each reply's rowid in the replies table: the table is read from replies.csv, in id order, so the
    n-th id is rowid n. The full-text indexes are made with these before the table is filled."""
    return {rid: n for n, rid in enumerate(sorted(r.id for r in dataset.replies), 1)}


def add_search(conn: sqlite3.Connection, dataset: Dataset, by_id: dict[str, int] | None = None,
               short: Callable[[], Path] | None = None) -> None:
    """The two indexes (see the module's docstring), under the replies' rowids ``by_id`` (else the replies
    table's); ``finish_database`` adds the view that asks both and the fold table.

    ``short``: called once the trigram index is made, gives a database ``write_short_index`` made, whose
    short-gram index is copied in (the build makes it in a process of its own: the two indexes are most of
    the database's CPU time, ≈ 340 and 240 CPU-seconds at 100,000 letters); without it, it is made here."""
    conn.execute(FTS_SQL)
    tables = [FTS_TABLE]
    if short is None:
        conn.execute(SHORT_SQL)
        tables.append(SHORT_TABLE)
    rowids = by_id if by_id is not None else dict(conn.execute("SELECT id, rowid FROM replies"))
    _configure(conn, tables, bulk=True)
    for reply, fields in normalised_fields(dataset.replies):
        rowid = rowids[reply.id]
        conn.execute(f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (?, ?)", (rowid, FIELD_BREAK.join(fields)))
        if short is None:
            conn.execute(f"INSERT INTO {SHORT_TABLE}(rowid, grams) VALUES (?, ?)", (rowid, short_grams(fields)))
    _configure(conn, tables, bulk=False)
    if short is not None:
        copy_index(conn, short(), SHORT_TABLE, SHORT_SQL)


def write_short_index(path: Path, dataset: Dataset, by_id: dict[str, int]) -> None:
    """A database holding only ``replies_fts_short``, for ``add_search(short=path)`` to copy in."""
    conn = open_database(path)
    try:
        conn.execute(SHORT_SQL)
        _configure(conn, [SHORT_TABLE], bulk=True)
        for reply, fields in normalised_fields(dataset.replies):
            conn.execute(f"INSERT INTO {SHORT_TABLE}(rowid, grams) VALUES (?, ?)", (by_id[reply.id], short_grams(fields)))
        _configure(conn, [SHORT_TABLE], bulk=False)
        conn.execute("COMMIT")
    finally:
        conn.close()


SHORT_INDEX = "short-grams.sqlite"
"""What ``write_short_index`` leaves in its folder: a database holding only the short-gram index."""


def make_short_index(dataset: Dataset, folder: Path, done: Callable[[], object]) -> None:
    """The database's short-gram index (``write_short_index``) as ``folder/SHORT_INDEX``, for
    ``downloads.write_database`` in another process to copy in; ``done()`` once it is there or has failed."""
    try:
        part = folder / (SHORT_INDEX + ".part")
        write_short_index(part, dataset, rowids(dataset))
        part.rename(folder / SHORT_INDEX)
    finally:
        done()


def short_index_made(folder: Path, wait: Callable[[], object]) -> Callable[[], Path]:
    """``downloads.write_database``'s ``short``: waits for ``make_short_index`` in ``folder``, then its database."""
    def made() -> Path:
        wait()
        path = folder / SHORT_INDEX
        if not path.is_file():
            raise BuildError(f"{path}: the short-gram index of the SQLite download was not made "
                             "(its process failed; the build reports why)")
        return path
    return made


def copy_index(conn: sqlite3.Connection, source: Path, table: str, create_sql: str) -> None:
    """The FTS5 table ``table`` of the database at ``source`` made in ``conn``: created empty, then its
    shadow tables (``<table>_data``, ``_idx``, ``_docsize``, ``_config``: the whole index) replaced by the
    source's rows. Nothing reads or configures ``table`` through ``conn`` afterwards: FTS5 may keep what the
    empty table held in memory; the next connection reads the copied index."""
    conn.execute(create_sql)
    made = sqlite3.connect(source)
    try:
        shadows = _shadow_tables(made, table)
        if shadows != _shadow_tables(conn, table):
            raise ValueError(f"{source}: {table}'s shadow tables are not the ones this SQLite makes: {shadows}")
        for name in shadows:
            rows = made.execute(f"SELECT * FROM {_quote(name)}")
            marks = ", ".join("?" for _ in rows.description)
            conn.execute(f"DELETE FROM {_quote(name)}")
            conn.executemany(f"INSERT INTO {_quote(name)} VALUES ({marks})", rows)
    finally:
        made.close()


def _shadow_tables(conn: sqlite3.Connection, table: str) -> list[str]:
    return sorted(name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if name.startswith(table + "_"))


def _configure(conn: sqlite3.Connection, tables: list[str], *, bulk: bool) -> None:
    """The indexes' settings for one bulk load (``FTS_BULK_CONFIG``), or back to the defaults for whoever
    edits the database later."""
    for table in tables:
        for key, value in (FTS_BULK_CONFIG[table] if bulk else FTS_DEFAULT_CONFIG).items():
            conn.execute(f"INSERT INTO {table}({table}, rank) VALUES(?, ?)", (key, value))


def add_search_view(conn: sqlite3.Connection) -> None:
    """The view that asks both indexes, and the fold table ``SEARCH_SQL`` normalises queries with."""
    conn.execute(SEARCH_VIEW_SQL)
    conn.execute(f"CREATE TABLE {FOLD_TABLE} (ch TEXT PRIMARY KEY, folded TEXT NOT NULL) WITHOUT ROWID")
    conn.executemany(f"INSERT INTO {FOLD_TABLE} VALUES (?, ?)", sorted(char_folds().items()))


NORMALISE_BATCH = 200
"""Replies normalised together (``textnorm.normalise_many``: 0.59 s per 1,000 letters against 1.03 one by one)."""


def normalised_fields(replies: Iterable[Reply]) -> Iterator[tuple[Reply, list[str]]]:
    """Each reply with its searchable fields (``replytext``), each normalised as ``textnorm.normalise``,
    empty ones left out; ``NORMALISE_BATCH`` replies at a time."""
    for batch in _batched(replies):
        texts = [[f.text for f in replytext.head_fields(r) + replytext.body_fields(r)] for r in batch]
        flat = normalise_many([t for fields in texts for t in fields])
        at = 0
        for reply, fields in zip(batch, texts, strict=True):
            yield reply, [t for t in flat[at:at + len(fields)] if t]
            at += len(fields)


def _batched(replies: Iterable[Reply]) -> Iterator[tuple[Reply, ...]]:  # itertools.batched from Python 3.12
    it = iter(replies)
    while batch := tuple(itertools.islice(it, NORMALISE_BATCH)):
        yield batch


def short_grams(fields: list[str]) -> str:
    """Every one- and two-character substring of each field, space-separated, for ``replies_fts_short``.

    Made over the fields joined by ``FIELD_BREAK`` at once, with numpy over the code points: a pair that
    holds the line break is one character to the tokenizer (which separates at it), already there as a
    one-character gram, so no gram spans two fields. Repeats are left to FTS5 (``detail=none`` keeps one
    entry per token and row). 0.3 s per 10,000 letters, against 5.5 s joining ``map(operator.add, …)``
    field by field (issue 13).
    """
    text = FIELD_BREAK.join(fields)
    n = len(text)
    if n < 2:
        return text
    chars = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    grams = np.empty(5 * n - 3, dtype="<u4")  # n × (character, space), then n - 1 × (character, next, space)
    one = grams[:2 * n].reshape(n, 2)
    one[:, 0], one[:, 1] = chars, ord(" ")
    two = grams[2 * n:].reshape(n - 1, 3)
    two[:, 0], two[:, 1], two[:, 2] = chars[:-1], chars[1:], ord(" ")
    return grams[:-1].tobytes().decode("utf-32-le")


def datasette_metadata(descriptor: dict[str, Any]) -> dict[str, Any]:
    """``<name>.datasette.json``: ``datasette <name>.sqlite -m <name>.datasette.json`` gets titles, the
    license, the replies table's search box linked to ``replies_search`` (also found without it) and a
    ``search`` query that normalises as the site does (traditional characters, full width, spaces)."""
    return {
        "title": descriptor["title"],
        "license": descriptor["licenses"][0]["name"],
        "license_url": descriptor["licenses"][0]["path"],
        "databases": {descriptor["name"]: {
            "tables": {
                "replies": {"fts_table": SEARCH_VIEW, "fts_pk": "rowid"},
                TEXT_VIEW: {"fts_table": SEARCH_VIEW, "fts_pk": "rowid"},
                FTS_TABLE: {"hidden": True}, SHORT_TABLE: {"hidden": True}, FOLD_TABLE: {"hidden": True},
            },
            "queries": {"search": {
                "title": "全文检索（与网站检索相同）",
                "description": "输入任意长度的检索词（一个字起）：繁简、全半角、大小写、空格的处理与网站检索相同，"
                               "返回正文或标题中含有该词的答复。",
                "sql": SEARCH_SQL,
            }},
        }},
    }
