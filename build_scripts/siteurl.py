"""The public address of the portal, for the few outputs that need absolute URLs (feeds, citations).

Set it with the environment variable ``PORTAL_SITE_URL`` when building for deployment, e.g.
``PORTAL_SITE_URL=https://dafu.example.org/ portal build`` or, for a project site under a path,
``PORTAL_SITE_URL=https://owner.github.io/repo/``. It is the one source of the address: the build
hands it to MkDocs as ``site_url`` (canonical links, the 404 page's links), and the sitemap,
feeds, API and citations use it. The default is where ``portal serve`` serves the site on this
machine. Pages themselves use relative links and do not depend on it.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from build_scripts.problems import BuildError, Problem, Report

ENV = "PORTAL_SITE_URL"
DEFAULT = "http://127.0.0.1:8000/"
_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?$")


def site_url() -> str:
    """The site URL from ``PORTAL_SITE_URL`` (default ``DEFAULT``), always ending in ``/``."""
    value = os.environ.get(ENV, "").strip() or DEFAULT
    if not _URL.match(value):
        raise BuildError(Report.of([Problem(
            f"${ENV}", 0, "", "bad-site-url", f"{value!r} is not an http(s) URL of a site",
            f"set it like {DEFAULT} or https://example.org/portal/ (no query, no fragment)")]))
    return value if value.endswith("/") else value + "/"


def absolute(path: str, base: str | None = None) -> str:
    """A site-relative path (``replies/x/``) as an absolute URL."""
    return (base or site_url()) + path.lstrip("/")


def base_path(base: str | None = None) -> str:
    """The path the site lives under (``/`` or ``/portal/``): where a root-absolute link starts."""
    return urlsplit(base or site_url()).path or "/"


RELEASE_ENV = "PORTAL_RELEASE_URL"


def release_url(version: str) -> str | None:
    """Where downloads too large for the site are published (``PORTAL_RELEASE_URL``), or None.

    ``{version}`` in it is replaced by the data version, so each version's URL is stable, e.g.
    ``https://github.com/owner/repo/releases/download/data-{version}/``.
    """
    value = os.environ.get(RELEASE_ENV, "").strip()
    if not value:
        return None
    value = value.replace("{version}", version)
    if not _URL.match(value):
        raise BuildError(Report.of([Problem(
            f"${RELEASE_ENV}", 0, "", "bad-release-url", f"{value!r} is not an http(s) URL of a folder",
            "set it like https://github.com/owner/repo/releases/download/data-{version}/")]))
    return value if value.endswith("/") else value + "/"


LETTERS_ENV = "PORTAL_LETTERS_URL"


def letters_url() -> str | None:
    """Where the raw letters are published when not in the site (``PORTAL_LETTERS_URL``), or None.

    The deploy workflow's GitHub Pages build sets the repository's own copy at the commit it
    builds, ``https://raw.githubusercontent.com/<owner>/<repo>/<sha>/datasets/replies/``: the same
    bytes (a reply page gives their sha256), served as plain text, and 136 MB less of the
    10,000-letter site (issue 13). A letter is then at ``<url><id>/<raw_file>``. Unset (the
    default, and the mainland mirror's build), the site keeps each letter under ``letters/``.
    """
    value = os.environ.get(LETTERS_ENV, "").strip()
    if not value:
        return None
    if not _URL.match(value):
        raise BuildError(Report.of([Problem(
            f"${LETTERS_ENV}", 0, "", "bad-letters-url", f"{value!r} is not an http(s) URL of a folder",
            "set it like https://raw.githubusercontent.com/owner/repo/<commit>/datasets/replies/")]))
    return value if value.endswith("/") else value + "/"
