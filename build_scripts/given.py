"""Values a maintainer gives to `portal add` (``--region``, ``--kind``, ``--number``, ``--reply-date``,
``--agency``, ``--set FIELD=VALUE``): what the extractor missed or read wrong.

A given value replaces the draft's. Each is checked as the record's own field is; the change is a
``decision`` note (the extractor's reading as the original); evidence spans of a changed field
are kept only while they still give the new value (``evidencecheck``), so a draft is never saved
with stale evidence. Then the id and the topics are made again from the record.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from build_scripts import evidencecheck, fieldcheck, topics
from build_scripts.extract import draft
from build_scripts.fields import REPLY_FIELDS, Field
from build_scripts.vocab import Vocabularies

OPTIONS = {"region": "region_code", "kind": "proposal_kind", "number": "proposal_number",
           "reply_date": "reply_date", "agency": "agency"}
"""The named options (``--region`` …) and the fields they give: what an id needs, and the agency."""
NOT_GIVEN = {"id", "sections", "notes", "evidence", "raw_file", "raw_sha256", "raw_format"}
"""Fields `add` makes itself: the id from the others, the rest from the letter."""
GIVABLE = {f.name: f for f in REPLY_FIELDS if f.in_record and f.name not in NOT_GIVEN}
REASON = "维护者核对原件后用 portal add 给出此值（提取结果为空或有误）。"


def parse(pairs: Sequence[tuple[str, str]]) -> tuple[dict[str, Any], list[str]]:
    """(field, text) pairs → typed values, and what is wrong with them, said as the option was written."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    for name, text in pairs:
        option = _option(name)
        f = GIVABLE.get(name)
        if f is None:
            close = difflib.get_close_matches(name, sorted(GIVABLE), n=1)
            errors.append(f"{option}: {name!r} is not a field `add` takes"
                          + (f"; did you mean {close[0]}?" if close else f"; one of: {', '.join(sorted(GIVABLE))}"))
            continue
        value = _typed(text, f)
        found = list(fieldcheck.check_value(value, f, file="", path=name, line=0, lines={}))
        errors += [f"{option} {text!r}: {p.message}" + (f"; {p.hint}" if p.hint else "") for p in found]
        if not found:
            values[name] = value
    return values, errors


def apply(record: dict[str, Any], values: dict[str, Any], vocabularies: Vocabularies) -> dict[str, Any]:
    """The record with ``values`` given: noted, evidence kept only where it still holds, id and topics made again."""
    record = {**record, "notes": list(record["notes"]), "evidence": list(record["evidence"])}
    changed = [name for name, value in values.items() if record[name] != value]
    for name in changed:
        record["notes"].append({"field": name, "kind": "decision", "original": _text(record[name]),
                                "value": _text(values[name]), "reason": REASON})
        record[name] = values[name]
    if "agency" in changed and "region_code" not in values:
        record["region_code"] = region_of(record["agency"], vocabularies) or record["region_code"]
        changed.append("region_code")
    record["evidence"] = [e for e in record["evidence"] if e["field"] not in changed
                          or evidencecheck.supports(e["field"], record[e["field"]], e["quote"], vocabularies)]
    record["id"] = draft.reply_id(record)
    if "topics" not in values:
        record["topics"] = topics.assign(record, vocabularies.topics)
    return record


def region_of(agency: str, vocabularies: Vocabularies) -> str | None:
    """The region the agency's name starts with (云南省昆明市西山区, 昆明市西山区 or 西山区), the longest."""
    best: tuple[int, str] | None = None
    for region in vocabularies.regions:
        below_province = "".join(r["name"] for r in vocabularies.region_chain(region["code"])[1:])
        for form in (region["full_name"], below_province, region["name"]):
            if form and agency.startswith(form) and (best is None or len(form) > best[0]):
                best = (len(form), region["code"])
    return best[1] if best else None


def missing_for_id(record: dict[str, Any]) -> list[str]:
    """The options a draft still needs for its id and its required fields, each with a placeholder."""
    needs = [("region_code", "--region REGION_CODE"), ("proposal_kind", "--kind 建议|议案|提案"),
             ("proposal_number", "--number NUMBER")]
    missing = [option for name, option in needs if not record[name]]
    if record["proposal_number"] and not draft.reply_id({**record, "region_code": "1", "reply_date": "2000"}):
        missing.append("--number NUMBER")  # the number has nothing an id can use
    if not (record["reply_date"] or record["published_date"]):
        missing.append("--reply-date YYYY-MM-DD")
    named = {"region_code", "proposal_kind", "proposal_number", "reply_date"}
    for name in required_missing(record):
        if name not in named:
            missing.append("--agency AGENCY" if name == "agency" else f"--set {name}={name.upper()}")
    return missing


def required_missing(record: dict[str, Any]) -> list[str]:
    """Fields a record must have that the draft leaves empty: `portal validate` would refuse them."""
    return [f.name for f in GIVABLE.values() if f.required and record.get(f.name) in (None, "")]


def _typed(text: str, f: Field) -> Any:
    text = text.strip()
    if text in ("", "null"):
        return None
    if f.kind == "integer":
        return int(text) if text.isdigit() else text
    if f.kind == "list":
        return [item.strip() for item in text.split("、") if item.strip()]
    return text


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


def _option(name: str) -> str:
    short = {v: k for k, v in OPTIONS.items()}.get(name)
    return f"--{short.replace('_', '-')}" if short else f"--set {name}"
