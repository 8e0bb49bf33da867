"""Vocabularies are data: topics, regions, category schemes, sessions and answer periods under datasets/vocab/.

Regions are the GB/T 2260 divisions of a maintained package (``divisions``) merged with
``regions.yaml``, which keeps only what the package lacks (each entry with its source).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from build_scripts import divisions, proposals, yamlio
from build_scripts.fieldcheck import check_mapping
from build_scripts.fields import (
    ANSWER_PERIOD_FIELDS,
    CATEGORY_SCHEME_FIELDS,
    REGION_FIELDS,
    SESSION_FIELDS,
    TOPIC_FIELDS,
    Field,
)
from build_scripts.paths import Paths, relative
from build_scripts.problems import Problem

VOCAB_FILES: dict[str, tuple[str, tuple[Field, ...], str]] = {
    # name: (file, fields, key field)
    "topics": ("topics.yaml", TOPIC_FIELDS, "id"),
    "regions": ("regions.yaml", REGION_FIELDS, "code"),
    "category_schemes": ("categories.yaml", CATEGORY_SCHEME_FIELDS, "scheme"),
    "sessions": ("sessions.yaml", SESSION_FIELDS, "id"),
    "answer_periods": ("answer_periods.yaml", ANSWER_PERIOD_FIELDS, "id"),
}


@dataclass(frozen=True)
class Vocabularies:
    topics: tuple[dict[str, Any], ...]
    regions: tuple[dict[str, Any], ...]
    category_schemes: tuple[dict[str, Any], ...]
    sessions: tuple[dict[str, Any], ...] = ()
    answer_periods: tuple[dict[str, Any], ...] = ()

    def session_for(self, assembly: str, term: int | None, session_no: int | None) -> dict[str, Any] | None:
        """The session a proposal was made at, when its dates are known."""
        return next((s for s in self.sessions if (s["assembly"], s["term"], s["session_no"]) == (assembly, term, session_no)),
                    None)

    @property
    def topic_ids(self) -> set[str]:
        return {t["id"] for t in self.topics}

    @functools.cached_property
    def region_by_code(self) -> dict[str, dict[str, Any]]:
        return {r["code"]: r for r in self.regions}

    @functools.cached_property
    def _assembly_regions(self) -> dict[str, str | None]:
        return {}

    def assembly_region(self, assembly: str) -> str | None:
        """``proposals.assembly_region`` remembered per assembly name: a collection names a few hundred
        assemblies, and the scan over every region cost 1.9 ms a reply (issue 13: 190 s at 100,000 letters)."""
        known = self._assembly_regions
        if assembly not in known:
            known[assembly] = proposals.assembly_region(assembly, self.regions)
        return known[assembly]

    def scheme_for(self, assembly: str) -> dict[str, Any] | None:
        for scheme in self.category_schemes:
            if assembly in scheme["assemblies"]:
                return scheme
        return None

    def region_chain(self, code: str) -> list[dict[str, Any]]:
        """The region and its parents, province first."""
        chain: list[dict[str, Any]] = []
        by_code = self.region_by_code
        current = by_code.get(code)
        while current is not None and len(chain) < 5:
            chain.insert(0, current)
            current = by_code.get(current["parent"]) if current["parent"] else None
        return chain


def load(paths: Paths) -> tuple[Vocabularies, list[Problem]]:
    """Load every vocabulary; unreadable or invalid entries become problems and are left out."""
    problems: list[Problem] = []
    loaded: dict[str, tuple[dict[str, Any], ...]] = {}
    for name, (filename, fields, key) in VOCAB_FILES.items():
        path = paths.vocab / filename
        entries, found = _load_list(path, fields, key, paths.root)
        loaded[name] = entries
        problems.extend(found)
    local = loaded["regions"]
    try:
        loaded["regions"] = merge_regions(local)
    except divisions.DivisionsMissing as exc:
        problems.append(Problem(relative(paths.vocab / "regions.yaml", paths.root), 0, "", "missing-dependency",
                                f"the GB/T 2260 divisions cannot be read: {exc}",
                                "install the project's dependencies (make setup, or pip install -e .)"))
    vocab = Vocabularies(**loaded)
    problems.extend(_cross_checks(vocab, local, paths))
    return vocab, problems


def merge_regions(local: tuple[dict[str, Any], ...]) -> tuple[dict[str, Any], ...]:
    """The package's divisions with regions.yaml's entries added; a regions.yaml entry wins for its code."""
    merged = {r["code"]: r for r in divisions.package_regions()}
    merged.update((r["code"], r) for r in local)
    return tuple(merged[code] for code in sorted(merged))


def _load_list(path: Path, fields: tuple[Field, ...], key: str,
               root: Path) -> tuple[tuple[dict[str, Any], ...], list[Problem]]:
    file = relative(path, root)
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return (), [Problem(file, 0, "", "missing-file", "vocabulary file is missing", "restore it from git")]
    except UnicodeDecodeError as exc:
        return (), [Problem(file, 0, "", "bad-encoding", f"not UTF-8 ({exc.reason} at byte {exc.start})",
                            "save the file as UTF-8")]
    try:
        loaded = yamlio.load(text)
    except yamlio.YamlProblem as exc:
        return (), [Problem(file, exc.line, "", "yaml-error", str(exc), "fix the YAML syntax at that line")]
    if not isinstance(loaded.data, list):
        return (), [Problem(file, 1, "", "not-a-list", "a vocabulary file must be a list of entries",
                            "start each entry with '- '")]
    entries: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for i, item in enumerate(loaded.data):
        found = list(check_mapping(item, fields, file=file, lines=loaded.lines, prefix=f"[{i}]"))
        problems.extend(found)
        if found:
            continue
        if item[key] in seen:
            problems.append(Problem(file, loaded.lines.get(f"[{i}]", 0), f"[{i}].{key}", "duplicate-id",
                                    f"{key} {item[key]!r} appears twice", "give each entry its own key"))
            continue
        seen.add(item[key])
        entries.append(item)
    return tuple(entries), problems


def _cross_checks(vocab: Vocabularies, local: tuple[dict[str, Any], ...], paths: Paths) -> list[Problem]:
    problems: list[Problem] = []
    regions_file = relative(paths.vocab / "regions.yaml", paths.root)
    codes = vocab.region_by_code
    for i, region in enumerate(local):
        if region["parent"] is not None and region["parent"] not in codes:
            problems.append(Problem(regions_file, 0, f"[{i}].parent", "unknown-region",
                                    f"parent {region['parent']} of {region['code']} is neither in the file nor in "
                                    f"the {divisions.PACKAGE} divisions", "add the parent region"))
    schemes_file = relative(paths.vocab / "categories.yaml", paths.root)
    claimed: dict[str, str] = {}
    for i, scheme in enumerate(vocab.category_schemes):
        for assembly in scheme["assemblies"]:
            if assembly in claimed:
                problems.append(Problem(schemes_file, 0, f"[{i}].assemblies", "duplicate-id",
                                        f"{assembly} is claimed by {claimed[assembly]} and {scheme['scheme']}",
                                        "an assembly uses one scheme"))
            claimed[assembly] = scheme["scheme"]
        codes_seen = [c["code"] for c in scheme["codes"]]
        if len(set(codes_seen)) != len(codes_seen):
            problems.append(Problem(schemes_file, 0, f"[{i}].codes", "duplicate-id",
                                    f"scheme {scheme['scheme']} defines a code twice", "keep one"))
    return problems
