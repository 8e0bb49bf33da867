"""Deflate for every file the build compresses (zips, gzip files, the workbook, the search index): zlib-ng.

zlib-ng writes the same format as zlib, and any unzip or gunzip reads it, in a fraction of the time:
at 10,000 letters the downloads child spent 61 of its 226 s in zlib (cProfile). On that ``sections.csv``
(137 MB), level 6 took 5.8 s with zlib and 2.1 s with zlib-ng for 64.9 and 65.5 MB; on the SQLite
file's full-text index (125 MB), zlib's level 1 took 2.0 s for 53.5 MB, zlib-ng's level 2 0.9 s for 52.4.
Its bytes differ from zlib's and may differ between its versions, so pyproject.toml pins it: the
same records and the same environment give the same files.

``zipfile`` has no hook for a compressor: ``use_in_zipfile`` replaces its ``_get_compressor`` (the
function that makes a deflate stream for an entry) with one that asks zlib-ng, for this process.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO, Any

from zlib_ng import gzip_ng, zlib_ng

_ORIGINAL = zipfile._get_compressor  # type: ignore[attr-defined]


def _compressor(compress_type: int, compresslevel: int | None = None) -> Any:
    if compress_type == zipfile.ZIP_DEFLATED:
        return zlib_ng.compressobj(zlib_ng.Z_DEFAULT_COMPRESSION if compresslevel is None else compresslevel,
                                   zlib_ng.DEFLATED, -15)
    return _ORIGINAL(compress_type, compresslevel)


def use_in_zipfile() -> None:
    """Make ``zipfile`` deflate with zlib-ng in this process (idempotent)."""
    zipfile._get_compressor = _compressor  # type: ignore[attr-defined]


def zip_writer(path: Path, level: int) -> zipfile.ZipFile:
    """A new zip at ``path`` whose entries are deflated at ``level`` by zlib-ng."""
    use_in_zipfile()
    return zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level)


def gzip_bytes(data: bytes, level: int) -> bytes:
    """``data`` gzipped, no name and no time in the header (the same bytes every build)."""
    return gzip_ng.compress(data, level, mtime=0)


def gzip_writer(raw: IO[bytes], level: int) -> gzip_ng.GzipFile:
    """A gzip stream into ``raw``, no name and no time in the header."""
    return gzip_ng.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=level)
