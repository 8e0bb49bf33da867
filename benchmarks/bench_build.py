"""Benchmark the whole `portal build` per stage on the synthetic corpus.

    python -m benchmarks.bench_build 1000 10000 [--no-search]

For each N: the synthetic repo (benchmarks/synthetic.py, reused when already generated), then
`site.build` in a child process: seconds per stage (validate, package, pages, mkdocs, search
index, …), CPU seconds and peak memory of the whole build, per-letter cost, and the sizes of the
reply pages' HTML (every page of a letter in parts included: largest, median, how many split), the
site's size as the tar GitHub Pages receives, the largest HTML page of each kind; then the search
figures (``search_figures``: each committed query exact or not against Ctrl+F, and its bytes gzip).
Prints the load average: the machine is shared.

Memory: the build forks child processes (downloads, search index) that share the loaded dataset.
A sampler reads /proc every 0.2 s and reports the peak of the whole process tree two ways: the sum
of RSS (counts every shared page once per process: an upper bound) and the sum of PSS (shared
pages divided among the processes sharing them: what the tree really holds).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks import synthetic
from build_scripts.paths import REPO_ROOT
from build_scripts.settings import Settings

CHILD = """
import json, resource, sys, time
from pathlib import Path
from build_scripts import site
from build_scripts.paths import Paths
from build_scripts.settings import Settings
t = time.perf_counter()
r = site.build(Paths(Path(sys.argv[1])), log=lambda m: print(m, file=sys.stderr, flush=True),
               settings=Settings(site_bytes=10**13))  # measured and reported against the budget, not failed
u = resource.getrusage(resource.RUSAGE_SELF)
c = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"total": time.perf_counter() - t, "timings": r.timings, "cpu": r.cpu, "rss_mb": u.ru_maxrss / 1024,
                  "cpu_s": u.ru_utime + u.ru_stime + c.ru_utime + c.ru_stime, "pages": r.pages,
                  "site_bytes": r.size.bytes, "site_tar": r.size.tar, "site_files": r.size.files,
                  "largest": r.size.largest}))
"""


def _tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(c) for c in children)
    return out


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB of one process, 0 when it has gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:] if line.endswith("kB")}
    return values.get("Rss", 0), values.get("Pss", 0)


def _rss_kb(pid: int) -> int:
    """Resident kB of one process from ``statm`` (cheap: no walk of its page tables), 0 when it has gone."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
SAMPLE_SHARE = 0.02
"""Most of one core the PSS sampling may take: ``smaps_rollup`` walks a process's page tables, and read
every 0.2 s from four processes of 1 GB it took 160 CPU-seconds in a 27-minute 100,000-letter build
(14 % of a core taken from the build). RSS (``statm``) is still read every 0.2 s."""


class TreeMemory(threading.Thread):
    """Peak summed RSS (every 0.2 s) and PSS (as often as ``SAMPLE_SHARE`` allows) of a process tree; also
    per stage (``stages``: the stages running when sampled, as the build's log announces them)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.peak_pss, self.done = pid, 0, 0, False
        self.running: list[str] = []
        self.stage_pss: dict[str, int] = {}
        self.finished: dict[str, float] = {}  # stage -> wall seconds, as the log says

    def run(self) -> None:
        next_pss = 0.0
        while not self.done:
            tree = _tree(self.pid)
            self.peak_rss = max(self.peak_rss, sum(_rss_kb(p) for p in tree))
            if time.monotonic() >= next_pss:
                started = time.thread_time()
                sums = [_memory_kb(p) for p in tree]
                self.peak_rss = max(self.peak_rss, sum(r for r, _ in sums))
                pss = sum(p for _, p in sums)
                self.peak_pss = max(self.peak_pss, pss)
                for stage in list(self.running):
                    self.stage_pss[stage] = max(self.stage_pss.get(stage, 0), pss)
                next_pss = time.monotonic() + (time.thread_time() - started) / SAMPLE_SHARE
            time.sleep(0.2)

    def follow(self, log: Any) -> None:
        """Read the build's log (``stage …`` / ``stage done in``), echo it, and track the running stages."""
        for line in log:
            sys.stderr.write(line)
            text = line.rstrip("\n")
            if text.endswith(" …"):
                self.running.append(text[:-2])
            elif " done in " in text:
                name, seconds = text.split(" done in ")
                self.finished[name] = float(seconds.split()[0])
                if name in self.running:
                    self.running.remove(name)


RELEASE_URL = "https://github.com/example/dafu-gongkai/releases/download/data-{version}/"
"""As the deploy workflow sets it: downloads over Settings.release_asset_bytes leave the site."""
LETTERS_URL = "https://raw.githubusercontent.com/example/dafu-gongkai/0123abc/datasets/replies/"
"""As the deploy workflow sets it for GitHub Pages: the raw letters are linked in the repository."""
PAGES_LIMIT = 1_000_000_000


