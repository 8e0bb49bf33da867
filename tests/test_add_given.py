"""Issue 12: `portal add` never leaves a maintainer stuck. A value the extractor missed can be given
(`--region`, `--kind`, `--number`, `--reply-date`, `--agency`, `--set FIELD=VALUE`); a letter that
still has no id is kept as a draft with the exact command that finishes it; files are written
with the ordinary mode."""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from build_scripts import cli, records
from build_scripts.paths import Paths

LETTER = """兰州市城关区民政局
关于区十八届人大三次会议第0412号建议的答复

马晓燕代表：

您提出的《关于加强老旧小区居家养老服务设施建设的建议》收悉。现答复如下：

一、基本情况

全区已建成社区日间照料中心八十六个。

二、下一步工作

我局将推进老旧小区适老化改造，为独居老人提供上门服务。

兰州市城关区民政局
2024年6月18日

联系人：赵丽
"""

AMBIGUOUS = LETTER.replace("兰州市城关区民政局", "城关区民政局")
"""The same letter signed without its city: 城关区 is in 兰州 and in 拉萨, so no region can be found."""


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    path = tmp_path / "chengguan-reply.txt"
    path.write_text(LETTER, encoding="utf-8")
    return path


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def portal(paths: Paths, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(["--root", str(paths.root), *args])
    return code, capsys.readouterr().out


def test_a_letter_without_an_id_is_kept_as_a_draft_with_the_command_that_finishes_it(
        scratch: Paths, letter: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: `portal add` refused 3 of 3 letters (missing: region_code) and left no way on."""
    monkeypatch.chdir(scratch.root)
    letter.write_text(AMBIGUOUS, encoding="utf-8")
    code, out = portal(scratch, capsys, "add", str(letter), "--retrieved", "2024-07-02")
    assert code == 1
    assert "missing: region_code" in out
    drafts = list(scratch.drafts.iterdir())
    assert [sorted(p.name for p in d.iterdir()) for d in drafts] == [["letter.txt", "reply.yaml"]]
    assert drafts[0].name.startswith("chengguan-reply-")
    assert not list(scratch.replies.glob("620102-*"))
    command = out.split("and run\n  ", 1)[1].strip()
    assert command.endswith(f"add datasets/drafts/{drafts[0].name} --region REGION_CODE --set assembly=ASSEMBLY")

    filled = command.replace("REGION_CODE", "620102").replace("ASSEMBLY", "兰州市城关区人民代表大会")
    args = shlex.split(filled)
    assert args[0] == "portal"
    assert cli.main(args[1:]) == 0
    out = capsys.readouterr().out
    assert "added 620102-2024-jianyi-0412" in out
    assert not scratch.drafts.exists(), "the draft became the record"
    record = yaml.safe_load(scratch.reply_record("620102-2024-jianyi-0412").read_text(encoding="utf-8"))
    assert record["retrieved_date"] == "2024-07-02" and record["assembly"] == "兰州市城关区人民代表大会"
    assert [(n["field"], n["kind"], n["original"], n["value"]) for n in record["notes"]] == [
        ("region_code", "decision", None, "620102"), ("assembly", "decision", None, "兰州市城关区人民代表大会")]
    dataset = records.load(scratch)
    assert dataset.report.errors == () and "620102-2024-jianyi-0412" in [r.id for r in dataset.replies]


def test_options_override_what_the_extractor_read(scratch: Paths, letter: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out = portal(scratch, capsys, "add", str(letter), "--number", "412", "--kind", "议案",
                       "--set", "assembly=兰州市城关区人民代表大会", "--set", "term=17", "--set", "proposers=马晓燕、李青")
    assert code == 0, out
    record = yaml.safe_load(scratch.reply_record("620102-2024-yian-412").read_text(encoding="utf-8"))
    assert (record["proposal_number"], record["proposal_kind"], record["term"]) == ("412", "议案", 17)
    assert record["proposers"] == ["马晓燕", "李青"]
    spans = {e["field"]: e["quote"] for e in record["evidence"]}
    assert "term" not in spans and "proposal_number" not in spans, "the spans quoted the old values"
    assert spans["proposers"] == "马晓燕代表", "a span that still gives a value stays"
    assert records.load(scratch).report.errors == ()


def test_agency_given_finds_its_region(scratch: Paths, letter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12: the signature's abbreviation matched no region; the full name given resolves it."""
    letter.write_text(LETTER.replace("兰州市城关区民政局", "区民政局"), encoding="utf-8")
    code, out = portal(scratch, capsys, "add", str(letter), "--agency", "兰州市城关区民政局",
                       "--set", "assembly=兰州市城关区人民代表大会")
    assert code == 0, out
    record = yaml.safe_load(scratch.reply_record("620102-2024-jianyi-0412").read_text(encoding="utf-8"))
    assert record["region_code"] == "620102" and record["agency"] == "兰州市城关区民政局"


@pytest.mark.parametrize(("option", "said"), [
    (["--set", "agancy=兰州市城关区民政局"], "--set agancy: 'agancy' is not a field `add` takes; did you mean agency?"),
    (["--kind", "意见"], "--kind '意见': '意见' is not one of 建议, 议案, 提案"),
    (["--reply-date", "2024-02-30"], "--reply-date '2024-02-30': '2024-02-30' is not a date"),
    (["--set", "term"], "--set 'term': write FIELD=VALUE"),
    (["--set", "id=x"], "--set id: 'id' is not a field `add` takes"),
])
def test_a_bad_option_is_said_and_nothing_is_written(scratch: Paths, letter: Path, option: list[str], said: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out = portal(scratch, capsys, "add", str(letter), *option)
    assert code == 1
    assert f"not added: {said}" in out and "nothing was written." in out
    assert not scratch.drafts.exists()


def test_files_written_by_add_have_the_ordinary_mode(scratch: Paths, letter: Path, umask_022: None,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12: files written by `add` were mode 0600 under umask 022."""
    code, out = portal(scratch, capsys, "add", str(letter), "--set", "assembly=兰州市城关区人民代表大会")
    assert code == 0, out
    folder = scratch.reply_dir("620102-2024-jianyi-0412")
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {
        "letter.txt": 0o644, "reply.yaml": 0o644}


def test_a_required_field_still_missing_is_said(scratch: Paths, letter: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    letter.write_text(LETTER.replace("区十八届人大三次会议", ""), encoding="utf-8")  # no word of the assembly
    code, out = portal(scratch, capsys, "add", str(letter))
    assert code == 0, out
    assert "required but not found (validate refuses null): assembly;" in out
    code, out = portal(scratch, capsys, "add", str(letter), "--force", "--set", "assembly=兰州市城关区人民代表大会")
    assert code == 0 and "required but not found" not in out
    assert records.load(scratch).report.errors == ()


def test_a_folder_that_is_not_a_draft_is_refused(scratch: Paths, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "not-a-draft"
    folder.mkdir()
    (folder / "reply.yaml").write_text("raw_file: ../../secret.txt\n", encoding="utf-8")
    code, out = portal(scratch, capsys, "add", str(folder))
    assert code == 1
    assert f"not added: {folder}: {folder} is not a draft kept by `portal add`" in out
    assert not scratch.drafts.exists()
