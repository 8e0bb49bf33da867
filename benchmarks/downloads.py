"""Benchmark the package stage and the download files on the synthetic corpus (issue #4).

    python -m benchmarks.downloads 1000 10000

For each N: the synthetic repo (benchmarks/synthetic.py, reused when already generated) is
loaded once; then each measured step runs in a forked child, as the build runs it: its wall and
CPU seconds, and its peak RSS above the RSS at the fork (the loaded dataset). Steps: the package
stage (table rows + CSV + descriptor, then frictionless validation), and ``downloads.write``
(every download file and the manifest), first whole, then part by part. Prints the size of each
file and the load average: the machine is shared, so compare CPU seconds.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_build import repo_for
from build_scripts import downloads, package, records, sqlitedb, xlsx
from build_scripts.dataset import Dataset
from build_scripts.fields import TABLES
from build_scripts.paths import Paths


def rss_mb() -> float:
    """Resident set size now, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def in_child(fn: Callable[[], Any]) -> tuple[dict[str, float], Any]:
    """Run ``fn`` in a forked child; its seconds, CPU seconds, peak RSS above its RSS at start, and result.

    The child starts sharing the parent's pages (the loaded dataset); its peak RSS above that is the
    memory the step adds. (Pages the child touches for the first time count as added: an upper bound.)
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, send back, exit without cleanup handlers
        os.close(read)
        status = 0
        try:
            base = rss_mb()
            start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
            result = fn()
            after = resource.getrusage(resource.RUSAGE_SELF)
            out = {"wall": time.perf_counter() - start,
                   "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                   "peak_mb": after.ru_maxrss / 1024 - base, "result": result}
        except BaseException as exc:  # noqa: BLE001 - reported by the parent
            out, status = {"error": repr(exc)}, 1
        with os.fdopen(write, "w") as pipe:
            pipe.write(json.dumps(out))
        os._exit(status)
    os.close(write)
    with os.fdopen(read) as pipe:
        out = json.loads(pipe.read() or "{}")
    os.waitpid(pid, 0)
    if "error" in out:
        raise SystemExit(f"benchmark step failed: {out['error']}")
    return {k: out[k] for k in ("wall", "cpu", "peak_mb")}, out["result"]


def row(name: str, m: dict[str, float], n: int) -> None:
    print(f"{name:<34}{m['wall']:>8.1f}{m['cpu']:>8.1f}{1000 * m['cpu'] / n:>10.2f}{m['peak_mb']:>11.0f}", flush=True)


def xlsx_only(data: Path, target: Path, when: Any) -> None:
    with xlsx.Workbook(target, [t.name for t in TABLES], title="t", creator="c", description="d", version="v",
                       language="zh-CN", when=when, level=downloads.XLSX_LEVEL) as book:
        for table in TABLES:
            book.add_sheet(table.name, downloads.read_table(data, table), sqlitedb.integer_columns(table),
                           sqlitedb.date_columns(table))


def sqlite_only(dataset: Dataset, data: Path, target: Path, version: str) -> dict[str, int]:
    """The database alone (tables, keys, full-text search): its bytes, raw and zipped as it is downloaded."""
    conn = sqlitedb.open_database(target)
    sqlitedb.add_search(conn, dataset, sqlitedb.rowids(dataset))
    downloads.fill_database(conn, data, dataset, version)
    zipped = target.with_suffix(".sqlite.zip")
    downloads.write_sqlite_zip(target, zipped, {}, downloads.data_time(dataset))
    return {"sqlite": target.stat().st_size, "zip": zipped.stat().st_size}


def run(n: int) -> None:
    paths = Paths(repo_for(n))
    start = time.perf_counter()
    dataset = records.load(paths)
    print(f"\n== N = {n} letters: loaded in {time.perf_counter() - start:.0f} s, RSS {rss_mb():.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    print(f"{'step':<34}{'wall s':>8}{'CPU s':>8}{'CPU ms/N':>10}{'+RSS MB':>11}")
    paths.build.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=paths.build) as tmp:
        data = Path(tmp) / "data"

        def package_files() -> dict[str, Any]:
            return package.write(dataset, paths, data, check=False)

        m_files, descriptor = in_child(package_files)
        m_valid, _ = in_child(lambda: package.validate(data / "datapackage.json", paths.root))
        m_stage, _ = in_child(lambda: package.write(dataset, paths, Path(tmp) / "stage"))
        row("package: write(check=False)", m_files, n)
        row("package: frictionless validate", m_valid, n)
        row("package stage (package.write)", m_stage, n)

        canonical = {p.name: p.read_bytes() for p in data.iterdir()}

        def fresh() -> Path:
            shutil.rmtree(data)
            data.mkdir()
            for name, blob in canonical.items():
                (data / name).write_bytes(blob)
            return data

        fresh()
        m_write, manifest = in_child(lambda: downloads.write(dataset, descriptor, data))
        row("downloads.write (all files)", m_write, n)
        fresh()
        stage = Path(tmp) / "parts"
        stage.mkdir()
        name, version, when = descriptor["name"], descriptor["version"], downloads.data_time(dataset)
        out = {f"{downloads.EXCEL_DIR}/{t.name}.csv": stage / f"{t.name}.csv" for t in TABLES}
        out.update({f"{downloads.EXCEL_DIR}/{name}.xlsx": stage / "x.xlsx", f"{name}.sqlite": stage / "x.sqlite"})
        m, _ = in_child(lambda: downloads.write_tables(dataset, data, out, descriptor, when))
        row("  Excel CSVs + XLSX + SQLite", m, n)
        m, _ = in_child(lambda: xlsx_only(data, stage / "y.xlsx", when))
        row("    of which parse + XLSX alone", m, n)
        m, sizes = in_child(lambda: sqlite_only(dataset, data, stage / "y.sqlite", version))
        row("    of which parse + SQLite alone", m, n)
        print(f"    SQLite file {sizes['sqlite'] / 1e6:.1f} MB, zipped for download {sizes['zip'] / 1e6:.1f} MB")
        m, _ = in_child(lambda: downloads.write_replies_json(dataset, stage / "replies.json"))
        row("  replies.json", m, n)
        m, _ = in_child(lambda: downloads.write_package_zip(data, stage / "x.zip", f"{name}-{version}", when))
        row("  package zip", m, n)
        m, _ = in_child(lambda: [downloads.sha256_of(p) for p in list(data.iterdir()) + list(stage.iterdir())])
        row("  sha256 of every file (manifest)", m, n)
    for f in manifest["files"]:
        print(f"  {f['path']:<52}{f['bytes'] / 1e6:>10.1f} MB  rows {f['rows']}")


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["1000"]:
        run(int(arg))
