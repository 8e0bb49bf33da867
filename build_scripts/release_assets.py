"""Canonical tables published as release assets: the site's descriptor names their URLs (issue 13).

``downloads.write`` decides (a canonical CSV over ``Settings.release_asset_bytes`` when a release URL
is set) and writes the descriptor the site will publish beside the package's own; the build calls
``release_tables`` once every step that reads the package folder has ended (the package check needs
the tables beside the descriptor), and the deploy workflow uploads build/release-assets/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from build_scripts.fields import TABLES

PUBLISHED_DESCRIPTOR = ".datapackage.published.json"
"""In the data folder while the build runs: the descriptor the site publishes when canonical tables are
release assets (``release_tables`` puts it in place once the package has been checked)."""


def published_descriptor(data_dir: Path, urls: dict[str, str]) -> dict[str, Any]:
    """The package's descriptor with each released table's ``path`` its release asset's URL (frictionless,
    pandas and R read a URL as they read a file); bytes and hash stay the file's."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text("utf-8"))
    for resource in descriptor["resources"]:
        resource["path"] = urls.get(resource["path"], resource["path"])
    return descriptor


def release_tables(data_dir: Path, release_dir: Path, manifest: dict[str, Any]) -> list[str]:
    """Move the canonical tables the manifest gives a URL out of ``data_dir`` into ``release_dir``, and put
    the descriptor naming those URLs in place; return the tables moved.

    Run once every step that reads the package folder (the package check, the downloads) has ended:
    a canonical CSV over ``Settings.release_asset_bytes`` (``sections.csv``, 137 MB at 10,000 letters:
    the letters' text) leaves the site as the large downloads do (issue 13)."""
    tables = {f"{t.name}.csv" for t in TABLES}
    moved = [f["path"] for f in manifest["files"] if f.get("url") and f["path"] in tables]
    for rel_path in moved:
        release_dir.mkdir(parents=True, exist_ok=True)
        os.replace(data_dir / rel_path, release_dir / rel_path)
    if (data_dir / PUBLISHED_DESCRIPTOR).exists():
        os.replace(data_dir / PUBLISHED_DESCRIPTOR, data_dir / "datapackage.json")
    return moved
