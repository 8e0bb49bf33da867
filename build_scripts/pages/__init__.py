"""Stage 3, pages: the Markdown the site is made from, generated into the build's docs directory.

Load: the checked dataset, the package descriptor, the downloads manifest and the changelog. Process: the pages in
the navigation (home, data, dictionary, statistics, …, the browse overview), which MkDocs renders;
and the bulk pages, one per reply and one per browse value, which are poured into shells MkDocs
rendered (``shell``: at 10,000 letters they are over 20,000 pages). Save: the navigation pages and
the shells beside a copy of the hand-written docs/; the bulk pages after MkDocs, straight into the
staged site. Letter text is escaped on the way into every page (see ``escape``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from build_scripts import package as package_mod
from build_scripts.dataset import Dataset, Reply
from build_scripts.pages import (
    apidoc,
    browse,
    changelog,
    commitments,
    data,
    home,
    parts,
    proposals,
    quality,
    shell,
    speed,
    stats,
)
from build_scripts.releases import Diff

BROWSE_OVERVIEW = "browse/index.md"
"""The one browse page in the navigation; every other browse page is a bulk page."""
BULK_FOLDERS = ("replies", "browse", "proposals")
"""Where the bulk pages go: docs/ must not have hand-written pages there."""


BULK_DEPTH = 4
"""The most folders a bulk page's URL has (``browse/role/huiban/10/``): shells are made for every depth up to it."""

DATA_PAGE = "data/index.md"
"""The one page that lists the downloads: a placeholder with its title when the other pages are written,
then written again from the downloads' manifest (``write_data_page``) once the downloads child has made
them, and rendered on its own (``sitegen.render_again``): nothing else waits for the downloads but the
link check."""


def generate(dataset: Dataset, package: dict[str, Any], history: list[Diff], data_dir: Path) -> Iterable[tuple[str, str]]:
    """(path inside docs, Markdown) for every generated page MkDocs renders itself but ``DATA_PAGE``;
    ``data_dir`` holds the written package (the dictionary's examples are read from its CSVs)."""
    yield "index.md", home.render(dataset)
    yield "data/dictionary.md", data.dictionary(package, dataset, package_mod.examples(data_dir))
    yield "stats.md", stats.render(dataset)
    yield "commitments/index.md", commitments.render(dataset)
    yield "speed.md", speed.render(dataset)
    yield "api/index.md", apidoc.render(dataset)
    yield "changelog.md", changelog.render(history)
    yield "data/quality.md", quality.render(dataset, data_dir)


def data_files(dataset: Dataset, history: list[Diff]) -> dict[str, str]:
    """(path inside docs, text) of the CSVs the navigation pages link to for their full lists."""
    return {stats.COUNTS_CSV: stats.counts_csv(dataset), changelog.CHANGES_CSV: changelog.changes_csv(history)}


