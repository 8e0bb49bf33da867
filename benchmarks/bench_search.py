"""Benchmark our search index on the synthetic corpus: build, size, bytes per query, browser time, recall.

    python -m benchmarks.bench_search 1000 10000      # Pagefind and Material's search beside ours at 1,000

For each N: the whole `portal build` per stage (benchmarks/bench_build.py: seconds, CPU, peak memory,
reply page sizes; --search-only skips it); then generate the corpus (benchmarks/synthetic.py) into
build/bench/n<N>/ if it is not there, build the index
in a child process (seconds, peak RSS), then for every query of tests/search_queries.yaml: the
index files the query reads (reference engine, plus for the first page its docs' ``i/`` files and
their records in the JSON API, from which the result list shows them and cuts the snippets), their gzip
size as a static host would serve them, recall and precision against the
Ctrl+F oracle, and the time to first results in headless Chromium on localhost (BENCH_RUNS runs,
default 3: a ?q= link opened cold, timed from the page request and from the query's start, and
the same queries typed one after another into an open search page).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

from benchmarks import synthetic
from build_scripts import api, output, records, replytext
from build_scripts.pages.urls import record_path
from build_scripts.paths import REPO_ROOT, Paths
from build_scripts.search import index, query
from build_scripts.textnorm import normalise

PY = sys.executable
PAGE = 10  # results on the first page (search.js)
RUNS = int(os.environ.get("BENCH_RUNS", "3"))  # browser runs over the whole query set
QUERIES = [q["q"] for q in yaml.safe_load((REPO_ROOT / "tests" / "search_queries.yaml").read_text("utf-8"))["queries"]]
CHILD = """
import json, resource, sys, time
from pathlib import Path
from build_scripts import records
from build_scripts.paths import Paths
from build_scripts.search import index
t = time.perf_counter(); ds = records.load(Paths(Path(sys.argv[1]))); load = time.perf_counter() - t
def cpu(): r = resource.getrusage(resource.RUSAGE_SELF); return r.ru_utime + r.ru_stime
load_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; c = cpu()
t = time.perf_counter(); s = index.write(ds, Path(sys.argv[2])); build = time.perf_counter() - t
print(json.dumps({"load_s": load, "index_s": build, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "load_rss_mb": load_rss, "load_cpu_s": c, "index_cpu_s": cpu() - c, "levels": s.levels,
                  "terms": s.terms, "shards": s.shards, "files": s.files, "bytes": s.bytes, "chars": s.characters}))
