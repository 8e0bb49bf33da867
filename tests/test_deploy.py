"""Issue 13: `portal deploy` to S3-compatible object storage, end to end against a real server.

The server is moto's S3 in server mode (`moto[server]` from PyPI), started here as its own process
on a free port and spoken to over HTTP by boto3, as the deploy speaks to 阿里云 OSS or 腾讯云 COS.
A first deploy uploads the site; after one reply is added and the site rebuilt, a second deploy
uploads exactly the files whose bytes changed, deletes nothing still in the site, and the bucket
then holds the new site byte for byte.
"""

from __future__ import annotations

import gzip
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
pytest.importorskip("moto.server")

import longletters  # noqa: E402
from conftest import copy_inputs  # noqa: E402

from build_scripts import cli, deploy, site  # noqa: E402
from build_scripts.paths import Paths  # noqa: E402

BUCKET = "dafu-site"
SEED = "530112-2020-yian-001"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def credentials() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
                            ("AWS_DEFAULT_REGION", "us-east-1")):
            patch.setenv(name, value)
        yield


def _client(endpoint: str) -> Any:
    return deploy.client_for(endpoint)


def _bucket(client: Any, name: str) -> dict[str, bytes]:
    """Every object's bytes as a browser gets them: pages, styles, scripts and feeds are stored gzipped
    (``Content-Encoding: gzip``) and inflated; the search index's files are gzipped in the site too."""
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for obj in page.get("Contents", []):
            data = client.get_object(Bucket=name, Key=obj["Key"])["Body"].read()
            out[obj["Key"]] = gzip.decompress(data) if deploy.compressed(obj["Key"]) else data
    return out


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, dict[str, bytes], dict[str, bytes]]:
    """The seeds' site, then the same after one reply is added (site/ holds the second)."""
    paths = copy_inputs(tmp_path_factory.mktemp("deploy") / "repo")
    site.build(paths)
    first = _tree(paths.site)
    keep = tmp_path_factory.mktemp("first") / "site"
    shutil.copytree(paths.site, keep)
    longletters.add(paths, "904", [{"heading": "一、办理情况", "level": 1, "text": longletters.paragraph(1)}])
    site.build(paths)
    second = _tree(paths.site)
    shutil.rmtree(paths.site)
    shutil.copytree(keep, paths.site)  # site/ is the first build again, until the test swaps it
    return paths, first, second


def test_deploy_then_a_second_deploy_uploads_only_what_changed(
        endpoint: str, credentials: None, two_sites: tuple[Paths, dict[str, bytes], dict[str, bytes]],
        tmp_path: Path) -> None:
    paths, first, second = two_sites
    client = _client(endpoint)
    client.create_bucket(Bucket=BUCKET)

    result = deploy.deploy(paths.site, BUCKET, endpoint_url=endpoint)
    assert sorted(result.uploaded) == sorted(first) and result.deleted == [] and result.unchanged == 0
    assert _bucket(client, BUCKET) == first

    again = deploy.deploy(paths.site, BUCKET, endpoint_url=endpoint)  # nothing changed: nothing sent
    assert again.uploaded == [] and again.deleted == [] and again.unchanged == len(first)

    shutil.rmtree(paths.site)
    paths.site.mkdir()
    for rel, data in second.items():
        (paths.site / rel).parent.mkdir(parents=True, exist_ok=True)
        (paths.site / rel).write_bytes(data)
    changed = {rel for rel, data in second.items() if first.get(rel) != data}
    gone = set(first) - set(second)
    assert "replies/530112-2020-yian-904/index.html" in changed and "assets/reader.css" not in changed
    assert len(changed) < len(second)  # the letters, assets and other records' files did not change

    result = deploy.deploy(paths.site, BUCKET, endpoint_url=endpoint)
    assert set(result.uploaded) == changed and len(result.uploaded) == len(changed)
    assert set(result.deleted) == gone
    assert result.unchanged == len(second) - len(changed)
    assert _bucket(client, BUCKET) == second

    phases = [deploy.phase(k) for k in result.uploaded]
    assert phases == sorted(phases) and phases[-1] == 2  # linked files, then entry points, home page last
    assert result.uploaded.index("letters/530112-2020-yian-904/letter.txt") < result.uploaded.index(
        "replies/530112-2020-yian-904/index.html")


