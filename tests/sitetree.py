"""A built tree as data: every file with its sha256, so two trees compare byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path


def tree(root: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under ``root`` (empty when ``root`` is missing)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}
