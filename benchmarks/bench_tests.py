"""Issue 12: does the test run grow with the collection? Time and temporary disk of what `make test`
runs (the live records built once, then pytest), on a clean clone with the seeds alone and with N
synthetic records added to its datasets/replies/.

    python -m benchmarks.bench_tests 1000              # the non-browser tests (make check's selection)
    python -m benchmarks.bench_tests 1000 --all        # every test, the browser ones too (as make test)

Each run gets its own empty TMPDIR; its size is sampled every 0.5 s and the peak reported. The clone
is made with `git clone` of this repository's HEAD (commit first), so the working tree is untouched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks import synthetic
from build_scripts.paths import REPO_ROOT, Paths


def disk_bytes(root: Path) -> int:
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_blocks * 512
            except OSError:
                pass
    return total


class PeakDisk(threading.Thread):
    def __init__(self, root: Path) -> None:
        super().__init__(daemon=True)
        self.root, self.peak, self.done = root, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak = max(self.peak, disk_bytes(self.root))


def run_suite(clone: Path, marker: str | None) -> tuple[float, float, int, str]:
    """(live build seconds, pytest seconds, peak temporary bytes, pytest's last line)."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-tests-tmp-"))
    env = {**os.environ, "PYTHONPATH": str(clone), "TMPDIR": str(tmp)}
    watcher = PeakDisk(tmp)
    watcher.start()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "build_scripts", "build", "--quiet"], cwd=clone, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    built = time.perf_counter() - start
    args = [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider"] + (["-m", marker] if marker else [])
    start = time.perf_counter()
    run = subprocess.run(args, cwd=clone, env=env, capture_output=True, text=True, check=False)
    tested = time.perf_counter() - start
    watcher.done.set()
    watcher.join()
    peak = max(watcher.peak, disk_bytes(tmp))
    shutil.rmtree(tmp, ignore_errors=True)
    lines = run.stdout.strip().splitlines() or ["(no output)"]
    for line in lines:
        if line.startswith("FAILED "):
            print(f"  {line}", flush=True)
    return built, tested, peak, lines[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="synthetic records to add")
    parser.add_argument("--all", action="store_true", help="every test, the browser ones too")
    args = parser.parse_args()
    marker = None if args.all else "not browser"
    work = Path(tempfile.mkdtemp(prefix="bench-tests-"))
    clone = work / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(clone)], check=True)
    if (REPO_ROOT / "node_modules").exists():
        (clone / "node_modules").symlink_to((REPO_ROOT / "node_modules").resolve())
    rows = []
    for label, n in (("seeds alone", 0), (f"seeds + {args.n} records", args.n)):
        if n:
            synthetic.add_records(n, Paths(clone))
        records = sum(1 for p in (clone / "datasets" / "replies").iterdir() if p.is_dir())
        built, tested, peak, last = run_suite(clone, marker)
        rows.append((label, records, built, tested, peak, last))
        print(f"{label}: {records} records, live build {built:.1f} s, pytest {tested:.1f} s, "
              f"peak temporary disk {peak / 2**20:.1f} MiB — {last}", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    selection = "" if args.all else ' -m "not browser"'
    print(f"\n| records | live build | pytest{selection} | total | peak temp disk | result |")
    print("|---|---|---|---|---|---|")
    for label, records, built, tested, peak, last in rows:
        print(f"| {records} ({label}) | {built:.1f} s | {tested:.1f} s | {built + tested:.1f} s | "
              f"{peak / 2**20:.1f} MiB | {last} |")
    (_, _, b0, t0, p0, _), (_, _, b1, t1, p1, _) = rows
    print(f"\nlonger by {b1 + t1 - b0 - t0:.1f} s (target ≤ 120 s); temporary disk {p1 / 2**20 - p0 / 2**20:+.1f} MiB "
          "(target: no more)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
