"""Issue 17: a build killed by SIGKILL or SIGTERM left its build/work-* folder for ever, and its
forked children ran on after it. Now the children die with the build, and the next build removes
the folders no build holds (each work folder's lock is held by the build and its children)."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import copy_inputs

from build_scripts import background, site
from build_scripts.paths import REPO_ROOT, Paths

# The real command, with one more background step that sleeps: a child is surely running when the
# build is killed (the seeds' own steps finish in a moment).
BUILD_WITH_A_SLOW_CHILD = textwrap.dedent("""
    import sys, time
    from build_scripts import cli, site
    real = site.background_steps
    def slow(dataset, descriptor, data, out):
        time.sleep(120)
    site.background_steps = lambda paths, settings: [*real(paths, settings), ("slow step", slow)]
    sys.exit(cli.main(["build", "--quiet"]))
""")


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _wait(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def scratch_with_code(tmp_path: Path) -> Paths:
    paths = copy_inputs(tmp_path / "repo")
    shutil.copytree(REPO_ROOT / "build_scripts", paths.root / "build_scripts")
    return paths


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_build_takes_its_children_and_the_next_build_sweeps_its_work(scratch_with_code: Paths,
                                                                             sig: signal.Signals) -> None:
    paths = scratch_with_code
    build = subprocess.Popen([sys.executable, "-c", BUILD_WITH_A_SLOW_CHILD], cwd=paths.root,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait(lambda: len(_children(build.pid)) >= 2 and list(paths.build.glob("work-*")), 120), \
            "the build never started its children"
        children = _children(build.pid)
        build.send_signal(sig)
        build.wait(timeout=30)
        assert _wait(lambda: not any(_alive(c) for c in children), 3), "children outlived the build"
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    left = sorted(p.name for p in paths.build.glob("work-*"))
    assert any(name.endswith(".lock") for name in left) and any(not name.endswith(".lock") for name in left)
    site.build(paths)
    assert not list(paths.build.glob("work-*")), "the next build removed the interrupted build's work folder"
    assert (paths.site / "index.html").is_file()


def test_a_work_folder_held_by_a_running_build_is_never_swept(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    work, lock = site.claim_work(build_dir)
    (work / "file").write_text("in use", encoding="utf-8")
    stale = build_dir / "work-stale"
    stale.mkdir()
    (build_dir / "work-stale.lock").touch()  # its build died: nobody holds the lock
    legacy = build_dir / "work-legacy"  # left by a build from before the locks
    legacy.mkdir()
    try:
        assert site.sweep_stale_work(build_dir) == [stale, legacy]
        assert (work / "file").is_file() and not stale.exists() and not legacy.exists()
        assert not (build_dir / "work-stale.lock").exists()
        child = os.fork()  # a child of the build holds the lock too, after the build itself let go
        if child == 0:
            time.sleep(1.5)
            os._exit(0)
        os.close(lock)
        fd = os.open(work.with_name(work.name + ".lock"), os.O_RDWR)
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)
        assert site.sweep_stale_work(build_dir) == [] and work.is_dir()
        os.waitpid(child, 0)
        assert site.sweep_stale_work(build_dir) == [work] and not list(build_dir.iterdir())
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)


def test_a_child_ends_when_its_parent_is_already_gone() -> None:
    """``die_with_parent`` checks after prctl: a parent that died first is noticed too."""
    pid = os.fork()
    if pid == 0:
        background.die_with_parent(os.getppid() + 10**6)  # not our parent: as if it had died
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1
