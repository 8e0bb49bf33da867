"""Stage 3, pages: the Markdown MkDocs renders, generated into the build's docs directory.

Load: the checked dataset and the package descriptor. Process: one page per reply, the browse
indexes, the home page, the data page and data dictionary. Save: Markdown files beside a copy
of the hand-written docs/. Letter text is escaped on the way into every page (see ``escape``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterable

from tqdm import tqdm

from build_scripts import downloads, releases
from build_scripts.pages import apidoc, browse, changelog, data, home, quality, reply, stats
from build_scripts.records import Dataset


def generate(dataset: Dataset, package: dict[str, Any]) -> Iterable[tuple[str, str]]:
    """(path inside docs, Markdown) for every generated page."""
    yield "index.md", home.render(dataset)
    yield "data/index.md", data.downloads(package, downloads.build(dataset, package).manifest, dataset)
    yield "data/dictionary.md", data.dictionary(package, dataset)
    yield "stats.md", stats.render(dataset)
    yield "api/index.md", apidoc.render(dataset)
    yield "changelog.md", changelog.render(releases.build_history(dataset, package))
    yield "data/quality.md", quality.render(dataset)
    yield from browse.pages(dataset).items()
    for r in tqdm(dataset.replies, desc="reply pages", unit="page", disable=None, leave=False):
        yield f"replies/{r.id}.md", reply.render(r, dataset)


def write(dataset: Dataset, package: dict[str, Any], hand_written: Path, out_docs: Path) -> int:
    """Copy docs/ and write the generated pages into ``out_docs``; return the page count."""
    shutil.copytree(hand_written, out_docs, dirs_exist_ok=True)
    count = 0
    for rel_path, text in generate(dataset, package):
        target = out_docs / rel_path
        if target.exists() and not _generated(target, out_docs, hand_written):
            raise FileExistsError(f"generated page {rel_path} would overwrite docs/{rel_path}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        count += 1
    return count


def _generated(target: Path, out_docs: Path, hand_written: Path) -> bool:
    return not (hand_written / target.relative_to(out_docs)).exists()
