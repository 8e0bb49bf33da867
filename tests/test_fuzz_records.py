"""Issue 6, fuzzing: whatever the input (any bytes, YAML-ish text, any mapping), the record loader
and the validator return a record or problems, never raise."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_scripts import records, vocab, yamlio
from build_scripts.fieldcheck import check_mapping
from build_scripts.fields import REPLY_FIELDS
from build_scripts.paths import Paths
from build_scripts.problems import Problem

SEED = "530112-2020-yian-001"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Whole records on disk parse a 16 KB seed each time: fewer examples keep the test to seconds.
FUZZ_RECORD = settings(FUZZ, max_examples=50)

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=12), st.sampled_from([f.name for f in REPLY_FIELDS])), inner,
                    max_size=5)), max_leaves=20)
YAML_BITS = ["\n", ": ", "- ", "  ", "\t", "[", "]", "{", "}", "'", '"', "#", "&a ", "*a", "!!python/object ",
             "---\n", "...\n", "|\n", ">-\n", "? ", "%YAML 1.1\n", "\ufeff", "\x00", "2023-02-30", "null", "~"]
yamlish = st.lists(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=8)), max_size=40).map("".join)


@pytest.fixture(scope="module")
def seed_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, vocab.Vocabularies, dict[str, Any]]:
    real = Paths()
    folder = tmp_path_factory.mktemp("fuzz") / SEED
    shutil.copytree(real.reply_dir(SEED), folder)
    vocabularies, problems = vocab.load(real)
    assert not problems
    data = yaml.safe_load(real.reply_record(SEED).read_text(encoding="utf-8"))
    return folder, vocabularies, data


def _outcome(folder: Path, vocabularies: vocab.Vocabularies) -> None:
    reply, problems = records.load_one(folder, vocabularies, folder.parent.parent)
    assert all(isinstance(p, Problem) for p in problems)
    assert reply is not None or problems, "neither a record nor a problem"


@FUZZ
@given(text=st.one_of(st.text(), yamlish))
def test_yaml_load_gives_data_or_a_problem(text: str) -> None:
    try:
        loaded = yamlio.load(text)
    except yamlio.YamlProblem as exc:
        assert exc.line >= 0
    else:
        assert isinstance(loaded.lines, dict)


@FUZZ
@given(data=values)
def test_check_mapping_never_raises(data: Any) -> None:
    problems = list(check_mapping(data, REPLY_FIELDS, file="x.yaml", lines={}))
    assert problems, "a random value is never a whole valid record"


@FUZZ
@given(raw=st.one_of(st.binary(max_size=400), yamlish.map(lambda t: t.encode("utf-8"))))
def test_load_one_any_bytes(raw: bytes, seed_dir: tuple[Path, vocab.Vocabularies, dict[str, Any]]) -> None:
    folder, vocabularies, _ = seed_dir
    (folder / "reply.yaml").write_bytes(raw)
    _outcome(folder, vocabularies)


@FUZZ_RECORD
@given(changes=st.dictionaries(st.sampled_from([f.name for f in REPLY_FIELDS] + ["extra"]), values, max_size=4),
       dropped=st.sets(st.sampled_from([f.name for f in REPLY_FIELDS]), max_size=3))
def test_load_one_any_mapping(changes: dict[str, Any], dropped: set[str],
                              seed_dir: tuple[Path, vocab.Vocabularies, dict[str, Any]]) -> None:
    """The seed with fields replaced by anything or removed: a record or problems."""
    folder, vocabularies, seed = seed_dir
    data = {k: v for k, v in seed.items() if k not in dropped} | changes
    (folder / "reply.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _outcome(folder, vocabularies)
