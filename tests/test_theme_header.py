"""overrides/partials/header.html is a copy of Material's partials/header.html with one change (our
search box). Its first line records the Material version and the sha256 of the file it was copied
from; when the installed theme's header is not that file any more, the copy may be stale."""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
from pathlib import Path

import material

from build_scripts.paths import REPO_ROOT, Paths

OURS = REPO_ROOT / "overrides" / "partials" / "header.html"
UPSTREAM = Path(material.__file__).parent / "templates" / "partials" / "header.html"
RECORD = re.compile(r"\{#- Copied from: mkdocs-material (?P<version>\d+(?:\.\d+)+), "
                    r"material/templates/partials/header\.html, sha256 (?P<sha256>[0-9a-f]{64}) -#\}")


def recorded() -> dict[str, str]:
    first = OURS.read_text(encoding="utf-8").splitlines()[0]
    found = RECORD.fullmatch(first)
    assert found, (f"{OURS.relative_to(REPO_ROOT)} must start with the Jinja comment\n"
                   "{#- Copied from: mkdocs-material X.Y.Z, material/templates/partials/header.html, sha256 <64 hex> -#}\n"
                   f"found: {first!r}")
    return found.groupdict()


def test_our_header_records_what_it_was_copied_from() -> None:
    record = recorded()
    assert record["sha256"] != hashlib.sha256(OURS.read_bytes()).hexdigest(), "the hash is of Material's file, not ours"


def test_installed_material_header_is_the_one_our_copy_was_made_from() -> None:
    record = recorded()
    installed = {"version": importlib.metadata.version("mkdocs-material"),
                 "sha256": hashlib.sha256(UPSTREAM.read_bytes()).hexdigest()}
    assert installed["sha256"] == record["sha256"], (
        "Material's partials/header.html changed "
        f"(installed {installed['version']}, sha256 {installed['sha256']}; "
        f"our copy made from {record['version']}, sha256 {record['sha256']}): "
        f"compare and update overrides/partials/header.html, then the recorded hash ({UPSTREAM})")


def test_the_record_is_a_comment_no_page_shows(built: Paths) -> None:
    """A Jinja comment renders nothing: no page carries the hash, and the header is still ours."""
    record = recorded()
    html = (built.site / "index.html").read_text(encoding="utf-8")
    assert record["sha256"] not in html and "Copied from" not in html
    header = html.split('<header class="md-header', 1)[1].split("</header>", 1)[0]
    assert 'class="dg-header-search"' in header
