"""Broken records are rejected with file, field and a stable code; the CLI exits 1."""

from __future__ import annotations

import subprocess
import sys

import pytest

from build_scripts import records
from build_scripts.paths import REPO_ROOT, Paths
from build_scripts.problems import Problem, Report
from tests.reliability.corpus import Case, apply, invalid_cases

# The bad inputs are the reliability corpus (tests/reliability/invalid/): there the CLI's build must
# refuse each one; here the validator's own report must name it and say how to fix it.
CASES = invalid_cases()


def case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


def problem_for(c: Case, report: Report) -> Problem:
    matching = [p for p in report.errors if (p.code, p.field, p.file) == (c.code, c.field, c.file)]
    assert matching, f"expected {c.file}: {c.field}: [{c.code}] in\n{report.render()}"
    return matching[0]


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_every_problem_says_what_is_wrong_and_how_to_fix_it(c: Case, scratch: Paths) -> None:
    apply(c, scratch.root)
    report = records.load(scratch).report
    assert not report.ok
    problem = problem_for(c, report)
    assert problem.message and problem.hint


def test_problem_line_numbers_point_at_the_field(scratch: Paths) -> None:
    c = case("bad-date--feb-30")
    apply(c, scratch.root)
    problem = problem_for(c, records.load(scratch).report)
    lines = (scratch.root / c.file).read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1].startswith("reply_date:")


def test_all_problems_in_one_report(scratch: Paths) -> None:
    """Three records broken three ways: one report names all three."""
    broken = [case(n) for n in ("bad-date--chinese-published-date", "unknown-topic--second-of-two",
                                "sha256-mismatch--letter-edited")]
    assert len({c.folder for c in broken}) == 3
    for c in broken:
        apply(c, scratch.root)
    report = records.load(scratch).report
    for c in broken:
        problem_for(c, report)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "build_scripts", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def test_cli_validate_real_records_exit_0() -> None:
    """The one test that reads every live record (issue 12: `make test` builds them once, too)."""
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    folders = [p for p in Paths().replies.iterdir() if p.is_dir()]
    assert f"\n{len(folders)} record(s) valid.\n" in "\n" + result.stdout


def test_cli_validate_reports_file_field_and_hint(scratch: Paths) -> None:
    c = case("bad-date--feb-30")
    apply(c, scratch.root)
    result = run_cli("--root", str(scratch.root), "validate")
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if "[bad-date]" in line)
    assert line.startswith(f"{c.file}:")
    assert "reply_date: [bad-date] '2023-02-30' is not a date; write it as YYYY-MM-DD" in line
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_build_fails_and_leaves_site_untouched(scratch: Paths) -> None:
    from build_scripts import site

    site.build(scratch)
    before = {p.relative_to(scratch.site): p.read_bytes() for p in scratch.site.rglob("*") if p.is_file()}
    apply(case("unknown-topic--second-of-two"), scratch.root)
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
