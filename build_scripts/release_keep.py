"""``portal release``: keep the built package (site/data) as ``datasets/releases/<version>/``.

A kept release is the baseline the next build's changelog is diffed against (``changelog``); it is
committed with the records and never changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from build_scripts import yamlio
from build_scripts.paths import Paths, relative
from build_scripts.problems import BuildError


def snapshot_release(paths: Paths) -> Path:
    """Keep the published package (site/data) as datasets/releases/<version>/; never overwrite one."""
    data = paths.site / "data"
    if not (data / "datapackage.json").is_file():
        raise BuildError("portal release: no built package in site/data; run `portal build` first")
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    version = str(descriptor["version"])
    meta_version = str(yamlio.load(paths.package_meta.read_text(encoding="utf-8-sig")).data["version"])
    if meta_version != version:
        raise BuildError(f"portal release: site/data is version {version} but datasets/package.yaml says "
                         f"{meta_version}; run `portal build` first")
    target = paths.datasets / "releases" / version
    if target.exists():
        raise BuildError(f"portal release: {relative(target)} exists; a release is never changed — "
                         "bump the version in datasets/package.yaml for a new one")
    tmp = target.with_name(version + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shutil.copyfile(data / "datapackage.json", tmp / "datapackage.json")
    for resource in descriptor["resources"]:
        shutil.copyfile(data / resource["path"], tmp / resource["path"])
    tmp.rename(target)
    return target
