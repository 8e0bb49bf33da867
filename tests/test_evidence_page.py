"""Issue #3: the reply page shows where each value was read, escaped like all letter text."""

from __future__ import annotations

from pathlib import Path

from build_scripts import records
from build_scripts.pages import evidence
from build_scripts.paths import Paths


def test_seed_page_lists_its_evidence() -> None:
    dataset = records.load(Paths())
    reply = next(r for r in dataset.replies if r.id == "530111-2023-tian-102114")
    html = evidence.render(reply)
    assert "## 取值依据 { #evidence }" in html
    assert "<td>答复日期</td><td>2023531</td>" in html
    assert "<td>答复单位</td><td>昆明市官渡区民政局</td>" in html


def test_quotes_are_escaped() -> None:
    reply = records.Reply({"evidence": [{"field": "title", "start": 0, "end": 9, "quote": "<script>x"}]}, Path("."))
    html = evidence.render(reply)
    assert "<script>" not in html and "&lt;script&gt;x" in html


def test_no_evidence_no_section() -> None:
    assert evidence.render(records.Reply({"evidence": []}, Path("."))) == ""
