"""The reliability corpus: named bad inputs, each written as a patch of a real seed record.

Patches stay right while other engineers add record fields: a case names only what it breaks.

``invalid/<code>--<what>.yaml`` is an input the build must refuse::

    case: the reply date is 30 February            # what is wrong, for the reader
    seed: 530112-2020-yian-001                     # the seed record it starts from (default: SEED)
    expect: {code: bad-date, field: reply_date}    # the Problem it must produce; field "" = the whole file
    set: {reply_date: "2023-02-30"}                # fields to set; paths like sections[0].heading
    set_repeat: {sections[0].text: [社, 40000]}    # a field set to a text repeated (long values, made at test time)
    unset: [agency]                                # fields to remove
    copy_to: 530112-2020-yian-002                  # break a copy of the seed folder under this name
    replace: [[old, new]]                          # text edits of the record's YAML
    append: "..."                                  # text appended to the record's YAML
    text: "..."                                    # the record's whole text instead
    encoding: gbk                                  # encode the record in this codec (default utf-8)
    base64: "..."                                  # the record's bytes
    files: {letter.txt: {append: "x"}}             # files beside the record: text, base64, append,
                                                   #   replace ([[old, new]]), delete, symlink (its
                                                   #   target), size (a sparse file made at test time)
    repo_files: {datasets/vocab/topics.yaml: {append: "..."}}   # files of the repo, same operations

``inert/<what>.yaml`` is a payload that is valid text: it goes into every free-text field of a
copy of a seed (record id ``inert-<what>``); the build must succeed and every page stay inert::

    case: a script element
    payload: "<script>__pwned=1</script>"
    letter: {name: letter.html, text: "..."}       # optional: the raw letter (its sha256 is set)

``python tests/reliability/corpus.py`` prints how many cases cover each error code.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
INVALID = HERE / "invalid"
INERT = HERE / "inert"
SEED = "530112-2020-yian-001"
RECORD = "reply.yaml"
PAYLOAD_ID = "inert-"


@dataclass(frozen=True)
class Case:
    name: str
    spec: dict[str, Any]

    @property
    def code(self) -> str:
        return str(self.spec["expect"]["code"])

    @property
    def field(self) -> str:
        return str(self.spec["expect"].get("field") or "")

    @property
    def folder(self) -> str:
        return str(self.spec.get("copy_to") or self.spec.get("seed") or SEED)

    @property
    def file(self) -> str:
        """The file the Problem must name (relative to the repo)."""
        default = f"datasets/replies/{self.folder}/{RECORD}"
        return str(self.spec["expect"].get("file", default)).format(folder=self.folder)


def cases(directory: Path) -> list[Case]:
    found = sorted(directory.glob("*.yaml"))
    return [Case(p.stem, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in found]


def invalid_cases() -> list[Case]:
    return cases(INVALID)


def inert_cases() -> list[Case]:
    return cases(INERT)


# --- applying a case to a scratch repo -------------------------------------------------------

def apply(case: Case, root: Path) -> None:
    """Break the scratch repo at ``root`` as ``case`` says."""
    spec = case.spec
    replies = root / "datasets" / "replies"
    seed_dir = replies / str(spec.get("seed") or SEED)
    target = replies / case.folder
    if target != seed_dir:
        shutil.copytree(seed_dir, target)
    if any(k in spec for k in ("set", "set_repeat", "unset", "replace", "append", "text", "encoding", "base64")):
        (target / RECORD).write_bytes(record_bytes(target / RECORD, spec))
    for name, op in (spec.get("files") or {}).items():
        _file_op(target / name, op)
    for name, op in (spec.get("repo_files") or {}).items():
        _file_op(root / name, op)


def record_bytes(record: Path, spec: dict[str, Any]) -> bytes:
    if "base64" in spec:
        return base64.b64decode(spec["base64"])
    if "text" in spec:
        text = str(spec["text"])
    else:
        data = yaml.safe_load(record.read_text(encoding="utf-8"))
        for path in spec.get("unset") or ():
            _unset(data, path)
        for path, value in (spec.get("set") or {}).items():
            _set(data, path, value)
        for path, (text, times) in (spec.get("set_repeat") or {}).items():
            _set(data, path, str(text) * int(times))
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9)
    for old, new in spec.get("replace") or ():
        if old not in text:
            raise ValueError(f"replace: {old!r} is not in the record")
        text = text.replace(old, new, 1)
    text += str(spec.get("append") or "")
    return text.encode(str(spec.get("encoding") or "utf-8"))


def _file_op(path: Path, op: dict[str, Any]) -> None:
    if "symlink" in op:
        path.unlink(missing_ok=True)
        path.symlink_to(op["symlink"])
    elif op.get("delete"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    elif "size" in op:
        with path.open("wb") as f:  # sparse: made in tmp at test time, never committed
            f.truncate(int(op["size"]))
    elif "text" in op:
        path.write_text(str(op["text"]), encoding="utf-8")
    elif "base64" in op:
        path.write_bytes(base64.b64decode(op["base64"]))
    elif "replace" in op:
        text = path.read_text(encoding="utf-8")
        for old, new in op["replace"]:
            if old not in text:
                raise ValueError(f"replace: {old!r} is not in {path.name}")
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    elif "append" in op:
        with path.open("ab") as f:
            f.write(str(op["append"]).encode("utf-8"))
    else:
        raise ValueError(f"unknown file operation {op}")


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _STEP.findall(path)]


def _set(data: Any, path: str, value: Any) -> None:
    *head, last = _steps(path)
    for step in head:
        data = data[step]
    if isinstance(last, int) and last == len(data):
        data.append(value)
    else:
        data[last] = value


def _unset(data: Any, path: str) -> None:
    *head, last = _steps(path)
    for step in head:
        data = data[step]
    del data[last]


# --- payload cases ---------------------------------------------------------------------------

def apply_payload(case: Case, root: Path) -> str:
    """Copy the seed as ``inert-<case>`` with the payload in every free-text field; return the id."""
    from build_scripts.fields import REPLY_FIELDS

    reply_id = PAYLOAD_ID + case.name
    replies = root / "datasets" / "replies"
    target = replies / reply_id
    shutil.copytree(replies / str(case.spec.get("seed") or SEED), target)
    data = yaml.safe_load((target / RECORD).read_text(encoding="utf-8"))
    payload = str(case.spec["payload"])
    inject(data, REPLY_FIELDS, payload)
    data["id"] = reply_id
    data["category"] = None  # the assembly is now a payload: no category scheme covers it
    if data.get("withdrawn_reason") is not None and data.get("withdrawn_date") is None:
        data["withdrawn_date"] = data["reply_date"] or "2023-06-30"  # withdrawn: the notice shows the payload too
    if not data["notes"]:
        data["notes"] = [{"field": "title", "kind": "decision", "original": "x", "value": "x", "reason": "x"}]
        inject(data["notes"][0], next(f for f in REPLY_FIELDS if f.name == "notes").items, payload)
    # A span must quote the record's text with its own length (issue 17) and still give its field's
    # value (issue 12): the payload, as the title has it.
    data["evidence"] = [{"field": "title", "start": 0, "end": len(payload), "quote": payload}]
    letter = case.spec.get("letter")
    if letter:
        (target / data["raw_file"]).unlink()
        raw = str(letter["text"]).encode("utf-8")
        (target / letter["name"]).write_bytes(raw)
        data["raw_file"], data["raw_sha256"] = letter["name"], hashlib.sha256(raw).hexdigest()
        data["raw_format"] = "html"
    (target / RECORD).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9),
                                 encoding="utf-8")
    return reply_id


def free_text(field: Any) -> bool:
    """A field a person may write anything into: text with no vocabulary, enum or pattern."""
    return field.in_record and field.enum is None and field.pattern is None and field.name != "topics"


def inject(data: dict[str, Any], fields: Any, payload: str) -> None:
    for f in fields:
        if not free_text(f):
            continue
        fits = f.max_length is None or len(payload) <= f.max_length
        if f.kind == "string" and fits and (data.get(f.name) is not None or f.name != "heading"):
            data[f.name] = payload
        elif f.kind == "list" and "、" not in payload:
            data[f.name] = [payload]
        elif f.kind == "objects":
            for item in data.get(f.name) or ():
                inject(item, f.items, payload)


# --- the table the issue asks for -------------------------------------------------------------

def coverage() -> dict[str, int]:
    return dict(sorted(collections.Counter(c.code for c in invalid_cases()).items()))


def main() -> int:
    table = coverage()
    importer = len(list((HERE / "importer").glob("*.yaml")))
    print(f"reliability corpus: {sum(table.values())} invalid cases, {len(inert_cases())} inert payloads, "
          f"{importer} hostile letters for the importer\n")
    print("| error code | cases |\n|---|---|")
    for code, count in table.items():
        print(f"| `{code}` | {count} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
