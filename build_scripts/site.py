"""The build: run every stage into a fresh directory and publish it only if all passed.

records → package (+ changelog) → pages → MkDocs (``sitegen``) → bulk pages → API, feeds, all while
the downloads and the search index are made in child processes (the SQLite download and the search index
from the moment the records are checked: they need only them, until the database reads the tables in); then
changelog.json, the sitemap and the link check of every page but the data page, while the children finish;
then the downloads' manifest, the data page and the rest of the link check.
The previous site/ is replaced by a rename at the very end (``sitegen.publish``), so a failed or
interrupted build leaves the published site and data exactly as they were. This module only
orchestrates: it imports every stage, and no stage imports it (ARCHITECTURE.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_scripts import (
    api,
    background,
    changelog,
    downloads,
    feeds,
    linkcheck,
    output,
    package,
    pages,
    records,
    release_assets,
    sitemap,
    sitesize,
    siteurl,
    sqlitedb,
)
from build_scripts.background import Background
from build_scripts.dataset import Dataset, release_memory
from build_scripts.manifest import write_manifest
from build_scripts.pages import proposals, shell
from build_scripts.paths import Paths
from build_scripts.problems import BuildError
from build_scripts.search import index as search_index
from build_scripts.settings import Settings
from build_scripts.sitegen import copy_letters, publish, render_again, run_mkdocs

Step = Callable[[Dataset, Path], None]


@dataclass
class BuildResult:
    replies: int
    pages: int
    site: Path
    timings: dict[str, float] = field(default_factory=dict)  # wall-clock seconds per stage
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage (its own process)
    size: sitesize.SiteSize = field(default_factory=sitesize.SiteSize)  # what is published


def build(paths: Paths, *, strict: bool = True, log: Callable[[str], None] = lambda _: None,
          shells: bool = True, settings: Settings | None = None) -> BuildResult:
    """Build the portal into ``paths.site``; raise BuildError (site untouched) on any failure.

    The download files and the search index need only the dataset: they run in child processes
    (``background``) beside the page stages, and their files are moved into the staged site before
    the link check. ``timings`` has each stage's own seconds; the children's overlap the others.
    ``shells=False`` renders every page through MkDocs itself (slow; for comparisons, such as the
    benchmark that measures Material's own search over every page).
    """
    timer = _Timer(log)
    if paths.build.is_dir():
        sweep_stale_work(paths.build)  # what interrupted builds left (issue 17)
    with timer.stage("validate"):
        dataset = records.load(paths)
        if not dataset.report.ok:
            raise BuildError(dataset.report)
    work, lock = claim_work(paths.build)
    children: dict[str, Background] = {}
    try:
        package_written, short_written = (multiprocessing.get_context("fork").Event() for _ in range(2))
        (work / SHORT_GRAMS).mkdir()
        children[SHORT_GRAMS] = Background(SHORT_GRAMS, sqlitedb.make_short_index, dataset, work / SHORT_GRAMS,
                                           short_written.set, nice=CHILD_NICE.get(SHORT_GRAMS, 0))
        (work / DATABASE).mkdir()
        children[DATABASE] = Background(DATABASE, database_step(settings or Settings(), package.data_version(dataset)[0]),
                                        dataset, work / "data", work / DATABASE, package_written.wait,
                                        sqlitedb.short_index_made(work / SHORT_GRAMS, short_written.wait))
        (work / SEARCH).mkdir()  # the records alone: forked before the commitments, which it does not read
        children[SEARCH] = Background(SEARCH, search_step(settings or Settings()), dataset,
                                      work / SEARCH)
        with timer.stage("commitments, figures"):
            dataset.commitments  # noqa: B018 - found once here, before the package and the pages read them
        with timer.stage("package"):
            descriptor = package.write(dataset, paths, work / "data", check=False)  # checked by a child
            history = changelog.compute(dataset, descriptor, work / "data")
            descriptor = package.stamp_dates(descriptor, changelog.last_change(history, dataset), work / "data")
            package_written.set()  # the database child reads the tables in now
            release_memory()  # what the changelog's diff freed (160 MB at 10,000 letters): not carried into the children
        staged = work / "site"
        for name, run in background_steps(paths, settings or Settings()):
            (work / name).mkdir()
            children[name] = Background(name, run, dataset, descriptor, work / "data", work / name,
                                        nice=CHILD_NICE.get(name, 0))
        with timer.stage("pages"):
            bulk = pages.bulk(dataset)
            count = pages.write(dataset, descriptor, history, work / "data", paths.docs, work / "docs", bulk,
                                shells=shells)
            pages.write_data_page(dataset, descriptor, None, paths.docs, work / "docs")  # rendered again last
        with timer.stage("mkdocs"):
            config = run_mkdocs(paths, work / "docs", staged, strict=strict, epoch=dataset.source_date_epoch)
        if shells:
            with timer.stage("bulk pages"):
                filled = shell.Shells.load(staged, config, bulk.keys())
                count += filled.write(bulk.items(), bulk.check_size)  # a long letter's pages 2, 3, … too
                filled.remove()
        with timer.stage("search docs"):  # the search child writes the rest of the index
            search_index.write_docs(dataset, staged, bulk.parts_of)
        with timer.stage("publish-files"):
            if siteurl.letters_url() is None:  # else the pages link each letter's copy in the repository
                copy_letters(dataset, staged / "letters")
            output.write_files(staged, proposals.redirects(dataset))  # a proposal with one reply: to the reply
        for name, step in post_steps():
            with timer.stage(name):
                step(dataset, staged)
        with timer.stage("changelog"):
            output.write_files(staged, changelog.json_file(history, descriptor["version"]))
        with timer.stage("sitemap"):
            sitemap.step(dataset, staged)  # after every step that writes a page (the data page's URL is known)
        with timer.stage("check-links"):  # every page but the data page, while the children still run
            links = linkcheck.Early.check(staged, later=frozenset({_html_of(pages.DATA_PAGE)}), pending=PENDING)
        with timer.stage("site size"):  # all but what the children place and the data page, measured at the end
            sized = sitesize.Early.measure(staged, PENDING, settings)
        # only the data page and the rest of the link check need what the children make: the downloads first
        _collect(children[SHORT_GRAMS], timer, work, staged, merge=False)  # its file is the database child's
        made = {name: _collect(children[name], timer, work, staged) for name in (DATABASE, DOWNLOADS)}
        manifest = write_manifest(descriptor, work / "data", len(dataset.replies), [made[DOWNLOADS], made[DATABASE]])
        with timer.stage("data page"):
            pages.write_data_page(dataset, descriptor, manifest, paths.docs, work / "docs")
            render_again(paths, work / "docs", pages.DATA_PAGE, staged, work / "data-page",
                         strict=strict, epoch=dataset.source_date_epoch)
        release_assets.release_tables(work / "data", work / RELEASE_ASSETS, manifest)  # checked: now the URLs
        background.merge_into(work / "data", staged / "data")  # moved, not copied: 1 GB at 10,000 letters
        for name in [n for n in children if n not in made and n != SHORT_GRAMS]:  # the search index
            made[name] = _collect(children[name], timer, work, staged)
        with timer.stage("check-links (data page)"):
            links.finish()  # the data page, and the links that waited for the children's files
        with timer.stage("site size (the rest)"):
            size = sized.finish(settings)
            log(f"site: {size.summary()}")
        publish(staged, paths.site, trash_dir=paths.build)
        _keep_release_assets(work / RELEASE_ASSETS, paths.build / RELEASE_ASSETS)
    finally:
        for child in children.values():
            child.cancel()
        background.thaw()
        release_work(work, lock)
    return BuildResult(len(dataset.replies), count, paths.site, timer.wall, timer.cpu, size)


WORK = "work-"
"""Prefix of a build's work folder in build/; beside each, ``<folder>.lock``, held (flock) while the build
and its children run. A build killed by SIGKILL or SIGTERM leaves both; the next build removes them."""


def claim_work(build_dir: Path) -> tuple[Path, int]:
    """A fresh work folder and the descriptor holding its lock.

    The lock file is made (and locked) before the folder, so a folder whose lock is free is never
    in use: the build that made it has ended, with every child it forked (they share the lock)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    fd, hidden = tempfile.mkstemp(prefix="." + WORK, suffix=".lock", dir=build_dir)
    fcntl.flock(fd, fcntl.LOCK_EX)
    lock = Path(hidden).with_name(Path(hidden).name[1:])
    os.rename(hidden, lock)  # visible to a sweep only once it is locked
    work = lock.with_suffix("")
    work.mkdir()
    return work, fd


def release_work(work: Path, lock: int) -> None:
    shutil.rmtree(work, ignore_errors=True)
    work.with_name(work.name + ".lock").unlink(missing_ok=True)
    os.close(lock)


def sweep_stale_work(build_dir: Path) -> list[Path]:
    """Remove the work folders no build holds (interrupted builds'); return them. Held ones stay."""
    removed: list[Path] = []
    for lock in sorted(build_dir.glob(WORK + "*.lock")):
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            continue  # another build swept it meanwhile
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # a running build (or a child of one) holds it
        try:
            work = lock.with_suffix("")
            shutil.rmtree(work, ignore_errors=True)
            lock.unlink(missing_ok=True)
            removed.append(work)
        finally:
            os.close(fd)
    for work in sorted(build_dir.glob(WORK + "*")):
        if work.is_dir() and not work.is_symlink() and not work.with_name(work.name + ".lock").exists():
            shutil.rmtree(work, ignore_errors=True)  # from a build before locks (no lock: not in use)
            removed.append(work)
    return removed


BackgroundStep = Callable[[Dataset, dict, Path, Path], object]
"""(dataset, package descriptor, the package folder, a folder of its own laid out like the site)."""


def background_steps(paths: Paths, settings: Settings) -> list[tuple[str, BackgroundStep]]:
    """Steps that need the package, each run in a child process forked once it is written.

    ``downloads, package check`` adds every download but the database (``database_step``) to the package
    folder, then validates the package with frictionless (the site is published only if it passes), and
    returns what it placed, for the manifest.
    """
    def downloads_then_check(dataset: Dataset, descriptor: dict, data: Path, _: Path) -> object:
        placed = downloads.write_files(dataset, descriptor, data, release_dir=data.parent / RELEASE_ASSETS,
                                       release_url=siteurl.release_url(descriptor["version"]),
                                       release_bytes=settings.release_asset_bytes)
        package.validate(data / "datapackage.json", paths.root)
        return placed

    return [(DOWNLOADS, downloads_then_check)]


DOWNLOADS = "downloads, package check"
DATABASE = "database"
SHORT_GRAMS = "database, short grams"
SEARCH = "search index"
"""The build's children: the database, its short-gram index and the search index are forked as soon as the
records are checked (they need nothing else until the database reads the tables in and copies the short
grams in), the downloads once the package is written; two of them at a lower priority (``CHILD_NICE``). At
100,000 letters the search index needed ≈ 920 CPU-seconds, the database ≈ 900 with both its full-text indexes: with
the search child at nice 3 it ran alone for 257 s at the end, the database at nice 2 (and the downloads at
1) for ≈ 210 s; at equal shares the database ended last, 57 s after the search index, so its short-gram
index (≈ 240 CPU-seconds) moved to a process of its own (issue 13; benchmarks/RESULTS.md)."""

CHILD_NICE = {SHORT_GRAMS: 2, DOWNLOADS: 2}
"""How far a child lowers its priority (``os.nice``; in the kernel's shares of a core, nice 0 is 1,024 and
nice 2 is 655). At 100,000 letters and equal shares the search child (≈ 800 CPU-seconds) ended last, 168 s
alone with a core idle, while the short grams (≈ 400) and the other downloads (≈ 330) ended 430 to 540 s
before the build: those two yield the search child, the database and the main process a part of their
shares, still end before the database needs them, and the search child ends within 13 s of the database
(1,660 → 1,276 and 1,331 s with the faster normalisation; issue 13, benchmarks/RESULTS.md). The others run
at the build's own priority."""


PENDING = ("data/", "search/idx/")
"""Folders the children place files in (the data page, rendered again last, is in ``data/`` too): the link
check's first pass leaves links to files not yet there, and the site's size measures them last."""


def _html_of(page: str) -> str:
    """The HTML file MkDocs writes for a Markdown page (``data/index.md`` → ``data/index.html``)."""
    return page.removesuffix(".md") + ".html"


def database_step(settings: Settings, version: str) -> Callable[..., object]:
    """The SQLite download (``downloads.write_database``): its full-text indexes need only the records, and it
    waits for the package only to read the tables in (at 10,000 letters ≈ 100 of the downloads' 134 CPU
    seconds were the database), and for the short-gram index, made by ``SHORT_GRAMS``, only to copy it in."""
    url = siteurl.release_url(version)

    def write_database(dataset: Dataset, data: Path, stage: Path, ready: Callable[[], object],
                       short: Callable[[], Path]) -> object:
        return downloads.write_database(dataset, data, stage, ready, release_dir=data.parent / RELEASE_ASSETS,
                                        release_url=url, release_bytes=settings.release_asset_bytes, short=short)
    return write_database


def search_step(settings: Settings) -> Callable[[Dataset, Path], None]:
    """The search index (site/search/idx/, into a folder of its own laid out like the site): the records alone."""
    def write_index(dataset: Dataset, out: Path) -> None:
        search_index.step(dataset, out, settings.search_index_memory)
    return write_index


RELEASE_ASSETS = "release-assets"
"""build/release-assets/: downloads published as release assets (the deploy workflow uploads them)."""


def _keep_release_assets(made: Path, kept: Path) -> None:
    """This build's release assets replace the last build's (none made: the folder is removed)."""
    shutil.rmtree(kept, ignore_errors=True)
    if made.is_dir():
        made.rename(kept)


def post_steps() -> list[tuple[str, Step]]:
    """Our own steps after MkDocs, in order, in this process; each writes into the staged site
    (then the changelog and, last, the link check)."""
    return [("api", api.step), ("feeds", feeds.step)]


def _collect(child: Background, timer: _Timer, work: Path, staged: Path, *, merge: bool = True) -> Any:
    """Wait for a child, note its seconds, move its files into the staged site (unless ``merge`` is false);
    what it returned."""
    with timer.stage(f"{child.name} (wait)"):
        made = child.result()
    timer.wall[f"{child.name} (in parallel)"] = child.seconds
    timer.cpu[f"{child.name} (in parallel)"] = child.cpu_seconds
    if merge:
        background.merge_into(work / child.name, staged)
    return made


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


