"""Issue 17: a raw letter is never served as an active type, whatever its extension.

Every extension that Python's ``mimetypes`` (with the machine's /etc/mime.types) or nginx's default
``mime.types`` (tests/fixtures/nginx-mime.types, copied verbatim with its source) maps to HTML, XML,
SVG or script is published under a name both map to an inert type.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

import pytest

from build_scripts.pages import escape

NGINX = Path(__file__).parent / "fixtures" / "nginx-mime.types"
INERT_TYPES = {"text/plain", "application/pdf",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def active(mime: str) -> bool:
    """HTML, XML (any +xml), SVG, or a script type: a browser may run or render it as a document."""
    sub = mime.lower().partition("/")[2]
    return ("html" in sub or sub == "xml" or sub.endswith("+xml") or "svg" in sub or "script" in sub
            or sub in {"x-sh", "x-csh", "x-python", "x-perl", "x-tcl", "x-java-jnlp-file", "xml-dtd"})


def nginx_types() -> dict[str, str]:
    """extension (with its dot, lower case) → type, as nginx's ``types { … }`` block has them."""
    text = re.sub(r"#.*", "", NGINX.read_text(encoding="utf-8"))
    block = text[text.index("{") + 1:text.rindex("}")]
    found: dict[str, str] = {}
    for statement in block.split(";"):
        words = statement.split()
        if len(words) >= 2:
            found.update({"." + ext.lower(): words[0] for ext in words[1:]})
    return found


def python_types() -> dict[str, str]:
    # Python's own table plus /etc/mime.types and the other system files, as mimetypes.init() reads them
    db = mimetypes.MimeTypes(filenames=[f for f in mimetypes.knownfiles if Path(f).is_file()])
    found: dict[str, str] = {}
    for strict in (True, False):
        found.update({ext.lower(): mime for ext, mime in db.types_map[strict].items()})
    return found


NGINX_TYPES = nginx_types()
PYTHON_TYPES = python_types()
ACTIVE = sorted({ext for table in (NGINX_TYPES, PYTHON_TYPES) for ext, mime in table.items() if active(mime)})


def test_the_lists_were_read() -> None:
    assert NGINX_TYPES[".html"] == "text/html" and NGINX_TYPES[".svgz"] == "image/svg+xml"
    assert NGINX_TYPES[".xhtml"] == "application/xhtml+xml" and NGINX_TYPES[".js"] == "application/javascript"
    assert PYTHON_TYPES[".html"] == "text/html" and PYTHON_TYPES[".svg"] == "image/svg+xml"
    for ext in (".html", ".htm", ".xhtml", ".xht", ".xhtm", ".shtml", ".svg", ".svgz", ".xml", ".js", ".mjs",
                ".atom", ".rss", ".xsl"):
        assert ext in ACTIVE or ext not in NGINX_TYPES | PYTHON_TYPES, ext
    assert {".html", ".svgz", ".xhtml", ".js", ".xml", ".rss"} <= set(ACTIVE)


@pytest.mark.parametrize("ext", ACTIVE)
@pytest.mark.parametrize("case", [str.lower, str.upper, str.title])
def test_an_active_extension_is_published_as_text(ext: str, case: object) -> None:
    raw_file = "letter" + case(ext)  # type: ignore[operator]
    published = escape.letter_name(raw_file)
    assert published.startswith(raw_file)
    suffix = Path(published).suffix.lower()
    for table in (NGINX_TYPES, PYTHON_TYPES):
        assert table.get(suffix, "application/octet-stream") in INERT_TYPES | {"application/octet-stream"}
        assert not active(table.get(suffix, ""))


@pytest.mark.parametrize("raw_file", ["letter.txt", "letter.pdf", "letter.docx", "Letter.PDF"])
def test_inert_letters_keep_their_names(raw_file: str) -> None:
    assert escape.letter_name(raw_file) == raw_file
    for table in (NGINX_TYPES, PYTHON_TYPES):
        assert table[Path(raw_file).suffix.lower()] in INERT_TYPES


@pytest.mark.parametrize("raw_file", ["letter", "letter.", "letter.txt.html", "letter.pdf.svgz", "letter.wps",
                                      "letter.doc", "letter.xhtm"])
def test_everything_else_gets_txt(raw_file: str) -> None:
    assert escape.letter_name(raw_file) == raw_file + ".txt"
