"""Issue 6: `portal validate --format github` annotates every problem on its file and line and
writes the whole report, with file and field, into the job summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_scripts import ci, cli
from build_scripts import paths as paths_mod
from build_scripts.paths import Paths
from build_scripts.problems import Problem, Report

RECORD = "datasets/replies/530112-2020-yian-001/reply.yaml"
OTHER = "datasets/replies/530000-2021-tian-0079/reply.yaml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _break(paths: Paths) -> None:
    _edit(paths.root / RECORD, "reply_date: '2020-11-20'", "reply_date: '2023-02-30'")
    _edit(paths.root / OTHER, "- sanshe-liandong", "- no-such-topic")


def _run(paths: Paths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.setattr(cli, "Paths", lambda: paths)
    monkeypatch.setattr(paths_mod.relative, "__defaults__", (paths.root,))
    code = cli.main(["validate", "--format", "github"])
    return code, capsys.readouterr().out


def test_github_format_annotates_and_summarises(scratch: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _break(scratch)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out = _run(scratch, monkeypatch, capsys)
    assert code == 1
    lines = out.splitlines()
    assert (f"::error file={RECORD},line=17,title=[bad-date] reply_date::"
            "reply_date: '2023-02-30' is not a date; write it as YYYY-MM-DD, a day that exists") in lines
    assert f"::error file={OTHER},line=31,title=[unknown-topic] topics[1]::" in out
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## ❌")  # appended, never overwriting other steps' summaries
    assert f"| ❌ | `{RECORD}` | 17 | `reply_date` | `bad-date` |" in text
    assert f"| ❌ | `{OTHER}` | 31 | `topics[1]` | `unknown-topic` |" in text
    assert "3 record(s) valid; 2 error(s)" in text


def test_valid_records_pass_without_a_summary_file(scratch: Paths, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    code, out = _run(scratch, monkeypatch, capsys)
    assert code == 0 and "::error" not in out


def test_annotation_escapes_workflow_command_syntax() -> None:
    problem = Problem("a,b:c.yaml", 3, "title", "bad-value", "100% wrong\nsecond line", "fix, then ::retry")
    assert ci.annotation(problem) == ("::error file=a%2Cb%3Ac.yaml,line=3,title=[bad-value] title::"
                                      "title: 100%25 wrong%0Asecond line; fix, then ::retry")


def test_summary_cells_cannot_break_the_table_or_inject_html() -> None:
    problem = Problem("x.yaml", 0, "title", "bad-value", "'<script>a|b</script>'", "", "warning")
    text = ci.summary(Report.of([problem]), 0)
    assert "| ⚠️ | `x.yaml` |  | `title` | `bad-value` | '&lt;script&gt;a\\|b&lt;/script&gt;' |  |" in text
