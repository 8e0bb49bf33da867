"""Benchmark the whole `portal build` per stage on the synthetic corpus.

    python -m benchmarks.bench_build 1000 10000

For each N: the synthetic repo (benchmarks/synthetic.py, reused when already generated), then
`site.build` in a child process: seconds per stage (validate, package, pages, mkdocs, search
index, …), CPU seconds and peak RSS of the whole build, per-letter cost, and the size of the
largest reply page's HTML. Prints the load average: the machine is shared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import synthetic
from build_scripts.paths import REPO_ROOT

CHILD = """
import json, resource, sys, time
from pathlib import Path
from build_scripts import site
from build_scripts.paths import Paths
t = time.perf_counter()
r = site.build(Paths(Path(sys.argv[1])), log=lambda m: print(m, file=sys.stderr, flush=True))
u = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"total": time.perf_counter() - t, "timings": r.timings, "rss_mb": u.ru_maxrss / 1024,
                  "cpu_s": u.ru_utime + u.ru_stime, "pages": r.pages}))
"""


def repo_for(n: int) -> Path:
    repo = REPO_ROOT / "build" / "bench" / f"n{n}" / "repo"
    replies = repo / "datasets" / "replies"
    if not replies.is_dir() or sum(1 for _ in replies.iterdir()) != n:
        synthetic.generate(n, repo)
    return repo


def run(n: int, previous: dict[str, float] | None) -> dict[str, float]:
    repo = repo_for(n)
    out = subprocess.run([sys.executable, "-c", CHILD, str(repo)], check=False, stdout=subprocess.PIPE, text=True,
                         cwd=REPO_ROOT)  # stage progress goes to stderr as it happens
    if out.returncode:
        raise SystemExit(f"build of {n} letters failed")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    pages = sorted((repo / "site" / "replies").glob("*/index.html"))
    biggest = max(pages, key=lambda p: p.stat().st_size)
    print(f"\n== N = {n} letters, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'stage':<16}{'seconds':>9}{'ms/letter':>11}{'× vs prev':>11}")
    for stage, secs in r["timings"].items():
        growth = f"{secs / previous[stage]:.1f}" if previous and previous.get(stage) else ""
        print(f"{stage:<16}{secs:>9.1f}{1000 * secs / n:>11.2f}{growth:>11}")
    print(f"{'total':<16}{r['total']:>9.1f}{1000 * r['total'] / n:>11.2f}")
    print(f"peak RSS {r['rss_mb']:.0f} MB, CPU {r['cpu_s']:.0f} s, {r['pages']} pages; largest reply page "
          f"{biggest.stat().st_size / 1024:.1f} KB ({biggest.parent.name}), median "
          f"{sorted(p.stat().st_size for p in pages)[len(pages) // 2] / 1024:.1f} KB")
    return {**r["timings"], "total": r["total"]}


if __name__ == "__main__":
    prev = None
    for arg in sys.argv[1:] or ["1000", "10000"]:
        t = time.perf_counter()
        prev = run(int(arg), prev)
