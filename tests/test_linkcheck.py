"""Issue 6: the build checks every internal link of the staged site; a broken one fails the build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitetree import tree

from build_scripts import linkcheck, output, site
from build_scripts.paths import Paths
from build_scripts.problems import BuildError


def test_built_site_has_no_broken_link(built: Paths) -> None:
    assert len(list(built.site.rglob("*.html"))) > 10
    assert linkcheck.broken_links(built.site) == []


@pytest.mark.parametrize(("link", "reason"), [
    ("../no-such-page/", "no such file"),
    ("../about/#no-such-anchor", "no element with id 'no-such-anchor'"),
    ("../../../../etc/passwd", "above the site root"),
    ("/letters/nobody/letter.txt", "no such file"),
])
def test_broken_link_is_found(link: str, reason: str, built: Paths, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(built.site, copy)
    (copy / "planted").mkdir()
    (copy / "planted" / "index.html").write_text(f'<p>\n<a href="{link}">x</a></p>', encoding="utf-8")
    problems = linkcheck.broken_links(copy)
    assert [(p.field, p.code, p.line) for p in problems] == [("href", "broken-link", 2)]
    assert problems[0].file.endswith("planted/index.html") and reason in problems[0].message


def test_external_and_anchor_links_pass(built: Paths, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(built.site, copy)
    (copy / "ok.html").write_text('<a href="https://example.gov.cn/">a</a><a href="mailto:x@y">b</a>'
                                  '<p id="here"></p><a href="#here">c</a><a href="about/">d</a>', encoding="utf-8")
    assert linkcheck.broken_links(copy) == []


def test_build_with_a_broken_link_fails_and_publishes_nothing(scratch: Paths, built: Paths,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(built.site, scratch.site)
    before = tree(scratch.site)

    def writes_a_broken_link(dataset: object, staged: Path) -> None:
        (staged / "extra.html").write_text('<a href="replies/missing/">x</a>', encoding="utf-8")

    monkeypatch.setattr(site, "post_steps", lambda: [("extra", writes_a_broken_link)])  # the build checks links after
    with pytest.raises(BuildError, match="broken-link"):
        site.build(scratch)
    assert tree(scratch.site) == before


def test_link_check_covers_what_every_step_wrote(scratch: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: the first pass runs while the children still make the downloads and the search index, after
    every page but the data page is written; ``finish`` runs once their files and the data page are in."""
    seen: dict[str, bool] = {}
    early, finish = linkcheck.Early.check, linkcheck.Early.finish

    def first(staged: Path, **kwargs: object) -> linkcheck.Early:
        seen["first"] = all((staged / f).is_file() for f in ("api/replies.json", "feeds/replies.atom",
                                                             "data/changelog.json", "sitemap.xml"))
        return early(staged, **kwargs)  # type: ignore[arg-type]

    def last(self: linkcheck.Early) -> None:
        staged = self.site.root
        seen["last"] = all((staged / f).is_file() for f in ("data/manifest.json", "search/idx/manifest.json"))
        seen["data page"] = self.later == ["data/index.html"] and "manifest.json" in (
            staged / "data/index.html").read_text(encoding="utf-8")
        finish(self)

    monkeypatch.setattr(linkcheck.Early, "check", staticmethod(first))
    monkeypatch.setattr(linkcheck.Early, "finish", last)
    site.build(scratch)
    assert seen == {"first": True, "last": True, "data page": True}


def test_a_link_into_a_pending_folder_waits_for_its_file(tmp_path: Path) -> None:
    """A link to a file a child has not placed yet waits for ``finish``; a page written again later is read
    only then; every broken link of both passes is in one report."""
    (tmp_path / "data").mkdir()
    (tmp_path / "index.html").write_text('<a href="data/t.csv">t</a>\n<a href="data/gone.csv">g</a>\n'
                                         '<a href="nowhere/">n</a>', encoding="utf-8")
    (tmp_path / "data" / "index.html").write_text('<a href="missing.csv">draft</a>', encoding="utf-8")
    early = linkcheck.Early.check(tmp_path, later=frozenset({"data/index.html"}), pending=("data/",), base_path="/")
    assert [p.message for p in early.problems] == ["'nowhere/': no such file in the site"]
    assert [(page, link) for page, _, link in early.waiting] == [("index.html", "data/t.csv"),
                                                                 ("index.html", "data/gone.csv")]
    (tmp_path / "data" / "t.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "data" / "index.html").write_text('<a href="t.csv">t</a>\n<a href="../#top">x</a>', encoding="utf-8")
    with pytest.raises(BuildError) as raised:
        early.finish()
    broken = [(p.file.removeprefix(str(tmp_path) + "/"), p.line, p.message) for p in raised.value.report.problems]
    assert broken == [("data/index.html", 2, "'../#top': no element with id 'top' in index.html"),
                      ("index.html", 2, "'data/gone.csv': no such file in the site"),
                      ("index.html", 3, "'nowhere/': no such file in the site")]


def test_without_pending_folders_a_missing_file_is_broken_at_once(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<a href="data/t.csv">t</a>', encoding="utf-8")
    early = linkcheck.Early.check(tmp_path, later=frozenset(), pending=(), base_path="/")
    assert early.waiting == [] and [p.message for p in early.problems] == ["'data/t.csv': no such file in the site"]


def test_fragment_links_are_checked_with_few_pages_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: the check keeps the ids of the last ``IDS_KEPT`` pages only (its memory must not grow with
    the site); a fragment link into a page read long before is still checked, by reading that page again."""
    monkeypatch.setattr(linkcheck, "IDS_KEPT", 2)
    for k in range(6):
        page = tmp_path / f"p{k}" / "index.html"
        page.parent.mkdir()
        page.write_text(f'<h2 id="here">{k}</h2>\n<a href="../p0/#here">first</a>\n<a href="../p5/#gone">last</a>\n'
                        f'<a href="#here">self</a>', encoding="utf-8")
    site = linkcheck._Site(tmp_path)
    problems, waiting = linkcheck._broken(sorted(f for f in site.files if f.endswith(".html")), site)
    assert waiting == []
    assert [(p.file.split("/")[-2], p.line) for p in problems] == [(f"p{k}", 3) for k in range(6)]
    assert all("no element with id 'gone'" in p.message for p in problems)
    assert len(site._ids) <= 2


def test_site_files_lists_every_file_below_the_root_as_rglob_does(built: Paths, tmp_path: Path) -> None:
    """The sitemap and the link check list the staged site with ``output.site_files`` (os.walk, issue 13)."""
    root = tmp_path / "site"
    shutil.copytree(built.site, root)
    (root / "deep" / "er" / "est").mkdir(parents=True)
    (root / "deep" / "er" / "est" / "x y.html").write_text("<p>x</p>", encoding="utf-8")
    (root / "empty").mkdir()
    found = output.site_files(root)
    assert found == sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert "deep/er/est/x y.html" in found and "index.html" in found and "empty" not in found