def repo_for(n: int) -> Path:
    repo = REPO_ROOT / "build" / "bench" / f"n{n}" / "repo"
    replies = repo / "datasets" / "replies"
    marker = repo / "synthetic.txt"
    current = marker.is_file() and marker.read_text("utf-8") == synthetic.VERSION
    if not current or not replies.is_dir() or sum(1 for _ in replies.iterdir()) != n:
        synthetic.generate(n, repo)
    else:
        synthetic.sync_sources(repo)  # the theme, pages and vocabularies of this checkout
    return repo


def reply_page_sizes(site: Path) -> dict[str, int]:
    """Bytes of every reply page's HTML (a long letter's pages 2, 3, … included), by site path."""
    return {p.relative_to(site).as_posix(): p.stat().st_size
            for p in sorted((site / "replies").glob("*/index.html")) + sorted((site / "replies").glob("*/*/index.html"))}


def page_size_report(sizes: dict[str, int]) -> str:
    """Largest, median and 99th percentile reply page (KB of 1,024 bytes), replies in parts, pages over budget."""
    ordered = sorted(sizes.values())
    biggest = max(sizes, key=lambda k: sizes[k])
    more = [k for k in sizes if k.count("/") == 3]  # replies/<id>/<k>/index.html
    split = {k.split("/")[1] for k in more}
    over = sum(1 for v in ordered if v > Settings.reply_page_bytes)
    return (f"reply pages: {len(ordered)}, of which {len(more)} are pages 2, 3, … of the {len(split)} replies in parts; "
            f"largest {ordered[-1]:,} bytes = {ordered[-1] / 1024:.1f} KB ({biggest}), median {ordered[len(ordered) // 2] / 1024:.1f} KB, "
            f"99th percentile {ordered[len(ordered) * 99 // 100] / 1024:.1f} KB; "
            f"{over} over the {Settings.reply_page_bytes:,}-byte budget")


def folder_report(site: Path) -> str:
    """MB per top-level folder of the site, largest first."""
    sizes = {}
    for top in site.iterdir():
        files = [top] if top.is_file() else [p for p in top.rglob("*") if p.is_file()]
        sizes[top.name + ("/" if top.is_dir() else "")] = sum(p.stat().st_size for p in files)
    return ", ".join(f"{name} {n / 1e6:,.1f}" for name, n in sorted(sizes.items(), key=lambda i: -i[1])[:10])


def run(n: int, previous: dict[str, float] | None) -> dict[str, float]:
    repo = repo_for(n)
    env = {**os.environ, "PORTAL_RELEASE_URL": os.environ.get("PORTAL_RELEASE_URL", RELEASE_URL),
           "PORTAL_LETTERS_URL": os.environ.get("PORTAL_LETTERS_URL", LETTERS_URL)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(repo)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=REPO_ROOT, env=env)  # stage progress on stderr, as it happens
    memory = TreeMemory(proc.pid)
    memory.start()
    follower = threading.Thread(target=memory.follow, args=(proc.stderr,), daemon=True)
    follower.start()
    stdout = proc.stdout.read() if proc.stdout else ""
    proc.wait()
    follower.join(timeout=10)
    memory.done = True
    if proc.returncode:  # what it got through is worth knowing (a 100,000-letter build runs an hour)
        print(f"\n== N = {n} letters: the build FAILED; the stages it finished (wall seconds, peak MB of the tree):")
        for stage, secs in memory.finished.items():
            print(f"{stage:<28}{secs:>9.1f}{memory.stage_pss.get(stage, 0) / 1024:>9.0f}")
        print(f"still running: {', '.join(memory.running) or 'nothing'}; peak memory of the tree so far: "
              f"PSS summed {memory.peak_pss / 1024:.0f} MB, RSS summed {memory.peak_rss / 1024:.0f} MB")
        raise SystemExit(f"build of {n} letters failed")
    r = json.loads(stdout.strip().splitlines()[-1])
    sizes = reply_page_sizes(repo / "site")
    print(f"\n== N = {n} letters, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'stage':<28}{'seconds':>9}{'CPU s':>8}{'ms/letter':>11}{'× vs prev':>11}{'peak MB':>9}")
    for stage, secs in r["timings"].items():
        growth = f"{secs / previous[stage]:.1f}" if previous and previous.get(stage) else ""
        peak = f"{memory.stage_pss[stage] / 1024:.0f}" if stage in memory.stage_pss else "—"
        print(f"{stage:<28}{secs:>9.1f}{r['cpu'].get(stage, 0):>8.1f}{1000 * secs / n:>11.2f}{growth:>11}{peak:>9}")
    print("(peak MB: the process tree's summed PSS while the stage ran, children running beside it included;\n"
          " a child's own stages run inside the main process's stages from 'package' to its '(wait)')")
    print(f"{'total':<28}{r['total']:>9.1f}{1000 * r['total'] / n:>11.2f}")
    print("(stages marked 'in parallel' ran in a child process beside the others: the column does not sum)")
    print(f"peak memory of the build's process tree: RSS summed {memory.peak_rss / 1024:.0f} MB, "
          f"PSS summed {memory.peak_pss / 1024:.0f} MB (main process alone: RSS {r['rss_mb']:.0f} MB)")
    print(f"CPU {r['cpu_s']:.0f} s (all processes), {r['pages']} pages")
    print(page_size_report(sizes))
    verdict = "under" if r["site_tar"] <= PAGES_LIMIT else "OVER"  # the tar is what GitHub Pages receives
    print(f"site: {r['site_bytes'] / 1e6:,.1f} MB in {r['site_files']:,} files, {r['site_tar'] / 1e6:,.1f} MB as a tar "
          f"({verdict} GitHub Pages' 1 GB); "
          f"by folder (MB): {folder_report(repo / 'site')}")
    assets = REPO_ROOT / "build" / "bench" / f"n{n}" / "repo" / "build" / "release-assets"
    if assets.is_dir():
        print("release assets (not in the site): " + ", ".join(
            f"{p.name} {p.stat().st_size / 1e6:,.1f} MB" for p in sorted(assets.iterdir())))
    idx = repo / "site" / "search" / "idx"
    idx_files = [p for p in idx.rglob("*") if p.is_file()]
    print(f"search index: {len(idx_files):,} files, {sum(p.stat().st_size for p in idx_files) / 1e6:,.1f} MB stored (gzip)")
    print("largest HTML page of each kind:")
    for kind, (path, size) in sorted(r["largest"].items(), key=lambda item: -item[1][1]):
        print(f"  {kind:<16}{size:>10,} bytes  {path}")
    if "--no-search" not in sys.argv:
        t = time.perf_counter()
        print(search_figures(repo))
        print(f"(search figures in {time.perf_counter() - t:.0f} s)")
    return {**r["timings"], "total": r["total"]}


