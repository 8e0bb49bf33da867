"""Assemble what the field parsers found into the extract output and into a draft record.

The draft's keys are exactly ``fields.record_fields()`` in order; values the letter does not give
are None (the draft may then fail ``portal validate``, which is the point: a person decides).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_scripts import topics as topics_mod
from build_scripts.extract import assembly, layout, proposal_fields, readers, region, reply_fields, title
from build_scripts.extract import clean as clean_mod
from build_scripts.extract import sections as sections_mod
from build_scripts.extract.found import Found
from build_scripts.extract.spam import is_spam
from build_scripts.fieldbase import number_slug
from build_scripts.fields import KIND_SLUGS, record_fields

# The keys of `portal extract --format json`, in order (besides file, text, evidence, warnings).
OUTPUT_FIELDS = ("title", "proposal_kind", "assembly", "term", "session_no", "session", "proposal_number", "proposers",
                 "proposer_role", "proposal_title", "agency", "handling_role", "region_code", "doc_number", "reply_date",
                 "published_date", "category", "disclosure", "signer", "contact_name", "contact_phone", "cc",
                 "index_number")


@dataclass
class Extraction:
    values: dict[str, Any]
    spans: dict[str, tuple[int, int]]
    text: str
    sections: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    notes: list[dict[str, str | None]] = field(default_factory=list)
    raw_format: str = "text"

    def as_json(self, file: str) -> dict[str, Any]:
        out: dict[str, Any] = {"file": file}
        out.update({name: self.values.get(name) for name in OUTPUT_FIELDS})
        out["raw_format"] = self.raw_format
        out["sections"] = self.sections
        out["warnings"] = self.warnings
        out["evidence"] = {name: list(span) for name, span in self.spans.items()}
        out["text"] = self.text
        return out

    def evidence(self, confirmed: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Evidence items for the record's fields; with ``confirmed``, only where the value equals it."""
        names = {f.name for f in record_fields()}
        return [{"field": name, "start": s, "end": e, "quote": self.text[s:e]} for name, (s, e) in self.spans.items()
                if name in names and (confirmed is None or confirmed.get(name) == self.values.get(name))]


def extract_bytes(data: bytes, name: str, regions: Sequence[dict[str, Any]]) -> Extraction:
    read = readers.read_bytes(data, name)
    extraction = extract_text(read.text, read.raw_format, regions)
    extraction.warnings[:0] = read.warnings  # how the letter was decoded comes first (issue 17)
    return extraction


def extract_text(text: str, raw_format: str, regions: Sequence[dict[str, Any]]) -> Extraction:
    cleaned = clean_mod.clean(text, raw_format)
    letter = layout.locate(cleaned.text)
    found = _fields(letter, regions)
    body, heading_notes = sections_mod.split(letter.body)
    values = {name: f.value for name, f in found.items()}
    spans = {name: _trim(cleaned.text, f.span) for name, f in found.items()
             if f.span is not None and f.value not in (None, [])}
    warnings = [w for f in found.values() for w in f.warnings]
    warnings += _spam_warnings(letter)
    reply, published = values.get("reply_date"), values.get("published_date")
    if reply and published and reply > published:
        warnings.append(f"reply_date: signed {reply}, after the page's publication date {published}; check both")
    warnings += [f"sections: “{s['heading']}” has no text of its own before its sub-headings; the record "
                 "format needs text, so join it with its first sub-section or write it" for s in body if not s["text"]]
    if letter.salutation is None:
        warnings.append("sections: no salutation found; the body starts at a guess, check it")
    notes = cleaned.notes + heading_notes + [n for f in found.values() for n in f.notes]
    return Extraction(values, dict(sorted(spans.items(), key=lambda kv: kv[1])), cleaned.text, body,
                      list(dict.fromkeys(warnings)), notes, _record_format(raw_format, cleaned, letter))


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _fields(letter: layout.Letter, regions: Sequence[dict[str, Any]]) -> dict[str, Found]:
    found: dict[str, Found] = {}
    found["index_number"] = reply_fields.index_number(letter)
    found["published_date"] = reply_fields.published_date(letter)
    found["title"] = title.title(letter)
    mention = assembly.proposal_mention(letter, found["title"])
    found["term"], found["session_no"], found["session"] = mention.term, mention.session_no, mention.session
    found["proposal_number"] = proposal_fields.proposal_number(letter, found["title"])
    found["proposers"], found["proposer_role"] = proposal_fields.proposers(letter)
    found["proposal_title"] = proposal_fields.proposal_title(letter)
    found["agency"] = reply_fields.agency(letter, found["title"])
    found["handling_role"] = proposal_fields.handling_role(letter)
    found["region_code"], chain = region.region(found["agency"], letter, regions)
    found["assembly"] = assembly.assembly(mention, chain, regions)
    found["proposal_kind"] = proposal_fields.proposal_kind(letter, found["title"],
                                                           found["assembly"].value or mention.kind_hint)
    found["doc_number"] = reply_fields.doc_number(letter)
    found["reply_date"] = reply_fields.reply_date(letter, found["published_date"].value)
    found["category"] = reply_fields.category(letter)
    found["disclosure"] = reply_fields.disclosure(letter)
    found["signer"] = reply_fields.signer(letter)
    found["contact_name"], found["contact_phone"] = reply_fields.contact(letter)
    found["cc"] = reply_fields.cc(letter)
    return found


