"""Post-MkDocs step: no broken internal link in the staged site.

Load: every HTML page of the staged site. Process: each ``href``/``src`` that stays on this site
(no scheme, not ``//host``) must name a file that exists, and a ``#fragment`` must name an ``id``
in its target page. Save: nothing; a broken link is a Problem (page, the link) and the build fails
before anything is published. MkDocs' own strict mode checks links in Markdown only; this one
checks what was written as HTML too (reply tables, browse lists, letters, later steps' pages).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from build_scripts import background, output, siteurl
from build_scripts.paths import relative
from build_scripts.problems import BuildError, Problem, Report

# MkDocs, Material and our pages write attributes with double quotes; a regex reads them in a
# fraction of the time an HTML parser takes (10,000 pages must check in seconds).
# One pass finds links and ids. Text between tags may hold a literal `href="#x"` (a heading's text
# is escaped for Markdown, where a quote stays a quote), so a match counts only inside a tag (issue 17).
_ATTR = re.compile(r'\s(href|src|id|name)="([^"]*)"')
_LINK_NOT_BASE = re.compile(r'<(?!base\b)[a-zA-Z][^>]*?\s(?:href|src)="([^"]*)"')  # pages with a <base>
_ID = re.compile(r'\s(?:id|name)="([^"]*)"')


@dataclass(frozen=True)
class _Page:
    links: tuple[tuple[int, str], ...]  # (character offset, link)
    ids: frozenset[str]


def _read(path: Path) -> _Page:
    text = path.read_text(encoding="utf-8", errors="replace")
    if "<base" in text:
        links = tuple((m.start(), html.unescape(m[1])) for m in _LINK_NOT_BASE.finditer(text))
        return _Page(links, frozenset(html.unescape(m[1]) for m in _ID.finditer(text) if _in_tag(text, m.start())))
    found, ids = [], set()
    for m in _ATTR.finditer(text):
        if not _in_tag(text, m.start()):
            continue
        value = html.unescape(m[2]) if "&" in m[2] else m[2]
        if m[1] in ("href", "src"):
            found.append((m.start(), value))
        else:
            ids.add(value)
    return _Page(tuple(found), frozenset(ids))


def _in_tag(text: str, offset: int) -> bool:
    """Whether ``offset`` is inside a tag: the nearest ``<`` before it is nearer than the nearest ``>``
    (text between tags has every ``<`` escaped; our attribute values have every ``>`` escaped)."""
    return text.rfind("<", 0, offset) > text.rfind(">", 0, offset)


def _line(path: Path, offset: int) -> int:
    """1-based line of a character offset, computed only for a broken link."""
    return path.read_text(encoding="utf-8", errors="replace").count("\n", 0, offset) + 1


IDS_KEPT = 4096
"""Pages whose ids are kept for the fragment links into them: the most recently asked. Memory must not
grow with the site (issue 13: keeping every page's links and ids was 800 MB at 10,000 letters); links
into a page come in runs (a page's own ``#…`` links, a list's links to its replies), so a page is
seldom read twice."""


class _Site:
    """The staged site: its files (listed once), each page's links (read as it is checked) and the ids
    of the pages fragment links point into (the last ``IDS_KEPT`` read)."""

    def __init__(self, root: Path, base_path: str = "/", pending: tuple[str, ...] = ()) -> None:
        self.root = root
        self.base_path = base_path  # where the site lives on its host: "/x" is resolved below it
        self.files = set(output.site_files(root))
        self.pending = pending  # folders still being filled: a link to a file not yet in one waits (``Early``)
        self._ids: OrderedDict[str, frozenset[str]] = OrderedDict()

    def add_pending(self) -> None:
        """List again the files of the folders that were still being filled; nothing waits any more."""
        for folder in self.pending:
            self.files.update(folder + rel for rel in output.site_files(self.root / folder))
        self.pending = ()

    def page(self, rel: str) -> _Page:
        page = _read(self.root / rel)
        self._keep(rel, page.ids)
        return page

    def ids(self, rel: str) -> frozenset[str]:
        if rel in self._ids:
            self._ids.move_to_end(rel)
            return self._ids[rel]
        return self.page(rel).ids

    def _keep(self, rel: str, ids: frozenset[str]) -> None:
        self._ids[rel] = ids
        self._ids.move_to_end(rel)
        if len(self._ids) > IDS_KEPT:
            self._ids.popitem(last=False)


def broken_links(site_dir: Path, base_path: str = "/") -> list[Problem]:
    """Every internal link of every page under ``site_dir`` whose target or fragment is missing.

    ``base_path`` is the path the site is served under (``/portal/`` for https://host/portal/):
    a root-absolute link such as the 404 page's ``/portal/about/`` must start with it.
    """
    site = _Site(site_dir, base_path)
    return _check_pages(sorted(f for f in site.files if f.endswith(".html")), site)[0]


@dataclass
class Early:
    """The first pass of a check made while child processes still place files (``pending`` folders):
    every page but those written again ``later`` was checked; a link to a file not yet placed in a
    pending folder waits for ``finish``, which raises once for every broken link of both passes."""

    site: _Site
    later: list[str]
    problems: list[Problem]
    waiting: list[tuple[str, int, str]]  # (page, character offset, link)

    @classmethod
    def check(cls, site_dir: Path, *, later: frozenset[str], pending: tuple[str, ...],
              base_path: str | None = None) -> Early:
        site = _Site(site_dir, base_path or siteurl.base_path(), pending)
        problems, waiting = _check_pages(sorted(f for f in site.files if f.endswith(".html") and f not in later), site)
        return cls(site, sorted(later), problems, waiting)

    def finish(self) -> None:
        """Check the pages written since and the links that waited (their files now placed); raise
        BuildError listing every broken link found in either pass."""
        self.site.add_pending()
        problems = self.problems + _check_pages(self.later, self.site)[0]
        for page_url, offset, link in self.waiting:
            if reason := _check(self.site, page_url, link):
                problems.append(_problem(self.site, page_url, offset, link, reason))
        if problems:
            raise BuildError(Report.of(problems))  # sorted there


def _check_pages(pages: list[str], site: _Site) -> tuple[list[Problem], list[tuple[str, int, str]]]:
    """Broken links of ``pages`` (sorted), and the links that wait for a pending folder.
    A large site is checked in two processes, each taking every other page."""
    if not background.worth_two(len(pages)):
        return _broken(pages, site)
    mine, theirs = background.in_two("check-links", _broken, pages[0::2], pages[1::2], site)
    return (sorted(mine[0] + theirs[0], key=lambda p: (p.file, p.line, p.message)),
            sorted(mine[1] + theirs[1]))


_WAITS = "\0waits"  # ``_check``'s reason for a link into a pending folder whose file is not there yet


def _broken(pages: list[str], site: _Site) -> tuple[list[Problem], list[tuple[str, int, str]]]:
    problems: list[Problem] = []
    waiting: list[tuple[str, int, str]] = []
    known: dict[tuple[str, str], str] = {}  # (how deep the page is, a link climbing to the root) -> reason
    for page_url in pages:
        base = posixpath.dirname(page_url)
        up = "../" * (base.count("/") + 1) if base else ""
        for offset, link in site.page(page_url).links:
            # a link that climbs to the site root resolves the same from every page as deep as this one:
            # it is checked once; any other link once per page (remembering those grew with the site)
            shared = link.startswith(up) and not link.startswith("#")
            reason = known.get((up, link)) if shared else None
            if reason is None:
                reason = _check(site, page_url, link)
                if shared:
                    known[(up, link)] = reason
            if reason == _WAITS:
                waiting.append((page_url, offset, link))
            elif reason:
                problems.append(_problem(site, page_url, offset, link, reason))
    return problems, waiting


def _problem(site: _Site, page_url: str, offset: int, link: str, reason: str) -> Problem:
    return Problem(relative(site.root / page_url), _line(site.root / page_url, offset), "href", "broken-link",
                   f"{link!r}: {reason}", "a page links to something the build did not write")


def _check(site: _Site, page_url: str, link: str) -> str:
    if link.startswith("#"):  # most links: a heading of the page itself (what ``urlsplit`` would make of it)
        fragment = unquote(link[1:])
        if fragment and page_url.endswith(".html") and fragment not in site.ids(page_url):
            return f"no element with id {fragment!r} in {page_url}"
        return ""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("//"):
        return ""  # another site (or mailto:, data:): not ours to check here
    target = page_url
    if parts.path:
        path = unquote(parts.path)
        base = posixpath.dirname(page_url)
        if path.startswith("/"):  # /portal/x: from the site root (the 404 page)
            if not (path + "/").startswith(site.base_path):
                return f"is outside the site's path {site.base_path!r} (PORTAL_SITE_URL)"
            base, path = "", path[len(site.base_path):] if len(path) >= len(site.base_path) else ""
        resolved = posixpath.normpath(posixpath.join(base, path))
        if resolved == ".." or resolved.startswith("../"):
            return "points above the site root"
        index = "index.html" if resolved == "." else f"{resolved}/index.html"
        target = resolved if resolved in site.files else index
    if target not in site.files:
        return _WAITS if target.startswith(site.pending) else "no such file in the site"
    fragment = unquote(parts.fragment)
    if fragment and target.endswith(".html") and fragment not in site.ids(target):
        return f"no element with id {fragment!r} in {target}"
    return ""


def check(site_dir: Path, base_path: str | None = None) -> None:
    """The build's last step: raise BuildError listing every broken link of the staged site.

    ``base_path`` defaults to the path of ``siteurl.site_url()``."""
    problems = broken_links(site_dir, base_path or siteurl.base_path())
    if problems:
        raise BuildError(Report.of(problems))
