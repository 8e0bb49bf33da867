"""Stage 4, site: run every stage into a fresh directory and publish it only if all passed.

validate → package → pages → MkDocs → our own post-MkDocs steps (data files, raw letters).
The previous site/ is replaced by a rename at the very end, so a failed or interrupted build
leaves the published site and data exactly as they were.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from build_scripts import background, linkcheck, package, pages, records
from build_scripts.background import Background
from build_scripts.pages import escape, shell
from build_scripts.paths import Paths
from build_scripts.problems import BuildError
from build_scripts.records import Dataset

Step = Callable[[Dataset, Path], None]


@dataclass
class BuildResult:
    replies: int
    pages: int
    site: Path
    timings: dict[str, float] = field(default_factory=dict)  # wall-clock seconds per stage
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage (its own process)


def build(paths: Paths, *, strict: bool = True, log: Callable[[str], None] = lambda _: None,
          shells: bool = True) -> BuildResult:
    """Build the portal into ``paths.site``; raise BuildError (site untouched) on any failure.

    The download files and the search index need only the dataset: they run in child processes
    (``background``) beside the page stages, and their files are moved into the staged site before
    the link check. ``timings`` has each stage's own seconds; the children's overlap the others.
    ``shells=False`` renders every page through MkDocs itself (slow; for comparisons, such as the
    benchmark that measures Material's own search over every page).
    """
    timer = _Timer(log)
    with timer.stage("validate"):
        dataset = records.load(paths)
        if not dataset.report.ok:
            raise BuildError(dataset.report)
    paths.build.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="work-", dir=paths.build))
    children: dict[str, Background] = {}
    try:
        with timer.stage("package"):
            descriptor = package.write(dataset, paths, work / "data", check=False)  # checked by a child
        staged = work / "site"
        for name, run in background_steps(paths):
            (work / name).mkdir()
            children[name] = Background(name, run, dataset, descriptor, work / "data", work / name)
        with timer.stage("pages"):
            bulk = pages.bulk(dataset)
            with timer.stage("wait for manifest"):
                manifest = children["downloads"].result()  # the data page lists the files
            count = pages.write(dataset, descriptor, manifest, paths.docs, work / "docs", bulk, shells=shells,
                                data_dir=work / "data")
        with timer.stage("mkdocs"):
            config = run_mkdocs(paths, work / "docs", staged, strict=strict, epoch=source_date_epoch(dataset))
        if shells:
            with timer.stage("bulk pages"):
                filled = shell.Shells.load(staged, config, bulk.keys())
                count += filled.write(bulk.items(), bulk.check_size) - len(bulk)  # a long letter's pages 2, 3, …
                filled.remove()
        with timer.stage("publish-files"):
            copy_letters(dataset, staged / "letters")
        for child in children.values():
            with timer.stage(f"{child.name} (wait)"):
                child.result()
            timer.wall[f"{child.name} (in parallel)"] = child.seconds
            timer.cpu[f"{child.name} (in parallel)"] = child.cpu_seconds
            background.merge_into(work / child.name, staged)
        background.merge_into(work / "data", staged / "data")  # moved, not copied: 1 GB at 10,000 letters
        for name, step in post_steps():
            with timer.stage(name):
                step(dataset, staged)
        publish(staged, paths.site, trash_dir=paths.build)
    finally:
        for child in children.values():
            child.cancel()
        background.thaw()
        shutil.rmtree(work, ignore_errors=True)
    return BuildResult(len(dataset.replies), count, paths.site, timer.wall, timer.cpu)


BackgroundStep = Callable[[Dataset, dict, Path, Path], object]
"""(dataset, package descriptor, the package folder, a folder of its own laid out like the site)."""


def background_steps(paths: Paths) -> list[tuple[str, BackgroundStep]]:
    """Steps that need only the records and the package, each run in a child process.

    ``downloads`` adds its files to the package folder and returns the manifest the data page
    shows. ``search index, package check`` writes site/search/idx/ into its own folder, then
    validates the package with frictionless (the site is published only if it passes); the two
    share a child so that no more than three processes hold memory at once.
    """
    from build_scripts import downloads
    from build_scripts.search import index as search_index

    def search_then_check(dataset: Dataset, descriptor: dict, data: Path, out: Path) -> None:
        search_index.step(dataset, out)
        package.validate(data / "datapackage.json", paths.root)

    return [
        ("downloads", lambda dataset, descriptor, data, _: downloads.write(dataset, descriptor, data)),
        ("search index, package check", search_then_check),
    ]


def post_steps() -> list[tuple[str, Step]]:
    """Our own steps after MkDocs, in order, in this process; each writes into the staged site."""
    from build_scripts import api, feeds, releases

    return [("api", api.step), ("feeds", feeds.step), ("changelog", releases.step),
            ("check-links", linkcheck.check)]  # keep last: it checks what the other steps wrote


class _Timer:
    """Wall-clock and CPU seconds per stage (CPU of this process; a child reports its own)."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.log(f"{name} …")
        start, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall[name] = time.perf_counter() - start
        self.cpu[name] = time.process_time() - cpu
        self.log(f"{name} done in {self.wall[name]:.2f} s")


def source_date_epoch(dataset: Dataset) -> int:
    """A build time that comes from the data (the newest date), so rebuilds are byte-identical."""
    newest = dataset.newest_date
    day = dt.date.fromisoformat(newest) if newest else dt.date(2020, 1, 1)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(paths: Paths, docs: Path, site_dir: Path, *, strict: bool, epoch: int) -> Any:
    """Render ``docs`` into ``site_dir``; return the loaded MkDocs config (the shells need its theme)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    old_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        config = load_config(config_file=str(paths.mkdocs_yml), docs_dir=str(docs), site_dir=str(site_dir),
                             strict=strict)
        mkdocs_build(config)
        return config
    except (MkDocsException, SystemExit) as exc:
        detail = "\n".join(handler.messages) or str(exc)
        raise BuildError(f"mkdocs: the site did not build:\n{detail}") from None
    finally:
        logger.removeHandler(handler)
        if old_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old_epoch


def copy_letters(dataset: Dataset, out: Path) -> None:
    """Publish each raw letter byte for byte at letters/<id>/<file>."""
    for reply in dataset.replies:
        target = out / reply.id
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(reply.raw_path, target / escape.letter_name(reply["raw_file"]))


def publish(staged: Path, site: Path, trash_dir: Path | None = None) -> None:
    """Swap the staged site into place; the old one is removed only after the swap.

    Between the two renames site/ is briefly absent: if the second rename fails the old site is
    put back, and a swap cut short (power loss) is repaired by the next publish. The replaced site
    is renamed aside and deleted by a detached process: at 10,000 letters it is 100,000 files, and
    the new site is already in place.
    """
    old = site.with_name(site.name + ".old")
    if old.exists() and not site.exists():
        old.rename(site)  # an earlier swap was cut short between its renames: restore it first
    if old.exists():
        shutil.rmtree(old)
    if site.exists():
        site.rename(old)
    try:
        staged.rename(site)
    except BaseException:
        if old.exists() and not site.exists():
            old.rename(site)
        raise
    if old.exists():
        _remove_later(old, trash_dir or old.parent)


TRASH = "trash-"
"""Prefix of a replaced site waiting to be deleted, in build/ (a later build sweeps leftovers)."""


def _remove_later(old: Path, trash_dir: Path) -> None:
    trash_dir.mkdir(parents=True, exist_ok=True)
    trash = Path(tempfile.mkdtemp(prefix=TRASH, dir=trash_dir))
    try:
        old.rename(trash / old.name)
    except OSError:  # another file system: delete it now
        shutil.rmtree(old)
    for leftover in trash_dir.glob(TRASH + "*"):
        subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                          str(leftover)], start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
