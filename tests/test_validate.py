"""Broken records are rejected with file, field and a stable code; the CLI exits 1."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from build_scripts import records, yamlio
from build_scripts.paths import REPO_ROOT, Paths
from tests.conftest import FIXTURES

CASES = sorted((FIXTURES / "invalid").glob("*.yaml")) + sorted((FIXTURES / "invalid").glob("*.txt"))


def apply_case(case: Path, paths: Paths) -> tuple[str, str | None, Path]:
    """Break the scratch repo as the fixture says; return (code, field, record file)."""
    if case.suffix == ".txt":
        text = case.read_text(encoding="utf-8")
        code = text.splitlines()[0].split("expect:")[1].strip()
        target = paths.reply_record("530000-2021-tian-0079")
        target.write_text(text, encoding="utf-8")
        return code, None, target
    spec: dict[str, Any] = yaml.safe_load(case.read_text(encoding="utf-8"))
    folder = paths.reply_dir(spec["base"])
    record = yamlio.load(folder.joinpath("reply.yaml").read_text(encoding="utf-8")).data
    for key in spec.get("unset", []):
        del record[key]
    record.update(spec.get("set", {}))
    target = folder / "reply.yaml"
    if "copy_to" in spec:
        shutil.copytree(folder, paths.reply_dir(spec["copy_to"]))
        target = paths.reply_record(spec["copy_to"])
    target.write_text(yamlio.dump(record), encoding="utf-8")
    return spec["expect"]["code"], spec["expect"].get("field"), target


def test_cases_found() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_broken_record_is_rejected(case: Path, scratch: Paths) -> None:
    code, field, target = apply_case(case, scratch)
    report = records.load(scratch).report
    assert not report.ok
    matching = [p for p in report.errors if p.code == code]
    assert matching, report.render()
    problem = matching[0]
    assert problem.file.endswith(target.relative_to(scratch.root).as_posix()) or code == "duplicate-id"
    if field:
        assert problem.field == field
    assert problem.message and problem.hint


def test_problem_line_numbers_point_at_the_field(scratch: Paths) -> None:
    apply_case(FIXTURES / "invalid" / "bad-date--feb-30.yaml", scratch)
    report = records.load(scratch).report
    problem = next(p for p in report.errors if p.code == "bad-date")
    lines = scratch.reply_record("530111-2023-tian-102114").read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1].startswith("reply_date:")


def test_all_problems_in_one_report(scratch: Paths) -> None:
    for name in ("bad-date--feb-30.yaml", "unknown-topic--shequ-weiji.yaml", "sha256-mismatch--edited-letter.yaml"):
        apply_case(FIXTURES / "invalid" / name, scratch)
    codes = {p.code for p in records.load(scratch).report.errors}
    assert {"bad-date", "unknown-topic", "sha256-mismatch"} <= codes


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "build_scripts", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)


def test_cli_validate_real_records_exit_0() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 record(s) valid." in result.stdout


def test_cli_validate_reports_file_field_and_hint(scratch: Paths) -> None:
    apply_case(FIXTURES / "invalid" / "bad-date--feb-30.yaml", scratch)
    result = run_cli("--root", str(scratch.root), "validate")
    assert result.returncode == 1
    line = next(l for l in result.stdout.splitlines() if "[bad-date]" in l)
    assert line.startswith("datasets/replies/530111-2023-tian-102114/reply.yaml:")
    assert "reply_date: [bad-date] '2023-02-30' is not a date; write it as YYYY-MM-DD" in line
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_build_fails_and_leaves_site_untouched(scratch: Paths) -> None:
    from build_scripts import site

    site.build(scratch)
    before = {p.relative_to(scratch.site): p.read_bytes() for p in scratch.site.rglob("*") if p.is_file()}
    apply_case(FIXTURES / "invalid" / "unknown-topic--shequ-weiji.yaml", scratch)
    result = run_cli("--root", str(scratch.root), "build")
    assert result.returncode == 1
    assert "unknown-topic" in result.stderr and "topics[1]" in result.stderr
    after = {p.relative_to(scratch.site): p.read_bytes() for p in scratch.site.rglob("*") if p.is_file()}
    assert after == before
    assert not list(scratch.build.glob("work-*")), "no staging left behind"


def test_non_utf8_record_is_reported(scratch: Paths) -> None:
    target = scratch.reply_record("530000-2021-tian-0079")
    target.write_bytes(target.read_text(encoding="utf-8").encode("gbk"))
    problems = records.load(scratch).report.errors
    assert [p.code for p in problems] == ["bad-encoding"]
