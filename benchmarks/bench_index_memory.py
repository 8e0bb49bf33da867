"""The search index build's memory and CPU, per phase, on the synthetic corpus (issue 13).

    python -m benchmarks.bench_index_memory 1000 10000          # corpora in build/bench/n<N>/repo
    python -m benchmarks.bench_index_memory --repo DIR [--memory BYTES]

For each corpus a child process loads the records (as the build's child has them), then builds the
index into a temporary folder with ``search.index.write``, the way ``site.search_step`` runs it.
A thread samples the child's resident memory every 20 ms; the build's phases are timed by wrapping
the functions that exist in the checked-out code, so the same script measures an older commit
(``PYTHONPATH=<checkout> python benchmarks/bench_index_memory.py --repo DIR``). Printed: the
records' memory, the build's peak (whole child, and above the records), CPU seconds, the peak of
each phase, and a sha256 of the written index (the same digest means the same bytes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import functools, hashlib, json, resource, sys, tempfile, threading, time
from pathlib import Path
from build_scripts import records
from build_scripts.paths import Paths
from build_scripts.search import index

def rss():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024

phase, peaks = ["load"], {}
def sample():
    while True:
        peaks[phase[0]] = max(peaks.get(phase[0], 0.0), rss())
        time.sleep(0.02)
threading.Thread(target=sample, daemon=True).start()

def wrap(owner, name, label):
    fn = getattr(owner, name, None)
    if fn is None:
        return
    raw = fn.__func__ if isinstance(fn, classmethod) else fn
    @functools.wraps(raw)
    def timed(*a, **k):
        before = phase[0]
        phase[0] = label
        try:
            return raw(*a, **k)
        finally:
            peaks[label] = max(peaks.get(label, 0.0), rss())
            phase[0] = before
    setattr(owner, name, timed)

from build_scripts.search import corpus, postings, spill
wrap(corpus, "build", "normalise")
wrap(postings, "find_levels", "common grams")
wrap(postings, "_batch", "postings per batch")
wrap(spill.Spill, "add", "spill a batch")
wrap(index, "_save_dictionary", "merge, dictionary")
wrap(index, "facet_table", "docs, facets")

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

ds = records.load(Paths(Path(sys.argv[1])))
time.sleep(0.1)
loaded = rss()
phase[0] = "index (other)"
c, t = cpu(), time.perf_counter()
options = index.Options() if sys.argv[2] == "-" else index.Options(memory=int(sys.argv[2]))
with tempfile.TemporaryDirectory(dir=sys.argv[3]) as tmp:
    stats = index.write(ds, Path(tmp), options)
    seconds, cpu_s = time.perf_counter() - t, cpu() - c
    digest = hashlib.sha256()
    root = Path(tmp) / "search" / "idx"
    for p in sorted(root.rglob("*")):
        if p.is_file():
            digest.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
print(json.dumps({"docs": stats.docs, "chars": stats.characters, "terms": stats.terms, "files": stats.files,
                  "levels": stats.levels, "batches": getattr(stats, "batches", None),
                  "partitions": getattr(stats, "partitions", None), "cuts": getattr(stats, "cuts", None), "seconds": seconds, "cpu": cpu_s,
                  "loaded_mb": loaded, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "phases": peaks, "sha256": digest.hexdigest()}))
"""


def measure(repo: Path, memory: int | None, scratch: Path) -> dict:
    scratch.mkdir(parents=True, exist_ok=True)
    out = subprocess.run([sys.executable, "-c", CHILD, str(repo.resolve()), "-" if memory is None else str(memory),
                          str(scratch.resolve())], check=True, capture_output=True, text=True,
                         cwd=scratch)  # build_scripts comes from PYTHONPATH, not from the current folder
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def report(name: str, r: dict) -> None:
    print(f"== {name}: {r['docs']:,} letters, {r['chars']:,} characters, {r['terms']:,} terms, "
          f"{r['levels']} levels, {r['files']:,} files; batches {r['batches']}, partitions {r['partitions']} "
          f"(cut again: {r['cuts']})")
    print(f"   index build {r['seconds']:.1f} s, {r['cpu']:.1f} CPU-s; records loaded {r['loaded_mb']:,.0f} MB; "
          f"peak {r['peak_mb']:,.0f} MB ({r['peak_mb'] - r['loaded_mb']:,.0f} MB above the records)")
    print("   peak RSS per phase (MB): " + ", ".join(f"{k} {v:,.0f}" for k, v in r["phases"].items()))
    print(f"   sha256 of the index files: {r['sha256']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="corpus sizes (generated if missing)")
    parser.add_argument("--repo", type=Path, action="append", default=[], help="an existing repo to index")
    parser.add_argument("--memory", type=int, default=None, help="Settings.search_index_memory for the build")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    repos = [(str(p), p) for p in args.repo]
    for n in args.sizes:
        repo = root / "build" / "bench" / f"n{n}" / "repo"
        if not (repo / "synthetic.txt").exists():
            from benchmarks import synthetic
            synthetic.generate(n, repo)
        repos.append((f"N = {n}", repo))
    for name, repo in repos:
        report(name, measure(repo, args.memory, root / "build" / "bench" / "index-scratch"))


if __name__ == "__main__":
    main()
