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


def test_link_check_runs_last_over_what_every_step_wrote(scratch: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = linkcheck.check

    def check(staged: Path) -> None:
        seen.append(all((staged / f).is_file() for f in ("api/replies.json", "feeds/replies.atom",
                                                          "data/changelog.json", "data/manifest.json",
                                                          "search/idx/manifest.json")))
        real(staged)

    monkeypatch.setattr(linkcheck, "check", check)
    site.build(scratch)
    assert seen == [True]


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
    problems = linkcheck._broken(sorted(f for f in site.files if f.endswith(".html")), site)
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
