"""Issue 13: a site published under a sub-path (PORTAL_SITE_URL=https://example.org/portal/), as the
GitHub Pages build makes it: with the raw letters linked in the repository (PORTAL_LETTERS_URL).

Canonical links name each page's own URL (never a shell's), the sitemap lists every page once at
its own URL, feeds point into the sub-path, and the build's link check passes, the 404 page's
root-absolute links included.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import copy_inputs

from build_scripts import linkcheck, site, sitemap
from build_scripts.paths import Paths
from build_scripts.problems import BuildError
from build_scripts.siteurl import ENV, LETTERS_ENV

SUB = "https://example.org/portal/"
LETTERS = "https://raw.githubusercontent.com/owner/repo/0123abc/datasets/replies/"
SEED = "530112-2020-yian-001"
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')
_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]*)">')
_SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def sub_built(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    paths = copy_inputs(tmp_path_factory.mktemp("sub") / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV, SUB)
        patch.setenv(LETTERS_ENV, LETTERS)
        site.build(paths)  # ends with the link check: it raises on a broken link
        assert linkcheck.broken_links(paths.site, "/portal/") == []
    return paths


def _url(site_dir: Path, page: Path) -> str:
    return SUB + page.relative_to(site_dir).as_posix().removesuffix("index.html")


def test_every_page_is_canonical_at_its_own_url(sub_built: Paths) -> None:
    pages = [p for p in sub_built.site.rglob("*.html") if p.name != "404.html"]
    reply = sub_built.site / "replies" / SEED / "index.html"
    assert reply in pages and (sub_built.site / "browse" / "agency" / "index.html") in pages
    wrong = {}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        found = _CANONICAL.findall(html)
        refresh = _REFRESH.search(html)  # a page that sends the reader on is canonical where it sends them
        expected = _url(sub_built.site, (page.parent / refresh.group(1) / "index.html").resolve()) if refresh \
            else _url(sub_built.site, page)
        if found != [expected]:
            wrong[page.relative_to(sub_built.site).as_posix()] = found
    assert wrong == {}
    assert any(_REFRESH.search(p.read_text(encoding="utf-8")) for p in pages)  # the seeds' proposals have one reply
    assert "_shell" not in reply.read_text(encoding="utf-8")


def test_sitemap_lists_every_page_once_at_its_own_url(sub_built: Paths) -> None:
    root = ET.parse(sub_built.site / "sitemap.xml").getroot()
    locs = [loc.text for loc in root.iter(f"{_SM}loc")]
    assert len(locs) == len(set(locs))
    expected = {_url(sub_built.site, p) for p in sub_built.site.rglob("*.html")
                if p.name != "404.html" and not _REFRESH.search(p.read_text(encoding="utf-8"))}
    assert set(locs) == expected
    assert f"{SUB}replies/{SEED}/" in locs and SUB in locs
    assert not (sub_built.site / "sitemap.xml.gz").exists()


def test_404_page_links_under_the_sub_path(sub_built: Paths) -> None:
    text = (sub_built.site / "404.html").read_text(encoding="utf-8")
    assert 'href="/portal/about/"' in text


def test_feeds_and_api_point_into_the_sub_path(sub_built: Paths) -> None:
    atom = ET.parse(sub_built.site / "feeds" / "replies.atom").getroot()
    hrefs = [link.get("href", "") for link in atom.iter("{http://www.w3.org/2005/Atom}link")]
    assert hrefs and all(h.startswith(SUB) for h in hrefs)
    for href in hrefs:
        rel = href.removeprefix(SUB)
        target = sub_built.site / rel
        assert (target / "index.html" if rel.endswith("/") or not rel else target).exists(), href
    index = json.loads((sub_built.site / "api" / "replies.json").read_text(encoding="utf-8"))
    entry = next(e for e in index["replies"] if e["id"] == SEED)
    assert entry["url"] == f"{SUB}replies/{SEED}/"


def test_feed_links_do_not_look_like_translations(sub_built: Paths) -> None:
    """Material fetches sitemap.xml beside every link[rel=alternate] (a 404 at feeds/sitemap.xml)."""
    text = (sub_built.site / "index.html").read_text(encoding="utf-8")
    assert 'rel="alternate feed" type="application/atom+xml"' in text
    assert 'rel="alternate"' not in text


def test_link_outside_the_sub_path_is_broken(tmp_path: Path) -> None:
    (tmp_path / "about").mkdir()
    (tmp_path / "about" / "index.html").write_text("<p>about</p>", encoding="utf-8")
    (tmp_path / "404.html").write_text('<a href="/portal/about/">ok</a>\n<a href="/about/">no</a>', encoding="utf-8")
    problems = linkcheck.broken_links(tmp_path, "/portal/")
    assert [(p.line, p.code) for p in problems] == [(2, "broken-link")]
    assert "outside the site's path '/portal/'" in problems[0].message
    assert linkcheck.broken_links(tmp_path, "/") != []  # /portal/about/ is not a file of a root site


def test_large_sitemap_becomes_an_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text("<p></p>", encoding="utf-8")
    monkeypatch.setattr(sitemap, "PER_FILE", 2)
    out = sitemap.files(tmp_path, SUB)
    assert sorted(out) == ["sitemap.xml", "sitemaps/1.xml", "sitemaps/2.xml"]
    index = ET.fromstring(out["sitemap.xml"])
    assert [loc.text for loc in index.iter(f"{_SM}loc")] == [f"{SUB}sitemaps/1.xml", f"{SUB}sitemaps/2.xml"]
    second = ET.fromstring(out["sitemaps/2.xml"])
    assert [loc.text for loc in second.iter(f"{_SM}loc")] == [f"{SUB}c/"]


def test_raw_letters_are_linked_in_the_repository_not_copied(sub_built: Paths) -> None:
    """136 MB of the 10,000-letter site were the raw letters; the repository keeps the same bytes."""
    assert not (sub_built.site / "letters").exists()
    reply = (sub_built.site / "replies" / SEED / "index.html").read_text(encoding="utf-8")
    raw_file = next((sub_built.replies / SEED).glob("letter.*")).name
    assert f'href="{LETTERS}{SEED}/{raw_file}"' in reply
    data = (sub_built.site / "data" / "index.html").read_text(encoding="utf-8")
    assert f"<code>{LETTERS}&lt;编号&gt;/</code>" in data


def test_a_bad_letters_url_is_refused_naming_the_variable(tmp_path: Path) -> None:
    paths = copy_inputs(tmp_path / "repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(LETTERS_ENV, "ftp://example.org/x")
        with pytest.raises(BuildError) as err:
            site.build(paths)
    report = err.value.report
    assert report is not None and [(p.file, p.code) for p in report.errors] == [(f"${LETTERS_ENV}", "bad-letters-url")]
    assert not paths.site.exists()
