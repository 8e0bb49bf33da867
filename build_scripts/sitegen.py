"""The site stage: MkDocs renders the generated docs into a staged site, the raw letters are copied
in, and ``publish`` swaps the staged site into place at the very end.

``site.build`` runs it between the pages and the steps that write our own files (search, feeds,
API); a failed or interrupted build never reaches ``publish``, so site/ stays as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from build_scripts import siteurl
from build_scripts.dataset import Dataset
from build_scripts.pages import escape
from build_scripts.paths import Paths
from build_scripts.problems import BuildError


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(paths: Paths, docs: Path, site_dir: Path, *, strict: bool, epoch: int) -> Any:
    """Render ``docs`` into ``site_dir``; return the loaded MkDocs config (the shells need its theme).

    ``site_url`` is always ``siteurl.site_url()`` (``PORTAL_SITE_URL``), whatever mkdocs.yml says:
    one address for canonical links, the 404 page, feeds and the sitemap.
    """
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
                             strict=strict, site_url=siteurl.site_url())
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


def render_again(paths: Paths, docs: Path, page: str, staged: Path, scratch: Path, *, strict: bool, epoch: int) -> None:
    """Render ``docs`` again into ``scratch`` and put one page's HTML (``page``: its Markdown path) into
    ``staged``: a page written after the first render (the 数据下载 page, from the downloads' manifest).
    MkDocs renders only the navigation pages and the shells (0.5 s at 10,000 letters); the other pages
    come out as they did the first time, so only this one is taken."""
    html = page.removesuffix(".md").removesuffix("index").rstrip("/")
    rel = f"{html}/index.html" if html else "index.html"
    try:
        run_mkdocs(paths, docs, scratch, strict=strict, epoch=epoch)
        os.replace(scratch / rel, staged / rel)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


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
