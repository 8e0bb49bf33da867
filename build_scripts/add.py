"""`portal extract` and `portal add`: letters as they arrive → draft records.

Load: the letter's bytes and the vocabularies. Process: ``extract.draft`` reads every field with
its evidence. Save (``add`` only): ``datasets/replies/<id>/letter.<ext>`` byte for byte and
``reply.yaml``, each written to a temporary name and renamed; never over an existing record
without ``force``, never when the letter is already in the collection.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_scripts import dates, yamlio
from build_scripts import given as given_mod
from build_scripts import vocab as vocab_mod
from build_scripts.checks import DUPLICATE_KEY
from build_scripts.dataset import RECORD_NAME
from build_scripts.extract import draft, readers
from build_scripts.fields import REPLY_FIELDS, by_name
from build_scripts.paths import Paths, relative

DRAFT_HEADER = ("# Draft of `portal add`: not yet a record (it has no id). Fill in what it lacks, here or with the\n"
                "# options `add` printed, then run `portal add` on this folder.\n")
RECORD_HEADER = "# Reply record: the source of truth. Drafted by `portal add`: check every field against the letter.\n"


def extract_files(paths: Paths, files: list[Path]) -> list[dict[str, Any]]:
    """One JSON-ready object per file, in order; an unreadable file gives ``{file, error}``."""
    return _each_file(paths, files, lambda file, data, vocab: draft.extract_bytes(
        data, file.name, vocab.regions).as_json(str(file)))


def draft_records(paths: Paths, files: list[Path]) -> list[dict[str, Any]]:
    """The draft record each file would be saved as; ``{file, error}`` for an unreadable one."""
    def one(file: Path, data: bytes, vocab: vocab_mod.Vocabularies) -> dict[str, Any]:
        extraction = draft.extract_bytes(data, file.name, vocab.regions)
        return draft.record(extraction, raw=data, raw_file="letter" + draft.raw_suffix(file, data),
                            topic_vocab=vocab.topics)

    return _each_file(paths, files, one)


def _each_file(paths: Paths, files: list[Path],
               fn: Callable[[Path, bytes, vocab_mod.Vocabularies], dict[str, Any]]) -> list[dict[str, Any]]:
    vocabularies, _ = vocab_mod.load(paths)
    out: list[dict[str, Any]] = []
    for file in files:
        try:
            out.append(fn(file, _read(file), vocabularies))
        except readers.ReadError as exc:
            out.append({"file": str(file), "error": str(exc)})
        except Exception as exc:  # noqa: BLE001 - reported (exit 3), and the other files' results still shown
            out.append({"file": str(file), "error": f"{INTERNAL}{type(exc).__name__}: {exc}"})
    return out


INTERNAL = "internal error: "
"""How an unexpected failure on one file is reported (issue 17: one bad file must not hide the others)."""


def confirmed_evidence(paths: Paths, folder: Path) -> list[dict[str, Any]]:
    """Evidence for a hand-read record: the extractor's spans whose value equals the record's."""
    record = yamlio.load((folder / RECORD_NAME).read_text(encoding="utf-8-sig")).data
    vocabularies, _ = vocab_mod.load(paths)
    raw = folder / record["raw_file"]
    extraction = draft.extract_bytes(raw.read_bytes(), raw.name, vocabularies.regions)
    return extraction.evidence(confirmed=record)


def _read(file: Path) -> bytes:
    return readers.read_letter_bytes(file)  # a regular file, its size checked first (issue 17)


@dataclass
class Added:
    """What ``add`` did, for the CLI to render and tests to assert on."""

    file: str
    reply_id: str | None = None
    folder: Path | None = None
    written: bool = False
    record: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    draft: Path | None = None
    """Where the draft was kept when it has no id yet (``datasets/drafts/<name>/``)."""
    needs: list[str] = field(default_factory=list)
    """The options that finish a kept draft, with placeholders (``--region REGION_CODE``)."""

    @property
    def found(self) -> dict[str, Any]:
        return {k: v for k, v in self.record.items() if k in draft.OUTPUT_FIELDS and v not in (None, [])}

    @property
    def missing(self) -> list[str]:
        return [k for k in draft.OUTPUT_FIELDS if k in self.record and self.record[k] in (None, [])]

    @property
    def repairs(self) -> list[dict[str, Any]]:
        return list(self.record.get("notes") or [])


def add(paths: Paths, file: Path, *, url: str | None = None, retrieved: str | None = None,
        force: bool = False, given: dict[str, Any] | None = None) -> Added:
    """Keep ``file`` (a letter, or a draft folder kept by an earlier ``add``) and write its record,
    with the ``given`` values (``given.parse``) over what the extractor read."""
    result = Added(str(file))
    _check_options(url, retrieved, result)
    vocabularies, _ = vocab_mod.load(paths)
    try:
        if file.is_dir():
            data, raw_file, result.record = load_draft(file)
        else:
            data = _read(file)
            extraction = draft.extract_bytes(data, file.name, vocabularies.regions)
            raw_file = "letter" + draft.raw_suffix(file, data)
            result.record = draft.record(extraction, raw=data, raw_file=raw_file, topic_vocab=vocabularies.topics)
            result.warnings = extraction.warnings
    except readers.ReadError as exc:
        result.errors.append(f"{file}: {exc}")
        return result
    for name, value in (("source_url", url), ("retrieved_date", retrieved)):
        if value is not None:
            result.record[name] = value
    result.record = given_mod.apply(result.record, given or {}, vocabularies)
    result.reply_id = result.record["id"]
    code = result.record["region_code"]
    if code and code not in vocabularies.region_by_code:
        result.warnings.append(f"region_code: {code} is not in datasets/vocab/regions.yaml; add it there "
                               "(code, name, full name, level, parent) before `portal validate`")
    if result.reply_id is None:
        missing = [k for k in ("region_code", "reply_date", "proposal_kind", "proposal_number") if not result.record[k]]
        if not missing:
            missing = [f"an ASCII proposal number (“{result.record['proposal_number']}” has no letters or digits)"]
        result.errors.append("cannot make an id: it needs region_code, a year (reply or publication date), the kind "
                             f"and the proposal number; missing: {', '.join(missing)} (see below)")
    result.duplicates = find_duplicates(paths, data, result.record, same_id=result.reply_id if force else None)
    if result.duplicates:
        result.errors.append("already in the collection: " + "; ".join(result.duplicates))
    if result.reply_id and paths.reply_dir(result.reply_id).exists() and not force:
        result.errors.append(f"{relative(paths.reply_dir(result.reply_id), paths.root)} already exists; "
                             "use --force to replace its record with this draft")
    result.errors += record_too_large(result.record)
    if result.errors:
        if result.reply_id is None and not result.duplicates and not _option_errors(result):
            result.draft = save_draft(paths, file, raw_file, data, result.record)
            result.needs = given_mod.missing_for_id(result.record)
        return result
    assert result.reply_id is not None
    result.folder = save(paths, result.reply_id, raw_file, data, result.record)
    result.written = True
    if file.is_dir() and file.resolve().parent == paths.drafts.resolve():
        shutil.rmtree(file)  # the draft is now the record
        if not any(paths.drafts.iterdir()):
            paths.drafts.rmdir()
    return result


def _option_errors(result: Added) -> bool:
    return any(e.startswith(("--url", "--retrieved")) for e in result.errors)


def load_draft(folder: Path) -> tuple[bytes, str, dict[str, Any]]:
    """A draft folder's letter bytes, its file name and its record, as an earlier ``add`` kept them."""
    record = _load_record(folder / RECORD_NAME)
    raw_file = record.get("raw_file") if record else None
    if record is None or not isinstance(raw_file, str) or not re.fullmatch(r"letter\.[a-z0-9]+", raw_file) \
            or (folder / raw_file).is_symlink():
        raise readers.ReadError(f"{folder} is not a draft kept by `portal add` (no readable {RECORD_NAME} "
                                "naming its letter.<ext> beside it); give the letter itself")
    missing = [f.name for f in REPLY_FIELDS if f.in_record and f.name not in record]
    if missing:
        raise readers.ReadError(f"the draft's {RECORD_NAME} lacks {', '.join(missing)}: write them (null when unknown)")
    return _read(folder / raw_file), raw_file, record


