"""Downloads (a build step run in a child process beside the pages): every other form of the data package, and a manifest of all files.

Load: the package descriptor and the canonical CSVs that ``package.write`` put in the data
directory (their sha256 must be what ``datapackage.json`` says). Process, one table at a time
(each CSV is parsed once and feeds every format): the Excel 版 (UTF-8-with-BOM CSVs, zipped, and one
XLSX with every table a sheet, dates as date cells; in both, a text cell that starts like a formula
gets an apostrophe), a SQLite database with keys and full-text search (``sqlitedb``, zipped with its
Datasette metadata), then the flat ``replies_text.csv`` and its gzipped per-year files (``flatfiles``;
their Excel 版 copies go into the Excel 版 zip),
``replies.json.gz`` with every record, a zip of the package, and ``manifest.json`` listing every
file with bytes, rows and sha256. Save: each file goes to a staging folder inside the data
directory and is renamed into place only when all are written; nothing is held in memory whole.

The site must fit its host (GitHub Pages: 1 GB, issue 13): the large downloads are compressed
(the SQLite file zipped, the JSON gzipped, the BOM CSVs, which only duplicate the canonical ones,
zipped), and a download still over ``Settings.release_asset_bytes`` is moved out of the site into
the release-assets folder when a release URL is set (``PORTAL_RELEASE_URL``): the data page and
``manifest.json`` give its stable URL there (``url``), and the deploy workflow uploads it. The
per-year files go there too whatever their size: they repeat ``replies_text.csv`` (66 MB of the
10,000-letter site, gzipped).

Every file is byte-identical across builds of the same records: the only dates in them come from
the data (the newest reply or publication date), zip entries carry that date, rows are sorted.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from build_scripts import dates, deflate, flatfiles, manifest, package, release_assets, sqlitedb, xlsx
from build_scripts.dataset import Dataset
from build_scripts.fields import TABLES, Table
from build_scripts.manifest import Placed
from build_scripts.package import RIGHTS
from build_scripts.problems import BuildError, Problem, Report

BOM = b"\xef\xbb\xbf"
EXCEL_DIR = manifest.EXCEL_DIR
XLSX_CELL_LIMIT = xlsx.CELL_LIMIT
ZIP_LEVEL = 3  # the zips of the tables
GZIP_LEVEL = 3  # the JSON
"""zlib-ng's level 3 against 6 on the 10,000-letter ``sections.csv`` (137 MB): 1.61 against 2.09 CPU-seconds,
66.1 against 65.5 MB (level 2: 1.37 s, 68.2 MB). Deflating was 14 of the other downloads' 27 CPU-seconds."""
SQLITE_ZIP_LEVEL = 2
"""The database's zip: its full-text indexes hardly compress (with zlib, 93 MB → 56.1 MB at level 6, 58.0 at
level 1, on 1,000 letters, and level 6 took 7.3 s against 2.7: the downloads child is the build's critical path,
issue 13). zlib-ng's level 1 is a faster method that compresses less; its level 2 does what zlib's level 1 did."""
XLSX_LEVEL = 2  # the workbook: deflating takes a third of level 6's time; 27 % larger (5.6 vs 4.4 MB at 1,000, zlib)


# --- load -----------------------------------------------------------------------------------

def canonical_files(dataset: Dataset, descriptor: dict[str, Any]) -> dict[str, bytes]:
    """datapackage.json and the canonical CSVs, regenerated from the records as ``package.write`` wrote them."""
    rows = package.table_rows(dataset)
    files = {f"{t.name}.csv": package.csv_bytes(t, rows[t.name]) for t in TABLES}
    _check_hashes(descriptor, {name: hashlib.sha256(data).hexdigest() for name, data in files.items()})
    return {"datapackage.json": package.dumps(descriptor).encode("utf-8"), **files}


