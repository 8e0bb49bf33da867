"""How long the link check (the last post-MkDocs step) takes as the site grows.

Makes a synthetic site from a built one: the real reply pages copied to N reply folders, and
one index page linking to every copy (the shape of a large browse page). Prints pages, wall and
CPU seconds (the machine may be shared: CPU time is the figure to compare).

Usage:  python benchmarks/linkcheck.py [SITE_DIR] [N ...]   (default: site 1000 10000)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_scripts import linkcheck


def synthetic(site: Path, out: Path, n: int) -> None:
    shutil.copytree(site, out)
    pages = sorted((site / "replies").glob("*/index.html"))
    links = []
    for i in range(n):
        source = pages[i % len(pages)]
        target = out / "replies" / f"{source.parent.name}-{i}" / "index.html"
        shutil.copytree(source.parent, target.parent)  # with a long letter's pages 2, 3, … (they link each other)
        links.append(f'<li><a href="../../replies/{target.parent.name}/#text">{i}</a></li>')
    (out / "browse" / "all").mkdir(parents=True)
    (out / "browse" / "all" / "index.html").write_text("<ul>\n" + "\n".join(links) + "\n</ul>\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else Path("site")
    sizes = [int(a) for a in argv[1:]] or [1000, 10000]
    if not (site / "replies").is_dir():
        print(f"{site} is not a built site: run `portal build` first", file=sys.stderr)
        return 2
    print("| reply pages | html files | wall s | cpu s | broken |\n|---|---|---|---|---|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "site"
            synthetic(site, out, n)
            files = sum(1 for _ in out.rglob("*.html"))
            start, cpu = time.perf_counter(), time.process_time()
            broken = linkcheck.broken_links(out)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            print(f"| {n} | {files} | {seconds:.2f} | {cpu:.2f} | {len(broken)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