def save_draft(paths: Paths, file: Path, raw_file: str, data: bytes, record: dict[str, Any]) -> Path:
    """Keep a letter that has no id yet, with its draft, in ``datasets/drafts/<name>-<sha256 prefix>/``.

    Drafts are not records: validate and build never read them, and git ignores them (.gitignore):
    the letter is committed once ``add`` finishes the record under datasets/replies/.
    """
    if file.is_dir():
        folder = file
    else:
        stem = re.sub(r"[^a-z0-9]+", "-", file.stem.lower()).strip("-") or "letter"
        folder = paths.drafts / f"{stem[:40]}-{hashlib.sha256(data).hexdigest()[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(folder / raw_file, data)
    _write_atomic(folder / RECORD_NAME, (DRAFT_HEADER + yamlio.dump(record)).encode("utf-8"))
    return folder


def _check_options(url: str | None, retrieved: str | None, result: Added) -> None:
    fields = by_name(REPLY_FIELDS)
    if url is not None and not re.fullmatch(fields["source_url"].pattern or ".*", url):
        result.errors.append(f"--url {url!r} is not an http(s) address")
    if retrieved is not None and dates.parse_iso(retrieved) is None:
        result.errors.append(f"--retrieved {retrieved!r} is not a date; write it as YYYY-MM-DD")