def _spam_warnings(letter: layout.Letter) -> list[str]:
    if not is_spam(letter.fold):
        return []
    hits = [line.text for line in letter.lines if is_spam(line.fold)]
    return [(f"spam: {len(hits)} line(s) of gambling spam from a hijacked mirror page (first: “{hits[0][:40]}”); "
            "kept in the text, check the page against the official site")]


def _record_format(raw_format: str, cleaned: clean_mod.Cleaned, letter: layout.Letter) -> str:
    if raw_format != "text":
        return raw_format
    if cleaned.pdf_damage:
        return "pdf-text"
    if any("bookmark:" in (n.get("original") or "") for n in cleaned.notes):
        return "docx-text"
    if letter.footer or any(layout.META_LABEL.match(line.fold) for line in letter.header):
        return "html-text"
    return "text"


# --- the draft record ----------------------------------------------------------------------

def reply_id(values: dict[str, Any]) -> str | None:
    """``<region_code>-<year>-<kind>-<number>``; None when a part is unknown."""
    year = (values.get("reply_date") or values.get("published_date") or "")[:4]
    kind = KIND_SLUGS.get(values.get("proposal_kind") or "")
    number = values.get("proposal_number")
    if not (values.get("region_code") and year and kind and number):
        return None
    slug = number_slug(str(number))
    if not slug:
        return None
    return f"{values['region_code']}-{year}-{kind}-{slug}"


def record(extraction: Extraction, *, raw: bytes, raw_file: str, topic_vocab: Sequence[dict[str, Any]],
           source_url: str | None = None, retrieved: str | None = None) -> dict[str, Any]:
    values = dict(extraction.values)
    values["cc"] = values.get("cc") or []
    values["proposers"] = values.get("proposers") or []
    given = {
        **values,
        "id": reply_id(values),
        "source_url": source_url,
        "raw_file": raw_file,
        "raw_sha256": hashlib.sha256(raw).hexdigest(),
        "raw_format": extraction.raw_format,
        "retrieved_date": retrieved,
        "thread_decisions": [],
        "sections": extraction.sections,
        "notes": extraction.notes,
        "evidence": extraction.evidence(),
    }
    given["topics"] = topics_mod.assign(given, topic_vocab)
    return {f.name: given.get(f.name) for f in record_fields()}


def raw_suffix(path: Path, data: bytes = b"") -> str:
    """The raw letter's extension: its own when it has one we read, else what its bytes are."""
    suffix = path.suffix.lower()
    if suffix in readers.FORMATS:
        return suffix
    return {"pdf": ".pdf", "docx": ".docx"}.get(readers.sniff(data, path.name), ".txt")
