"""Bytes to text, one function per format. Nothing here interprets the letter.

HTML keeps the page chrome as lines (the page metadata 索引号/发布日期/文号 lives there);
``layout`` decides what is letter and what is chrome. Plain text is decoded by BOM, then strict
UTF-8, then charset-normalizer (GBK/GB18030/UTF-16 without BOM).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

FORMATS = {".html": "html", ".htm": "html", ".shtml": "html", ".docx": "docx", ".pdf": "pdf", ".txt": "text"}


class ReadError(Exception):
    """The file cannot be read as a letter; the message says why."""


@dataclass(frozen=True)
class Read:
    text: str
    raw_format: str  # html, docx, pdf, text (a value of the record's raw_format)
    encoding: str | None = None


def read_file(path: Path) -> Read:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read the file: {exc.strerror or exc}") from None
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str) -> Read:
    kind = sniff(data, name)
    if kind == "docx":
        return Read(docx_text(data), "docx")
    if kind == "pdf":
        return Read(pdf_text(data), "pdf")
    text, encoding = _declared(data) if kind == "html" else (None, None)
    if text is None:
        text, encoding = decode(data)
    if kind == "html" or _looks_like_html(text):
        return Read(html_text(text), "html", encoding)
    return Read(text, "text", encoding)


def sniff(data: bytes, name: str) -> str:
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    return FORMATS.get(Path(name).suffix.lower(), "text")


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def _declared(data: bytes) -> tuple[str | None, str | None]:
    """An HTML page in the charset its <meta> declares, when that charset decodes it cleanly."""
    m = _CHARSET.search(data[:4096])
    if not m or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None, None
    name = m.group(1).decode("ascii").lower()
    name = {"gb2312": "gb18030", "gbk": "gb18030"}.get(name, name)
    try:
        return data.decode(name), name
    except (LookupError, UnicodeDecodeError):
        return None, None


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head


# --- plain text ----------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode(data: bytes) -> tuple[str, str]:
    """Decoded text and the encoding used; ReadError when no encoding fits."""
    text, encoding = _decode(data)
    if _control_ratio(text) > 0.01:
        raise ReadError(f"decodes as {encoding} but is full of control characters: not text")
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if len(data) >= 4 and data.count(0) > len(data) // 4:
        encoding = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        return _strict(data, encoding), encoding
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ReadError("not text in any encoding we know (UTF-8, UTF-16, GBK/GB18030)")
    return str(best), best.encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(f"starts with a {encoding} byte-order mark but byte {exc.start} is not {encoding}") from None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _control_ratio(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(len(text), 1)


# --- HTML ----------------------------------------------------------------------------------

_BLOCK = frozenset(["address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "title"])
_CELL = frozenset(("td", "th"))
_SKIP = ("script", "style", "noscript", "template", "head")
_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_SOURCE_BREAK = re.compile(rf"(?<=[{_HAN}，。；：、“”（）])[ \t]*\n\s*(?=[{_HAN}，。；：、“”（）])")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def html_text(html: str) -> str:
    """The page's visible text, one line per block element; chrome included (layout leaves it out of the letter)."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"not an HTML page: {exc}") from None
    title = root.findtext(".//title") or ""
    etree.strip_elements(root, *_SKIP, etree.Comment, with_tail=False)
    parts: list[str] = [title.strip(), "\n"] if title.strip() else []
    _walk(root, parts)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _walk(el: object, out: list[str]) -> None:
    tag = getattr(el, "tag", "")
    tag = tag.lower() if isinstance(tag, str) else ""
    if tag == "br" or tag in _BLOCK:
        out.append("\n")
    elif tag in _CELL:
        out.append(" ")
    text = getattr(el, "text", None)
    if text:
        out.append(_inline(text))
    for child in el:  # type: ignore[attr-defined]
        _walk(child, out)
        if child.tail:
            out.append(_inline(child.tail))
    if tag in _BLOCK:
        out.append("\n")


def _inline(text: str) -> str:
    """Source line breaks inside a paragraph: dropped between Chinese characters, a space elsewhere."""
    text = _SOURCE_BREAK.sub("", text)
    return _SPACES.sub(" ", text.replace("\xa0", " "))


# --- Word ----------------------------------------------------------------------------------

def docx_text(data: bytes) -> str:
    """Paragraphs and table cells in document order, one per line (a label cell, then its value)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"not a readable .docx file: {exc}") from None
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        local = child.tag.rsplit("}", 1)[-1]
        if local == "p":
            lines.append(Paragraph(child, document).text)
        elif local == "tbl":
            for row in Table(child, document).rows:
                lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


# --- PDF -----------------------------------------------------------------------------------

def pdf_text(data: bytes) -> str:
    """Text of every page; line breaks as the PDF has them (``clean`` joins wrapped lines)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ReadError(f"not a readable PDF: {exc}") from None
    # Some CJK fonts map each glyph to two bytes and pypdf yields a NUL before every character.
    text = "\n".join(pages).replace("\x00", "")
    if not text.strip():
        raise ReadError("the PDF has no text layer (a scan?): OCR it first")
    return text
