"""Issue 17, fuzzing `portal validate` field by field: arbitrary YAML scalars (plain, quoted, block,
flow), explicit tags and any Unicode in every field of a real record. `portal validate` never exits 3
and never prints a traceback; a refused record is named in the report; and whatever validate
accepts, `portal build` accepts (the accepted variants of each field group are built together).

Examples per field group: ``FUZZ_EXAMPLES`` (environment). The committed default, 40, keeps the
suite reasonable (a validate run is about 60 ms and each group ends with a build); the issue's 2,000
per group is ``make fuzz`` (measured: see benchmarks/RESULTS.md, "Issue 17")::

    FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz_validate_build.py
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import copy_inputs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_scripts import cli, records, site, yamlio
from build_scripts.fields import record_fields
from build_scripts.paths import Paths
from build_scripts.problems import BuildError

SEED = "530112-2020-yian-001"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
BUILD_AT_MOST = 60
"""Accepted variants built per group (the most varied first): one build holds them all."""

GROUPS: dict[str, tuple[str, ...]] = {
    "identity": ("id", "title", "proposal_kind", "assembly", "term", "session_no", "proposal_number"),
    "people": ("proposers", "proposers[0]", "proposer_role", "proposal_title", "agency", "handling_role", "signer",
               "contact_name", "contact_phone", "cc", "cc[1]"),
    "dates and codes": ("region_code", "doc_number", "reply_date", "published_date", "category", "disclosure",
                        "retrieved_date", "withdrawn_date", "withdrawn_reason"),
    "provenance": ("source_url", "index_number", "topics", "topics[0]", "raw_file", "raw_sha256", "raw_format"),
    "sections": ("sections[0].heading", "sections[0].level", "sections[0].text", "sections[1].heading",
                 "sections[1].level", "sections[1].text"),
    "notes": ("notes[0].field", "notes[0].kind", "notes[0].original", "notes[0].value", "notes[0].reason"),
    "evidence": ("evidence[0].field", "evidence[0].start", "evidence[0].end", "evidence[0].quote"),
    "thread_decisions": ("thread_decisions[0].other_id", "thread_decisions[0].decision", "thread_decisions[0].note"),
}
OTHER = "530000-2021-tian-0079"
"""A second seed kept beside the fuzzed one: the fuzzed record's thread decision points to it."""

# --- arbitrary YAML scalars ----------------------------------------------------------------------

SPECIAL = list("鋐陳\u202e\u2066\u200b\u200d\ufeff\ufffe\uffff\u2028\u0085\x00\x07\t\r\n\u3000０١𠀀é\u0301ﬁΣ"
               "=@+-'\"#:&*!|>%{}[],?`\\<")
texts = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(SPECIAL)),
                max_size=40)
long_texts = st.builds(lambda char, n: char * n, st.sampled_from(["社", "a", "鋐", "\u200b", "="]),
                       st.sampled_from([32766, 32767, 32768, 131073]))
numbers = st.one_of(st.integers(-(2**70), 2**70).map(str),
                    st.sampled_from(["010", "0o7", "0x1F", "0b11", "1:30", "190:20:30", "1_000", ".inf", "-.nan",
                                     "1e400", "08", "+5", "0", "-0", "1.5", "1" * 5000, "9223372036854775808"]))
words = st.sampled_from(["yes", "no", "on", "off", "y", "n", "true", "False", "null", "~", "", "NULL", "<<",
                         "=", "-", "---", "...", "*a", "&a x", "? x", "%x"])
dates = st.one_of(st.dates(min_value=dt.date(1, 1, 1)).map(str),
                  st.sampled_from(["2020-02-30", "２０２０-１１-２０", "٢٠٢٠-١١-٢٠", "2107-11-20", "1979-12-31",
                                   "2023-5-1", "2023-05-01T00:00:00Z", "2023-05-01 ", "2023-05-01\n"]))
urls = st.one_of(st.sampled_from(["https://example.gov.cn/a.html", "https://example.gov.cn@evil.example/",
                                  "javascript:alert(1)", "https://example.gov.cn/\u202ex", "http://a", "//evil.example"]),
                 texts.map(lambda t: "https://example.gov.cn/" + t))
values = st.one_of(texts, texts, numbers, words, dates, urls, long_texts)
# Values validate may well accept (so the build sees many): printable text, quoted, no tag.
printable = st.text(alphabet=st.one_of(st.characters(whitelist_categories=("L", "N", "P", "S", "Zs", "M")),
                                       st.sampled_from(list("鋐陳關於社區＝=@+-<>&\"'#{}|*_`[]()!\\"))),
                    min_size=1, max_size=60).map(str.strip).filter(bool)
