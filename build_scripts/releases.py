"""Releases: what changed between versions of the data package, and whether the version says so.

Load: every released package kept under ``datasets/releases/<version>/`` (its datapackage.json and
CSVs, committed) and the package this build makes. Process: diff each release against the one
before it, and the current package against the newest release: records added, changed (which
fields), withdrawn (with reasons), fields added or removed. Check the version follows the rules
(major: a field removed or renamed; minor: records or fields added; patch: corrections, including
withdrawals) and report a Problem when it does not. Save: nothing here; ``changelog`` applies
these rules to the package a build makes, and ``release_keep`` keeps a built package as a release.

A record is never removed: a withdrawn reply keeps its row (and its permalink) with
``withdrawn_date`` and ``withdrawn_reason``; a release that drops a record is an error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Container, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from build_scripts.paths import relative
from build_scripts.problems import Problem, Report, Severity

Level = Literal["major", "minor", "patch"]
LEVELS: tuple[Level, ...] = ("patch", "minor", "major")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
RECORDS = "replies"
CHILD_KEY = "reply_id"
Row = dict[str, str]


class CsvRows:
    """A CSV file's rows as dicts of text cells, read from the file each time they are iterated (never held)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[Row]:
        with open(self.path, encoding="utf-8-sig", newline="") as f:
            yield from csv.DictReader(f)


@dataclass(frozen=True)
class Snapshot:
    """One version of the package as tables of text cells, exactly as its CSVs hold them: a table's rows
    are a list or a ``CsvRows`` (the package a build makes is read from its files as the diff goes)."""

    version: str
    fields: dict[str, tuple[str, ...]]
    keys: dict[str, tuple[str, ...]]
    rows: dict[str, Iterable[Row]]

    def records(self, only: Container[str] | None = None) -> dict[str, Row]:
        """id -> row of the records table; with ``only``, of those ids only."""
        return {r["id"]: r for r in self.rows.get(RECORDS, []) if only is None or r["id"] in only}

    def ids(self) -> set[str]:
        return {r["id"] for r in self.rows.get(RECORDS, [])}

    def data_date(self) -> str:
        dates = (r.get("published_date") or r.get("reply_date") or "" for r in self.rows.get(RECORDS, []))
        return max(dates, default="")


@dataclass
class Diff:
    version: str
    previous: str | None
    released: bool
    data_date: str
    added: list[str] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)  # {"id", "fields"}
    withdrawn: list[dict[str, str]] = field(default_factory=list)  # {"id", "date", "reason"}
    removed: list[str] = field(default_factory=list)
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # vocabulary rows added/changed/removed

    @property
    def required(self) -> Level | None:
        """The smallest version bump these changes need."""
        if self.fields_removed or self.removed:
            return "major"
        if self.added or self.fields_added or any(o.endswith("（新增）") for o in self.other):
            return "minor"
        if self.changed or self.withdrawn or self.other:
            return "patch"
        return None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "required": self.required}


# --- load -----------------------------------------------------------------------------------

def snapshot(descriptor: dict[str, Any], files: dict[str, bytes] | Path) -> Snapshot:
    """The package ``descriptor`` describes, its CSVs given as bytes or as the folder holding them."""
    fields, keys = {}, {}
    rows: dict[str, Iterable[Row]] = {}
    for resource in descriptor["resources"]:
        name = resource["name"]
        fields[name] = tuple(f["name"] for f in resource["schema"]["fields"])
        keys[name] = tuple(resource["schema"].get("primaryKey", []))
        if isinstance(files, Path):
            rows[name] = CsvRows(files / resource["path"])
        else:
            text = files[resource["path"]].decode("utf-8-sig")
            rows[name] = list(csv.DictReader(io.StringIO(text, newline="")))
    return Snapshot(str(descriptor["version"]), fields, keys, rows)


def load_release(folder: Path) -> Snapshot:
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return snapshot(descriptor, folder)


