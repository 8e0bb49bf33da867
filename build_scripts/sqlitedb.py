"""The SQLite download: every table of the package with its keys, and a full-text index of the replies.

``downloads`` feeds it one table at a time (``open_database``, ``insert_rows``, ``finish_database``)
from the canonical CSVs, so the whole package is never in memory. Integer columns are INTEGER,
"" is NULL; foreign keys are checked before the file is kept; ``replies_fts`` (FTS5) indexes each
reply's title, proposal title and text through the ``replies_text`` view.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from build_scripts.fields import TABLES, Table
from build_scripts.package import RIGHTS
from build_scripts.problems import Problem

FTS_TABLE = "replies_fts"


FTS_VIEW = "replies_text"  # what replies_fts indexes: one row per reply, its sections joined into `text`


FTS_EXAMPLE = f"select id, title from {FTS_TABLE} where {FTS_TABLE} match '社工站' order by id;"


FTS_REBUILD = f"insert into {FTS_TABLE}({FTS_TABLE}) values('rebuild');"


SQLITE_PAGE_SIZE = 16384


# While the index is built: buffer 64 MB of it in memory before writing a segment (default 1 MB), and
# never merge segments (merging rewrote the index ~4 times: 44 s instead of 10 at 10,000 letters, and
# left 56 MB of free pages); a few unmerged segments cost a query a few milliseconds.
FTS_BULK_CONFIG = {"hashsize": 64 << 20, "automerge": 0, "crisismerge": 64}


FTS_DEFAULT_CONFIG = {"hashsize": 1 << 20, "automerge": 4, "crisismerge": 16}


def _sql_type(kind: str) -> str:
    return "INTEGER" if kind == "integer" else "TEXT"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def integer_columns(table: Table) -> set[int]:
    """Indexes of the table's integer columns (stored as numbers in the database and the workbook)."""
    return {i for i, f in enumerate(table.fields) if f.kind == "integer"}


def create_table_sql(table: Table) -> str:
    columns = [f"{_quote(f.name)} {_sql_type(f.kind)}" + (" NOT NULL" if f.required and f.kind != "list" else "")
               for f in table.fields]
    columns.append(f"PRIMARY KEY ({', '.join(map(_quote, table.primary_key))})")
    for fk in table.foreign_keys:
        columns.append(f"FOREIGN KEY ({', '.join(map(_quote, fk.fields))}) "
                       f"REFERENCES {_quote(fk.table)} ({', '.join(map(_quote, fk.reference))})")
    return f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(columns) + "\n)"


FTS_VIEW_SQL = (
    f"CREATE VIEW {FTS_VIEW} AS SELECT r.rowid AS rowid, r.id AS id, r.title AS title, "
    "coalesce(r.proposal_title, '') AS proposal_title, "
    "coalesce((SELECT group_concat(coalesce(s.heading || char(10), '') || coalesce(s.text, ''), char(10)) "
    "FROM (SELECT * FROM sections WHERE reply_id = r.id ORDER BY position) s), '') AS text FROM replies r")


FTS_SQL = (f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(id UNINDEXED, title, proposal_title, text, "
           f"content = '{FTS_VIEW}', content_rowid = 'rowid', tokenize = 'trigram')")


def open_database(path: Path) -> sqlite3.Connection:
    """A new database with every table created, inside one transaction, tuned for one bulk load."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (f"page_size = {SQLITE_PAGE_SIZE}", "journal_mode = OFF", "synchronous = OFF",
                   "cache_size = -65536", "temp_store = MEMORY"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("BEGIN")
    for table in TABLES:
        conn.execute(create_table_sql(table))
    return conn


def insert_rows(conn: sqlite3.Connection, table: Table, rows: list[list[str]]) -> None:
    """A table's CSV rows (header first): "" is NULL, integer columns are integers."""
    ints = integer_columns(table)
    values = ([None if v == "" else int(v) if i in ints else v for i, v in enumerate(row)] for row in rows[1:])
    marks = ", ".join("?" for _ in table.fields)
    conn.executemany(f"INSERT INTO {_quote(table.name)} VALUES ({marks})", values)


def finish_database(conn: sqlite3.Connection, version: str) -> list[Problem]:
    """Check the foreign keys, build the full-text index, record the version; commit and close."""
    problems = [Problem(f"site/data/{table}.csv", 0, "", "download-foreign-key",
                        f"row {rowid} refers to a missing row of {parent}",
                        "a build bug: the validated package has no dangling keys")
                for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")]
    conn.execute(FTS_VIEW_SQL)
    conn.execute(FTS_SQL)
    config = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES(?, ?)"
    for key, value in FTS_BULK_CONFIG.items():
        conn.execute(config, (key, value))
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('rebuild')")
    for key, value in FTS_DEFAULT_CONFIG.items():  # back to the defaults for whoever edits the database later
        conn.execute(config, (key, value))
    conn.execute("CREATE TABLE _package (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.executemany("INSERT INTO _package VALUES (?, ?)",
                     [("version", version), ("rights", RIGHTS), ("fts_example", FTS_EXAMPLE),
                      ("fts_rebuild", FTS_REBUILD)])
    conn.execute("COMMIT")
    conn.close()
    return problems
