"""Issue 16: data flows one way. Each module of build_scripts belongs to a stage; a module may import
its own stage and the stages below it, never one above, and no imports go round in a circle.
Imports inside functions count. ARCHITECTURE.md describes the same stages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from build_scripts.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "build_scripts"

STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("paths", "settings", "problems", "dates", "textnorm", "output", "yamlio", "siteurl",
                    "svgchart", "deflate", "xlsx", "background")),
    ("record format", ("fieldbase", "rulefields", "fields", "packagefields", "vocabfields", "fieldcheck", "divisions", "vocab", "topics", "dataset", "replytext", "proposals", "speed", "threads",
                       "commitments", "figures")),
    ("records and checks", ("checks", "consistency", "evidencecheck", "records", "extract")),
    ("package", ("package", "foreignkeys", "flatfiles", "sqlitedb", "manifest", "downloads", "releases", "changelog", "release_keep", "release_assets")),
    ("pages", ("pages",)),
    ("site", ("sitegen", "linkcheck", "sitesize")),
    ("outputs", ("search", "feeds", "commitfeed", "api", "sitemap")),
    ("commands", ("site", "cli", "add", "given", "ci", "deploy", "__main__", "")),
)
"""Lowest first. A name stands for the module build_scripts.<name> and, for a package, every module in it."""

MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _stage(module: str) -> int:
    for rank, (_, names) in enumerate(STAGES):
        if module in names or module.split(".")[0] in names and module.split(".")[0]:
            return rank
    raise LookupError(module)


def _short(name: str) -> str:
    return name.removeprefix("build_scripts").removeprefix(".")


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """Modules of build_scripts that ``module`` imports, anywhere in its file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".") if package else []
                up = up[: len(up) - node.level + 1]
                base = ".".join([*up, base] if base else up)
                base = f"build_scripts.{base}" if base else "build_scripts"
            names = [f"{base}.{a.name}" if _short(f"{base}.{a.name}") in known else base for a in node.names]
        else:
            continue
        for name in names:
            if name == "build_scripts" or name.startswith("build_scripts."):
                if (short := _short(name)) in known and short != module:
                    found.add(short)
    return found


GRAPH = {m: _imports(m, p, set(_modules())) for m, p in _modules().items()}


def test_the_graph_found_the_modules() -> None:
    assert {"records", "package", "pages.reply", "site", "search.index", "extract.draft"} <= set(GRAPH)
    assert "dataset" in GRAPH["records"] and "pages.facets" in GRAPH["pages.browse"]


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_every_module_has_a_stage(module: str) -> None:
    try:
        _stage(module)
    except LookupError:
        pytest.fail(f"build_scripts.{module} is in no stage: add it to STAGES here and to ARCHITECTURE.md")


def _upward(graph: dict[str, set[str]]) -> list[str]:
    return [f"build_scripts.{m} ({STAGES[_stage(m)][0]}) imports build_scripts.{t} ({STAGES[_stage(t)][0]})"
            for m, targets in sorted(graph.items()) for t in sorted(targets) if _stage(t) > _stage(m)]


def test_no_module_imports_a_stage_above_its_own() -> None:
    upward = _upward(GRAPH)
    assert upward == [], "\n".join(upward)


def test_the_check_finds_an_upward_import() -> None:
    """What issue 16 found: the page citation importing the build (site), records importing pages."""
    assert _upward({"pages.citation": {"site", "pages.escape"}, "records": {"pages.reply", "dataset"}}) == [
        "build_scripts.pages.citation (pages) imports build_scripts.site (commands)",
        "build_scripts.records (records and checks) imports build_scripts.pages.reply (pages)",
    ]


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_circles() -> None:
    assert _circles(GRAPH) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_is_over_400_lines(module: str) -> None:
    lines = len(_modules()[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"build_scripts/{module} has {lines} lines: split it by idea"


def test_architecture_md_names_every_stage_and_module() -> None:
    text = (REPO_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for stage, names in STAGES:
        assert stage in text, stage
        for name in names:
            if name and name != "__main__":
                assert f"`{name}" in text, f"ARCHITECTURE.md does not mention {name}"
