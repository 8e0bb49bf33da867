"""Post-MkDocs step: no broken internal link in the staged site.

Load: every HTML page of the staged site. Process: each ``href``/``src`` that stays on this site
(no scheme, not ``//host``) must name a file that exists, and a ``#fragment`` must name an ``id``
in its target page. Save: nothing; a broken link is a Problem (page, the link) and the build fails
before anything is published. MkDocs' own strict mode checks links in Markdown only; this one
checks what was written as HTML too (reply tables, browse lists, letters, later steps' pages).
"""

from __future__ import annotations

import functools
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from build_scripts.paths import relative
from build_scripts.problems import BuildError, Problem, Report

LINK_ATTRS = {"href", "src"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in LINK_ATTRS and tag not in {"base"}:
                self.links.append((self.getpos()[0], value))
            elif name in {"id", "name"}:
                self.ids.add(value)


@functools.lru_cache(maxsize=4096)
def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def broken_links(site_dir: Path) -> list[Problem]:
    """Every internal link of every page under ``site_dir`` whose target or fragment is missing."""
    _parse.cache_clear()
    problems: list[Problem] = []
    for page_path in sorted(site_dir.rglob("*.html")):
        page_url = page_path.relative_to(site_dir).as_posix()
        for line, link in _parse(page_path).links:
            reason = _check(site_dir, page_url, link)
            if reason:
                problems.append(Problem(relative(page_path), line, "href", "broken-link", f"{link!r}: {reason}",
                                        "a page links to something the build did not write"))
    _parse.cache_clear()
    return problems


def _check(site_dir: Path, page_url: str, link: str) -> str:
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("//"):
        return ""  # another site (or mailto:, data:): not ours to check here
    if not parts.path:
        target = site_dir / page_url
    else:
        path = unquote(parts.path)
        base = "" if path.startswith("/") else posixpath.dirname(page_url)  # /x: from the site root (404 page)
        resolved = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        if resolved.startswith("../") or resolved == "..":
            return "points above the site root"
        target = site_dir / resolved
        if target.is_dir():
            target = target / "index.html"
    if not target.is_file():
        return "no such file in the site"
    if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _parse(target).ids:
        return f"no element with id {unquote(parts.fragment)!r} in {target.relative_to(site_dir).as_posix()}"
    return ""


def check(dataset: Any, site_dir: Path) -> None:
    """The post step: raise BuildError listing every broken link."""
    problems = broken_links(site_dir)
    if problems:
        raise BuildError(Report.of(problems))
