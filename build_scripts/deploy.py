"""`portal deploy`: publish the built site/ to S3-compatible object storage (阿里云 OSS, 腾讯云 COS, …).

GitHub Pages is slow or unreachable in mainland China; the static-website hosting of OSS and COS
speaks the S3 API, so the same site/ goes to a bucket there as well.

Load: every file of site/ (its MD5, as S3 gives a single-part upload's ETag) and the bucket's
listing under the prefix (key → ETag). Process: a file is uploaded only when its bytes differ
from the object's (or the object is missing); an object with no file is deleted. Save, in an
order that never shows a reader a half-updated site: first every new or changed file that is not
an entry point (assets, search shards, letters, downloads: nothing links to a new one yet), then
the entry points (HTML pages, the manifests, feeds, sitemap; the home page last), and only then
the deletions (an old page links to nothing that is gone before it is replaced).

Each object gets its Content-Type (``content_type``) and, for the search index files, which are
stored gzipped under ``.json`` names, ``Content-Encoding: gzip`` so that browsers inflate them
(the engine reads either). Object storage without a CDN sends a file as it is stored (GitHub Pages
compresses on the fly): pages, styles, scripts, feeds and the sitemap (``COMPRESSED``) are uploaded
gzipped, with ``Content-Encoding: gzip``, so a reader in mainland China downloads a reply page of
40 KB as ≈ 12 KB. Their gzip bytes are deterministic (no name, no time), so the comparison with the
bucket stays by bytes. Downloads, the API's JSON and raw letters go as they are: a ``curl`` or a
script fetching them gets the file itself. HTML is sent with ``Cache-Control: no-cache`` so a reader sees a new
page at once. Credentials come from the usual AWS variables (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``) or boto3's other sources.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_scripts.problems import BuildError, Problem, Report

GZIP_MAGIC = b"\x1f\x8b"
COMPRESSED = (".html", ".css", ".js", ".svg", ".xml", ".atom", ".map")
"""What a browser or feed reader fetches: uploaded gzipped, with ``Content-Encoding: gzip``."""
TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".atom": "application/atom+xml",
    ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml", ".gz": "application/gzip", ".zip": "application/zip",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".woff2": "font/woff2",
    ".map": "application/json",
}
ENTRY_NAMES = frozenset({"manifest.json", "sitemap.xml", "datapackage.json", "changelog.json"})
"""Files that name other files: uploaded after what they name (with every HTML page and feed)."""
LAST = ("index.html", "404.html")
"""The home page and the error page go up last of all."""


@dataclass(frozen=True)
class LocalFile:
    key: str
    path: Path
    md5: str  # of what is uploaded (``body``): the bucket's ETag when the object is the same
    size: int  # bytes uploaded


@dataclass
class DeployResult:
    uploaded: list[str] = field(default_factory=list)  # keys, in upload order
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    bytes: int = 0

    def summary(self) -> str:
        return (f"uploaded {len(self.uploaded):,} files ({self.bytes / 1e6:,.1f} MB), "
                f"deleted {len(self.deleted):,}, unchanged {self.unchanged:,}")


def content_type(key: str) -> str:
    suffix = os.path.splitext(key)[1].lower()
    return TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def headers(file: LocalFile) -> dict[str, str]:
    """ContentType, and ContentEncoding / CacheControl where they apply (boto3's put_object names)."""
    out = {"ContentType": content_type(file.key)}
    if compressed(file.key):
        out["ContentEncoding"] = "gzip"
    elif not file.key.endswith(".gz") and file.size >= 2:
        with open(file.path, "rb") as f:
            if f.read(2) == GZIP_MAGIC:  # the search index: gzipped JSON under its .json name
                out["ContentEncoding"] = "gzip"
    if file.key.endswith(".html"):
        out["CacheControl"] = "no-cache"
    return out


def compressed(key: str) -> bool:
    return key.endswith(COMPRESSED)


def body(path: Path, key: str) -> bytes:
    """What is uploaded for a file: its bytes, gzipped (``mtime`` 0: the same bytes every time) for ``COMPRESSED``."""
    data = path.read_bytes()
    return gzip.compress(data, compresslevel=6, mtime=0) if compressed(key) else data


def phase(rel: str) -> int:
    """When a file (its path in the site) goes up: 0 what pages link to, 1 entry points, 2 the home and 404 pages."""
    if rel in LAST:
        return 2
    name = rel.rsplit("/", 1)[-1]
    return 1 if rel.endswith((".html", ".atom")) or name in ENTRY_NAMES or rel.startswith("feeds/") else 0


def local_files(site: Path, prefix: str = "") -> dict[str, LocalFile]:
    out = {}
    for folder, _, names in os.walk(site):
        for name in names:
            path = Path(folder, name)
            key = prefix + path.relative_to(site).as_posix()
            if compressed(key):
                data = body(path, key)
                out[key] = LocalFile(key, path, hashlib.md5(data).hexdigest(), len(data))
                continue
            with open(path, "rb") as f:
                md5 = hashlib.file_digest(f, "md5").hexdigest()
            out[key] = LocalFile(key, path, md5, path.stat().st_size)
    return out


def remote_etags(client: Any, bucket: str, prefix: str) -> dict[str, str]:
    """Key → ETag (MD5 of a single-part upload) of every object under ``prefix``."""
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            out[obj["Key"]] = obj["ETag"].strip('"').lower()
    return out


def plan(local: dict[str, LocalFile], remote: dict[str, str], prefix: str = "") -> tuple[list[list[str]], list[str], int]:
    """(keys to upload, phase by phase; keys to delete; how many unchanged)."""
    changed = sorted(k for k, f in local.items() if remote.get(k) != f.md5)
    phases: list[list[str]] = [[], [], []]
    for key in changed:
        phases[phase(key.removeprefix(prefix))].append(key)
    gone = sorted(k for k in remote if k not in local)
    return phases, gone, len(local) - len(changed)


def client_for(endpoint_url: str | None) -> Any:
    """An S3 client for ``endpoint_url`` (None: AWS itself).

    Checksums only when required: newer botocore adds CRC32 checksums to every upload, which
    several S3-compatible services (OSS and COS among them) refuse or do not check.
    """
    import boto3
    from botocore.config import Config

    config = Config(request_checksum_calculation="when_required", response_checksum_validation="when_required",
                    retries={"max_attempts": 5, "mode": "standard"}, max_pool_connections=16)
    return boto3.client("s3", endpoint_url=endpoint_url, config=config)


def deploy(site: Path, bucket: str, *, endpoint_url: str | None = None, prefix: str = "", dry_run: bool = False,
           client: Any = None, log: Callable[[str], None] = lambda _: None, threads: int = 8) -> DeployResult:
    """Make the bucket's objects under ``prefix`` equal to ``site``, uploading only what changed."""
    if not (site / "index.html").is_file():
        raise BuildError(Report.of([Problem(str(site), 0, "", "no-site", "there is no built site to deploy",
                                            "run `portal build` first")]))
    prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
    client = client or client_for(endpoint_url)
    local = local_files(site, prefix)
    try:
        remote = remote_etags(client, bucket, prefix)
    except Exception as exc:  # noqa: BLE001 - botocore's errors: name the bucket and what to check
        raise BuildError(Report.of([Problem(f"s3://{bucket}/{prefix}", 0, "", "deploy-failed",
                                            f"cannot list the bucket: {exc}",
                                            "check --endpoint-url, the bucket name and the AWS_* credentials")])) from None
    phases, deletions, unchanged = plan(local, remote, prefix)
    result = DeployResult(unchanged=unchanged)
    log(f"{sum(map(len, phases)):,} to upload, {len(deletions):,} to delete, {unchanged:,} unchanged")
    if dry_run:
        result.uploaded, result.deleted = [k for p in phases for k in p], deletions
        return result

    def put(key: str) -> None:
        file = local[key]
        if compressed(key):
            client.put_object(Bucket=bucket, Key=key, Body=body(file.path, key), ContentMD5=_b64_md5(file.md5),
                              **headers(file))
            return
        with open(file.path, "rb") as f:
            client.put_object(Bucket=bucket, Key=key, Body=f, ContentMD5=_b64_md5(file.md5), **headers(file))

    try:
        with ThreadPoolExecutor(threads) as pool:
            for keys in phases:  # each phase is complete before the next starts
                list(pool.map(put, keys))
                result.uploaded += keys
        for start in range(0, len(deletions), 1000):  # DeleteObjects takes at most 1,000 keys
            batch = deletions[start:start + 1000]
            client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
            result.deleted += batch
    except Exception as exc:  # noqa: BLE001 - botocore's errors: say how far it got and what to do
        raise BuildError(Report.of([Problem(
            f"s3://{bucket}/{prefix}", 0, "", "deploy-failed",
            f"stopped after {len(result.uploaded):,} uploads and {len(result.deleted):,} deletions: {exc}",
            "run `portal deploy` again: it uploads only what still differs (entry points go up only after "
            "every file they link to)")])) from None
    result.bytes = sum(local[k].size for k in result.uploaded)
    return result


def _b64_md5(hex_md5: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hex_md5)).decode("ascii")
