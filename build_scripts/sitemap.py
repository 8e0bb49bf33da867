"""The sitemap: every page of the staged site once, each at its own absolute URL.

Load: the HTML files of the staged site (after every step that writes pages) and the site URL
(``siteurl``). Process: one ``<url>`` per page, sorted, its address the site URL plus the page's
directory URL (``replies/x/``); the 404 page is not a page to index. Save: ``sitemap.xml``. MkDocs
writes its own sitemap of the pages it rendered, which misses the bulk pages (they are poured into
shells after it) and would list the shells; this one replaces it, and the ``.gz`` copy is dropped.

The sitemap protocol allows 50,000 URLs in a file: above that ``sitemap.xml`` is a sitemap index
pointing to ``sitemaps/1.xml``, ``sitemaps/2.xml``, … of at most ``PER_FILE`` URLs each, so no
file grows with N past that.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from build_scripts import output, siteurl
from build_scripts.dataset import Dataset
from build_scripts.pages import proposals

PER_FILE = 50_000
"""Most URLs in one sitemap file (the protocol's limit)."""

NOT_PAGES = frozenset({"404.html"})

_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def page_urls(site_dir: Path, skip: frozenset[str] = frozenset()) -> list[str]:
    """Each page's path below the site root, as its URL (``replies/x/``), sorted; not those in ``skip``."""
    return sorted(rel.removesuffix("index.html") for rel in output.site_files(site_dir)
                  if rel.endswith(".html") and rel not in NOT_PAGES and rel not in skip)


def _urlset(locs: list[str]) -> bytes:
    body = "".join(f"<url><loc>{escape(loc)}</loc></url>\n" for loc in locs)
    return f"{_HEAD}<urlset {_NS}>\n{body}</urlset>\n".encode()


def files(site_dir: Path, base: str | None = None, skip: frozenset[str] = frozenset()) -> dict[str, bytes]:
    """Path under the site → bytes: ``sitemap.xml`` (and ``sitemaps/<n>.xml`` above ``PER_FILE``)."""
    url = base or siteurl.site_url()
    locs = [siteurl.absolute(u, url) if u else url for u in page_urls(site_dir, skip)]
    if len(locs) <= PER_FILE:
        return {"sitemap.xml": _urlset(locs)}
    out: dict[str, bytes] = {}
    for number, start in enumerate(range(0, len(locs), PER_FILE), 1):
        out[f"sitemaps/{number}.xml"] = _urlset(locs[start:start + PER_FILE])
    index = "".join(f"<sitemap><loc>{escape(siteurl.absolute(path, url))}</loc></sitemap>\n" for path in out)
    out["sitemap.xml"] = f"{_HEAD}<sitemapindex {_NS}>\n{index}</sitemapindex>\n".encode()
    return out


def write(dataset: Dataset, site_dir: Path) -> None:
    """Replace MkDocs' sitemap with the whole site's; the pages that only send the reader on to a
    reply (a proposal with one reply: ``proposals.redirected``) are not pages to index."""
    (site_dir / "sitemap.xml.gz").unlink(missing_ok=True)
    output.write_files(site_dir, files(site_dir, skip=frozenset(proposals.redirected(dataset))))


step = write