small_numbers = st.integers(0, 120).map(str)
TAME_PATTERNS = {"region_code": st.sampled_from(["530112", "530000", "530100", "530111", "610102"]),
                 "category": st.sampled_from("ABCDEFZ"), "contact_phone": st.from_regex(r"[0-9]{3,12}", fullmatch=True),
                 "source_url": printable.map(lambda t: "https://example.gov.cn/" + "".join(c for c in t if c.isalnum())),
                 "raw_sha256": st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
                 "id": st.just(SEED), "raw_file": st.sampled_from(["letter.txt", "letter.html"])}


def tame_value(path: str) -> st.SearchStrategy[str]:
    """A value of the field's own kind (a date, a code of its vocabulary, a number), so that many pass."""
    if path.endswith("].field"):  # a note or a span names a field of the record
        return st.sampled_from(sorted({f.name for f in record_fields()} | {"body"}))
    name = path.split(".")[-1].split("[")[0]
    holder = next(f for f in record_fields() if f.name == path.split(".")[0].split("[")[0])
    f = next((i for i in holder.items if i.name == name), holder) if "." in path else holder
    if name in TAME_PATTERNS and "." not in path:
        return TAME_PATTERNS[name]
    if f.enum is not None:
        return st.sampled_from([str(v) for v in f.enum])
    if f.kind == "date":
        return st.dates(dt.date(1980, 1, 1), dt.date(2099, 12, 31)).map(str)
    if f.kind == "integer":
        return small_numbers
    return printable
TAGS = st.sampled_from(["", "", "", "", "!!str ", "!!int ", "!!float ", "!!bool ", "!!null ", "!!timestamp ",
                        "!!binary ", "!!set ", "!!seq ", "!!map ", "!custom ", "!!python/object/apply:os.system ",
                        "!<tag:yaml.org,2002:str> ", "!!merge "])
STYLES = st.sampled_from(["plain", "plain", "single", "double", "double-ascii", "literal", "folded", "flow-list",
                          "flow-map"])


def _target(change: tuple[str, str, str, str]) -> str:
    """What a change replaces: ``cc`` and ``cc[1]`` are one target (the list), two section fields are two."""
    return change[0] if "." in change[0] else change[0].split("[")[0]


def scalar_source(value: str, style: str, tag: str, indent: int) -> str:
    """``value`` written as YAML in ``style`` after ``tag``, for a key indented ``indent`` columns."""
    pad = " " * (indent + 2)
    if style == "single":
        return tag + "'" + value.replace("'", "''") + "'"
    if style.startswith("double"):
        return tag + json.dumps(value, ensure_ascii=style == "double-ascii")
    if style in ("literal", "folded"):
        return tag + ("|-" if style == "literal" else ">-") + "\n" + "\n".join(pad + line for line in value.split("\n"))
    if style == "flow-list":
        return tag + "[" + json.dumps(value, ensure_ascii=False) + "]"
    if style == "flow-map":
        return tag + "{x: " + json.dumps(value, ensure_ascii=False) + "}"
    return tag + value


# --- the record with fields replaced ----------------------------------------------------------------

def _set(data: object, path: str, value: object) -> None:
    import re

    steps = [int(i) if i else n for n, i in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)]
    for step in steps[:-1]:
        data = data[step]  # type: ignore[index]
    data[steps[-1]] = value  # type: ignore[index]


def record_text(seed: dict[str, object], changes: list[tuple[str, str, str, str]]) -> str:
    """The seed as YAML with each (field path, value, style, tag) written in place of the field's value."""
    data = json.loads(json.dumps(seed))
    for n, (path, *_) in enumerate(changes):
        _set(data, path, f"__FUZZ_{n}__")
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9)
    for n, (_, value, style, tag) in enumerate(changes):
        placeholder = f"__FUZZ_{n}__"
        at = text.index(placeholder)
        line_start = text.rfind("\n", 0, at) + 1
        line = text[line_start:at]
        indent = len(line) - len(line.lstrip(" -"))
        text = text.replace(placeholder, scalar_source(value, style, tag, indent), 1)
    return text


# --- one repo for validate, one build per group ----------------------------------------------------

