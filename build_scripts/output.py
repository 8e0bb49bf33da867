"""Writing generated files into the staged site (the post-MkDocs steps: API, feeds, changelog.json), and
listing what is in it (the sitemap and the link check)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path


def write_files(root: Path, files: Mapping[str, bytes] | Iterable[tuple[str, bytes]]) -> None:
    """Write ``{relative path: bytes}`` (or such pairs, made as they are written) under ``root``, each file
    via a temporary name and a rename."""
    for rel_path, data in files.items() if isinstance(files, Mapping) else files:
        target = root / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)


def site_files(root: Path) -> list[str]:
    """Every file under ``root`` as its path below it (``replies/x/index.html``), sorted. ``os.walk`` and
    strings, not ``Path.rglob``: 0.5 s instead of 1.7 s for the 57,740 files of the 10,000-letter site."""
    found: list[str] = []
    for folder, _, names in os.walk(root):
        inside = os.path.relpath(folder, root)
        prefix = "" if inside == "." else inside.replace(os.sep, "/") + "/"
        found.extend(prefix + name for name in names)
    return sorted(found)