def test_objects_have_their_content_type_and_encoding(endpoint: str, credentials: None,
                                                      two_sites: tuple[Paths, dict[str, bytes], dict[str, bytes]]) -> None:
    paths, _, _ = two_sites
    client = _client(endpoint)
    client.create_bucket(Bucket="types")
    deploy.deploy(paths.site, "types", endpoint_url=endpoint, prefix="portal")
    expect = {
        f"portal/replies/{SEED}/index.html": ("text/html; charset=utf-8", "gzip"),
        "portal/assets/reader.css": ("text/css; charset=utf-8", "gzip"),
        "portal/assets/reader.js": ("text/javascript; charset=utf-8", "gzip"),
        "portal/feeds/replies.atom": ("application/atom+xml", "gzip"),
        "portal/sitemap.xml": ("application/xml", "gzip"),
        f"portal/api/replies/{SEED}.json": ("application/json", None),
        "portal/data/replies.csv": ("text/csv; charset=utf-8", None),
        "portal/data/replies.json.gz": ("application/gzip", None),
        "portal/search/idx/manifest.json": ("application/json", "gzip"),
        f"portal/letters/{SEED}/letter.txt": ("text/plain; charset=utf-8", None),
    }
    for key, (ctype, encoding) in expect.items():
        head = client.head_object(Bucket="types", Key=key)
        assert (head["ContentType"], head.get("ContentEncoding")) == (ctype, encoding), key
    raw = client.get_object(Bucket="types", Key="portal/search/idx/manifest.json")["Body"].read()
    assert (paths.site / "search/idx/manifest.json").read_bytes() == raw and gzip.decompress(raw).startswith(b"{")
    assert client.head_object(Bucket="types", Key="portal/index.html")["CacheControl"] == "no-cache"
    page = client.get_object(Bucket="types", Key=f"portal/replies/{SEED}/index.html")["Body"].read()
    local = (paths.site / f"replies/{SEED}/index.html").read_bytes()
    assert gzip.decompress(page) == local and len(page) < len(local) / 2  # what a reader in mainland China downloads
    api = client.get_object(Bucket="types", Key=f"portal/api/replies/{SEED}.json")["Body"].read()
    assert api == (paths.site / f"api/replies/{SEED}.json").read_bytes()  # a script's curl gets the JSON itself


def test_cli_deploy_dry_run_changes_nothing(endpoint: str, credentials: None,
                                            two_sites: tuple[Paths, dict[str, bytes], dict[str, bytes]],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    paths, _, _ = two_sites
    client = _client(endpoint)
    client.create_bucket(Bucket="dry")
    code = cli.main(["--root", str(paths.root), "deploy", "--bucket", "dry", "--endpoint-url", endpoint, "--dry-run"])
    assert code == 0
    files = sum(1 for p in paths.site.rglob("*") if p.is_file())
    assert f"would have uploaded {files:,} files" in capsys.readouterr().out
    assert client.list_objects_v2(Bucket="dry").get("KeyCount", 0) == 0


def test_a_missing_bucket_is_a_clear_error(endpoint: str, credentials: None,
                                           two_sites: tuple[Paths, dict[str, bytes], dict[str, bytes]],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    paths, _, _ = two_sites
    code = cli.main(["--root", str(paths.root), "deploy", "--bucket", "no-such-bucket", "--endpoint-url", endpoint])
    err = capsys.readouterr().err
    assert code == 1 and "[deploy-failed] cannot list the bucket" in err and "--endpoint-url" in err
