"""Shared fixtures: a scratch copy of the repo's inputs, a built site, a local server, a browser."""

from __future__ import annotations

import csv
import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from build_scripts import site
from build_scripts.paths import REPO_ROOT, Paths
from build_scripts.releases import release_dirs

SEEDS = REPO_ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"
INPUTS = ("docs", "overrides", "mkdocs.yml")
SEED_IDS = ("530000-2021-tian-0079", "530100-2023-tian-142282", "530111-2023-tian-102114",
            "530112-2020-yian-001", "610102-2023-jianyi-11")
"""The five seed records, by name: test repos hold these (or records made for the case), never every
record of the live datasets/replies/, so no test slows down or changes as the collection grows."""
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def copy_inputs(dest: Path, replies: tuple[str, ...] = SEED_IDS) -> Paths:
    """A small scratch repo that tests may break freely: the docs, config and vocabularies of the
    repo, and only the named records (the seeds unless told) with their letters.

    Kept releases are copied when every record they hold is in the scratch repo; a release that
    holds other records is left out, and the scratch repo's version becomes that release's own
    version (the next version after the newest kept release, as it was when it was made).
    """
    live = Paths()
    for name in INPUTS:
        src = REPO_ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copyfile(src, dest / name)
    paths = Paths(dest)
    shutil.copytree(live.vocab, paths.vocab)
    shutil.copyfile(live.package_meta, paths.package_meta)
    paths.replies.mkdir(parents=True)
    for reply_id in replies:
        shutil.copytree(live.reply_dir(reply_id), paths.reply_dir(reply_id))
    _copy_releases(live, paths, set(replies))
    _trim_vocabularies(paths)
    return paths


def _trim_vocabularies(paths: Paths) -> None:
    """Leave out the vocabulary entries only other records use (a topic or category scheme added for
    a new reply), so a scratch repo warns about no entry because the live collection grew. A file is
    rewritten only when it loses an entry. (Regions are every GB/T 2260 division: no warning there.)"""
    data = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(paths.replies.glob("*/reply.yaml"))]
    topics = {t for d in data for t in d["topics"]}
    assemblies = {d["assembly"] for d in data if d["category"]}
    keep = {"topics.yaml": lambda e: e["id"] in topics,
            "categories.yaml": lambda e: bool(assemblies & set(e["assemblies"]))}
    for name, used in keep.items():
        path = paths.vocab / name
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        kept = [e for e in entries if not isinstance(e, dict) or used(e)]
        if len(kept) < len(entries):
            path.write_text(yaml.safe_dump(kept, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _copy_releases(live: Paths, paths: Paths, replies: set[str]) -> None:
    for folder in release_dirs(live.datasets / "releases"):
        with (folder / "replies.csv").open(encoding="utf-8", newline="") as f:
            held = {row["id"] for row in csv.DictReader(f)}
        if not held <= replies:
            meta = paths.package_meta.read_text(encoding="utf-8")
            paths.package_meta.write_text(re.sub(r"(?m)^version: .*$", f"version: {folder.name}", meta, count=1),
                                          encoding="utf-8")
            return
        shutil.copytree(folder, paths.datasets / "releases" / folder.name)


@pytest.fixture(scope="session")
def seeds_repo(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """The seeds in a scratch repo, not built: for tests that only read records. Do not change it."""
    return copy_inputs(tmp_path_factory.mktemp("seeds") / "repo")


@pytest.fixture
def scratch(tmp_path: Path) -> Paths:
    return copy_inputs(tmp_path / "repo")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """The seeds built once for the whole session into a scratch repo."""
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


def unzip_database(data_dir: Path, into: Path) -> Path:
    """The published SQLite file (data/<name>.sqlite.zip, with its Datasette metadata), unzipped into ``into``."""
    import zipfile

    (archive,) = data_dir.glob("*.sqlite.zip")
    with zipfile.ZipFile(archive) as z:
        z.extractall(into)
    return into / archive.name.removesuffix(".zip")
