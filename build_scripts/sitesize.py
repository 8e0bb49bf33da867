"""What the staged site weighs, and the budgets it must fit: the host's and the reader's.

Load: every file of the staged site. Process: total bytes, file count, and the largest HTML page
of each kind (``kind``: ``replies/*``, ``browse/*/*``, ``stats``, …). Save: nothing; the build
prints the figures, and a site over ``Settings.site_bytes`` or an HTML page over
``Settings.page_bytes`` is a Problem that fails the build before anything is published.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from build_scripts.problems import BuildError, Problem, Report
from build_scripts.settings import Settings

TAR_BLOCK = 512
TAR_END = 2 * TAR_BLOCK  # two zero blocks end an archive
TAR_RECORD = 20 * TAR_BLOCK  # GNU tar writes whole records of 10,240 bytes


def tar_bytes(file_sizes: list[int], names: list[str]) -> int:
    """The size of the tar archive GitHub Pages is sent (``actions/upload-pages-artifact`` runs GNU
    tar on the site; "officially supported maximum size limit is 1GB" is on that tar): a 512-byte
    header per file and folder (``names``: each as tar names it, ``./replies/x/``), a long-name entry
    before a name over 100 bytes, each file padded to 512 bytes, two end blocks, and the whole
    padded to a 10,240-byte record. At 90,000 files the headers and padding alone are about 70 MB."""
    return _archive(_entries(file_sizes, names))


def _entries(file_sizes: list[int], names: list[str]) -> int:
    """The tar bytes of these entries alone: what ``tar_bytes`` adds up before the end and the padding."""
    total = TAR_BLOCK * len(names)
    for name in names:
        n = len(name.encode("utf-8"))
        if n > 100:
            total += TAR_BLOCK + _blocks(n + 1)
    for n in file_sizes:
        total += _blocks(n)
    return total


def _archive(entries: int) -> int:
    return -(-(entries + TAR_END) // TAR_RECORD) * TAR_RECORD


def _blocks(n: int) -> int:
    return -(-n // TAR_BLOCK) * TAR_BLOCK


@dataclass
class SiteSize:
    bytes: int = 0
    files: int = 0
    tar: int = 0  # bytes of the site as the tar GitHub Pages receives (``tar_bytes``): what the budget is on
    largest: dict[str, tuple[str, int]] = field(default_factory=dict)  # page kind -> (site path, bytes)
    over: list[tuple[str, int]] = field(default_factory=list)  # HTML pages over the page budget
    entries: int = 0  # the tar bytes of every entry, before the end blocks and the padding (``_entries``)

    def summary(self) -> str:
        return f"{self.bytes / 1e6:,.1f} MB in {self.files:,} files ({self.tar / 1e6:,.1f} MB as a tar)"

    def __add__(self, other: SiteSize) -> SiteSize:
        """Two disjoint parts of a site measured apart, as one."""
        largest = dict(self.largest)
        for key, (rel, n) in other.largest.items():
            if n > largest.get(key, ("", -1))[1]:
                largest[key] = (rel, n)
        entries = self.entries + other.entries
        return SiteSize(self.bytes + other.bytes, self.files + other.files, _archive(entries), largest,
                        sorted(self.over + other.over), entries)


def kind(rel_path: str) -> str:
    """A page's kind: its first folder and one ``*`` per folder below (``browse/agency/x/`` → ``browse/*/*``)."""
    folders = rel_path.split("/")[:-1]
    if not folders:
        return rel_path  # index.html, 404.html
    return "/".join(folders[:1] + ["*"] * (len(folders) - 1))


def measure(site_dir: Path, page_bytes: int = Settings.page_bytes, *, skip: tuple[str, ...] = (),
            only: tuple[str, ...] | None = None) -> SiteSize:
    """The site's figures; or those of all but the folders in ``skip`` (``"search/idx/"``: each with its
    own entry), or of the folders in ``only`` alone. ``measure(d, skip=f) + measure(d, only=f) == measure(d)``."""
    size = SiteSize()
    sizes: list[int] = []
    tar_names: list[str] = []
    roots = [site_dir] if only is None else [site_dir / folder for folder in only]
    for root in roots:
        for folder, subfolders, names in os.walk(root):
            inside = os.path.relpath(folder, site_dir).replace(os.sep, "/")
            subfolders[:] = [d for d in subfolders if (f"{d}/" if inside == "." else f"{inside}/{d}/") not in skip]
            tar_names.append("./" if inside == "." else f"./{inside}/")
            for name in names:
                path = os.path.join(folder, name)
                tar_names.append(f"./{name}" if inside == "." else f"./{inside}/{name}")
                n = os.stat(path).st_size
                sizes.append(n)
                size.bytes += n
                size.files += 1
                if name.endswith(".html"):
                    rel = os.path.relpath(path, site_dir).replace(os.sep, "/")
                    key = kind(rel)
                    if n > size.largest.get(key, ("", -1))[1]:
                        size.largest[key] = (rel, n)
                    if n > page_bytes:
                        size.over.append((rel, n))
    size.over.sort()
    size.entries = _entries(sizes, tar_names)
    size.tar = _archive(size.entries)
    return size


def check(site_dir: Path, settings: Settings | None = None, measured: SiteSize | None = None) -> SiteSize:
    """Measure the staged site (or take its ``measured`` figures); raise BuildError naming every budget it exceeds."""
    settings = settings or Settings()
    size = measured or measure(site_dir, settings.page_bytes)
    problems = [Problem(rel, 0, "bytes", "page-too-large",
                        f"the page has {n:,} bytes, over the {settings.page_bytes:,}-byte budget of an HTML page",
                        "a list on it grows with the records: show its top entries and link to paginated pages and a CSV "
                        "(Settings.page_bytes)")
                for rel, n in size.over]
    if size.tar > settings.site_bytes:
        biggest = sorted(((_folder_bytes(p), p.name) for p in site_dir.iterdir() if p.is_dir()), reverse=True)[:3]
        parts = ", ".join(f"{name}/ {n / 1e6:,.0f} MB" for n, name in biggest)
        problems.append(Problem(
            "site/", 0, "bytes", "site-too-large",
            f"the site is {size.summary()}, over the {settings.site_bytes / 1e6:,.0f} MB budget "
            f"(Settings.site_bytes; largest: {parts})",
            "GitHub Pages publishes at most 1 GB: publish large downloads as release assets (Settings.release_asset_bytes), "
            "or deploy to object storage (portal deploy) with a larger Settings.site_bytes"))
    if problems:
        raise BuildError(Report.of(problems))
    return size


@dataclass
class Early:
    """The site measured while child processes still place files in its ``pending`` folders: all but
    those now, those alone at ``finish`` (at 100,000 letters the whole walk, 576,161 files, took 17–21 s
    after the last child)."""

    site_dir: Path
    pending: tuple[str, ...]
    before: SiteSize

    @classmethod
    def measure(cls, site_dir: Path, pending: tuple[str, ...], settings: Settings | None = None) -> Early:
        return cls(site_dir, pending, measure(site_dir, (settings or Settings()).page_bytes, skip=pending))

    def finish(self, settings: Settings | None = None) -> SiteSize:
        """The whole site's figures, checked against the budgets as ``check`` checks them."""
        settings = settings or Settings()
        after = measure(self.site_dir, settings.page_bytes, only=self.pending)
        return check(self.site_dir, settings, self.before + after)


def _folder_bytes(folder: Path) -> int:
    return sum(os.stat(os.path.join(d, n)).st_size for d, _, names in os.walk(folder) for n in names)
