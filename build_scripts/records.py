"""Stage 1, records: load every reply record under datasets/replies/, checked, as a ``Dataset``.

Load: read each ``<id>/reply.yaml`` strictly (size, encoding, YAML, every field against the field
list). Process: the rules of ``checks`` on each record and across records. Save: nothing; the
records are the source of truth and no build ever writes to them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from build_scripts import background, proposals, speed, topics, yamlio
from build_scripts import vocab as vocab_mod
from build_scripts.checks import check_proposals, check_record, check_thread_decisions, check_unique, check_vocab_use
from build_scripts.consistency import check_session_order
from build_scripts.dataset import RECORD_NAME, Dataset, PackedReply, Reply, TextStore, release_memory
from build_scripts.fieldcheck import check_mapping
from build_scripts.fields import REPLY_FIELDS
from build_scripts.packagefields import PACKAGE_FIELDS
from build_scripts.paths import Paths, relative
from build_scripts.problems import Problem, Report
from build_scripts.vocab import Vocabularies

SESSION_ORDER = ("id", "assembly", "term", "session_no", "reply_date")
"""The fields ``check_session_order`` reads: only these are held for every record at once."""

MAX_RECORD_BYTES = 1024 * 1024
"""The largest record accepted, checked before it is read: a record is text (the longest seed is 22 KB)."""


def load(paths: Paths) -> Dataset:
    """Load and check everything; invalid records are reported and left out of ``replies``."""
    vocabularies, problems = vocab_mod.load(paths)
    replies: list[Reply] = []
    parsed: list[Reply] = []
    failed: list[Path] = []
    folders = sorted(p for p in paths.replies.iterdir() if p.is_dir()) if paths.replies.is_dir() else []
    for folder, (reply, found) in zip(folders, _load_all(folders, vocabularies, paths.root), strict=True):
        problems.extend(found)
        if reply is None:
            failed.append(folder)
        else:
            parsed.append(reply)
            if not any(p.severity == "error" for p in found):
                replies.append(reply)
    duplicates = list(check_unique(parsed, paths.root))
    problems.extend(duplicates)
    problems.extend(check_session_order([(relative(r.folder / RECORD_NAME, paths.root), {k: r[k] for k in SESSION_ORDER})
                                     for r in parsed]))
    bad = {p.file for p in duplicates}
    replies = [r for r in replies if relative(r.folder / RECORD_NAME, paths.root) not in bad]
    problems.extend(check_proposals(replies, paths.root))
    problems.extend(check_thread_decisions(replies, paths.root))
    # every record that says which entries it uses counts, errors or not: one record's error is not
    # also reported as its entries being unused; an unreadable record might use any entry: say nothing
    also_used = [_partial(folder) for folder in failed]
    if all(d is not None for d in also_used):
        problems.extend(check_vocab_use(parsed, vocabularies, paths, [d for d in also_used if d is not None]))
    problems.extend(check_package_meta(paths))
    if not folders:
        problems.append(Problem(relative(paths.replies, paths.root), 0, "", "no-records", "no reply records found",
                                "add one with `portal add LETTER`"))
    replies.sort(key=lambda r: r.id)
    release_memory()
    return Dataset(tuple(replies), vocabularies, Report.of(problems), paths)


LoadedRecords = list[tuple["Reply | None", list[Problem]]]
StoredRecords = list[tuple["PackedReply | None", list[Problem]]]


def _load_some(part: tuple[list[Path], TextStore], vocabularies: Vocabularies, root: Path) -> StoredRecords:
    """``load_one`` for each folder, each reply put in the store as soon as it is read: no process holds
    the parsed records, and what goes back to the parent (ids, folders, places in the store) is small."""
    folders, store = part
    loaded: StoredRecords = []
    for folder in folders:
        reply, problems = load_one(folder, vocabularies, root)
        loaded.append((None if reply is None else reply.pack(store), problems))
    return loaded


def _load_all(folders: list[Path], vocabularies: Vocabularies, root: Path) -> LoadedRecords:
    """``load_one`` for every folder, in order, each reply stored (``TextStore``: the letters' text and
    fields out of memory; every later stage reads them when it needs them); a large collection in two
    processes, each writing a store of its own."""
    if not background.worth_two(len(folders)):
        store = TextStore()
        halves = [(_load_some((folders, store), vocabularies, root), store)]
    else:
        half = len(folders) // 2
        stores = TextStore(), TextStore()
        first, second = background.in_two("validate", _load_some, (folders[:half], stores[0]),
                                          (folders[half:], stores[1]), vocabularies, root)
        halves = [(first, stores[0]), (second, stores[1])]
    return [(None if packed is None else Reply.unpack(packed, store), problems)
            for loaded, store in halves for packed, problems in loaded]


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
        return None, [Problem(file, exc.line, exc.key or _key_at_line(text, exc.line), exc.code, str(exc),
                              exc.hint)]
    problems = list(check_mapping(loaded.data, REPLY_FIELDS, file=file, lines=loaded.lines))
    if problems:
        return None, problems
    data: dict[str, Any] = loaded.data
    problems.extend(check_record(data, folder, file, loaded.lines, vocabularies, root))
    derived = dict(data)
    region = vocabularies.region_by_code.get(data["region_code"])
    derived["region_name"] = region["name"] if region else None
    scheme = vocabularies.scheme_for(data["assembly"])
    derived["category_scheme"] = scheme["scheme"] if scheme and data["category"] else None
    derived["proposal_id"] = proposals.proposal_id(data, vocabularies.assembly_region)
    derived.update(speed.days(data, vocabularies.session_for(data["assembly"], data["term"], data["session_no"])))
    return Reply(derived, folder), problems


def check_package_meta(paths: Paths) -> list[Problem]:
    """datasets/package.yaml checked like a record (its license link goes on the data page; issue 17)."""
    path = paths.package_meta
    file = relative(path, paths.root)
    if not path.is_file() or path.is_symlink():
        return [Problem(file, 0, "", "missing-record", "the data package's metadata file is missing",
                        "restore datasets/package.yaml from the repository")]
    try:
        text = path.read_bytes().decode("utf-8-sig")
        loaded = yamlio.load(text)
    except UnicodeDecodeError:
        return [Problem(file, 0, "", "bad-encoding", "not UTF-8", "save it as UTF-8")]
    except yamlio.YamlProblem as exc:
        return [Problem(file, exc.line, exc.key or _key_at_line(text, exc.line), exc.code, str(exc), exc.hint)]
    problems = list(check_mapping(loaded.data, PACKAGE_FIELDS, file=file, lines=loaded.lines))
    if not problems and not loaded.data["licenses"]:
        problems.append(Problem(file, loaded.lines.get("licenses", 0), "licenses", "empty-value",
                                "the data package needs a license", "name the license of the curated data"))
    return problems


def _partial(folder: Path) -> dict[str, Any] | None:
    """What a record that failed its checks still says about the vocabularies it uses, so its error
    causes no false unused-vocab warning; None when it cannot be read at all."""
    record = folder / RECORD_NAME
    try:
        if folder.is_symlink() or record.is_symlink() or record.stat().st_size > MAX_RECORD_BYTES:
            return None  # never read what load_one refused to read
        data = yamlio.load(record.read_text(encoding="utf-8-sig")).data
    except (OSError, UnicodeDecodeError, ValueError, yamlio.YamlProblem):
        return None
    if not isinstance(data, dict):
        return None
    topics_used = data.get("topics")
    return {"topics": [t for t in topics_used if isinstance(t, str)] if isinstance(topics_used, list) else [],
            "region_code": data.get("region_code") if isinstance(data.get("region_code"), str) else None,
            "assembly": data.get("assembly") if isinstance(data.get("assembly"), str) else None}


def _key_at_line(text: str, line: int) -> str:
    """The top-level field whose block holds ``line`` (1-based), so a syntax error names a field;
    none for a document marker (---), which makes the file two documents."""
    lines = text.splitlines()[:line]
    if not lines or lines[-1].startswith(("---", "...")):
        return ""
    keys = [m[1] for m in map(_TOP_KEY.match, lines) if m]
    return keys[-1] if keys else ""


_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:")


def expected_topics(reply: Reply, vocabularies: Vocabularies) -> list[str]:
    return topics.assign(reply.data, vocabularies.topics)
