"""This build's changelog: every kept release diffed against the one before, then this build's package.

Load: the releases under ``datasets/releases/`` and the canonical tables this build wrote. Process:
``releases.history`` (the diff and version rules). Save: ``data/changelog.json``; the changelog page
(``pages/changelog``) renders the same list. The build computes it once and hands it to both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from build_scripts.dataset import Dataset
from build_scripts.downloads import canonical_files, check_canonical
from build_scripts.paths import relative
from build_scripts.problems import BuildError
from build_scripts.releases import Diff, history, snapshot

CHANGELOG_JSON = "data/changelog.json"


def compute(dataset: Dataset, descriptor: dict[str, Any], data_dir: Path | None = None) -> list[Diff]:
    """The changelog of this build, newest first; raise BuildError when the version breaks the rules.

    The canonical tables are read from ``data_dir`` as the diff goes when the package is written there
    (their sha256 checked first), else rebuilt from the records (seconds at 10,000 letters).
    """
    if data_dir:
        check_canonical(descriptor, data_dir)
    current = snapshot(descriptor, data_dir if data_dir else canonical_files(dataset, descriptor))
    datasets = dataset.paths.datasets
    diffs, report = history(datasets / "releases", current, relative(datasets / "package.yaml"))
    if not report.ok:
        raise BuildError(report)
    return diffs


def json_file(diffs: list[Diff], version: str) -> dict[str, bytes]:
    """``data/changelog.json``: the current version and every release's changes, newest first."""
    data = {"current": version, "releases": [d.as_dict() for d in diffs]}
    return {CHANGELOG_JSON: (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}


def change_date(diff: Diff, dataset: Dataset) -> str:
    """The newest date the changes of ``diff`` carry ('' when none does).

    A record added or changed: the day its letter was retrieved (``retrieved_date``), else its
    publication or reply date (the earliest it can have entered the collection); a withdrawal: its
    ``withdrawn_date``. Builds have no clock, so this is the date the data itself gives for a change.
    """
    by_id = {r.id: r for r in dataset.replies}
    ids = diff.added + [c["id"] for c in diff.changed]
    dates = [str(by_id[i]["retrieved_date"] or by_id[i]["published_date"] or by_id[i]["reply_date"] or "")
             for i in ids if i in by_id]
    dates += [w["date"] for w in diff.withdrawn]
    return max(dates, default="")


def last_change(diffs: list[Diff], dataset: Dataset) -> dict[str, str]:
    """The newest version in the changelog that changed records, with its change date (``change_date``),
    beside the newest reply or publication date: the two dates the data page and datapackage.json give."""
    changed = next((d for d in diffs if d.added or d.changed or d.withdrawn), None)
    return {
        "last_changed": change_date(changed, dataset) if changed else "",
        "last_changed_version": changed.version if changed else "",
        "newest_reply": dataset.newest_date,
    }
