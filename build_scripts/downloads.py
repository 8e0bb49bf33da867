"""Post-MkDocs step, downloads: every other form of the data package, and a manifest of all files.

Load: the checked dataset and the package descriptor (the canonical CSVs are regenerated from the
dataset and must hash to what ``datapackage.json`` says). Process: from the canonical tables, the
Excel 版 (one XLSX with every table a sheet, and UTF-8-with-BOM CSVs), ``replies.json`` with every
record, a SQLite database with keys and an FTS5 full-text index, a zip of the package, and
``manifest.json`` listing every file with bytes, rows and sha256. Save: into ``site/data/``.

Every file is byte-identical across builds of the same records: the only dates in them come from
the data (the newest reply or publication date), zip entries carry that date, rows are sorted.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from build_scripts import output, package
from build_scripts.fields import TABLES, Table
from build_scripts.problems import BuildError, Problem, Report
from build_scripts.records import Dataset

BOM = b"\xef\xbb\xbf"
RIGHTS = ("数据整理部分采用 CC BY 4.0；答复函本身是国家机关公文（《著作权法》第五条不适用该法保护），"
          "引用请注明答复单位、文号、日期和来源（source_url、raw_sha256）。"
          "Curated data CC BY 4.0; the letters are official documents, free to reuse with attribution of the issuer.")
EXCEL_DIR = "excel"
XLSX_CELL_LIMIT = 32767  # Excel truncates longer cells
FTS_TABLE = "replies_fts"
FTS_EXAMPLE = f"select id, title from {FTS_TABLE} where {FTS_TABLE} match '社工站' order by id;"

Tables = dict[str, list[list[str]]]  # table name -> rows of cells (header first), as in the canonical CSV


@dataclass(frozen=True)
class FileInfo:
    path: str
    kind: str  # canonical | excel | json | sqlite | zip | descriptor
    title: str
    rows: int | None
    bytes: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "title": self.title, "rows": self.rows,
                "bytes": self.bytes, "sha256": self.sha256}


@dataclass(frozen=True)
class Downloads:
    files: dict[str, bytes]  # path under data/ -> bytes, manifest.json included
    manifest: dict[str, Any]

    @property
    def infos(self) -> list[dict[str, Any]]:
        return list(self.manifest["files"])


# --- load -----------------------------------------------------------------------------------

def canonical_files(dataset: Dataset, descriptor: dict[str, Any]) -> dict[str, bytes]:
    """datapackage.json and the canonical CSVs, exactly as ``package.write`` wrote them."""
    rows = package.table_rows(dataset)
    files = {f"{t.name}.csv": package.csv_bytes(t, rows[t.name]) for t in TABLES}
    problems = []
    for resource in descriptor["resources"]:
        data = files.get(resource["path"], b"")
        if "sha256:" + hashlib.sha256(data).hexdigest() != resource["hash"]:
            problems.append(Problem(f"site/data/{resource['path']}", 0, "", "download-mismatch",
                                    "the canonical CSV differs from what datapackage.json records",
                                    "a build bug: downloads must be made from the validated package"))
    if problems:
        raise BuildError(Report.of(problems))
    return {"datapackage.json": package.dumps(descriptor).encode("utf-8"), **files}


def parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


# --- process --------------------------------------------------------------------------------

def excel_csv(canonical: bytes) -> bytes:
    """The Excel 版 CSV: the canonical bytes with a UTF-8 BOM in front, nothing else changed."""
    return BOM + canonical


def _integer_columns(table: Table) -> set[int]:
    return {i for i, f in enumerate(table.fields) if f.kind == "integer"}


def xlsx_bytes(tables: Tables, *, title: str, version: str, when: dt.datetime, rights: str = RIGHTS) -> bytes:
    """One workbook, one sheet per table, every cell as the CSV has it (integers as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    too_long = [Problem(f"site/data/{name}.csv", r, rows[0][c], "xlsx-cell-too-long",
                        f"a cell has {len(v)} characters; Excel keeps at most {XLSX_CELL_LIMIT}",
                        "split the section in the record")
                for name, rows in tables.items() for r, row in enumerate(rows, 1) for c, v in enumerate(row)
                if len(v) > XLSX_CELL_LIMIT]
    if too_long:
        raise BuildError(Report.of(too_long))
    wb = Workbook()
    wb.remove(wb.active)
    for table in TABLES:
        ws = wb.create_sheet(table.name)
        ints = _integer_columns(table)
        for r, row in enumerate(tables[table.name], 1):
            for c, value in enumerate(row, 1):
                if value == "":
                    continue
                cell = ws.cell(row=r, column=c, value=int(value) if r > 1 and c - 1 in ints else value)
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, even when letter text starts with "="
                if r == 1:
                    cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    props = wb.properties
    props.title, props.creator, props.lastModifiedBy = title, "答复公开", "答复公开"
    props.version, props.language = version, "zh-CN"
    props.description = rights
    props.created = props.modified = when
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:  # compressed once, by normalise_zip
        ExcelWriter(wb, archive).write_data()  # not save_workbook: it stamps the current time
    return normalise_zip(raw.getvalue(), when)


def normalise_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite a zip with one fixed date and fixed attributes on every entry, order kept."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(_entry(info.filename, when), src.read(info))
    return out.getvalue()


def _entry(name: str, when: dt.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def package_zip(canonical: dict[str, bytes], folder: str, when: dt.datetime) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ["datapackage.json"] + sorted(n for n in canonical if n != "datapackage.json"):
            archive.writestr(_entry(f"{folder}/{name}", when), canonical[name])
    return out.getvalue()


def replies_json(dataset: Dataset) -> bytes:
    """Every record, as the records say it (plus region_name and category_scheme), sorted by id."""
    return package.dumps([r.data for r in dataset.replies]).encode("utf-8")


def _sql_type(kind: str) -> str:
    return "INTEGER" if kind == "integer" else "TEXT"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(table: Table) -> str:
    columns = [f"{_quote(f.name)} {_sql_type(f.kind)}" + (" NOT NULL" if f.required and f.kind != "list" else "")
               for f in table.fields]
    columns.append(f"PRIMARY KEY ({', '.join(map(_quote, table.primary_key))})")
    for fk in table.foreign_keys:
        columns.append(f"FOREIGN KEY ({', '.join(map(_quote, fk.fields))}) "
                       f"REFERENCES {_quote(fk.table)} ({', '.join(map(_quote, fk.reference))})")
    return f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(columns) + "\n)"


def sqlite_bytes(tables: Tables, *, version: str) -> bytes:
    """Tables with primary and foreign keys, and a trigram FTS5 index over titles and text."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.sqlite"
        conn = sqlite3.connect(path)
        try:
            _fill(conn, tables, version)
            conn.commit()
            conn.execute("VACUUM")
        finally:
            conn.close()
        return path.read_bytes()


def _fill(conn: sqlite3.Connection, tables: Tables, version: str) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    for table in TABLES:
        conn.execute(create_table_sql(table))
    for table in _insert_order():
        ints = _integer_columns(table)
        rows = [[None if v == "" else int(v) if i in ints else v for i, v in enumerate(row)]
                for row in tables[table.name][1:]]
        marks = ", ".join("?" for _ in table.fields)
        conn.executemany(f"INSERT INTO {_quote(table.name)} VALUES ({marks})", rows)
    conn.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(id UNINDEXED, title, proposal_title, text, "
                 "tokenize = 'trigram')")
    conn.execute(
        f"INSERT INTO {FTS_TABLE} (id, title, proposal_title, text) "
        "SELECT r.id, r.title, coalesce(r.proposal_title, ''), "
        "coalesce((SELECT group_concat(coalesce(s.heading || char(10), '') || coalesce(s.text, ''), char(10)) "
        "FROM (SELECT * FROM sections WHERE reply_id = r.id ORDER BY position) s), '') "
        "FROM replies r ORDER BY r.id")
    conn.execute("CREATE TABLE _package (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.executemany("INSERT INTO _package VALUES (?, ?)",
                     [("version", version), ("rights", RIGHTS), ("fts_example", FTS_EXAMPLE)])


def _insert_order() -> list[Table]:
    """Referenced tables first, so foreign keys hold while rows go in."""
    done: list[Table] = []
    pending = list(TABLES)
    while pending:
        for table in pending:
            if all(fk.table in {t.name for t in done} or fk.table == table.name for fk in table.foreign_keys):
                done.append(table)
                pending.remove(table)
                break
        else:
            raise BuildError("downloads: the tables' foreign keys form a cycle")
    return done


def data_time(dataset: Dataset) -> dt.datetime:
    from build_scripts.site import source_date_epoch

    return dt.datetime.fromtimestamp(source_date_epoch(dataset), tz=dt.UTC).replace(tzinfo=None)


def build(dataset: Dataset, descriptor: dict[str, Any]) -> Downloads:
    """Every download's bytes and the manifest; a pure function of the records and descriptor."""
    key = package.dumps(descriptor) + "".join(r.id for r in dataset.replies)
    if _cache and _cache[0] == key:
        return _cache[1]
    canonical = canonical_files(dataset, descriptor)
    tables = {t.name: parse_csv(canonical[f"{t.name}.csv"]) for t in TABLES}
    name, version, when = descriptor["name"], descriptor["version"], data_time(dataset)
    stem = name
    derived: dict[str, bytes] = {f"{EXCEL_DIR}/{t.name}.csv": excel_csv(canonical[f"{t.name}.csv"]) for t in TABLES}
    derived[f"{EXCEL_DIR}/{stem}.xlsx"] = xlsx_bytes(tables, title=descriptor["title"], version=version, when=when)
    derived["replies.json"] = replies_json(dataset)
    derived[f"{stem}.sqlite"] = sqlite_bytes(tables, version=version)
    derived[f"{stem}.zip"] = package_zip(canonical, f"{name}-{version}", when)
    files = {**canonical, **derived}
    manifest = make_manifest(descriptor, files, tables, len(dataset.replies))
    result = Downloads({**files, "manifest.json": package.dumps(manifest).encode("utf-8")}, manifest)
    _cache[:] = [key, result]
    return result


_cache: list[Any] = []  # the last build: the pages stage and the post step share it


def make_manifest(descriptor: dict[str, Any], files: dict[str, bytes], tables: Tables, records: int) -> dict[str, Any]:
    titles = {t.name: t.title for t in TABLES}
    total = sum(len(rows) - 1 for rows in tables.values())
    infos = []
    for path in sorted(files, key=_file_order):
        stem = Path(path).stem
        if path == "datapackage.json":
            kind, title, rows = "descriptor", "数据包描述（表结构、许可、来源、哈希）", None
        elif path.endswith(".csv") and path.startswith(f"{EXCEL_DIR}/"):
            kind, title, rows = "excel", f"{titles[stem]}（Excel 版 CSV，带 BOM）", len(tables[stem]) - 1
        elif path.endswith(".csv"):
            kind, title, rows = "canonical", f"{titles[stem]}（标准 CSV）", len(tables[stem]) - 1
        elif path.endswith(".xlsx"):
            kind, title, rows = "excel", "全部表格（Excel 工作簿，每表一个工作表）", total
        elif path.endswith(".sqlite"):
            kind, title, rows = "sqlite", "SQLite 数据库（含主外键与全文索引）", total
        elif path.endswith(".zip"):
            kind, title, rows = "zip", "完整数据包压缩文件（datapackage.json 与标准 CSV）", total
        else:
            kind, title, rows = "json", "全部答复记录（JSON，含分节正文与修复说明）", records
        infos.append(FileInfo(path, kind, title, rows, len(files[path]), hashlib.sha256(files[path]).hexdigest()))
    return {
        "name": descriptor["name"],
        "version": descriptor["version"],
        "licenses": descriptor["licenses"],
        "rights": RIGHTS,
        "sources": descriptor["sources"],
        "files": [i.as_dict() for i in infos],
    }



def _file_order(path: str) -> tuple[int, int, str]:
    table_names = [t.name for t in TABLES]
    stem = Path(path).stem
    rank = table_names.index(stem) if stem in table_names else len(table_names)
    if path == "datapackage.json":
        return (0, 0, path)
    if path.endswith(".csv") and "/" not in path:
        return (1, rank, path)
    if "/" not in path:
        return (2, 0, path)
    return (3, 0 if path.endswith(".xlsx") else 1 + rank, path)


# --- save -----------------------------------------------------------------------------------

def write(dataset: Dataset, site_dir: Path) -> Downloads:
    """Write every derived file beside the canonical package in ``site_dir/data``."""
    data_dir = site_dir / "data"
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    downloads = build(dataset, descriptor)
    output.write_files(data_dir, downloads.files)
    return downloads


def step(dataset: Dataset, site_dir: Path) -> None:
    write(dataset, site_dir)