@dataclass
class Bulk:
    """The pages written after MkDocs, into shells: browse and proposal pages and reply pages, each made
    when it is written (``items``; issue 13: holding the browse pages was 1.2 GB at 100,000 letters)."""

    dataset: Dataset
    overview: str  # the browse overview: in the navigation, so MkDocs renders it
    nav: dict[str, str] = field(default_factory=dict)  # other first pages of bulk folders, in the navigation
    splits: dict[str, list[parts.Part]] = field(default_factory=dict)  # replies in parts: their parts, as made
    made: bool = False  # every reply's pages made (``items`` ran to its end): ``splits`` is whole

    def browse(self) -> Iterator[tuple[str, str]]:
        """(path, Markdown) of every browse and proposal page but those in the navigation, made now."""
        for path, markdown in browse.pages(self.dataset):
            if path != BROWSE_OVERVIEW:
                yield path, markdown
        for path, markdown in proposals.pages(self.dataset):
            if path not in self.nav:
                yield path, markdown

    def keys(self) -> list[shell.ShellKey]:
        """The shells these pages may need: every (directory depth, has its own feeds, hides the theme's
        toc) up to ``BULK_DEPTH``; a deeper page fails the build, naming it (``shell.Shells.render``)."""
        return shell.every_key(BULK_DEPTH)

    def items(self) -> Iterator[tuple[str, str]]:
        yield from self.browse()
        for r in tqdm(self.dataset.replies, desc="reply pages", unit="page", disable=None, leave=False):
            found, made = parts.layout(r, self.dataset)
            if len(found) > 1:
                self.splits[r.id] = found
            yield from made
        self.made = True

    def parts_of(self, reply: Reply) -> list[parts.Part]:
        """The parts the reply's pages were cut into (``[]`` for a reply on one page), as ``items`` made them:
        the search index's result list links a match to its page without measuring every letter again
        (at 100,000 letters ≈ 140 CPU-seconds in the search child)."""
        if not self.made:
            raise RuntimeError("Bulk.parts_of: the reply pages are not made yet")
        return self.splits.get(reply.id, [])

    def check_size(self, md_path: str, size: int) -> None:
        """Every page of a reply within the budget (``parts`` cuts long letters so that it is)."""
        if not md_path.startswith("replies/") or size <= parts.BUDGET:
            return
        reply_id = md_path.removeprefix("replies/").removesuffix(".md").split("/")[0]
        reply = next(r for r in self.dataset.replies if r.id == reply_id)
        raise parts.too_large(
            reply, self.dataset, f"its page {shell.site_path(md_path)} has {size:,} bytes, over the {parts.BUDGET:,}-byte budget",
            "a build bug: parts.estimate under-estimated this page; raise its allowances")


def bulk(dataset: Dataset) -> Bulk:
    """The bulk pages, made when written; the two in the navigation now (MkDocs renders them)."""
    overview = next(p for path, p in browse.pages(dataset) if path == BROWSE_OVERVIEW)
    listed = next(p for path, p in proposals.pages(dataset) if path == proposals.OVERVIEW)
    return Bulk(dataset, overview, {proposals.OVERVIEW: listed})


def write(dataset: Dataset, package: dict[str, Any], history: list[Diff], data_dir: Path,
          hand_written: Path, out_docs: Path, pages: Bulk, *, shells: bool = True) -> int:
    """Copy docs/ and write the navigation pages but ``DATA_PAGE`` and the shells into ``out_docs``;
    return the page count (``DATA_PAGE`` included; with shells, not the bulk pages: ``Shells.write`` counts them).

    With ``shells=False`` the bulk pages are written as ordinary pages for MkDocs to render.
    """
    for folder in BULK_FOLDERS:
        if (hand_written / folder).exists():
            raise FileExistsError(f"docs/{folder} would be overwritten: its pages are generated")
    shutil.copytree(hand_written, out_docs, dirs_exist_ok=True)
    nav = dict(generate(dataset, package, history, data_dir))
    nav[BROWSE_OVERVIEW] = pages.overview
    nav.update(pages.nav)
    for rel_path, text in (nav | data_files(dataset, history)).items():
        _write(out_docs, hand_written, rel_path, text)
    written = 0
    for rel_path, text in (shell.sources(pages.keys()).items() if shells else pages.items()):
        _write(out_docs, hand_written, rel_path, text)
        written += 1
    return len(nav) + 1 + (0 if shells else written)  # the bulk pages in shells are counted as they are written


def write_data_page(dataset: Dataset, package: dict[str, Any], manifest: dict[str, Any] | None, hand_written: Path,
                    out_docs: Path) -> None:
    """``DATA_PAGE`` from the downloads' manifest; with none yet, its placeholder (issue 13)."""
    text = data.downloads_placeholder() if manifest is None else data.downloads(package, manifest, dataset)
    _write(out_docs, hand_written, DATA_PAGE, text)


def _write(out_docs: Path, hand_written: Path, rel_path: str, text: str) -> None:
    target = out_docs / rel_path
    if (hand_written / rel_path).exists():
        raise FileExistsError(f"generated page {rel_path} would overwrite docs/{rel_path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
