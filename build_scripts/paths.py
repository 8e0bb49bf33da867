"""The one place that knows where things live, always relative to the repository root."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    """Every path the build reads or writes, derived from one root."""

    root: Path = REPO_ROOT

    @property
    def datasets(self) -> Path:
        return self.root / "datasets"

    @property
    def replies(self) -> Path:
        """One folder per reply: ``<id>/reply.yaml`` beside the raw letter."""
        return self.datasets / "replies"

    @property
    def drafts(self) -> Path:
        """Letters `portal add` could not give an id yet, each with its draft; never read by a build."""
        return self.datasets / "drafts"

    @property
    def vocab(self) -> Path:
        return self.datasets / "vocab"

    @property
    def package_meta(self) -> Path:
        return self.datasets / "package.yaml"

    @property
    def docs(self) -> Path:
        """Hand-written pages and assets; generated pages are added in the build directory."""
        return self.root / "docs"

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def build(self) -> Path:
        """Scratch space for builds; never published, never committed."""
        return self.root / "build"

    @property
    def site(self) -> Path:
        """The published portal, replaced only when a whole build succeeded."""
        return self.root / "site"

    def reply_dir(self, reply_id: str) -> Path:
        return self.replies / reply_id

    def reply_record(self, reply_id: str) -> Path:
        return self.reply_dir(reply_id) / "reply.yaml"


def relative(path: Path, root: Path = REPO_ROOT) -> str:
    """A path as shown in messages: relative to the repo when it is inside it.

    A path made from the root (``root / "datasets" / …``, as the build makes them) is cut lexically; any
    other is resolved first (``..``, a relative or symlinked root). Resolving took 0.2 ms a call, and
    loading the records asks five times a letter (issue 13)."""
    if ".." not in path.parts and path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    try:
        return path.resolve().relative_to(_resolved(root)).as_posix()
    except ValueError:
        return path.as_posix()


@functools.lru_cache(maxsize=16)
def _resolved(root: Path) -> Path:
    """A root resolved once (the build asks ``relative`` several times a letter: 0.8 ms each)."""
    return root.resolve()
