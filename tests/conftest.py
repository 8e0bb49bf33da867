"""Shared fixtures: a scratch copy of the repo's inputs, a built site, a local server, a browser."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from build_scripts import site
from build_scripts.paths import REPO_ROOT, Paths

SEEDS = REPO_ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"
INPUTS = ("datasets", "docs", "overrides", "mkdocs.yml")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def copy_inputs(dest: Path) -> Paths:
    """A scratch repo with the real records, docs and config: tests may break it freely."""
    for name in INPUTS:
        src = REPO_ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copyfile(src, dest / name)
    return Paths(dest)


@pytest.fixture
def scratch(tmp_path: Path) -> Paths:
    return copy_inputs(tmp_path / "repo")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """The real records built once for the whole session into a scratch repo."""
    paths = copy_inputs(tmp_path_factory.mktemp("built") / "repo")
    site.build(paths)
    return paths


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def site_url(built: Paths) -> Iterator[str]:
    server, url = serve(built.site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def long_built(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """The seeds and three long letters (tests/longletters.py) built once: their text is in parts."""
    import longletters

    paths = copy_inputs(tmp_path_factory.mktemp("long") / "repo")
    longletters.add_all(paths)
    site.build(paths)
    return paths


@pytest.fixture(scope="session")
def proposal_built(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """The seeds and one proposal answered by a lead and two co-handling agencies (tests/proposalletters.py)."""
    import proposalletters

    paths = copy_inputs(tmp_path_factory.mktemp("proposal") / "repo")
    proposalletters.add_all(paths)
    site.build(paths)
    return paths
