"""Issue 6: every named bad input makes `portal build` fail, naming file and field, and publishes
nothing: site/ stays byte for byte the previous build and build/ keeps no work dirs.

Every case runs the CLI's entry point ``cli.main(["build"])`` in-process (a scratch repo as its root);
one case per family also runs ``python -m build_scripts build`` in a subprocess on a scratch repo with
its own copy of the code, so the real command is proven too without paying a Python start-up per case.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_inputs
from corpus import Case, apply, invalid_cases
from sitetree import tree

from build_scripts import cli
from build_scripts import paths as paths_mod
from build_scripts.paths import REPO_ROOT, Paths

CASES = invalid_cases()
# One case per family also goes through `python -m build_scripts build` in a subprocess.
SUBPROCESS = {"yaml-error--duplicate-key", "bad-encoding--gbk", "too-large--record-50mb", "missing-field--agency",
              "sha256-mismatch--letter-edited", "bad-pattern--id-non-ascii", "duplicate-reply--same-proposal-twice"}


def test_corpus_is_large_and_named_by_code() -> None:
    assert len(CASES) >= 40, "the reliability corpus needs at least 40 bad inputs"
    for case in CASES:
        assert case.name.startswith(case.code + "--"), f"{case.name}: name it <code>--<what>"
        assert case.spec.get("case"), f"{case.name}: say what is wrong in 'case:'"


# What the issue lists, as the codes that must answer it.
ISSUE_CODES = {"yaml-error", "missing-field", "unknown-field", "wrong-type", "bad-date", "unknown-topic",
               "unknown-category", "unknown-region", "duplicate-id", "duplicate-reply", "id-mismatch", "bad-pattern",
               "raw-missing", "sha256-mismatch", "empty-file", "bad-encoding", "too-large", "not-a-mapping"}


def test_corpus_covers_every_kind_of_bad_input_the_issue_lists() -> None:
    assert ISSUE_CODES <= {c.code for c in CASES}
    names = " ".join(c.name for c in CASES)
    for what in ("feb-30", "dot-dot", "slash", "spaces", "non-ascii", "gbk", "utf-16", "binary", "50mb",
                 "proposal-number-unquoted", "html-page-with-script", "front-matter-breaker"):
        assert what in names, what


# Issue 17 (hardening, round two): every way in it lists, by the case that holds it.
ISSUE_17 = {
    "invalid": ["bad-pattern--package-license-javascript", "bad-pattern--source-url-userinfo",
                "bad-pattern--source-url-bidi", "bad-number--term-5000-digits", "bad-number--int-tag-empty",
                "yaml-error--bool-tag-maybe", "yaml-error--timestamp-tag-feb-30", "bad-number--term-beyond-int64",
                "bad-date--year-2107", "bad-date--full-width-digits", "bad-date--arabic-indic-digits",
                "too-long--section-text-131073", "too-long--section-text-40000", "bad-value--title-u-fffe",
                "bad-number--term-octal", "bad-number--session-sexagesimal", "empty-value--title-invisible",
                "bad-value--evidence-start-after-end", "bad-value--evidence-unknown-field",
                "bad-value--evidence-quote-not-in-text"],
    "inert": ["raw-xhtm-letter", "raw-svgz-letter", "formula-hyperlink", "traditional-beyond-bmp", "href-fragment"],
    "importer": ["zip-bomb-docx", "entity-bomb-docx", "malformed-docx", "pdf-page-cycle", "deep-html",
                 "big5-letter", "stray-byte-utf8", "fifo", "dev-zero", "oversized-text"],
}


def test_corpus_covers_issue_17() -> None:
    here = Path(__file__).resolve().parent
    for kind, names in ISSUE_17.items():
        missing = [n for n in names if not (here / kind / f"{n}.yaml").is_file()]
        assert not missing, f"{kind}: {missing}"
    assert {c.code for c in CASES} >= {"bad-number", "bad-pattern", "bad-date", "too-long", "bad-value", "empty-value"}


def repo_with_site(dest: Path, previous_site: Path) -> Paths:
    """A scratch repo with the site of a previous good build already published."""
    paths = copy_inputs(dest)
    # hard links: a build never writes into a published file (it renames a new site into place), and
    # a test that finds one changed fails on the tree comparison before any other case reads it
    shutil.copytree(previous_site, paths.site, copy_function=os.link)
    return paths


def problem_line(case: Case) -> re.Pattern[str]:
    field = f" {re.escape(case.field)}:" if case.field else ""
    return re.compile(rf"^{re.escape(case.file)}(:\d+)?:{field} \[{re.escape(case.code)}\]", re.MULTILINE)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_fails_the_build_and_publishes_nothing(case: Case, tmp_path: Path, built: Paths,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    paths = repo_with_site(tmp_path / "repo", built.site)
    apply(case, paths.root)
    before = tree(paths.site)

    if case.name in SUBPROCESS:
        shutil.copytree(REPO_ROOT / "build_scripts", paths.root / "build_scripts")
        run = subprocess.run([sys.executable, "-m", "build_scripts", "build"], cwd=paths.root,
                             capture_output=True, text=True, timeout=120, check=False)
        code, stderr = run.returncode, run.stderr
    else:
        monkeypatch.setattr(cli, "Paths", lambda: paths)
        monkeypatch.setattr(paths_mod.relative, "__defaults__", (paths.root,))  # messages relative to the scratch repo
        code = cli.main(["build", "--quiet"])
        stderr = capsys.readouterr().err

    assert code == 1, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert problem_line(case).search(stderr), f"expected {case.file}: {case.field}: [{case.code}] in\n{stderr}"
    assert tree(paths.site) == before
    assert not list(paths.build.glob("work-*"))
