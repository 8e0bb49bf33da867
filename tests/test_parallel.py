"""Issue 4, the build on two cores: the parts that run in child processes give exactly what the
same work gives in one process, and a child's failure reaches the build as its own error."""

from __future__ import annotations

import functools
import os
import shutil

import pytest

from build_scripts import background, linkcheck, records
from build_scripts.background import Background, in_two, merge_into
from build_scripts.paths import Paths
from build_scripts.problems import BuildError, Problem, Report
from tests.conftest import SEED_IDS


def test_records_load_in_two_processes_like_one(scratch: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = scratch.replies / "530000-2021-tian-0079" / "reply.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("reply_date: ", "reply_date: 2023-02-30 #", 1),
                      encoding="utf-8")
    serial = records.load(scratch)
    monkeypatch.setattr(background, "PARALLEL_FROM", 2)
    parallel = records.load(scratch)
    assert [r.data for r in parallel.replies] == [r.data for r in serial.replies]
    assert [r.folder for r in parallel.replies] == [r.folder for r in serial.replies]
    assert parallel.report == serial.report
    assert any(p.code == "bad-date" for p in parallel.report.problems)
    assert [r.id for r in parallel.replies] == sorted(set(SEED_IDS) - {"530000-2021-tian-0079"})


def test_commitments_and_figures_in_two_processes_like_one(scratch: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: half the letters' commitments and figures are found in a forked child."""
    serial = records.load(scratch)
    assert serial.commitments and serial.figures  # found here, in one process
    monkeypatch.setattr(background, "PARALLEL_FROM", 2)
    parallel = records.load(scratch)
    calls = []
    monkeypatch.setattr(background, "in_two", lambda *a: calls.append(a[0]) or in_two(*a))
    assert list(parallel.commitments) == list(serial.commitments) == [r.id for r in serial.replies]
    assert parallel.commitments == serial.commitments and parallel.figures == serial.figures
    assert list(parallel.figures) == list(serial.figures)
    assert sum(map(len, parallel.commitments.values())) > 0 and sum(map(len, parallel.figures.values())) > 0
    assert calls == ["commitments, figures"]  # the second half was found in a child


def test_link_check_in_two_processes_like_one(built: Paths, tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    site = built.site.parent / "site-broken"
    shutil.copytree(built.site, site)
    for page in ("about/index.html", "replies/530112-2020-yian-001/index.html"):
        path = site / page
        path.write_text(path.read_text(encoding="utf-8").replace("</article>", '<a href="../nowhere/">x</a></article>'),
                        encoding="utf-8")
    serial = linkcheck.broken_links(site)
    monkeypatch.setattr(background, "PARALLEL_FROM", 2)
    parallel = linkcheck.broken_links(site)
    assert len(serial) == 2
    assert parallel == sorted(serial, key=lambda p: (p.file, p.line, p.message))


def _fails_with_report() -> None:
    raise BuildError(Report.of([Problem("datasets/x.yaml", 3, "title", "bad-value", "wrong", "fix it")]))


def _exits() -> None:
    os._exit(3)  # the child dies without a word (as when the kernel kills it for memory)


def test_a_childs_build_error_keeps_its_report() -> None:
    with pytest.raises(BuildError) as caught:
        Background("test", _fails_with_report).result()
    assert caught.value.report is not None
    assert [p.code for p in caught.value.report.problems] == ["bad-value"]


def test_a_child_that_dies_is_a_build_error_naming_the_step() -> None:
    with pytest.raises(BuildError, match=r"search index: the step's process ended without a result \(exit code 3"):
        Background("search index", _exits).result()


def test_merge_moves_files_and_merges_folders(tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path))
    (root / "child" / "search" / "idx").mkdir(parents=True)
    (root / "child" / "search" / "idx" / "0.json").write_text("{}", encoding="utf-8")
    (root / "child" / "data").mkdir()
    (root / "child" / "data" / "x.sqlite").write_bytes(b"db")
    (root / "site" / "search").mkdir(parents=True)
    (root / "site" / "search" / "index.html").write_text("<p>", encoding="utf-8")
    merge_into(root / "child", root / "site")
    assert sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*") if p.is_file()) == [
        "data/x.sqlite", "search/idx/0.json", "search/index.html"]
    assert not (root / "child").exists()


def test_a_steps_child_splits_nothing_but_gets_the_same_answer(scratch: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: a step's child (``Background``) is daemonic and may not fork one; the search child, forked
    before the commitments were found, asked for them and failed the 100,000-letter build. ``in_two`` runs
    both halves in that process instead."""
    monkeypatch.setattr(background, "PARALLEL_FROM", 2)
    dataset = records.load(scratch)

    def step() -> tuple[int, int]:
        return sum(map(len, dataset.commitments.values())), sum(map(len, dataset.figures.values()))

    in_child = Background("a step", step).result()
    assert in_child == step() and in_child[0] > 0 and in_child[1] > 0
    assert Background("halves", lambda: in_two("halves", sorted, [3, 1], [2, 0])).result() == ([1, 3], [0, 2])


def test_the_commitments_are_found_once_in_the_main_process_not_in_a_child(scratch: Paths,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The children are forked before the commitments and figures are found (issue 13: the search child from
    the records alone, 127 s earlier at 100,000 letters): none of them may find them again, and the build
    finds them once, after the records are checked and before the package."""
    from build_scripts import site
    from build_scripts.dataset import Dataset

    finder = Dataset.__dict__["_found"].func
    found_in = scratch.root / "found-in"  # a file: the children write to it too

    def found(self: Dataset) -> object:
        with open(found_in, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return finder(self)

    counted = functools.cached_property(found)
    counted.__set_name__(Dataset, "_found")
    monkeypatch.setattr(Dataset, "_found", counted)
    said: list[str] = []
    site.build(scratch, log=said.append)
    assert found_in.read_text(encoding="utf-8").split() == [str(os.getpid())]
    started = [m.removesuffix(" …") for m in said if m.endswith(" …")]
    assert started[:3] == ["validate", "commitments, figures", "package"]


def test_a_child_lowers_its_priority_by_its_nice() -> None:
    """``Background(..., nice=n)``: the step runs n below the build's priority; 0 leaves it as it is."""
    mine = os.nice(0)
    assert Background("niced", os.nice, 0, nice=3).result() == min(mine + 3, 19)
    assert Background("as is", os.nice, 0).result() == mine


def test_the_build_lowers_the_priority_of_the_children_that_end_early(scratch: Paths,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: the short grams and the other downloads yield a part of their shares of the cores
    (``site.CHILD_NICE``); the search index and the database, the children that end last, do not."""
    from build_scripts import site

    given: dict[str, int] = {}
    forked = site.Background

    def recorded(name: str, *args: object, nice: int = 0) -> Background:
        given[name] = nice
        return forked(name, *args, nice=nice)

    monkeypatch.setattr(site, "Background", recorded)
    site.build(scratch)
    assert set(given) == {site.SHORT_GRAMS, site.DATABASE, site.SEARCH, site.DOWNLOADS}
    assert given == {name: site.CHILD_NICE.get(name, 0) for name in given}
    assert given[site.SEARCH] == given[site.DATABASE] == 0 < given[site.SHORT_GRAMS] and 0 < given[site.DOWNLOADS]
