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
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from build_scripts import linkcheck, package, pages, records
from build_scripts.pages import escape
from build_scripts.paths import Paths
from build_scripts.problems import BuildError
from build_scripts.records import Dataset

Step = Callable[[Dataset, Path], None]


@dataclass
class BuildResult:
    replies: int
    pages: int
    site: Path
    timings: dict[str, float] = field(default_factory=dict)


def build(paths: Paths, *, strict: bool = True, log: Callable[[str], None] = lambda _: None) -> BuildResult:
    """Build the portal into ``paths.site``; raise BuildError (site untouched) on any failure."""
    timings: dict[str, float] = {}
    with _timed(timings, "validate", log):
        dataset = records.load(paths)
        if not dataset.report.ok:
            raise BuildError(dataset.report)
    paths.build.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="work-", dir=paths.build))
    try:
        with _timed(timings, "package", log):
            descriptor = package.write(dataset, paths, work / "data")
        with _timed(timings, "pages", log):
            count = pages.write(dataset, descriptor, paths.docs, work / "docs")
        with _timed(timings, "mkdocs", log):
            run_mkdocs(paths, work / "docs", work / "site", strict=strict, epoch=source_date_epoch(dataset))
        with _timed(timings, "publish-files", log):
            shutil.copytree(work / "data", work / "site" / "data", dirs_exist_ok=True)
            copy_letters(dataset, work / "site" / "letters")
        for name, step in post_steps():
            with _timed(timings, name, log):
                step(dataset, work / "site")
        publish(work / "site", paths.site)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BuildResult(len(dataset.replies), count, paths.site, timings)


def post_steps() -> list[tuple[str, Step]]:
    """Our own steps after MkDocs, in order; each writes into the staged site."""
    from build_scripts import api, downloads, feeds, releases
    from build_scripts.search import index as search_index

    return [("downloads", downloads.step), ("api", api.step), ("feeds", feeds.step), ("changelog", releases.step),
            ("search index", search_index.step),
            ("check-links", linkcheck.check)]  # keep last: it checks what the other steps wrote


@contextlib.contextmanager
def _timed(timings: dict[str, float], name: str, log: Callable[[str], None]) -> Iterator[None]:
    log(f"{name} …")
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start
    log(f"{name} done in {timings[name]:.2f} s")


def source_date_epoch(dataset: Dataset) -> int:
    """A build time that comes from the data (the newest date), so rebuilds are byte-identical."""
    newest = max((str(r["published_date"] or r["reply_date"] or "") for r in dataset.replies), default="")
    day = dt.date.fromisoformat(newest) if newest else dt.date(2020, 1, 1)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(paths: Paths, docs: Path, site_dir: Path, *, strict: bool, epoch: int) -> None:
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


def publish(staged: Path, site: Path) -> None:
    """Swap the staged site into place; the old one is removed only after the swap.

    Between the two renames site/ is briefly absent: if the second rename fails the old site is
    put back, and a swap cut short (power loss) is repaired by the next publish.
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
        shutil.rmtree(old)
