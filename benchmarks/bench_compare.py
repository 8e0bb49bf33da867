"""Material's built-in search (lunr) and Pagefind beside ours, on the same synthetic corpus.

    python -m benchmarks.bench_compare 1000

Needs the synthetic site built by bench_build (build/bench/n<N>/repo/site). Pagefind is the npm
package `pagefind` installed into build/tools (never committed):
    npm install --prefix build/tools pagefind@1.5.2
Material: the same repo with `plugins: [search]` (default configuration), built again; the lunr
index is loaded into Material's own search worker in Chromium and every query is run there.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time

from benchmarks.bench_search import QUERIES, oracle_sets
from build_scripts import records
from build_scripts.paths import REPO_ROOT, Paths
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve

PAGEFIND = REPO_ROOT / "build" / "tools" / "node_modules" / "@pagefind" / "linux-x64" / "bin" / "pagefind_extended"
ID = re.compile(r"replies/([a-z0-9-]+)/")


def rss_child(cmd: list[str]) -> tuple[float, float, str]:
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO_ROOT)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        print(out[-2000:])
        raise SystemExit(f"{cmd[0]} failed")
    return time.perf_counter() - t, usage.ru_maxrss / 1024, out


def report(name: str, found: dict[str, set[str]], truth: dict[str, set[str]]) -> None:
    full = sum(1 for q in QUERIES if found[q] == truth[q])
    print(f"{name}: {full} of {len(QUERIES)} queries give exactly the Ctrl+F set")
    print(f"{'query':<22}{'found':>7}{'truth':>7}{'hit':>7}")
    for q in QUERIES:
        print(f"{q:<22}{len(found[q]):>7}{len(truth[q]):>7}{len(found[q] & truth[q]):>7}")


def material(n: int, truth: dict[str, set[str]]) -> None:
    src = REPO_ROOT / "build" / "bench" / f"n{n}" / "repo"
    repo = REPO_ROOT / "build" / "bench" / f"n{n}" / "material"
    if repo.exists():
        shutil.rmtree(repo)
    shutil.copytree(src, repo, ignore=shutil.ignore_patterns("site", "build"))
    yml = repo / "mkdocs.yml"
    yml.write_text(yml.read_text("utf-8").replace("plugins: []", "plugins:\n  - search"), "utf-8")
    for ours in ("header.html", "search.html"):  # Material's own header and search box, not ours
        (repo / "overrides" / "partials" / ours).unlink(missing_ok=True)
    code = "import sys; from pathlib import Path; from build_scripts import site; from build_scripts.paths import Paths; " \
           "site.build(Paths(Path(sys.argv[1])), shells=False)"  # every page through MkDocs, so its search sees them
    wall, rss, _ = rss_child([sys.executable, "-c", code, str(repo)])
    index = repo / "site" / "search" / "search_index.json"
    raw = index.read_bytes()
    print(f"\nMaterial search (default config) at {n}: whole build {wall:.0f} s, peak RSS {rss:.0f} MB; "
          f"search_index.json {len(raw) / 1e6:.1f} MB raw, {len(gzip.compress(raw, 6)) / 1e6:.1f} MB gzip "
          f"(every visitor downloads all of it)")
    worker = next((repo / "site" / "assets" / "javascripts" / "workers").glob("search.*.min.js")).name
    server, url = serve(repo / "site")
    from playwright.sync_api import sync_playwright

    found: dict[str, set[str]] = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = b.new_page()
        page.goto(url)
        t = time.perf_counter()
        page.evaluate("""async (w) => {
            const idx = await (await fetch('search/search_index.json')).json();
            window.mw = new Worker('assets/javascripts/workers/' + w);
            await new Promise(ok => { mw.onmessage = e => { if (e.data.type === 1) ok(); }; mw.postMessage({type: 0, data: idx}); });
        }""", worker)
        print(f"worker ready (index loaded) after {time.perf_counter() - t:.1f} s")
        times = []
        for q in QUERIES:
            t = time.perf_counter()
            items = page.evaluate("""(q) => new Promise(ok => { mw.onmessage = e => { if (e.data.type === 3) ok(e.data.data.items); };
                                                  mw.postMessage({type: 2, data: q}); })""", q)
            times.append(time.perf_counter() - t)
            locs = json.dumps(items)
            found[q] = set(ID.findall(locs))
        print(f"query time: max {max(times) * 1000:.0f} ms")
        b.close()
    server.shutdown()
    report("Material", found, truth)


def pagefind(n: int, truth: dict[str, set[str]]) -> None:
    site_dir = REPO_ROOT / "build" / "bench" / f"n{n}" / "repo" / "site"
    out = REPO_ROOT / "build" / "bench" / f"n{n}" / "pagefind-site"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(site_dir, out, ignore=shutil.ignore_patterns("idx", "data", "letters"))
    wall, rss, _log = rss_child([str(PAGEFIND), "--site", str(out), "--output-subdir", "pagefind"])
    files = list((out / "pagefind").rglob("*"))
    size = sum(f.stat().st_size for f in files if f.is_file())
    print(f"\nPagefind 1.5.2 extended at {n}: index {wall:.0f} s, peak RSS {rss:.0f} MB, {size / 1e6:.1f} MB in "
          f"{len(files)} files")
    server, url = serve(out)
    from playwright.sync_api import sync_playwright

    found: dict[str, set[str]] = {}
    per_query: dict[str, int] = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for q in QUERIES:
            ctx = b.new_context()
            page = ctx.new_page()
            fetched: list[str] = []
            page.on("request", lambda r, fetched=fetched: fetched.append(r.url))
            page.goto(url)
            start = len(fetched)
            urls = page.evaluate("""async (q) => { const pf = await import('./pagefind/pagefind.js');
                const r = await pf.search(q); const ds = await Promise.all(r.results.map(x => x.data()));
                return ds.map(d => d.url); }""", q)
            found[q] = set(ID.findall(" ".join(urls)))
            per_query[q] = sum((out / u.split("/", 3)[3].split("?")[0]).stat().st_size for u in set(fetched[start:])
                               if "/pagefind/" in u and "fragment" not in u)
            ctx.close()
        b.close()
    server.shutdown()
    print(f"bytes per query (index + filters, fragments excluded; Pagefind's files are already compressed): "
          f"max {max(per_query.values()) / 1024:.0f} KB, median {sorted(per_query.values())[len(QUERIES) // 2] / 1024:.0f} KB")
    report("Pagefind", found, truth)


def compare(n: int) -> None:
    """Pagefind and Material's search on the synthetic corpus of n letters, beside ours."""
    repo = REPO_ROOT / "build" / "bench" / f"n{n}" / "repo"
    if not (repo / "site" / "replies").is_dir():
        from build_scripts import site

        site.build(Paths(repo))  # the portal's own site: Pagefind indexes its pages
    truth = oracle_sets(records.load(Paths(repo)))
    if PAGEFIND.exists():
        pagefind(n, truth)
    else:
        print("Pagefind not installed: npm install --prefix build/tools pagefind@1.5.2")
    material(n, truth)


if __name__ == "__main__":
    compare(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