"""


def gz(path: Path) -> int:
    """Bytes a static host sends: the file itself when it is stored gzipped (the index), else gzip -6 of it."""
    data = path.read_bytes()
    return len(data) if data[:2] == b"\x1f\x8b" else len(gzip.compress(data, 6))


def oracle_sets(ds: records.Dataset) -> dict[str, set[str]]:
    fields = {r.id: [normalise(f.text) for f in replytext.head_fields(r) + replytext.body_fields(r)] for r in ds.replies}
    out = {}
    for q in QUERIES:
        nq = normalise(q)
        out[q] = {rid for rid, fs in fields.items() if nq and any(nq in f for f in fs)}
    return out


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONF = """daemon off; worker_processes 1; pid {tmp}/nginx.pid; error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types; access_log off; sendfile on; tcp_nopush on; keepalive_timeout 30;
  client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp}; uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
  gzip on; gzip_comp_level 6; gzip_types application/json application/javascript text/css application/xml;
  server {{ listen 127.0.0.1:{port}; root {root}; index index.html; }}
}}
"""
SERVER = os.environ.get("BENCH_SERVER", "nginx" if Path(NGINX).exists() else "python")
"""Which static server the browser runs read from: ``nginx`` (Debian's, gzip on, keep-alive: as a
static host serves the site) or ``python`` (``python -m http.server``: HTTP/1.0, one process)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def static_server(site: Path, kind: str = SERVER) -> Iterator[str]:
    """The site served by a separate process on localhost; the browser's driver in this process
    never competes with the server for the interpreter."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "nginx":
            conf = Path(tmp) / "nginx.conf"
            conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=site.resolve()), "utf-8")
            cmd = [NGINX, "-c", str(conf), "-p", tmp]
        else:
            cmd = [PY, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            proc.wait()


@dataclass
class Times:
    """Milliseconds to the first results (page 1 rendered: titles, metadata, snippets) per query."""

    link: dict[str, list[float]]     # a ?q= link opened in a fresh browser context, from the page request
    search: dict[str, list[float]]   # the same runs, from the query's start (the engine asked in <head>)
    typed: dict[str, list[float]]    # typed into the search box of an open search page, from Enter


def browser_times(site: Path, runs: int = RUNS, server: str = SERVER) -> Times:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    out = Times({q: [] for q in QUERIES}, {q: [] for q in QUERIES}, {q: [] for q in QUERIES})
    with static_server(site, server) as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            for q in QUERIES:  # a fresh context per query: nothing cached
                ctx = b.new_context()
                page = ctx.new_page()
                page.goto(f"{url}search/?q={quote(q)}")
                page.wait_for_selector("#dg-search[data-state=done]", timeout=60_000)
                t = page.evaluate("window.dgSearchTiming")
                out.link[q].append(t["sinceNavigation"])
                out.search[q].append(t["first"])
                ctx.close()
            ctx = b.new_context()  # one visitor typing query after query: the once-per-visit files are cached
            page = ctx.new_page()
            page.goto(f"{url}search/")
            page.wait_for_selector("#dg-search[data-state=done]", timeout=60_000)
            for q in QUERIES:
                page.fill("#dg-q", q)
                page.press("#dg-q", "Enter")
                page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=q)
                page.wait_for_selector("#dg-search[data-state=done]", timeout=60_000)
                out.typed[q].append(page.evaluate("window.dgSearchTiming.first"))
            ctx.close()
        b.close()
    return out


def spread(values: dict[str, list[float]]) -> str:
    every = [v for vs in values.values() for v in vs]
    medians = [statistics.median(vs) for vs in values.values()]
    over = sum(1 for v in every if v >= 500)
    return (f"median {statistics.median(every):.0f} ms, max {max(every):.0f} ms, worst per-query median "
            f"{max(medians):.0f} ms; {over} of {len(every)} runs at 500 ms or more")


def run(n: int) -> None:
    work = REPO_ROOT / "build" / "bench" / f"n{n}"
    repo = work / "repo"
    t = time.perf_counter()
    replies = repo / "datasets" / "replies"
    if not replies.is_dir() or sum(1 for _ in replies.iterdir()) != n:
        synthetic.generate(n, repo)
    else:
        synthetic.sync_sources(repo)
    print(f"\n== N = {n}: corpus ready in {time.perf_counter() - t:.1f} s")
    seed_site = REPO_ROOT / "site"
    if not (seed_site / "search" / "index.html").exists():
        sys.exit("build the seed site first: portal build")
    site = work / "site"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(seed_site, site, ignore=shutil.ignore_patterns("idx"))
    out = subprocess.run([PY, "-c", CHILD, str(repo), str(site)], check=True, capture_output=True, text=True,
                         cwd=REPO_ROOT)
    stats = json.loads(out.stdout)
    ds = records.load(Paths(repo))
    shutil.rmtree(site / "api")  # the seeds' API: the result list reads this corpus's records (FORMAT.md `i/`)
    output.write_files(site, api.files(ds))
    idx = site / "search" / "idx"
    total_gz = sum(gz(p) for p in idx.rglob("*.json"))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"records load: {stats['load_s']:.1f} s wall, {stats['load_cpu_s']:.1f} s CPU, RSS {stats['load_rss_mb']:.0f} MB "
          f"after loading")
    print(f"index build: {stats['index_s']:.1f} s wall, {stats['index_cpu_s']:.1f} s CPU, peak RSS {stats['rss_mb']:.0f} MB "
          f"(+{stats['rss_mb'] - stats['load_rss_mb']:.0f} MB above the loaded dataset); {stats['chars']:,} normalised "
          f"characters, {stats['levels']} gram levels, {stats['terms']:,} terms, {stats['shards']} shards, "
          f"{stats['files']:,} files, {stats['bytes'] / 1e6:.1f} MB raw, {total_gz / 1e6:.1f} MB gzip")
    ids = [r.id for r in index.ordered(ds)]
    truth = oracle_sets(ds)
    ix = query.Index(idx)
    fixed_parts = {f: gz(idx / f) for f in ("manifest.json", "t2s.json")}  # facets.json: only when the filters open
    fixed = sum(fixed_parts.values())
    times = browser_times(site)
    print(f"browser: Debian chromium, headless, served by {SERVER} on localhost; "
          f"load average {os.getloadavg()[0]:.1f} after the browser runs")
    print(f"once per visit: manifest + t2s = {fixed / 1024:.1f} KB gzip "
          f"({', '.join(f'{k} {v / 1024:.1f}' for k, v in fixed_parts.items())}); facets.json "
          f"{gz(idx / 'facets.json') / 1024:.1f} KB when the reader opens the filters")
    print(f"{'query':<22}{'found':>7}{'truth':>7}{'recall':>8}{'prec':>7}{'KB gz':>8}{'+page1':>8}"
          f"{'link ms':>9}{'search':>8}{'typed':>7}  (medians of {RUNS} runs)")
    sizes, recalls, precs, records_gz, records_raw = [], [], [], [], []
    for q in QUERIES:
        r = ix.search(q)
        files = set(r.fetched)
        lookup = files | {f"i/{d // ix.manifest['chunk']}.json" for d in r.docs[:PAGE]}
        q_bytes = sum(gz(idx / f) for f in files)
        page1 = [site / record_path(ids[d]) for d in r.docs[:PAGE]]
        records_gz.append(sum(gz(f) for f in page1))
        records_raw.append(sum(f.stat().st_size for f in page1))
        all_bytes = sum(gz(idx / f) for f in lookup) + records_gz[-1]
        got = {ids[d] for d in r.docs}
        want = truth[q]
        recall = len(got & want) / len(want) if want else 1.0
        prec = len(got & want) / len(got) if got else 1.0
        sizes.append(all_bytes + fixed)
        recalls.append(recall)
        precs.append(prec)
        print(f"{q:<22}{len(got):>7}{len(want):>7}{recall:>8.0%}{prec:>7.0%}{q_bytes / 1024:>8.1f}"
              f"{all_bytes / 1024:>8.1f}{statistics.median(times.link[q]):>9.0f}"
              f"{statistics.median(times.search[q]):>8.0f}{statistics.median(times.typed[q]):>7.0f}")
    print(f"per query incl. first page and the once-per-visit files: max {max(sizes) / 1024:.0f} KB, "
          f"median {statistics.median(sizes) / 1024:.0f} KB gzip; recall min {min(recalls):.0%}, "
          f"precision min {min(precs):.0%}")
    print(f"of which page 1's API records: max {max(records_gz) / 1024:.0f} KB, median "
          f"{statistics.median(records_gz) / 1024:.0f} KB gzip (uncompressed, as a host that does not gzip JSON "
          f"sends them: max {max(records_raw) / 1024:.0f} KB, median {statistics.median(records_raw) / 1024:.0f} KB)")
    print(f"first results, ?q= link opened, from the page request: {spread(times.link)}")
    print(f"first results, ?q= link opened, from the query's start in <head>: {spread(times.search)}")
    print(f"first results, typed on the open search page, from Enter: {spread(times.typed)}")


COMPARE_UP_TO = 1000
"""Pagefind and Material's search are measured in the same run up to this many letters
(``--compare-all``: at every N; Material at 10,000 needs a build of every page through MkDocs)."""

if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:] if not a.startswith("--")] or [1000, 10000]
    previous = None
    for size in sizes:
        if "--search-only" not in sys.argv:  # the whole `portal build`, per stage (benchmarks/bench_build.py)
            from benchmarks import bench_build

            previous = bench_build.run(size, previous)
        run(size)
        if size <= COMPARE_UP_TO or "--compare-all" in sys.argv:
            from benchmarks import bench_compare

            bench_compare.compare(size)
