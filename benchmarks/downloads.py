"""Benchmark the issue-5 outputs on a collection scaled up from the seed records.

    python benchmarks/downloads.py [N]     # N copies of every seed record (default 200)

Prints the time and peak memory of each stage (package, downloads, API, feeds, releases diff)
and the size of each download. Copies get new ids; their text is the seeds' text.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_scripts import api, downloads, feeds, package, records, releases  # noqa: E402
from build_scripts.paths import Paths  # noqa: E402
from build_scripts.records import Reply  # noqa: E402


def scaled(paths: Paths, copies: int) -> records.Dataset:
    dataset = records.load(paths)
    replies = [Reply({**r.data, "id": f"{r.id}-x{i}"}, r.folder) for i in range(1, copies) for r in dataset.replies]
    replies += list(dataset.replies)
    return replace(dataset, replies=tuple(sorted(replies, key=lambda r: r.id)))


def timed(name: str, fn, *args):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    start = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{name:<10} {seconds:7.2f} s  peak {peak:7.1f} MiB")
    return result


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    paths = Paths()
    dataset = scaled(paths, copies)
    print(f"{len(dataset.replies)} replies (each seed and {copies - 1} copies)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "data"
        descriptor = timed("package", package.write, dataset, paths, out)
        built = timed("downloads", downloads.build, dataset, descriptor)
        timed("api", api.files, dataset, "https://example.org/")
        timed("feeds", feeds.files, dataset, "https://example.org/")
        timed("releases", releases.build_history, dataset, descriptor)
    for f in json.loads(built.files["manifest.json"])["files"]:
        print(f"  {f['path']:<52} {f['bytes'] / 1024:10.1f} KiB  rows {f['rows']}")


if __name__ == "__main__":
    main()
