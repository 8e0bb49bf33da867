"""Issue #5: releases: the changelog between releases and the version rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from build_scripts import records, release_keep, releases, site
from build_scripts.paths import Paths
from build_scripts.problems import BuildError
from tests.conftest import FIXTURES

RELEASES = FIXTURES / "releases"


def test_fixture_releases_exist() -> None:
    assert sorted(p.name for p in releases.release_dirs(RELEASES / "added-changed-withdrawn")) == ["0.1.0", "0.2.0"]


def test_changelog_between_two_fixture_releases_lists_exactly_what_changed() -> None:
    diffs, report = releases.history(RELEASES / "added-changed-withdrawn", None, "package.yaml")
    assert report.ok
    newest, first = diffs
    assert (newest.version, newest.previous) == ("0.2.0", "0.1.0")
    assert newest.added == ["d-2023-tian-4"]
    assert newest.changed == [{"id": "b-2022-tian-2", "fields": ["title", "sections"]}]
    assert newest.withdrawn == [{"id": "c-2022-jianyi-3", "date": "2023-01-05", "reason": "答复单位撤下原文并重新答复"}]
    assert newest.removed == [] and newest.fields_added == [] and newest.fields_removed == [] and newest.other == []
    assert newest.required == "minor"
    assert first.previous is None and first.added == ["a-2021-tian-1", "b-2022-tian-2", "c-2022-jianyi-3"]


def _snap(version: str, fields: tuple[str, ...], rows: list[dict[str, str]]) -> releases.Snapshot:
    return releases.Snapshot(version, {"replies": fields}, {"replies": ("id",)}, {"replies": rows})


BASE = _snap("1.2.3", ("id", "title"), [{"id": "a", "title": "甲"}])


@pytest.mark.parametrize(("case", "new", "codes"), [
    ("patch-correction-ok", _snap("1.2.4", ("id", "title"), [{"id": "a", "title": "甲乙"}]), []),
    ("minor-record-added-ok", _snap("1.3.0", ("id", "title"), [{"id": "a", "title": "甲"}, {"id": "b", "title": "乙"}]), []),
    ("record-added-as-patch", _snap("1.2.4", ("id", "title"), [{"id": "a", "title": "甲"}, {"id": "b", "title": "乙"}]),
     ["version-bump-too-small"]),
    ("field-added-not-bumped", _snap("1.2.3", ("id", "title", "x"), [{"id": "a", "title": "甲", "x": ""}]),
     ["version-not-bumped"]),
    ("field-renamed-as-minor", _snap("1.3.0", ("id", "name"), [{"id": "a", "name": "甲"}]), ["version-bump-too-small"]),
    ("field-renamed-major-ok", _snap("2.0.0", ("id", "name"), [{"id": "a", "name": "甲"}]), []),
    ("major-skips", _snap("3.0.0", ("id", "name"), [{"id": "a", "name": "甲"}]), ["version-skipped"]),
    ("version-goes-down", _snap("1.2.2", ("id", "title"), [{"id": "a", "title": "乙"}]), ["version-order"]),
    ("record-removed", _snap("2.0.0", ("id", "title"), []), ["release-record-removed"]),
    ("not-semver", _snap("1.3", ("id", "title"), [{"id": "a", "title": "甲"}]), ["bad-version"]),
])
def test_version_rules(case: str, new: releases.Snapshot, codes: list[str]) -> None:
    d = releases.diff(BASE, new, released=False)
    found = [p.code for p in releases.check(d, "datasets/package.yaml") if p.severity == "error"]
    assert found == codes, case


def test_problem_message_says_which_version_to_use() -> None:
    d = releases.diff(BASE, _snap("1.2.3", ("id", "title"), [{"id": "a", "title": "甲"}, {"id": "b", "title": "乙"}]),
                      released=False)
    (problem,) = releases.check(d, "datasets/package.yaml")
    assert "set version: 1.3.0" in problem.hint and "1 record(s) added" in problem.message


def test_real_changelog_has_baseline_and_current(built: Paths) -> None:
    data = json.loads((built.site / "data" / "changelog.json").read_text(encoding="utf-8"))
    versions = [r["version"] for r in data["releases"]]
    assert versions[-1] == "0.1.0" and (built.datasets / "releases" / "0.1.0" / "datapackage.json").is_file()
    first = data["releases"][-1]
    assert first["added"] == sorted(p.name for p in built.replies.iterdir() if p.is_dir())
    html = (built.site / "changelog" / "index.html").read_text(encoding="utf-8")
    for version in versions:
        assert f'id="v{version.replace(".", "-")}"' in html


def test_build_fails_when_the_package_changed_but_the_version_did_not(scratch: Paths) -> None:
    release = scratch.datasets / "releases" / "0.1.0"
    meta = scratch.package_meta.read_text(encoding="utf-8")
    released_version = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))["version"]
    scratch.package_meta.write_text(re.sub(r"(?m)^version: .*$", f"version: {released_version}", meta), encoding="utf-8")
    with pytest.raises(BuildError) as err:
        site.build(scratch)
    assert err.value.report is not None
    assert [p.code for p in err.value.report.errors] == ["version-not-bumped"]
    assert not scratch.site.exists()


def _edit_record(paths: Paths, reply_id: str, old: str, new: str) -> Path:
    path = paths.reply_record(reply_id)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_withdrawn_needs_both_date_and_reason(scratch: Paths) -> None:
    _edit_record(scratch, "530112-2020-yian-001", "withdrawn_date: null", "withdrawn_date: '2024-03-01'")
    report = records.load(scratch).report
    assert [(p.code, p.field) for p in report.errors] == [("withdrawn-incomplete", "withdrawn_reason")]


def test_withdrawn_reply_keeps_its_permalink_with_a_notice(scratch: Paths) -> None:
    _edit_record(scratch, "530112-2020-yian-001", "withdrawn_date: null", "withdrawn_date: '2024-03-01'")
    _edit_record(scratch, "530112-2020-yian-001", "withdrawn_reason: null", "withdrawn_reason: 答复单位撤下原文<b>")
    site.build(scratch)
    page = (scratch.site / "replies" / "530112-2020-yian-001" / "index.html").read_text(encoding="utf-8")
    assert "本答复已于2024年3月1日撤回" in page and "答复单位撤下原文&lt;b&gt;" in page
    log = json.loads((scratch.site / "data" / "changelog.json").read_text(encoding="utf-8"))
    assert log["releases"][0]["withdrawn"] == [
        {"id": "530112-2020-yian-001", "date": "2024-03-01", "reason": "答复单位撤下原文<b>"}]
    feed = (scratch.site / "feeds" / "replies.json").read_text(encoding="utf-8")
    assert "【已撤回】" in feed


def test_snapshot_release_keeps_a_release_once(built: Paths, tmp_path: Path) -> None:
    import shutil

    paths = Paths(tmp_path / "repo")
    shutil.copytree(built.datasets, paths.datasets)
    shutil.copytree(built.site, paths.site)
    kept = release_keep.snapshot_release(paths)
    version = json.loads((built.site / "data" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert kept == paths.datasets / "releases" / version
    assert (kept / "replies.csv").read_bytes() == (built.site / "data" / "replies.csv").read_bytes()
    with pytest.raises(BuildError, match="a release is never changed"):
        release_keep.snapshot_release(paths)


def test_a_package_read_from_its_files_diffs_as_one_read_into_memory(tmp_path: Path) -> None:
    """The build's own package is diffed from its CSVs as they are read (``CsvRows``: issue 13, the sections
    are gigabytes at 100,000 letters); the changes found must be those of the package read whole."""
    folder = RELEASES / "added-changed-withdrawn"
    old = releases.load_release(folder / "0.1.0")
    descriptor = json.loads((folder / "0.2.0" / "datapackage.json").read_text(encoding="utf-8"))
    from_files = releases.snapshot(descriptor, folder / "0.2.0")
    in_memory = releases.snapshot(descriptor, {r["path"]: (folder / "0.2.0" / r["path"]).read_bytes()
                                               for r in descriptor["resources"]})
    assert all(isinstance(rows, releases.CsvRows) for rows in from_files.rows.values())
    assert all(isinstance(rows, list) for rows in in_memory.rows.values())
    a, b = releases.diff(old, from_files, released=False), releases.diff(old, in_memory, released=False)
    assert a.as_dict() == b.as_dict()
    assert a.changed == [{"id": "b-2022-tian-2", "fields": ["title", "sections"]}]
    # one character of a child table's cell is a change, found through the digests
    for r in descriptor["resources"]:
        (tmp_path / r["path"]).write_bytes((folder / "0.2.0" / r["path"]).read_bytes())
    sections = (tmp_path / "sections.csv").read_text(encoding="utf-8")
    (tmp_path / "sections.csv").write_text(sections.replace("甲的正文。", "甲的正文！"), encoding="utf-8")
    edited = releases.diff(old, releases.snapshot(descriptor, tmp_path), released=False)
    assert edited.changed == [{"id": "a-2021-tian-1", "fields": ["sections"]}, *a.changed]
