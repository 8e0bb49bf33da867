"""Stage 2, checks: the rules a record must keep beyond its fields' own types.

One record: its id is its folder, its topics, region and category are in the vocabularies, its
dates are in order, its raw letter is beside it byte for byte. Across records: ids and
(proposal, agency) pairs are unique, and the other direction of the vocabularies (entries no
record uses are warnings), and replies to one proposal agree on it. Each check yields ``Problem``s; ``records.load`` collects them all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from build_scripts import consistency, dates, evidencecheck, proposals
from build_scripts.dataset import MAX_RAW_BYTES, RECORD_NAME, Reply
from build_scripts.extract import readers
from build_scripts.paths import Paths, relative
from build_scripts.problems import Problem
from build_scripts.vocab import Vocabularies

DUPLICATE_KEY = ("assembly", "term", "session_no", "proposal_number", "agency")
"""Two records with these values equal answer the same proposal from the same agency."""

def check_record(data: dict[str, Any], folder: Path, file: str, lines: dict[str, int],
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
                          consistency.did_you_mean(topic, [(t["id"], t["name"]) for t in vocabularies.topics])
                          or "use a topic id from that file, or add the topic there")
    if data["region_code"] not in vocabularies.region_by_code:
        yield Problem(file, line("region_code"), "region_code", "unknown-region",
                      f"{data['region_code']} is not a GB/T 2260 region (the divisions package or datasets/vocab/regions.yaml)",
                      _region_hint(data, vocabularies))
    if data["category"] is not None:
        scheme = vocabularies.scheme_for(data["assembly"])
        if scheme is None:
            yield Problem(file, line("category"), "category", "unknown-category",
                          f"no category scheme covers {data['assembly']}",
                          "add the assembly to a scheme in datasets/vocab/categories.yaml")
        elif data["category"] not in {c["code"] for c in scheme["codes"]}:
            yield Problem(file, line("category"), "category", "unknown-category",
                          f"{data['category']!r} is not a code of scheme {scheme['scheme']}",
                          f"its codes are {', '.join(c['code'] for c in scheme['codes'])}: check the letter, "
                          "or add the code with its definition to the scheme")
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
    yield from check_raw(data, folder, file, line, root)
    yield from check_sections(data, file, lines)
    yield from check_evidence(data, folder, file, lines)
    yield from consistency.check_id(data, file, lines)
    yield from consistency.check_dates(data, file, lines)
    yield from evidencecheck.check_evidence(data, file, lines, vocabularies)


def _region_hint(data: dict[str, Any], vocabularies: Vocabularies) -> str:
    """Did you mean a region the agency names, or a code one digit away?"""
    named = [r for r in vocabularies.regions if r["name"] in (data["agency"] or "")]
    near = [r for r in vocabularies.regions
            if sum(a != b for a, b in zip(r["code"], data["region_code"], strict=True)) == 1]
    candidates = sorted(named, key=lambda r: -len(r["full_name"])) + near
    fallback = ("check the code; a real division the package lacks (a former one) goes into "
                "datasets/vocab/regions.yaml with its source")
    if not candidates:
        return fallback
    return f"did you mean {candidates[0]['code']} ({candidates[0]['full_name']})? if not, {fallback}"


def check_raw(data: dict[str, Any], folder: Path, file: str, line: Any, root: Path) -> Iterator[Problem]:
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


def check_sections(data: dict[str, Any], file: str, lines: dict[str, int]) -> Iterator[Problem]:
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


def check_evidence(data: dict[str, Any], folder: Path, file: str, lines: dict[str, int]) -> Iterator[Problem]:
    """Each span names a field of the record, runs forward, is as long as its quote, and quotes text
    the reply has: the record's own values, or the raw letter when it is text (issue 17)."""
    from build_scripts.fields import record_fields

    names = {f.name for f in record_fields()} | {"body"}
    record_text: str | None = None
    letter_text: str | None = None
    for i, span in enumerate(data["evidence"]):
        path = f"evidence[{i}]"
        at = lambda key: lines.get(f"{path}.{key}", lines.get(path, 0))  # noqa: E731,B023
        if span["field"] not in names:
            yield Problem(file, at("field"), f"{path}.field", "bad-value",
                          f"{span['field']!r} is not a field of the record", "name the field the span is evidence for")
        if span["start"] > span["end"]:
            yield Problem(file, at("end"), f"{path}.end", "bad-value",
                          f"the span ends ({span['end']}) before it starts ({span['start']})",
                          "end is the offset after the span's last character")
        elif span["end"] - span["start"] != len(span["quote"]):
            yield Problem(file, at("quote"), f"{path}.quote", "bad-value",
                          f"the quote has {len(span['quote'])} characters, the span {span['end'] - span['start']}",
                          "quote exactly the characters from start to end")
        quote = _squash(span["quote"])
        if record_text is None:
            record_text = _record_text(data)
        if quote not in record_text and letter_text is None:
            letter_text = _letter_text(data, folder)  # read only when the record itself lacks a quote
        if quote not in record_text and quote not in (letter_text or ""):
            yield Problem(file, at("quote"), f"{path}.quote", "bad-value",
                          f"{span['quote']!r} is not in the letter's text or the record",
                          "quote the letter's text exactly as it stands")