def check_canonical(descriptor: dict[str, Any], data_dir: Path) -> None:
    """The canonical CSVs in ``data_dir`` are the ones ``datapackage.json`` records (bytes and sha256)."""
    digests = {}
    for resource in descriptor["resources"]:
        path = data_dir / resource["path"]
        if path.is_file():
            digests[resource["path"]] = sha256_of(path)
    _check_hashes(descriptor, digests)


def _check_hashes(descriptor: dict[str, Any], digests: dict[str, str]) -> None:
    problems = [Problem(f"site/data/{resource['path']}", 0, "", "download-mismatch",
                        "the canonical CSV differs from what datapackage.json records",
                        "a build bug: downloads must be made from the validated package")
                for resource in descriptor["resources"]
                if "sha256:" + digests.get(resource["path"], "") != resource["hash"]]
    if problems:
        raise BuildError(Report.of(problems))


def read_table(data_dir: Path, table: Table) -> list[list[str]]:
    """A canonical CSV's rows (header first), every cell a string as the CSV has it."""
    with open(data_dir / f"{table.name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def sha256_of(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# --- process: checks --------------------------------------------------------------------------

def xlsx_problems(table: Table, header: list[str], rows: Sequence[Sequence[str]], first_line: int, *,
                  suspicious: bool) -> Iterator[Problem]:
    """Cells Excel cannot hold: longer than 32,767 characters, or with a character XML forbids.

    ``rows`` are the CSV's rows from line ``first_line`` (the header is line 1). ``suspicious``: the file
    has such a character somewhere (one scan of its bytes), so every cell is looked at.
    """
    for r, row in enumerate(rows, first_line):
        if not suspicious and len(max(row, key=len, default="")) <= XLSX_CELL_LIMIT:
            continue
        for c, value in enumerate(row):
            bad = xlsx.ILLEGAL.search(value)
            if len(value) > XLSX_CELL_LIMIT:
                yield Problem(f"site/data/{table.name}.csv", r, header[c], "xlsx-cell-too-long",
                              f"a cell has {len(value)} characters; Excel keeps at most {XLSX_CELL_LIMIT}",
                              "split the section in the record")
            elif bad:
                yield Problem(f"site/data/{table.name}.csv", r, header[c], "xlsx-illegal-character",
                              f"a cell has the control character {bad.group()!r}, which a workbook cannot hold",
                              "remove it from the record")


# --- process: the other files -----------------------------------------------------------------

def write_replies_json(dataset: Dataset, path: Path) -> None:
    """Every record, as the records say it (plus region_name and category_scheme), sorted by id.

    The bytes of ``package.dumps`` (a list, two-space indent, UTF-8, a final newline), made one record
    at a time by orjson: each record's lines are indented once more to sit inside the list.
    """
    with open(path, "wb") as out:
        out.write(b"[")
        for i, reply in enumerate(dataset.replies):
            out.write(b",\n  " if i else b"\n  ")
            out.write(orjson.dumps(reply.data, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n  "))
        out.write(b"\n]\n" if dataset.replies else b"]\n")


def gzip_file(source: Path, target: Path) -> None:
    """``source`` gzipped into ``target`` with no name and no time in the header (same bytes every build)."""
    with open(source, "rb") as src, open(target, "wb") as raw, deflate.gzip_writer(raw, GZIP_LEVEL) as out:
        shutil.copyfileobj(src, out, 1 << 20)


def zip_files(files: dict[str, Path], target: Path, when: dt.datetime) -> None:
    """``{name in the zip: file}`` streamed into one zip, entries stamped ``when``."""
    with deflate.zip_writer(target, ZIP_LEVEL) as archive:
        for name, path in files.items():
            add_file(archive, name, path, when)


def add_file(archive: zipfile.ZipFile, name: str, path: Path, when: dt.datetime, level: int = ZIP_LEVEL) -> None:
    """One file streamed into ``archive``; a file over 2 GiB gets ZIP64 sizes (the SQLite file is 10 GB at
    100,000 letters; zipfile refuses to stream past 2 GiB without being told), smaller ones stay as they were."""
    with open(path, "rb") as src, archive.open(xlsx.entry(name, when, level), "w",
                                               force_zip64=path.stat().st_size > ZIP64_FROM) as out:
        shutil.copyfileobj(src, out, 1 << 20)


ZIP64_FROM = (1 << 31) - 1
"""zipfile's ZIP64_LIMIT: a larger entry needs ZIP64 sizes."""


def write_package_zip(data_dir: Path, target: Path, folder: str, when: dt.datetime) -> None:
    """datapackage.json and the canonical CSVs, under ``folder/``, streamed from ``data_dir``."""
    names = ["datapackage.json"] + sorted(f"{t.name}.csv" for t in TABLES)
    with deflate.zip_writer(target, ZIP_LEVEL) as archive:
        for name in names:
            add_file(archive, f"{folder}/{name}", data_dir / name, when)


def data_time(dataset: Dataset) -> dt.datetime:
    """The time stamped in zip entries and the workbook: midnight of the data date (no clock)."""
    return dates.midnight(dataset.data_date)


# --- save -----------------------------------------------------------------------------------

def write(dataset: Dataset, descriptor: dict[str, Any], data_dir: Path, *, release_dir: Path | None = None,
          release_url: str | None = None, release_bytes: int = 0) -> dict[str, Any]:
    """Write every download and manifest.json into ``data_dir``; return the manifest.

    ``data_dir`` already holds ``datapackage.json`` and the canonical CSVs (``package.write``).
    Reads only those, the dataset and the descriptor; writes only under ``data_dir`` (so it can
    run in a child process beside MkDocs) and ``release_dir``. With ``release_url`` set, a
    download over ``release_bytes`` goes to ``release_dir`` instead, and its manifest entry has
    its ``url`` (``release_url`` + its name). Raises BuildError, leaving ``data_dir`` as it was.

    The build makes the same files in two processes (``write_files``, and ``write_database`` from the
    moment the records are checked), then ``manifest.write_manifest``.
    """
    files = write_files(dataset, descriptor, data_dir, release_dir=release_dir, release_url=release_url,
                        release_bytes=release_bytes)
    stage = Path(tempfile.mkdtemp(prefix=".database-", dir=data_dir))
    try:
        database = write_database(dataset, data_dir, stage, lambda: True, release_dir=release_dir,
                                  release_url=release_url, release_bytes=release_bytes)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return manifest.write_manifest(descriptor, data_dir, len(dataset.replies), [files, database])


def write_files(dataset: Dataset, descriptor: dict[str, Any], data_dir: Path, *, release_dir: Path | None = None,
                release_url: str | None = None, release_bytes: int = 0) -> Placed:
    """Every download but the database (``write_database``) and the manifest (``manifest.write_manifest``), as ``write``."""
    check_canonical(descriptor, data_dir)
    name, version, when = descriptor["name"], descriptor["version"], data_time(dataset)
    stage = Path(tempfile.mkdtemp(prefix=".downloads-", dir=data_dir))
    try:
        (stage / EXCEL_DIR).mkdir()
        raw = {f"{EXCEL_DIR}/{t.name}.csv": stage / "raw" / EXCEL_DIR / f"{t.name}.csv" for t in TABLES}
        raw |= {"replies.json": stage / "raw" / "replies.json", f"{EXCEL_DIR}/{name}.xlsx": stage / EXCEL_DIR / f"{name}.xlsx"}
        rows = write_tables(dataset, data_dir, raw, descriptor, when)
        write_replies_json(dataset, raw["replies.json"])
        derived = {f"{EXCEL_DIR}/{name}.xlsx": raw[f"{EXCEL_DIR}/{name}.xlsx"],
                   f"{EXCEL_DIR}/{name}-excel-csv.zip": stage / f"{name}-excel-csv.zip",
                   "replies.json.gz": stage / "replies.json.gz", f"{name}.zip": stage / f"{name}.zip"}
        flat, excel_flat = flatfiles.write(dataset, stage / "flat")
        for rel_path, (path, count) in flat.items():
            derived[rel_path], rows[rel_path] = path, count
        zip_files({f"{name}-{version}-excel/{t.name}.csv": raw[f"{EXCEL_DIR}/{t.name}.csv"] for t in TABLES}
                  | {f"{name}-{version}-excel/{member}": path for member, path in excel_flat.items()},
                  derived[f"{EXCEL_DIR}/{name}-excel-csv.zip"], when)
        gzip_file(raw["replies.json"], derived["replies.json.gz"])
        shutil.rmtree(stage / "raw")
        shutil.rmtree(stage / "flat" / "excel")
        write_package_zip(data_dir, derived[f"{name}.zip"], f"{name}-{version}", when)
        assets = {p: release_url + Path(p).name for p, f in derived.items()
                  if release_url and (f.stat().st_size > release_bytes or p.startswith(f"{flatfiles.YEAR_DIR}/"))}
        canonical = {p: data_dir / p for p in ["datapackage.json"] + [f"{t.name}.csv" for t in TABLES]}
        released = {p: release_url + p for p, f in canonical.items()
                    if release_url and p.endswith(".csv") and f.stat().st_size > release_bytes}
        if released:  # the site's descriptor names their URLs; the one checked, and the package zip, keep paths
            canonical["datapackage.json"] = stage / "datapackage.json"
            canonical["datapackage.json"].write_text(package.dumps(release_assets.published_descriptor(data_dir, released)), "utf-8")
        files = {p: (f.stat().st_size, sha256_of(f)) for p, f in {**canonical, **derived}.items()}
        if released:
            derived[release_assets.PUBLISHED_DESCRIPTOR] = canonical["datapackage.json"]
        _place(derived, data_dir, assets, release_dir)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return Placed(files, rows, assets | released)


def write_database(dataset: Dataset, data_dir: Path, stage: Path, ready: Callable[[], object], *,
                   release_dir: Path | None = None, release_url: str | None = None, release_bytes: int = 0,
                   short: Callable[[], Path] | None = None) -> Placed:
    """The SQLite download (``sqlitedb``), zipped with its Datasette metadata, placed as ``write`` places files.

    Its full-text indexes need only the records, and are most of its time (at 10,000 letters ≈ 80 of the
    downloads' 134 CPU seconds): they are made first, in ``stage``, then ``ready()`` waits until the package
    is in ``data_dir``, whose tables are then read in. So the build runs this in a process of its own from
    the moment the records are checked, beside the package stage and the other downloads (issue 13), and the
    short-gram index in another (``sqlitedb.make_short_index``; ``short`` waits for it, ``short_index_made``).
    """
    database = stage / "database.sqlite"
    conn = sqlitedb.open_database(database)
    try:
        sqlitedb.add_search(conn, dataset, sqlitedb.rowids(dataset), short=short)
        if short is not None:
            short().unlink()  # copied in: 1.2 GB at 100,000 letters
        ready()
        descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
        check_canonical(descriptor, data_dir)
        rows, problems = fill_database(conn, data_dir, dataset, descriptor["version"])
    finally:
        conn.close()
    if problems:
        raise BuildError(Report.of(problems))
    name = descriptor["name"]
    path = f"{name}.sqlite.zip"
    named = database.rename(stage / f"{name}.sqlite")
    write_sqlite_zip(named, stage / path, sqlitedb.datasette_metadata(descriptor), data_time(dataset))
    named.unlink()
    size = (stage / path).stat().st_size
    urls = {path: release_url + path} if release_url and size > release_bytes else {}
    files = {path: (size, sha256_of(stage / path))}
    _place({path: stage / path}, data_dir, urls, release_dir)
    return Placed(files, {path: sum(rows.values())}, urls)


def _place(files: dict[str, Path], data_dir: Path, urls: dict[str, str], release_dir: Path | None) -> None:
    """Move each staged file to its place: under ``data_dir``, or in ``release_dir`` when it has a release URL."""
    for rel_path, staged in files.items():
        target = data_dir / rel_path if rel_path not in urls else _release_target(release_dir, rel_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)


def _release_target(release_dir: Path | None, rel_path: str) -> Path:
    if release_dir is None:
        raise ValueError("a release URL needs a release folder")
    return release_dir / Path(rel_path).name


def write_sqlite_zip(database: Path, target: Path, metadata: dict[str, Any], when: dt.datetime) -> None:
    """The database and its Datasette metadata (``<name>.datasette.json``) in one zip, for download."""
    with deflate.zip_writer(target, ZIP_LEVEL) as archive:
        add_file(archive, database.name, database, when, SQLITE_ZIP_LEVEL)
        archive.writestr(xlsx.entry(database.name.removesuffix(".sqlite") + ".datasette.json", when, ZIP_LEVEL),
                         package.dumps(metadata).encode("utf-8"))


TABLE_BATCH = 2000
"""Rows of a canonical table read, checked and written at a time: no download holds a table whole
(issue 13: ``sections.csv`` is 137 MB at 10,000 letters, and was held twice as Python lists)."""


def write_tables(dataset: Dataset, data_dir: Path, out: dict[str, Path], descriptor: dict[str, Any],
                 when: dt.datetime) -> dict[str, int]:
    """The Excel 版 CSVs and the workbook, one table at a time, ``TABLE_BATCH`` rows at a time (each CSV
    is parsed once for both); rows per table."""
    name, version = descriptor["name"], descriptor["version"]
    out[f"{EXCEL_DIR}/{TABLES[0].name}.csv"].parent.mkdir(parents=True, exist_ok=True)
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    with xlsx.Workbook(out[f"{EXCEL_DIR}/{name}.xlsx"], [t.name for t in TABLES], title=descriptor["title"],
                       creator="答复公开", description=RIGHTS, version=version, language="zh-CN", when=when,
                       level=XLSX_LEVEL) as book:
        for table in TABLES:
            path = data_dir / f"{table.name}.csv"
            suspicious, rows = xlsx.file_has_illegal(path), count_rows(path)
            ints = sqlitedb.integer_columns(table)
            with (open(path, encoding="utf-8", newline="") as src,
                  open(out[f"{EXCEL_DIR}/{table.name}.csv"], "w", encoding="utf-8-sig", newline="") as dst,
                  book.sheet(table.name, rows, len(table.fields), ints, sqlitedb.date_columns(table)) as sheet):
                reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\n")
                header = next(reader)
                writer.writerow(header)
                sheet.write([header])
                for batch in batches(reader, TABLE_BATCH):
                    excel_rows = xlsx.neutralise_rows([header, *batch], ints)[1:]
                    writer.writerows(excel_rows)
                    problems.extend(xlsx_problems(table, header, excel_rows, sheet.written + 1,
                                                  suspicious=suspicious))
                    sheet.write(excel_rows)
            counts[table.name] = rows - 1
    if problems:
        raise BuildError(Report.of(problems))
    return counts


def fill_database(conn: sqlite3.Connection, data_dir: Path, dataset: Dataset, version: str) -> tuple[dict[str, int], list[Problem]]:
    """Every canonical table into the database (``TABLE_BATCH`` rows at a time), then ``sqlitedb.finish_database``;
    rows per table and the problems found."""
    counts: dict[str, int] = {}
    sqlitedb.create_tables(conn)
    for table in TABLES:
        with open(data_dir / f"{table.name}.csv", encoding="utf-8", newline="") as src:
            reader = csv.reader(src)
            next(reader)
            counts[table.name] = 0
            for batch in batches(reader, TABLE_BATCH):
                sqlitedb.insert_rows(conn, table, batch)
                counts[table.name] += len(batch)
    return counts, sqlitedb.finish_database(conn, version, dataset)


def batches(rows: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    """``rows`` in lists of ``size`` (the last one shorter)."""
    while batch := list(itertools.islice(rows, size)):
        yield batch


def count_rows(path: Path) -> int:
    """Rows of a CSV, the header included (a cell may hold line breaks: the CSV is parsed, not split)."""
    with open(path, encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f))
