"""Writing generated files into the staged site: the post-MkDocs steps (API, feeds, changelog.json) use it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_files(root: Path, files: Mapping[str, bytes]) -> None:
    """Write ``{relative path: bytes}`` under ``root`` (each file via a temporary name and a rename)."""
    for rel_path, data in files.items():
        target = root / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
