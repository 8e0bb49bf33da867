"""manifest.json: every download with its kind, title, rows, bytes, sha256 and, for a release asset, its URL.

Load: what each download step placed (``Placed``: the build's two download children each return one).
Process: one entry per file, in the order the data page lists them (``_file_order``). Save:
``data/manifest.json``, written last, once every download is in place.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from build_scripts import flatfiles, package
from build_scripts.fields import TABLES
from build_scripts.package import RIGHTS

EXCEL_DIR = "excel"


@dataclass(frozen=True)
class FileInfo:
    path: str
    kind: str  # canonical | excel | text | year | json | sqlite | zip | descriptor
    title: str
    rows: int | None
    bytes: int
    sha256: str
    url: str | None = None  # where a release asset is downloaded (it is not in the site)

    def as_dict(self) -> dict[str, Any]:
        out = {"path": self.path, "kind": self.kind, "title": self.title, "rows": self.rows,
               "bytes": self.bytes, "sha256": self.sha256}
        return out | ({"url": self.url} if self.url else {})


@dataclass(frozen=True)
class Placed:
    """Downloads written and moved into place: each one's path under data/ → (bytes, sha256), the rows of
    each table and flat file, and the release URL of each published as a release asset."""

    files: dict[str, tuple[int, str]]
    rows: dict[str, int]
    urls: dict[str, str]


def make_manifest(descriptor: dict[str, Any], files: dict[str, tuple[int, str]], rows: dict[str, int],
                  records: int, urls: dict[str, str] | None = None) -> dict[str, Any]:
    """Every file (path under data/ → its bytes and sha256) with kind, title and rows; ``url`` where it is
    published as a release asset (``urls``).

    ``rows``: rows per table, and per flat file (its path under data/).
    """
    titles = {t.name: t.title for t in TABLES}
    total = sum(n for name, n in rows.items() if name in titles)
    infos = []
    for path in sorted(files, key=_file_order):
        stem = Path(path).stem
        if path == flatfiles.FLAT_FILE:
            kind, title, count = "text", "答复全文宽表：每件一行，答复表全部字段加全文（标准 CSV）", rows[path]
        elif path.startswith(f"{flatfiles.YEAR_DIR}/"):
            year = flatfiles.year_of_file(path)
            label = "无日期" if year == flatfiles.UNDATED else f"{year} 年"
            kind, title, count = "year", f"答复全文宽表，{label}（标准 CSV，gzip 压缩）", rows[path]
        elif path == "datapackage.json":
            kind, title, count = "descriptor", "数据包描述（表结构、许可、来源、哈希）", None
        elif path.endswith(".zip") and path.startswith(f"{EXCEL_DIR}/"):
            kind, title, count = "excel", "全部表格及全文宽表（含按年文件）的 Excel 版 CSV（带 BOM，压缩包）", total
        elif path.endswith(".csv"):
            kind, title, count = "canonical", f"{titles[stem]}（标准 CSV）", rows[stem]
        elif path.endswith(".xlsx"):
            kind, title, count = "excel", "全部表格（Excel 工作簿，每表一个工作表）", total
        elif path.endswith(".sqlite.zip"):
            kind, title, count = "sqlite", "SQLite 数据库（含主外键与全文检索；zip 压缩，内附 Datasette 配置）", total
        elif path.endswith(".zip"):
            kind, title, count = "zip", "完整数据包压缩文件（datapackage.json 与标准 CSV）", total
        else:
            kind, title, count = "json", "全部答复记录（JSON，含分节正文与修复说明；gzip 压缩）", records
        infos.append(FileInfo(path, kind, title, count, *files[path], (urls or {}).get(path)))
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
    if path == flatfiles.FLAT_FILE or path.startswith(f"{flatfiles.YEAR_DIR}/"):
        return (4, 0 if path == flatfiles.FLAT_FILE else 1, path)
    if path.endswith(".csv") and "/" not in path:
        return (1, rank, path)
    if "/" not in path:
        return (2, 0, path)
    return (3, 0 if path.endswith(".xlsx") else 1 + rank, path)


def write_manifest(descriptor: dict[str, Any], data_dir: Path, records: int, placed: Sequence[Placed]) -> dict[str, Any]:
    """``manifest.json`` in ``data_dir`` for every download ``placed``; the manifest."""
    files = {p: info for made in placed for p, info in made.files.items()}
    rows = {p: n for made in placed for p, n in made.rows.items()}
    urls = {p: u for made in placed for p, u in made.urls.items()}
    database = next((p for p in files if p.endswith(".sqlite.zip")), None)
    if database is not None:
        rows.pop(database, None)  # a table count, not a table
    manifest = make_manifest(descriptor, files, rows, records, urls)
    staged = data_dir / ".manifest.json"
    staged.write_text(package.dumps(manifest), encoding="utf-8")
    os.replace(staged, data_dir / "manifest.json")
    return manifest
