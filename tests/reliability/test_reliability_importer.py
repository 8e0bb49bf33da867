"""Issue 17: hostile letters given to the importer. Each case in importer/ names a maker in
``hostile.py`` and what ``portal extract`` must say about the file it makes.

Every case runs ``portal extract --format json GOOD BAD GOOD`` through the CLI's entry point: the good
letters' results are printed whatever the bad one does (one bad file must not hide the others), a
refused file is an error object and exit 1, never a crash (exit 3), and a readable one gives its
text and the warning. Refused files also go through ``portal add``: nothing is written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import copy_inputs
from hostile import DOCX, MAKERS, PDF, SEED_TEXT

from build_scripts import cli
from build_scripts.paths import REPO_ROOT

HERE = Path(__file__).resolve().parent
CASES = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((HERE / "importer").glob("*.yaml"))}


def make(name: str, spec: dict[str, Any], directory: Path) -> Path:
    return MAKERS[spec["make"]](directory / spec["name"], **(spec.get("args") or {}))  # type: ignore[call-arg]


def test_the_importer_corpus_covers_the_issue() -> None:
    assert {"zip-bomb-docx", "entity-bomb-docx", "malformed-docx", "pdf-page-cycle", "deep-html", "big5-letter",
            "stray-byte-utf8", "fifo", "dev-zero", "oversized-text"} <= set(CASES)
    for name, spec in CASES.items():
        assert spec["make"] in MAKERS and spec.get("case") and spec.get("expect"), name


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_letter_between_two_good_ones(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = CASES[name]
    bad = make(name, spec, tmp_path)
    expect = spec["expect"]
    code = cli.main(["extract", "--format", "json", str(SEED_TEXT), str(bad), str(DOCX)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err
    results = json.loads(out)
    assert [r["file"] for r in results] == [str(SEED_TEXT), str(bad), str(DOCX)]
    assert results[0]["proposal_number"] == "102114" and "error" not in results[2], "the good letters' results"
    if "error" in expect:
        assert code == 1
        assert set(results[1]) == {"file", "error"} and expect["error"] in results[1]["error"], results[1]
        assert f"portal extract: {bad}: " in err
    else:
        assert code == 0, err
        assert expect["text"] in results[1]["text"]
        if "warning" in expect:
            assert any(expect["warning"] in w for w in results[1]["warnings"]), results[1]["warnings"]


@pytest.mark.parametrize("name", sorted(n for n, s in CASES.items() if "error" in s["expect"]))
def test_add_refuses_a_hostile_letter_and_writes_nothing(name: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    paths = copy_inputs(tmp_path / "repo")
    before = sorted(p.relative_to(paths.root) for p in paths.replies.rglob("*"))
    bad = make(name, CASES[name], tmp_path)
    monkeypatch.setattr(cli, "Paths", lambda: paths)
    assert cli.main(["add", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"not added: {bad}: {CASES[name]['expect']['error']}" in out or CASES[name]["expect"]["error"] in out, out
    assert sorted(p.relative_to(paths.root) for p in paths.replies.rglob("*")) == before


def test_portal_extract_good_pdf_bad_docx_good_docx(tmp_path: Path) -> None:
    """The issue's own command, through the real entry point: the good files' results are printed."""
    bad = MAKERS["malformed_docx"](tmp_path / "bad.docx")
    run = subprocess.run([sys.executable, "-m", "build_scripts", "extract", str(PDF), str(bad), str(DOCX)],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1, run.stderr
    docs = json.loads(run.stdout)
    assert [d["file"] for d in docs] == [str(PDF), str(bad), str(DOCX)]
    assert docs[0]["raw_format"] == "pdf" and docs[2]["raw_format"] == "docx" and docs[2]["sections"]
    assert set(docs[1]) == {"file", "error"}
    assert f"portal extract: {bad}: not a readable .docx file" in run.stderr
    assert "Traceback" not in run.stderr


def test_an_unexpected_failure_on_one_letter_hides_no_other_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A bug in a parser is reported (exit 3, never swallowed) and the good letters' results still print."""
    from build_scripts.extract import draft

    real = draft.extract_bytes

    def fails_on_one(data: bytes, name: str, regions: Any) -> Any:
        if name == "boom.txt":
            raise ZeroDivisionError("a parser bug")
        return real(data, name, regions)

    monkeypatch.setattr(draft, "extract_bytes", fails_on_one)
    boom = tmp_path / "boom.txt"
    boom.write_bytes(SEED_TEXT.read_bytes())
    code = cli.main(["extract", "--format", "json", str(SEED_TEXT), str(boom), str(DOCX)])
    out, err = capsys.readouterr()
    results = json.loads(out)
    assert code == 3
    assert results[0]["proposal_number"] == "102114" and "error" not in results[2]
    assert results[1] == {"file": str(boom), "error": "internal error: ZeroDivisionError: a parser bug"}
    assert f"portal extract: {boom}: internal error: ZeroDivisionError" in err