def search_figures(repo: Path) -> str:
    """The committed query set (tests/search_queries.yaml) against the built site's index, as the browser
    asks it (the reference engine ``search.query``): per query the replies found and the Ctrl+F truth
    (each reply's searchable fields normalised, one reply at a time), and the bytes a reader downloads,
    gzip: the index files the query reads, the ``i/`` lookups and the API records of page 1, and the
    once-per-visit files (not ``facets.json``: the page fetches it only when the reader opens the filters).
    Exact means found == truth."""
    from benchmarks.bench_search import PAGE, QUERIES, gz
    from build_scripts import records, replytext
    from build_scripts.pages.urls import record_path
    from build_scripts.paths import Paths
    from build_scripts.search import index, query
    from build_scripts.search.text import normalise_many
    from build_scripts.textnorm import normalise

    site = repo / "site"
    idx = site / "search" / "idx"
    ds = records.load(Paths(repo))
    ids = [r.id for r in index.ordered(ds)]
    wanted = {q: normalise(q) for q in QUERIES}
    truth: dict[str, set[str]] = {q: set() for q in QUERIES}
    for reply in ds.replies:
        fields = normalise_many([f.text for f in replytext.head_fields(reply) + replytext.body_fields(reply)])
        for q, nq in wanted.items():
            if nq and any(nq in f for f in fields):
                truth[q].add(reply.id)
    ix = query.Index(idx)
    fixed = sum(gz(idx / f) for f in ("manifest.json", "t2s.json"))
    lines = [f"search: {len(QUERIES)} committed queries against the built index (reference engine), "
             f"Ctrl+F truth; bytes gzip incl. page 1 and the once-per-visit files ({fixed / 1024:.1f} KB); "
             f"facets.json ({gz(idx / 'facets.json') / 1024:.1f} KB) is fetched only when the reader opens "
             "the filters or a filter is in the URL, once a visit",
             f"{'query':<22}{'found':>8}{'truth':>8}{'exact':>7}{'KB gz':>8}"]
    sizes, exact = [], 0
    for q in QUERIES:
        r = ix.search(q)
        files = set(r.fetched) | {f"i/{d // ix.manifest['chunk']}.json" for d in r.docs[:PAGE]}
        size = fixed + sum(gz(idx / f) for f in files) + sum(gz(site / record_path(ids[d])) for d in r.docs[:PAGE])
        got = {ids[d] for d in r.docs}
        exact += got == truth[q]
        sizes.append(size)
        lines.append(f"{q:<22}{len(got):>8}{len(truth[q]):>8}{'yes' if got == truth[q] else 'NO':>7}{size / 1024:>8.1f}")
    lines.append(f"exact for {exact} of {len(QUERIES)} queries; bytes per query: max {max(sizes) / 1024:.0f} KB, "
                 f"median {sorted(sizes)[len(sizes) // 2] / 1024:.0f} KB gzip (budget 300 KB)")
    return "\n".join(lines)


if __name__ == "__main__":
    prev = None
    for arg in [a for a in sys.argv[1:] if not a.startswith("--")] or ["1000", "10000"]:
        t = time.perf_counter()
        prev = run(int(arg), prev)