def _squash(text: str) -> str:
    return "".join(text.split())


def _record_text(data: dict[str, Any]) -> str:
    """Every text value of the record but the evidence, white space removed, joined by NUL."""
    values: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            values.append(_squash(value))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk({k: v for k, v in data.items() if k != "evidence"})
    return "\x00".join(values)


def _letter_text(data: dict[str, Any], folder: Path) -> str:
    """The raw letter's text as the importer reads it (a web page, a text file, a Word file or a PDF:
    the drafts of `portal add` quote all four), white space removed; with it the raw bytes decoded as
    UTF-8 or GB18030 (a page's own markup). Empty when it cannot be read."""
    raw = folder / data["raw_file"]
    if not raw.is_file() or raw.is_symlink() or raw.stat().st_size > MAX_RAW_BYTES:
        return ""
    blob = raw.read_bytes()
    texts = []
    try:
        texts.append(_squash(readers.read_bytes(blob, raw.name).text))
    except readers.ReadError:
        pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            texts.append(_squash(blob.decode(encoding)))
            break
        except UnicodeDecodeError:
            continue
    return "\x00".join(texts)


def check_unique(replies: list[Reply], root: Path) -> Iterator[Problem]:
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


def check_proposals(replies: list[Reply], root: Path) -> Iterator[Problem]:
    """Replies to one proposal agree on what it is; each difference names the field and both files."""
    by_id = {r.id: r for r in replies}
    for pid, group in proposals.by_proposal(replies, proposals.AGREED).items():
        first = group[0]
        first_file = relative(by_id[first["id"]].record_path, root)
        for other in group[1:]:
            path = by_id[other["id"]].record_path
            for name in proposals.differences(first, other):
                yield Problem(relative(path, root), _field_line(path, name), name, "proposal-mismatch",
                              f"answers proposal {pid} like {first_file}, but its {name} is {_shown(other[name])} "
                              f"where that record has {_shown(first[name])}",
                              "read both letters: correct the field in the record that is wrong, or the proposal "
                              "number, term or session if they answer different proposals")


def check_thread_decisions(replies: list[Reply], root: Path) -> Iterator[Problem]:
    """A maintainer's decision names another reply that exists."""
    ids = {r.id for r in replies}
    for reply in replies:
        for i, decision in enumerate(reply["thread_decisions"]):
            if decision["other_id"] == reply.id or decision["other_id"] not in ids:
                yield Problem(relative(reply.record_path, root), _field_line(reply.record_path, "thread_decisions"),
                              f"thread_decisions[{i}].other_id", "unknown-reply",
                              f"{decision['other_id']!r} is " + ("this reply itself" if decision["other_id"] == reply.id
                                                                 else "not the id of a reply in the collection"),
                              "write the id (folder name) of the other reply the link goes to")


def _shown(value: Any) -> str:
    return "null" if value is None else repr("、".join(value) if isinstance(value, list) else value)


def _field_line(path: Path, name: str) -> int:
    """The line of a top-level field in a record (0 when not found)."""
    prefix = f"{name}:"
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if line.startswith(prefix):
            return number
    return 0


def check_vocab_use(replies: list[Reply], vocabularies: Vocabularies, paths: Paths,
                    also_used: Sequence[dict[str, Any]] = ()) -> Iterator[Problem]:
    """The other direction: vocabulary entries that no record uses are reported as warnings.
    ``also_used``: what records with errors say (topics, region_code, assembly), so that one
    record's error is not also reported as its vocabulary entries being unused."""
    used_topics = {t for r in replies for t in r["topics"]} | {t for d in also_used for t in d["topics"]}
    for i, topic in enumerate(vocabularies.topics):
        if replies and topic["id"] not in used_topics:
            yield Problem(relative(paths.vocab / "topics.yaml", paths.root), 0, f"[{i}].id", "unused-vocab",
                          f"topic {topic['id']} ({topic['name']}) is used by no record",
                          "fine while the collection grows; remove it if it will never be used", "warning")
    # Regions are not checked this way: they are every GB/T 2260 division (build_scripts/divisions.py),
    # most of which no record uses; the package publishes the ones in use (package.table_rows).
    used_sessions = {r["session_id"] for r in replies}
    for i, session in enumerate(vocabularies.sessions):
        if replies and session["id"] not in used_sessions:
            yield Problem(relative(paths.vocab / "sessions.yaml", paths.root), 0, f"[{i}].id", "unused-vocab",
                          f"session {session['id']} is used by no record",
                          "fine while the collection grows; remove it if no reply will ever answer a proposal made there",
                          "warning")
    used_schemes = {r["category_scheme"] for r in replies}
    used_schemes |= {s["scheme"] for d in also_used if (s := vocabularies.scheme_for(d["assembly"] or ""))}
    for i, scheme in enumerate(vocabularies.category_schemes):
        if replies and scheme["scheme"] not in used_schemes:
            yield Problem(relative(paths.vocab / "categories.yaml", paths.root), 0, f"[{i}].scheme", "unused-vocab",
                          f"category scheme {scheme['scheme']} is used by no record",
                          "remove it, or keep it if records for it are coming", "warning")
