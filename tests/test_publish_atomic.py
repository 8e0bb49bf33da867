"""Issue 6, atomic publish: a build that fails or is interrupted at any step leaves site/ byte for
byte the previous build and leaves no work directory behind; a build that fails validation never
creates one."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sitetree import tree

from build_scripts import cli, site, sitegen
from build_scripts import paths as paths_mod
from build_scripts.pages import reply as reply_page
from build_scripts.paths import Paths
from build_scripts.problems import BuildError


class Boom(RuntimeError):
    """The failure a test injects."""


def _fail_after(calls: int, exc: BaseException, real: Callable[..., Any]) -> Callable[..., Any]:
    """A stand-in for ``real`` that works ``calls`` times, then raises: a failure midway."""
    count = {"n": 0}

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        count["n"] += 1
        if count["n"] > calls:
            raise exc
        return real(*args, **kwargs)

    return stand_in


def _post_step_fails(mp: pytest.MonkeyPatch, exc: BaseException) -> None:
    def step(dataset: Any, staged: Path) -> None:
        (staged / "half-written.json").write_text("{", encoding="utf-8")
        raise exc

    mp.setattr(site, "post_steps", lambda: [("written-by-a-test", step)])


def _background_step_fails(mp: pytest.MonkeyPatch, exc: BaseException) -> None:
    """A step in a child process (search index, downloads) writes half its files, then fails."""
    real = site.background_steps

    def step(dataset: Any, descriptor: Any, data: Path, out: Path) -> None:
        (out / "search").mkdir()
        (out / "search" / "half-written.json").write_text("{", encoding="utf-8")
        raise exc

    mp.setattr(site, "background_steps", lambda paths, settings: [*real(paths, settings), ("written-by-a-test", step)])


def _pages_writer_fails(mp: pytest.MonkeyPatch, exc: BaseException) -> None:
    mp.setattr(reply_page, "render", _fail_after(2, exc, reply_page.render))


def _mkdocs_fails(mp: pytest.MonkeyPatch, exc: BaseException) -> None:
    import mkdocs.commands.build as mkdocs_build

    real = mkdocs_build.build

    def build(config: Any, **kwargs: Any) -> None:
        real(config, **kwargs)  # the whole site is written into the staging dir, then it fails
        raise exc

    mp.setattr(mkdocs_build, "build", build)


def _letters_copy_fails(mp: pytest.MonkeyPatch, exc: BaseException) -> None:
    real = site.copy_letters

    def copy_letters(dataset: Any, out: Path) -> None:
        real(dataclasses.replace(dataset, replies=dataset.replies[:2]), out)  # two letters copied, then it fails
        raise exc

    mp.setattr(site, "copy_letters", copy_letters)


def _swap_fails(mp: pytest.MonkeyPatch, exc: BaseException) -> None:
    """The second rename of the swap (staged → site/) fails after site/ was moved aside."""
    real = Path.rename

    def rename(self: Path, target: Any) -> Any:
        if self.name == "site" and self.parent.name.startswith("work-"):
            raise exc
        return real(self, target)

    mp.setattr(Path, "rename", rename)


FAILURES = {
    "post-step": _post_step_fails,
    "background-step": _background_step_fails,
    "pages-writer": _pages_writer_fails,
    "mkdocs": _mkdocs_fails,
    "letters-copy": _letters_copy_fails,
    "swap": _swap_fails,
}


@pytest.fixture
def published(scratch: Paths, built: Paths) -> Paths:
    """A scratch repo whose site/ is a previous good build."""
    shutil.copytree(built.site, scratch.site)
    return scratch


def _assert_untouched(paths: Paths, before: dict[str, str]) -> None:
    assert tree(paths.site) == before
    assert not list(paths.build.glob("work-*")), "a work directory was left behind"
    assert not paths.site.with_name("site.old").exists()


@pytest.mark.parametrize("where", FAILURES)
@pytest.mark.parametrize("exc", [Boom("injected"), KeyboardInterrupt()], ids=["error", "interrupt"])
def test_failed_step_leaves_previous_site(where: str, exc: BaseException, published: Paths,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree(published.site)
    assert before
    FAILURES[where](monkeypatch, exc)
    with pytest.raises(type(exc)):
        site.build(published)
    monkeypatch.undo()
    _assert_untouched(published, before)


def test_mkdocs_warning_fails_strict_build_and_leaves_site(published: Paths) -> None:
    """A broken link in a page is a warning; strict MkDocs turns it into a failed build."""
    (published.docs / "about.md").write_text("# 关于\n\n[坏链接](no-such-page.md)\n", encoding="utf-8")
    before = tree(published.site)
    with pytest.raises(BuildError, match="no-such-page"):
        site.build(published)
    _assert_untouched(published, before)


def test_interrupted_cli_build_exits_130_and_leaves_site(published: Paths, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    before = tree(published.site)
    _post_step_fails(monkeypatch, KeyboardInterrupt())
    monkeypatch.setattr(cli, "Paths", lambda: published)
    assert cli.main(["build", "--quiet"]) == 130
    assert "left as it was" in capsys.readouterr().err
    monkeypatch.undo()
    _assert_untouched(published, before)


def test_validation_failure_never_creates_work_dirs(scratch: Paths, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    record = scratch.reply_record("530112-2020-yian-001")
    record.write_text(record.read_text(encoding="utf-8").replace("reply_date: '2020-11-20'",
                                                                 "reply_date: '2023-02-30'"), encoding="utf-8")
    monkeypatch.setattr(cli, "Paths", lambda: scratch)
    monkeypatch.setattr(paths_mod.relative, "__defaults__", (scratch.root,))
    assert cli.main(["build"]) == 1
    err = capsys.readouterr().err
    assert "datasets/replies/530112-2020-yian-001/reply.yaml:16: reply_date: [bad-date]" in err
    assert not scratch.build.exists() and not scratch.site.exists()


def test_swap_cut_short_is_repaired_by_next_publish(published: Paths, tmp_path: Path) -> None:
    """Power lost between the two renames leaves only site.old: the next publish puts it back
    before swapping, so nothing is lost and nothing stale is left."""
    old = published.site.with_name("site.old")
    published.site.rename(old)
    staged = tmp_path / "staged"
    staged.mkdir()
    (staged / "index.html").write_text("new", encoding="utf-8")
    sitegen.publish(staged, published.site)
    assert sorted(p.name for p in published.site.iterdir()) == ["index.html"]
    assert (published.site / "index.html").read_text(encoding="utf-8") == "new"
    assert not old.exists() and not staged.exists()


def test_successful_build_replaces_site_and_cleans_up(published: Paths) -> None:
    (published.site / "stale.html").write_text("from an old build", encoding="utf-8")
    site.build(published)
    assert not (published.site / "stale.html").exists()
    assert (published.site / "index.html").is_file()
    assert not list(published.build.glob("work-*"))
    assert not published.site.with_name("site.old").exists()


def test_replaced_site_is_deleted_after_the_build_returns(published: Paths) -> None:
    """The old site is renamed into build/trash-* at once and deleted by a detached process."""
    import time

    marker = published.site / "from-the-old-build.txt"
    marker.write_text("old", encoding="utf-8")
    site.build(published)
    assert not marker.exists() and not published.site.with_name("site.old").exists()
    deadline = time.monotonic() + 60
    while list(published.build.glob(sitegen.TRASH + "*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not list(published.build.glob(sitegen.TRASH + "*")), "the replaced site was never deleted"