def parse_version(text: str) -> tuple[int, int, int] | None:
    match = SEMVER.match(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def release_dirs(releases_dir: Path) -> list[Path]:
    """Release folders in version order; folders that are not versions are reported by ``check``."""
    if not releases_dir.is_dir():
        return []
    found = [p for p in releases_dir.iterdir() if p.is_dir() and parse_version(p.name)]
    return sorted(found, key=lambda p: parse_version(p.name) or (0, 0, 0))


# --- process --------------------------------------------------------------------------------

def diff(old: Snapshot | None, new: Snapshot, *, released: bool) -> Diff:
    out = Diff(new.version, old.version if old else None, released, new.data_date())
    before = old.records() if old else {}
    after_ids = new.ids()
    out.added = sorted(after_ids - set(before))
    out.removed = sorted(set(before) - after_ids)
    if old is None:
        return out
    after = new.records(only=before)  # only the records both have are compared
    for table, names in new.fields.items():
        previous = old.fields.get(table, ())
        out.fields_added += [f"{table}.{n}" for n in names if n not in previous]
    for table, names in old.fields.items():
        current = new.fields.get(table, ())
        out.fields_removed += [f"{table}.{n}" for n in names if n not in current]
    children = _children(old, new, set(before) & set(after))
    for rid in sorted(set(before) & set(after)):
        common = [n for n in new.fields[RECORDS] if n in old.fields.get(RECORDS, ())]
        changed = [n for n in common if before[rid].get(n, "") != after[rid].get(n, "")]
        changed += [t for t, (a, b) in children.items() if a.get(rid) != b.get(rid)]
        was, now = before[rid].get("withdrawn_date", ""), after[rid].get("withdrawn_date", "")
        if now and not was:
            out.withdrawn.append({"id": rid, "date": now, "reason": after[rid].get("withdrawn_reason", "")})
            changed = [n for n in changed if n not in ("withdrawn_date", "withdrawn_reason")]
        if changed:
            out.changed.append({"id": rid, "fields": changed})
    out.other = _vocabulary_changes(old, new)
    return out


PerReply = dict[str, bytes]


def _children(old: Snapshot, new: Snapshot, ids: set[str]) -> dict[str, tuple[PerReply, PerReply]]:
    """table -> (old, new) digest of each reply's rows (the columns both versions have, in file order), for
    tables keyed by reply_id and the replies in ``ids``: equal digests, equal rows. Digests rather than the
    rows, so the diff holds no table whole (the sections are gigabytes at 100,000 letters, issue 13)."""
    out: dict[str, tuple[PerReply, PerReply]] = {}
    for table, names in new.fields.items():
        if table == RECORDS or CHILD_KEY not in names or table not in old.fields:
            continue
        common = [n for n in names if n in old.fields[table] and n != CHILD_KEY]
        per: list[PerReply] = []
        for snap in (old, new):
            grouped: dict[str, Any] = {}
            for row in snap.rows[table]:
                if (rid := row[CHILD_KEY]) in ids:
                    if rid not in grouped:
                        grouped[rid] = hashlib.blake2b(digest_size=16)
                    grouped[rid].update(orjson.dumps([row.get(n, "") for n in common]) + b"\n")
            per.append({rid: h.digest() for rid, h in grouped.items()})
        out[table] = (per[0], per[1])
    return out


def _vocabulary_changes(old: Snapshot, new: Snapshot) -> list[str]:
    out = []
    for table, names in new.fields.items():
        if table == RECORDS or CHILD_KEY in names or table not in old.fields:
            continue
        key = new.keys[table]
        common = [n for n in names if n in old.fields[table]]
        before = {tuple(r[k] for k in key): r for r in old.rows[table]}  # vocabularies: small
        after = {tuple(r[k] for k in key): r for r in new.rows[table]}
        for k in sorted(set(after) - set(before)):
            out.append(f"{table} {'/'.join(k)}（新增）")
        for k in sorted(set(before) - set(after)):
            out.append(f"{table} {'/'.join(k)}（删除）")
        for k in sorted(set(before) & set(after)):
            fields = [n for n in common if before[k].get(n, "") != after[k].get(n, "")]
            if fields:
                out.append(f"{table} {'/'.join(k)}（修改：{'、'.join(fields)}）")
    return out


def bump_level(old: str, new: str) -> Level | None:
    a, b = parse_version(old), parse_version(new)
    if a is None or b is None or b <= a:
        return None
    return "major" if b[0] != a[0] else "minor" if b[1] != a[1] else "patch"


def next_version(old: str, level: Level) -> str:
    major, minor, patch = parse_version(old) or (0, 0, 0)
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[level]


def check(d: Diff, file: str) -> list[Problem]:
    """Problems with the version ``d.version`` given the changes since ``d.previous``."""
    problems: list[Problem] = []

    def where(code: str, msg: str, hint: str, sev: Severity = "error") -> Problem:
        return Problem(file, 0, "version", code, msg, hint, sev)

    if parse_version(d.version) is None:
        return [where("bad-version", f"version {d.version!r} is not MAJOR.MINOR.PATCH", "write it like 0.2.0")]
    for rid in d.removed:
        problems.append(where("release-record-removed", f"reply {rid} is in release {d.previous} but not in {d.version}",
                              "never remove a record: keep it and set withdrawn_date and withdrawn_reason"))
    if d.previous is None:
        return problems
    need = d.required
    if d.version == d.previous:
        if need:
            problems.append(where(
                "version-not-bumped", f"the package changed since release {d.previous} ({_why(d)}) but its version is "
                f"still {d.version}", f"set version: {next_version(d.previous, need)} in datasets/package.yaml"))
        return problems
    got = bump_level(d.previous, d.version)
    if got is None:
        problems.append(where("version-order", f"version {d.version} is not after release {d.previous}",
                              f"versions only go up: use {next_version(d.previous, need or 'patch')}"))
    elif need and LEVELS.index(got) < LEVELS.index(need):
        problems.append(where(
            "version-bump-too-small", f"{d.previous} → {d.version} is a {got} release, but {_why(d)} needs {need}",
            f"set version: {next_version(d.previous, need)}"))
    elif d.version != next_version(d.previous, got):
        problems.append(where("version-skipped", f"{d.previous} → {d.version} skips a version",
                              f"the next {got} version is {next_version(d.previous, got)}"))
    elif need is None:
        problems.append(where("version-without-changes", f"version {d.version} has no changes since {d.previous}",
                              f"keep version: {d.previous} until something changes", "warning"))
    return problems


def _why(d: Diff) -> str:
    parts = []
    if d.fields_removed:
        parts.append("fields removed: " + ", ".join(d.fields_removed))
    if d.removed:
        parts.append("records removed: " + ", ".join(d.removed))
    if d.fields_added:
        parts.append("fields added: " + ", ".join(d.fields_added))
    if d.added:
        parts.append(f"{len(d.added)} record(s) added")
    if d.changed:
        parts.append(f"{len(d.changed)} record(s) changed")
    if d.withdrawn:
        parts.append(f"{len(d.withdrawn)} record(s) withdrawn")
    if d.other:
        parts.append(f"{len(d.other)} vocabulary change(s)")
    return "; ".join(parts)


def history(releases_dir: Path, current: Snapshot | None, file: str) -> tuple[list[Diff], Report]:
    """Every release's diff against the one before, then the current package's against the newest."""
    snaps = [load_release(p) for p in release_dirs(releases_dir)]
    problems: list[Problem] = []
    for p in release_dirs(releases_dir):
        if p.name != (snap := load_release(p)).version:
            problems.append(Problem(relative(p / "datapackage.json"), 0, "version", "release-version-mismatch",
                                    f"folder {p.name} holds version {snap.version}", "name the folder by its version"))
    diffs: list[Diff] = []
    previous: Snapshot | None = None
    for snap in snaps:
        diffs.append(diff(previous, snap, released=True))
        previous = snap
    if current is not None:
        d = diff(previous, current, released=previous is not None and current.version == previous.version)
        problems.extend(check(d, file))
        if not d.released:
            diffs.append(d)
    return list(reversed(diffs)), Report.of(problems)


def changelog_data(diffs: list[Diff], version: str) -> dict[str, Any]:
    return {"current": version, "releases": [d.as_dict() for d in diffs]}