def find_duplicates(paths: Paths, data: bytes, record: dict[str, Any], same_id: str | None = None) -> list[str]:
    """Existing replies with the same raw bytes, or the same assembly, session, number and agency."""
    digest = hashlib.sha256(data).hexdigest()
    key = tuple(record.get(k) for k in DUPLICATE_KEY)
    found: list[str] = []
    folders = sorted(p for p in paths.replies.iterdir() if p.is_dir()) if paths.replies.is_dir() else []
    for folder in folders:
        if folder.name == same_id:
            continue
        for raw in sorted(folder.glob("letter.*")):
            if hashlib.sha256(raw.read_bytes()).hexdigest() == digest:
                found.append(f"{folder.name} keeps the same letter ({raw.name}, sha256 {digest[:12]}…)")
        existing = _load_record(folder / RECORD_NAME)
        if existing and record.get("proposal_number") is not None and tuple(existing.get(k) for k in DUPLICATE_KEY) == key:
            found.append(f"{folder.name} answers the same proposal (same assembly, session, number and agency)")
    return found


def _load_record(path: Path) -> dict[str, Any] | None:
    try:
        data = yamlio.load(path.read_text(encoding="utf-8-sig")).data
    except (OSError, UnicodeDecodeError, yamlio.YamlProblem):
        return None
    return data if isinstance(data, dict) else None


def record_too_large(record: dict[str, Any]) -> list[str]:
    """The draft would be a record validation refuses for its size (issue 17): say so, write nothing."""
    from build_scripts.records import MAX_RECORD_BYTES

    size = len((RECORD_HEADER + yamlio.dump(record)).encode("utf-8"))
    return [f"the draft record would be {size:,} bytes, more than a record's limit of {MAX_RECORD_BYTES:,}: "
            "is this one reply letter?"] if size > MAX_RECORD_BYTES else []


def save(paths: Paths, reply_id: str, raw_file: str, data: bytes, record: dict[str, Any]) -> Path:
    folder = paths.reply_dir(reply_id)
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(folder / raw_file, data)
    _write_atomic(folder / RECORD_NAME, (RECORD_HEADER + yamlio.dump(record)).encode("utf-8"))
    return folder


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary name and rename; the file gets the mode any new file gets (0644 under
    umask 022), not mkstemp's private 0600."""
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
