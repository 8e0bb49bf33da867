"""Benchmark (issue 13): what a reply page weighs, part by part, and what api/ and replies/ cost.

Reads one or more built sites and prints, for each: the files and bytes of ``api/`` (and of each of
its folders) and of ``replies/``, with their size in the tar GitHub Pages receives
(``sitesize.tar_bytes``); then the first page of every reply (``replies/<id>/index.html``) cut into
its parts (the theme's head, header, tabs and navigation, the theme's table of contents, each
section of the article by its ``<h2 id>``, the theme's footer and scripts), with the median and the
largest of each part and of the whole page, in bytes.

    python -m benchmarks.reply_weight SITE [SITE ...]     (e.g. site/ or /tmp/n1000/site)
    python -m benchmarks.reply_weight SITE --page ID      (also the parts of one reply's page)
"""

from __future__ import annotations

import argparse
import re
import statistics
from pathlib import Path

from build_scripts.sitesize import tar_bytes

_H2 = re.compile(rb'<h2 id="([^"]+)">')
_ARTICLE_START = re.compile(rb'<article class="md-content__inner md-typeset">')
_CUTS = (  # (part name, where the next part starts): the theme's markup around the article
    ("head", b"<body"),
    ("header", b'<div class="md-container"'),
    ("tabs", b'<main class="md-main"'),
    ("main, primary sidebar (navigation)", b'<div class="md-sidebar md-sidebar--secondary"'),
    ("secondary sidebar (theme's toc)", b'<div class="md-content"'),
)
_IN_TOP = (  # the article before its first h2: card, summary, the page's own contents
    ("article: title, card", b'<div class="reply-summary">'),
    ("article: summary", b'<nav class="reply-toc"'),
    ("article: 本页目录", None),
)


def parts(page: bytes) -> dict[str, int]:
    """Bytes of each part of one reply page (a part the page lacks weighs 0)."""
    out: dict[str, int] = {}
    ends = [page.find(nxt) for _, nxt in _CUTS]
    for i in reversed(range(len(ends) - 1)):  # a part the page lacks ends where the next one does
        ends[i] = ends[i + 1] if ends[i] < 0 else ends[i]
    if ends[-1] < 0:
        raise ValueError("not a reply page: no content")
    at = 0
    for (name, _), end in zip(_CUTS, ends):
        out[name] = end - at
        at = end
    start = _ARTICLE_START.search(page, at)
    end = page.find(b"</article>", at)
    if start is None or end < 0:
        raise ValueError("not a reply page: no article")
    out["content wrapper"] = out.get("content wrapper", 0) + start.end() - at
    article = page[start.end():end]
    heads = list(_H2.finditer(article))
    top = article[: heads[0].start()] if heads else article
    tat = 0
    for name, nxt in _IN_TOP:
        tend = top.find(nxt, tat) if nxt else len(top)
        tend = len(top) if tend < 0 else tend
        out[name] = tend - tat
        tat = tend
    footer_at = article.find(b'<div class="print-footer">')
    for i, head in enumerate(heads):
        stop = heads[i + 1].start() if i + 1 < len(heads) else (footer_at if footer_at >= 0 else len(article))
        key = f"article: #{head[1].decode()}"
        out[key] = out.get(key, 0) + stop - head.start()
    if footer_at >= 0:
        out["article: print footer"] = len(article) - footer_at
    out["footer, scripts"] = len(page) - end
    return out


def folder(site: Path, name: str) -> tuple[int, int, int]:
    """(files, bytes, tar bytes) of one folder of the site."""
    sizes, names = [], []
    for path in sorted((site / name).rglob("*")):
        rel = "./" + path.relative_to(site).as_posix()
        names.append(rel + "/" if path.is_dir() else rel)
        if path.is_file():
            sizes.append(path.stat().st_size)
    return len(sizes), sum(sizes), tar_bytes(sizes, names)


def report(site: Path, page: str | None = None) -> None:
    print(f"== {site}")
    for name in ["api", *sorted(f"api/{p.name}" for p in (site / "api").iterdir() if p.is_dir()), "replies"]:
        files, size, tar = folder(site, name)
        print(f"{name + '/':<16} {files:>7,} files {size / 1e6:>9.2f} MB  ({tar / 1e6:.2f} MB as a tar)")
    pages = sorted(site.glob("replies/*/index.html"))
    weighed = {p.parent.name: parts(p.read_bytes()) for p in pages}
    totals = [p.stat().st_size for p in pages]
    names = list(dict.fromkeys(k for w in weighed.values() for k in w))
    print(f"\nfirst pages of {len(pages):,} replies: median {statistics.median(totals):,.0f} bytes, "
          f"max {max(totals):,}")
    print(f"{'part':<40} {'median':>8} {'max':>8}")
    for name in names:
        values = [w.get(name, 0) for w in weighed.values()]
        print(f"{name:<40} {statistics.median(values):>8,.0f} {max(values):>8,}")
    if page:
        print(f"\n{page}: {sum(weighed[page].values()):,} bytes")
        for name, n in weighed[page].items():
            print(f"  {name:<38} {n:>8,}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("sites", nargs="+", type=Path)
    parser.add_argument("--page", help="also print the parts of this reply's first page")
    args = parser.parse_args()
    for site in args.sites:
        report(site, args.page)


if __name__ == "__main__":
    main()
