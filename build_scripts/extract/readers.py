"""Bytes to text, one function per format. Nothing here interprets the letter.

HTML keeps the page chrome as lines (the page metadata 索引号/发布日期/文号 lives there);
``layout`` decides what is letter and what is chrome. Plain text is decoded by BOM, then strict
UTF-8, then charset-normalizer (GBK/GB18030/UTF-16 without BOM).

Hostile input (issue 17): a letter is read only from a regular file and only up to a size checked
first (``read_letter_bytes``, used by ``portal add`` and ``portal extract``); a .docx's unpacked size,
its compression ratio and DTDs (entity bombs) are checked before any part is parsed; every way a
parser fails on a damaged file is a ``ReadError`` naming the file's problem, never a crash.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from build_scripts.dataset import MAX_RAW_BYTES
from build_scripts.extract.htmltext import HtmlError
from build_scripts.extract.htmltext import html_text as _html_text

__all__ = ["ReadError", "Read", "read_file", "read_bytes", "read_letter_bytes", "html_text", "decode"]

FORMATS = {".html": "html", ".htm": "html", ".shtml": "html", ".docx": "docx", ".pdf": "pdf", ".txt": "text"}


class ReadError(Exception):
    """The file cannot be read as a letter; the message says why."""


@dataclass(frozen=True)
class Read:
    text: str
    raw_format: str  # html, docx, pdf, text (a value of the record's raw_format)
    encoding: str | None = None
    warnings: tuple[str, ...] = ()  # what the reader guessed or repaired (the raw letter keeps its bytes)


MAX_LETTER_BYTES = MAX_RAW_BYTES
"""The largest letter read: the records' own limit, so nothing is drafted that validation refuses."""


def read_letter_bytes(path: Path, limit: int = MAX_LETTER_BYTES) -> bytes:
    """A letter's bytes, from a regular file only (a FIFO would hang, /dev/zero never ends), its size
    checked before reading and the read itself capped (a file that grows meanwhile is refused)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ReadError(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(f"not a regular file ({_file_kind(info.st_mode)}): give the letter as a file")
        if info.st_size > limit:
            raise ReadError(f"the file is {info.st_size:,} bytes, more than the limit of {limit:,} for a letter; "
                            "check that this is the right file")
        chunks, left = [], limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise ReadError(f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise ReadError(f"the file grew past the limit of {limit:,} bytes while it was read")
    return data


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a plain file")


def read_file(path: Path) -> Read:
    return read_bytes(read_letter_bytes(path), path.name)


def read_bytes(data: bytes, name: str) -> Read:
    kind = sniff(data, name)
    if kind == "docx":
        return Read(docx_text(data), "docx")
    if kind == "pdf":
        return Read(pdf_text(data), "pdf")
    text, encoding = _declared(data) if kind == "html" else (None, None)
    warnings: tuple[str, ...] = ()
    if text is None:
        text, encoding, warnings = decode_warning(data)
    if kind == "html" or _looks_like_html(text):
        return Read(html_text(text), "html", encoding, warnings)
    return Read(text, "text", encoding, warnings)


def html_text(html: str) -> str:
    """The page's visible text (``htmltext.html_text``); ReadError when it is not a page."""
    try:
        return _html_text(html)
    except HtmlError as exc:
        raise ReadError(str(exc)) from None


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
    text, encoding, _ = decode_warning(data)
    return text, encoding