@pytest.fixture(scope="module")
def validate_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, dict[str, object]]:
    """A scratch repo holding the one seed record that is fuzzed (validate reads every record)."""
    paths = copy_inputs(tmp_path_factory.mktemp("fuzz-validate") / "repo")
    for folder in paths.replies.iterdir():
        if folder.name not in (SEED, OTHER):
            shutil.rmtree(folder)
    seed = yaml.safe_load(paths.reply_record(SEED).read_text(encoding="utf-8"))
    seed["thread_decisions"] = [{"other_id": OTHER, "decision": "rejected", "note": "测试：两件不是同一事项。"}]
    paths.reply_record(SEED).write_text(yaml.safe_dump(seed, allow_unicode=True, sort_keys=False, width=10**9),
                                        encoding="utf-8")
    return paths, seed


def validate(paths: Paths) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(["--root", str(paths.root), "validate"])
    return code, out.getvalue()


def build_together(accepted: list[str], dest: Path, group: str) -> Paths:
    """Every accepted variant as a record of its own beside the seeds, built. Each is read as validate
    read it and written back as a reply to a proposal of its own (id and proposal number 9000 + n;
    the span that quoted the old number dropped): otherwise the same values."""
    paths = copy_inputs(dest)
    seed_dir = paths.reply_dir(SEED)
    for n, text in enumerate(accepted):
        data = yamlio.load(text).data
        data["id"] = variant_id(n)
        data["proposal_number"] = variant_id(n).rsplit("-", 1)[1]
        data["evidence"] = [e for e in data["evidence"] if e.get("field") != "proposal_number"]
        folder = paths.replies / data["id"]
        shutil.copytree(seed_dir, folder)
        (folder / "reply.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9),
                                           encoding="utf-8")
    dataset = records.load(paths)
    assert dataset.report.ok, f"{group}: the accepted variants together do not validate:\n{dataset.report.render()}"
    try:
        site.build(paths)
    except BuildError as exc:
        pytest.fail(f"{group}: validate accepted what the build refused:\n{exc}")
    return paths


def variant_id(n: int) -> str:
    """The id of accepted variant n: the seed's region, year and kind, a proposal number of its own."""
    return f"{SEED.rsplit('-', 1)[0]}-{9000 + n}"


def test_the_groups_cover_every_field() -> None:
    named = {path.split("[")[0].split(".")[0] for paths in GROUPS.values() for path in paths}
    assert named == {f.name for f in record_fields()}
    for f in record_fields():
        for item in f.items:
            assert any(p.endswith("." + item.name) and p.startswith(f.name) for p in GROUPS[f.name if f.name in GROUPS
                                                                                                else "sections"]), \
                f"{f.name}.{item.name}"


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_validate_never_crashes_and_the_build_accepts_what_it_accepts(
        group: str, validate_repo: tuple[Paths, dict[str, object]], tmp_path: Path) -> None:
    paths, seed = validate_repo
    record = paths.reply_record(SEED)
    original = record.read_bytes()
    accepted: dict[str, str] = {}
    outcomes = {0: 0, 1: 0}

    fields = st.sampled_from(GROUPS[group])
    wild = st.tuples(fields, values, STYLES, TAGS)
    tame = fields.flatmap(lambda path: st.tuples(st.just(path), tame_value(path), st.sampled_from(["double", "single"]),
                                                 st.just("")))

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(changes=st.lists(st.one_of(wild, tame), min_size=1, max_size=2, unique_by=_target))
    def one(changes: list[tuple[str, str, str, str]]) -> None:
        text = record_text(seed, changes)
        record.write_text(text, encoding="utf-8")
        code, output = validate(paths)
        assert code in (0, 1), f"exit {code} for {changes!r}:\n{output}"
        assert "Traceback" not in output and "internal error" not in output, output
        outcomes[code] += 1
        if code == 1:
            assert f"{SEED}/reply.yaml" in output, f"the report does not name the record:\n{output}"
        elif record.read_bytes() != original and len(accepted) < 20 * BUILD_AT_MOST:
            accepted.setdefault(hashlib.sha256(text.encode()).hexdigest(), text)

    try:
        one()
    finally:
        record.write_bytes(original)
    assert outcomes[1], f"{group}: no example was refused: the fuzzing reaches nothing"
    varied = sorted(accepted.values(), key=lambda t: (-len(set(t)), t))[:BUILD_AT_MOST]
    print(f"{group}: {outcomes[0]} accepted, {outcomes[1]} refused; {len(varied)} distinct accepted built together")
    if varied:
        built = build_together(varied, tmp_path / "repo", group)
        assert (built.site / "replies" / variant_id(0) / "index.html").is_file()
