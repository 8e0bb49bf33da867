"""Stage 1, records: load every reply record under datasets/replies/ and check it.

Load: read each ``<id>/reply.yaml`` strictly. Process: check every field against the field
list, then the cross-record rules (ids, vocabularies, raw letters, dates). Save: nothing; the
records are the source of truth and no build ever writes to them.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from build_scripts import dates, topics, vocab as vocab_mod, yamlio
from build_scripts.fieldcheck import check_mapping
from build_scripts.fields import REPLY_FIELDS
from build_scripts.paths import Paths, relative
from build_scripts.problems import Problem, Report
from build_scripts.vocab import Vocabularies

RECORD_NAME = "reply.yaml"
DUPLICATE_KEY = ("assembly", "term", "session_no", "proposal_number", "agency")
"""Two records with these values equal answer the same proposal from the same agency."""

# Size limits, checked before a file is read (README, "Publishing"). A record is text: the
# longest seed is 22 KB. A raw letter is a web page, Word file or PDF as received.
MAX_RECORD_BYTES = 1024 * 1024
MAX_RAW_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Reply:
    """A valid record plus what the build derives from it (region name, category scheme)."""

    data: dict[str, Any]
    folder: Path

    @property
    def id(self) -> str:
        return str(self.data["id"])

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def raw_path(self) -> Path:
        return self.folder / str(self.data["raw_file"])


@dataclass(frozen=True)
class Dataset:
    replies: tuple[Reply, ...]
    vocab: Vocabularies
    report: Report

    @functools.cached_property
    def newest_date(self) -> str:
        """The newest reply or publication date in the collection ('' when none): the data date."""
        return max((str(r["published_date"] or r["reply_date"] or "") for r in self.replies), default="")


def load(paths: Paths) -> Dataset:
    """Load and check everything; invalid records are reported and left out of ``replies``."""
    vocabularies, problems = vocab_mod.load(paths)
    replies: list[Reply] = []
    parsed: list[Reply] = []
    folders = sorted(p for p in paths.replies.iterdir() if p.is_dir()) if paths.replies.is_dir() else []
    for reply, found in _load_all(folders, vocabularies, paths.root):
        problems.extend(found)
        if reply is not None:
            parsed.append(reply)
            if not any(p.severity == "error" for p in found):
                replies.append(reply)
    duplicates = list(_check_unique(parsed, paths.root))
    problems.extend(duplicates)
    bad = {p.file for p in duplicates}
    replies = [r for r in replies if relative(r.folder / RECORD_NAME, paths.root) not in bad]
    problems.extend(_check_vocab_use(replies, vocabularies, paths))
    if not folders:
        problems.append(Problem(relative(paths.replies, paths.root), 0, "", "no-records", "no reply records found",
                                "add one with `portal add LETTER`"))
    replies.sort(key=lambda r: r.id)
    return Dataset(tuple(replies), vocabularies, Report.of(problems))


PARALLEL_FROM = 2000
"""Records from which loading runs in two processes (each reads and checks half the folders)."""

LoadedRecords = list[tuple["Reply | None", list[Problem]]]


def _load_some(folders: list[Path], vocabularies: Vocabularies, root: Path) -> LoadedRecords:
    return [load_one(folder, vocabularies, root) for folder in folders]


def _load_all(folders: list[Path], vocabularies: Vocabularies, root: Path) -> LoadedRecords:
    """``load_one`` for every folder, in order; a large collection in two processes."""
    if len(folders) < PARALLEL_FROM:
        return _load_some(folders, vocabularies, root)
    from build_scripts.background import in_two

    half = len(folders) // 2
    first, second = in_two("validate", _load_some, folders[:half], folders[half:], vocabularies, root)
    return first + second


def load_one(folder: Path, vocabularies: Vocabularies, root: Path) -> tuple[Reply | None, list[Problem]]:
    record_path = folder / RECORD_NAME
    if folder.is_symlink():
        return None, [Problem(f"{relative(folder.parent, root)}/{folder.name}", 0, "", "symlink",
                              "reply folder is a symbolic link", "keep each reply's own folder under datasets/replies/")]
    file = relative(record_path, root)
    if not record_path.is_file():
        return None, [Problem(relative(folder, root), 0, "", "missing-record",
                              f"folder has no {RECORD_NAME}", f"add {RECORD_NAME} or remove the folder")]
    if record_path.is_symlink():
        return None, [Problem(f"{relative(folder, root)}/{RECORD_NAME}", 0, "", "symlink", "record is a symbolic link",
                              "keep the record itself in the reply's folder")]
    size = record_path.stat().st_size
    if size > MAX_RECORD_BYTES:
        return None, [Problem(file, 0, "", "too-large",
                              f"record is {size:,} bytes, more than the limit of {MAX_RECORD_BYTES:,}",
                              "a record is text; keep the letter itself in its own file beside it")]
    raw = record_path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(file, 0, "", "bad-encoding",
                              f"record is not UTF-8 (byte {exc.start}: {raw[exc.start:exc.start + 1]!r})",
                              "save it as UTF-8; GBK and UTF-16 records are not accepted")]
    if "\x00" in text:
        return None, [Problem(file, 0, "", "bad-encoding",
                              f"record contains NUL bytes (first at byte {raw.index(0)}): UTF-16 or binary",
                              "save it as UTF-8; GBK and UTF-16 records are not accepted")]
    if not text.strip():
        return None, [Problem(file, 0, "", "empty-file", "record is empty", "write the record's fields")]
    try:
        loaded = yamlio.load(text)
    except yamlio.YamlProblem as exc:
        return None, [Problem(file, exc.line, exc.key or _key_at_line(text, exc.line), "yaml-error", str(exc),
                              "fix the YAML syntax at that line")]
    problems = list(check_mapping(loaded.data, REPLY_FIELDS, file=file, lines=loaded.lines))
    if problems:
        return None, problems
    data: dict[str, Any] = loaded.data
    problems.extend(_check_record(data, folder, file, loaded.lines, vocabularies, root))
    derived = dict(data)
    region = vocabularies.region_by_code.get(data["region_code"])
    derived["region_name"] = region["name"] if region else None
    scheme = vocabularies.scheme_for(data["assembly"])
    derived["category_scheme"] = scheme["scheme"] if scheme and data["category"] else None
    return Reply(derived, folder), problems


def _key_at_line(text: str, line: int) -> str:
    """The top-level field whose block holds ``line`` (1-based), so a syntax error names a field;
    none for a document marker (---), which makes the file two documents."""
    lines = text.splitlines()[:line]
    if not lines or lines[-1].startswith(("---", "...")):
        return ""
    keys = [m[1] for m in map(_TOP_KEY.match, lines) if m]
    return keys[-1] if keys else ""


_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:")


def _check_record(data: dict[str, Any], folder: Path, file: str, lines: dict[str, int],
                  vocabularies: Vocabularies, root: Path) -> Iterator[Problem]:
    line = lambda key: lines.get(key, 0)  # noqa: E731
    if data["id"] != folder.name:
        yield Problem(file, line("id"), "id", "id-mismatch",
                      f"id {data['id']!r} differs from its folder name {folder.name!r}",
                      "the folder is the permalink: rename neither; fix the id to match the folder")
    for i, topic in enumerate(data["topics"]):
        if topic not in vocabularies.topic_ids:
            yield Problem(file, lines.get(f"topics[{i}]", line("topics")), f"topics[{i}]", "unknown-topic",
                          f"{topic!r} is not in datasets/vocab/topics.yaml",
                          "use a topic id from that file, or add the topic there")
    if data["region_code"] not in vocabularies.region_by_code:
        yield Problem(file, line("region_code"), "region_code", "unknown-region",
                      f"{data['region_code']} is not in datasets/vocab/regions.yaml",
                      "add the region (GB/T 2260 code, name, level, parent) there")
    if data["category"] is not None:
        scheme = vocabularies.scheme_for(data["assembly"])
        if scheme is None:
            yield Problem(file, line("category"), "category", "unknown-category",
                          f"no category scheme covers {data['assembly']}",
                          "add the assembly to a scheme in datasets/vocab/categories.yaml")
        elif data["category"] not in {c["code"] for c in scheme["codes"]}:
            yield Problem(file, line("category"), "category", "unknown-category",
                          f"{data['category']!r} is not a code of scheme {scheme['scheme']}",
                          "check the letter, or add the code with its definition to the scheme")
    reply_date = dates.parse_iso(data["reply_date"]) if data["reply_date"] else None
    published = dates.parse_iso(data["published_date"]) if data["published_date"] else None
    if reply_date and published and published < reply_date:
        yield Problem(file, line("published_date"), "published_date", "date-order",
                      f"published {published} before the reply was signed ({reply_date})",
                      "check both dates against the letter and the page")
    if (data["withdrawn_date"] is None) != (data["withdrawn_reason"] is None):
        missing = "withdrawn_reason" if data["withdrawn_reason"] is None else "withdrawn_date"
        yield Problem(file, line(missing), missing, "withdrawn-incomplete",
                      "a withdrawn reply needs both withdrawn_date and withdrawn_reason",
                      "give both (the date and why), or write null for both while the reply stands")
    yield from _check_raw(data, folder, file, line, root)
    yield from _check_sections(data, file, lines)


def _check_raw(data: dict[str, Any], folder: Path, file: str, line: Any, root: Path) -> Iterator[Problem]:
    raw_path = folder / data["raw_file"]
    if data["raw_file"] == RECORD_NAME or not raw_path.is_file():
        yield Problem(file, line("raw_file"), "raw_file", "raw-missing",
                      f"raw letter {data['raw_file']!r} is not in {relative(folder, root)}",
                      "keep the letter as received beside the record")
        return
    if raw_path.is_symlink():
        yield Problem(file, line("raw_file"), "raw_file", "symlink",
                      f"raw letter {data['raw_file']!r} is a symbolic link, not the letter as received",
                      "keep the letter itself beside the record; a link could publish any file of the machine")
        return
    size = raw_path.stat().st_size
    if size > MAX_RAW_BYTES:
        yield Problem(file, line("raw_file"), "raw_file", "too-large",
                      f"raw letter {data['raw_file']!r} is {size:,} bytes, more than the limit of {MAX_RAW_BYTES:,}",
                      "a reply letter is far smaller: check that this is the right file")
        return
    digest = hashlib.sha256(raw_path.read_bytes()).hexdigest()
    if digest != data["raw_sha256"]:
        yield Problem(file, line("raw_sha256"), "raw_sha256", "sha256-mismatch",
                      f"the raw letter's sha256 is {digest}, the record says {data['raw_sha256']}",
                      "the raw letter must stay byte for byte as received; restore it, "
                      "or if a new copy was received, add it as a new letter")


def _check_sections(data: dict[str, Any], file: str, lines: dict[str, int]) -> Iterator[Problem]:
    sections = data["sections"]
    if not sections:
        yield Problem(file, lines.get("sections", 0), "sections", "empty-value",
                      "a reply needs at least one section of text", "copy the letter's text into sections")
    for i, section in enumerate(sections):
        path = f"sections[{i}]"
        if (section["heading"] is None) != (section["level"] == 0):
            yield Problem(file, lines.get(path, 0), f"{path}.level", "bad-value",
                          "level 0 is for untitled text and an untitled section must have level 0",
                          "give a heading with level 1-3, or heading: null with level 0")
        if section["level"] > 3:
            yield Problem(file, lines.get(path, 0), f"{path}.level", "bad-value",
                          f"level {section['level']} is deeper than 3", "use 1, 2 or 3")


def _check_unique(replies: list[Reply], root: Path) -> Iterator[Problem]:
    seen: dict[str, Reply] = {}
    keys: dict[tuple[Any, ...], Reply] = {}
    for reply in sorted(replies, key=lambda r: r.folder.name):
        file = relative(reply.folder / RECORD_NAME, root)
        if reply.id in seen:
            yield Problem(file, 1, "id", "duplicate-id",
                          f"id {reply.id!r} is also used by {relative(seen[reply.id].folder / RECORD_NAME, root)}",
                          "every reply needs its own id")
        seen[reply.id] = reply
        key = tuple(reply[k] for k in DUPLICATE_KEY)
        if reply["proposal_number"] is not None and key in keys:
            yield Problem(file, 1, "proposal_number", "duplicate-reply",
                          f"same assembly, session, proposal number and agency as {keys[key].id}",
                          "one reply per proposal and agency: keep one record, or correct the number")
        keys[key] = reply


def _check_vocab_use(replies: list[Reply], vocabularies: Vocabularies, paths: Paths) -> Iterator[Problem]:
    """The other direction: vocabulary entries that no record uses are reported as warnings."""
    used_topics = {t for r in replies for t in r["topics"]}
    for i, topic in enumerate(vocabularies.topics):
        if replies and topic["id"] not in used_topics:
            yield Problem(relative(paths.vocab / "topics.yaml", paths.root), 0, f"[{i}].id", "unused-vocab",
                          f"topic {topic['id']} ({topic['name']}) is used by no record",
                          "fine while the collection grows; remove it if it will never be used", "warning")
    used_regions: set[str] = set()
    for reply in replies:
        used_regions.update(r["code"] for r in vocabularies.region_chain(reply["region_code"]))
    for i, region in enumerate(vocabularies.regions):
        if replies and region["code"] not in used_regions:
            yield Problem(relative(paths.vocab / "regions.yaml", paths.root), 0, f"[{i}].code", "unused-vocab",
                          f"region {region['code']} ({region['name']}) is used by no record",
                          "remove it, or keep it if records for it are coming", "warning")
    used_schemes = {r["category_scheme"] for r in replies}
    for i, scheme in enumerate(vocabularies.category_schemes):
        if replies and scheme["scheme"] not in used_schemes:
            yield Problem(relative(paths.vocab / "categories.yaml", paths.root), 0, f"[{i}].scheme", "unused-vocab",
                          f"category scheme {scheme['scheme']} is used by no record",
                          "remove it, or keep it if records for it are coming", "warning")


def expected_topics(reply: Reply, vocabularies: Vocabularies) -> list[str]:
    return topics.assign(reply.data, vocabularies.topics)