def decode_warning(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """``decode``, with a warning when the encoding was a guess between Chinese encodings or bytes were
    replaced (a UTF-8 letter with a stray byte)."""
    text, encoding, warnings = _decode(data)
    if _control_ratio(text) > 0.01:
        raise ReadError(f"decodes as {encoding} but is full of control characters: not text")
    return text, encoding, warnings


def _decode(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding), encoding, ()
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    if len(data) >= 4 and data.count(0) > len(data) // 4:
        encoding = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        return _strict(data, encoding), encoding, ()
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged
    chinese = _chinese(data)
    if chinese is not None:
        return chinese
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ReadError("not text in any encoding we know (UTF-8, UTF-16, GBK/GB18030)")
    return str(best), best.encoding, (f"the letter is not UTF-8 or a Chinese encoding; read as {best.encoding} "
                                      "(a guess): check the text",)


def _damaged_utf8(data: bytes) -> tuple[str, str, tuple[str, ...]] | None:
    """UTF-8 with a few bad bytes (a stray 0xFF): decoded with U+FFFD for each, and a warning.

    Taken as UTF-8 only when its valid multi-byte characters outnumber the bad bytes ten to one: GBK
    text read as UTF-8 is nearly all bad bytes."""
    loose = data.decode("utf-8", errors="surrogateescape")
    bad = [i for i, c in enumerate(loose) if "\udc80" <= c <= "\udcff"]
    multibyte = sum(1 for c in loose if c >= "\x80" and not "\udc80" <= c <= "\udcff")
    if not bad or multibyte < 10 * len(bad) or len(bad) > max(8, len(data) // 1000):
        return None
    first = len(loose[:bad[0]].encode("utf-8", errors="surrogateescape"))
    return (data.decode("utf-8", errors="replace"), "utf-8",
            (f"{len(bad)} byte(s) are not UTF-8 (the first at byte {first}: {data[first:first + 1]!r}); each is shown "
             "as �, the raw letter keeps them as received: check the text there",))


def _chinese(data: bytes) -> tuple[str, str, tuple[str, ...]] | None:
    """GB18030 or Big5: when both decode the bytes, character statistics (charset-normalizer) choose,
    and the choice is a warning (Big5 bytes read as GB18030 are valid garbage)."""
    found = {}
    for encoding in ("gb18030", "big5"):
        try:
            found[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if len(found) < 2:
        return next(((text, encoding, () if encoding == "gb18030" else
                      (f"the letter is in {encoding} (traditional Chinese), not UTF-8: check the text",))
                     for encoding, text in found.items()), None)
    if _gb2312_share(found["gb18030"]) >= 0.97:
        return found["gb18030"], "gb18030", ()  # simplified Chinese as GBK writes it: no doubt
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
    encoding = "big5" if best is not None and best.encoding == "big5" else "gb18030"
    other = "Big5" if encoding == "gb18030" else "GB18030"
    return found[encoding], encoding, (f"the letter is not UTF-8 and reads as both GB18030 and Big5; read as "
                                       f"{encoding} by character statistics (not {other}): check the text",)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(f"starts with a {encoding} byte-order mark but byte {exc.start} is not {encoding}") from None


def _gb2312_share(text: str) -> float:
    """The share of non-ASCII characters that GB2312 has: nearly all in a simplified letter, about half
    in Big5 bytes read as GB18030."""
    wide = [c for c in text if c >= "\x80"]
    if not wide:
        return 1.0
    return sum(1 for c in wide if _in_gb2312(c)) / len(wide)


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _control_ratio(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(len(text), 1)


# --- Word ----------------------------------------------------------------------------------

def docx_text(data: bytes) -> str:
    """Paragraphs and table cells in document order, one per line (a label cell, then its value)."""
    import docx
    from docx.opc.exceptions import OpcError
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml import etree

    check_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError, etree.LxmlError, zlib.error, EOFError) as exc:
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


MAX_UNPACKED_BYTES = 64 * 1024 * 1024
"""A .docx's parts together, unpacked (a letter with photos is a few MB; the bomb of issue 17 was 3 GB)."""
MAX_XML_BYTES = 16 * 1024 * 1024
"""Its XML parts together, unpacked: what python-docx parses into a tree (about ten times this in memory)."""
MAX_RATIO = 100
"""Unpacked to packed, for a part of more than ``RATIO_FROM`` bytes (Word's XML packs about 10 to 1)."""
RATIO_FROM = 1024 * 1024


def check_package(data: bytes) -> None:
    """A .docx's sizes and DTDs, from the zip's directory and a streamed scan, before any part is parsed.

    zipfile never unpacks more than an entry's declared size, so the declared sizes bound the work.
    Word writes no DTD; one in a part is an entity bomb (``<!ENTITY a "&b;&b;…">``) or worse."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
            total = sum(p.file_size for p in parts)
            xml = [p for p in parts if p.filename.lower().endswith((".xml", ".rels"))]
            if total > MAX_UNPACKED_BYTES or sum(p.file_size for p in xml) > MAX_XML_BYTES:
                raise ReadError(f"the .docx unpacks to {total:,} bytes, more than a letter's {MAX_UNPACKED_BYTES:,} "
                                f"(its text at most {MAX_XML_BYTES:,}): a zip bomb, or not a letter")
            for p in parts:
                if p.file_size > RATIO_FROM and p.file_size > MAX_RATIO * max(p.compress_size, 1):
                    raise ReadError(f"the .docx part {p.filename} unpacks {p.file_size // max(p.compress_size, 1):,} "
                                    f"times larger than it is packed (at most {MAX_RATIO}): a zip bomb")
            for p in xml:
                if _has_dtd(package, p):
                    raise ReadError(f"the .docx part {p.filename} declares a DTD or entities, which Word never "
                                    "writes (an entity bomb?)")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error,
            ValueError, OSError) as exc:
        raise ReadError(f"not a readable .docx file: {exc}") from None


def _has_dtd(package: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    tail = b""
    with package.open(part) as f:
        while chunk := f.read(1 << 20):
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return True
            tail = window[-16:]
    return False


# --- PDF -----------------------------------------------------------------------------------

def pdf_text(data: bytes) -> str:
    """Text of every page; line breaks as the PDF has them (``clean`` joins wrapped lines)."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, DependencyError, ValueError, KeyError, IndexError, TypeError, AttributeError, OSError,
            zlib.error, RecursionError) as exc:  # pypdf's limits (LimitReachedError) and a damaged file's many faces
        raise ReadError(f"not a readable PDF: {type(exc).__name__}: {exc}") from None
    # Some CJK fonts map each glyph to two bytes and pypdf yields a NUL before every character.
    text = "\n".join(pages).replace("\x00", "")
    if not text.strip():
        raise ReadError("the PDF has no text layer (a scan?): OCR it first")
    return text
