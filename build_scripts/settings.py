"""Settings, each with its help text. Everything else is derived from the data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    """Address `portal serve` listens on (loopback: the portal is served to this machine only)."""

    port: int = 8000
    """Port `portal serve` listens on."""

    reply_page_bytes: int = 60_000
    """Most bytes a reply page's HTML may have (each page of a long letter too): a letter whose
    page would be larger is shown in parts (replies/<id>/2/, …); the build fails if a page still
    cannot fit (build_scripts/pages/parts.py)."""

    page_bytes: int = 100_000
    """Most bytes any other HTML page may have: a phone on a slow connection never downloads megabytes
    to read a page. Lists that grow with the records show their top entries and link to paginated
    pages and CSV; the build fails naming any page over it (build_scripts/sitesize.py)."""

    site_bytes: int = 1_000_000_000
    """Most bytes the published site may have (GitHub Pages publishes at most 1 GB). The build prints
    the site's size and file count and fails when it is over this budget; raise it for a host
    without that limit (object storage, ``portal deploy``)."""

    release_asset_bytes: int = 50_000_000
    """A download larger than this is published as a release asset instead of in the site, when a
    release URL is set (``PORTAL_RELEASE_URL``): the data page and manifest.json give its URL, and
    the deploy workflow uploads it from build/release-assets/ (build_scripts/downloads.py)."""

    search_index_memory: int = 1_000_000_000
    """Bytes the search index build aims to stay within, beside the loaded records: it reads the
    replies in batches and spills postings to disk in partitions sized from this (an external
    sort), so its memory does not grow with the number of letters; a smaller budget means more,
    smaller batches and partitions (more passes, the same files). Temporary disk: about 40 bytes
    per normalised character (build_scripts/search/postings.py)."""
