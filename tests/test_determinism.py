"""Issue 6, determinism: two builds of the same records, in two different directories, give
byte-identical trees: every file under site/ (data, pages, letters, sitemaps and any index a
later step adds), compared whole."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_inputs
from sitetree import tree

from build_scripts import site
from build_scripts.paths import Paths


def test_two_builds_are_byte_identical(built: Paths, tmp_path: Path) -> None:
    again = copy_inputs(tmp_path / "elsewhere" / "repo")
    site.build(again)
    first, second = tree(built.site), tree(again.site)
    assert any(name.startswith("data/") for name in first) and any(name.endswith(".html") for name in first)
    assert sorted(first) == sorted(second), "the two builds wrote different files"
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"files differ between two builds: {differ}"


def test_rebuild_in_place_changes_no_byte(built: Paths) -> None:
    before = tree(built.site)
    site.build(built)
    assert tree(built.site) == before
