"""The validation report for GitHub Actions: annotations on the files and a job summary.

``portal validate --format github`` prints one ``::error``/``::warning`` workflow command per
problem (GitHub shows it on the file and line in the pull request) and, when the runner sets
``GITHUB_STEP_SUMMARY``, appends a Markdown report with every problem's file, line and field.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from build_scripts.problems import Problem, Report


def _data(text: str) -> str:
    """Escape a workflow command's message (GitHub's own rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    """Escape a workflow command's property value."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    props = [f"file={_prop(problem.file)}"]
    if problem.line:
        props.append(f"line={problem.line}")
    props.append(f"title={_prop(f'[{problem.code}] ' + (problem.field or problem.file))}")
    message = (f"{problem.field}: " if problem.field else "") + problem.message
    if problem.hint:
        message += f"; {problem.hint}"
    return f"::{problem.severity} {','.join(props)}::{_data(message)}"


def workflow_commands(report: Report) -> str:
    return "\n".join(annotation(p) for p in report.problems)


def _cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def summary(report: Report, records: int) -> str:
    """The job summary: the verdict, then every problem as a table row (file, line, field, …)."""
    verdict = "✅ 记录校验通过 · records valid" if report.ok else "❌ 记录校验未通过 · records invalid"
    lines = [f"## {verdict}", "",
             f"{records} record(s) valid; {len(report.errors)} error(s), {len(report.warnings)} warning(s).", ""]
    if report.problems:
        lines += ["| | file | line | field | code | problem | how to fix |", "|---|---|---|---|---|---|---|"]
        for p in report.problems:
            icon = "❌" if p.severity == "error" else "⚠️"
            lines.append(f"| {icon} | `{_cell(p.file)}` | {p.line or ''} | `{_cell(p.field)}` | `{p.code}` "
                         f"| {_cell(p.message)} | {_cell(p.hint)} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def write_summary(report: Report, records: int, environ: dict[str, str] | None = None) -> Path | None:
    """Append the summary to ``$GITHUB_STEP_SUMMARY`` when it is set; return the file written."""
    target = (environ if environ is not None else dict(os.environ)).get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    with open(target, "a", encoding="utf-8") as f:
        f.write(summary(report, records))
    return Path(target)
