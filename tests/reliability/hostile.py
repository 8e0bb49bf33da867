"""Hostile letters for the importer (issue 17), made at test time: nothing large is committed.

Each maker writes one file at ``path`` and returns it; ``importer/<what>.yaml`` cases name a maker
(``make:``) and what ``portal extract`` must say about the file. ``benchmarks/bench_hostile.py``
uses ``zip_bomb_docx`` at full size (3 GB of zeros) to measure the importer's peak memory.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from tests.extract_corpus.corpus import LETTERS

DOCX = LETTERS / "03-docx-joint-names.docx"
PDF = LETTERS / "05-pdf-linebreaks.pdf"
SEED_TEXT = Path(__file__).resolve().parents[2] / "datasets" / "replies" / "530111-2023-tian-102114" / "letter.txt"


def _docx_with(path: Path, part: str, writer: Callable[[zipfile.ZipFile, zipfile.ZipInfo], None]) -> Path:
    """The corpus .docx with ``part`` written by ``writer`` instead (streamed: the part may be huge)."""
    with zipfile.ZipFile(DOCX) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != part:
                out.writestr(info, src.read(info))
        target = zipfile.ZipInfo(part, date_time=(2023, 1, 1, 0, 0, 0))
        target.compress_type = zipfile.ZIP_DEFLATED
        writer(out, target)
    return path


def zip_bomb_docx(path: Path, megabytes: int = 3072) -> Path:
    """A .docx whose word/styles.xml is ``megabytes`` MB of zeros (3 GB packs to about 3 MB)."""
    chunk = b"\0" * (1 << 20)

    def zeros(out: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        with out.open(info, "w", force_zip64=True) as f:
            for _ in range(megabytes):
                f.write(chunk)

    return _docx_with(path, "word/styles.xml", zeros)


def entity_bomb_docx(path: Path) -> Path:
    """A .docx whose document.xml declares a billion laughs."""
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{lol}]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           "<w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>")
    return _docx_with(path, "word/document.xml", lambda out, info: out.writestr(info, xml))


def malformed_docx(path: Path) -> Path:
    """A .docx whose document.xml is cut off in the middle of an element."""
    with zipfile.ZipFile(DOCX) as src:
        xml = src.read("word/document.xml")
    return _docx_with(path, "word/document.xml", lambda out, info: out.writestr(info, xml[: len(xml) // 2]))


def pdf_stream_bomb(path: Path, megabytes: int = 200) -> Path:
    """A one-page PDF whose content stream inflates to ``megabytes`` MB (past pypdf's 75 MB limit)."""
    packer = zlib.compressobj(9)
    body = io.BytesIO()
    chunk = b" " * (1 << 20)
    for _ in range(megabytes):
        body.write(packer.compress(chunk))
    body.write(packer.flush())
    stream = body.getvalue()
    return _pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>",
                       b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                       b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
                       b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"])


def pdf_page_cycle(path: Path) -> Path:
    """A PDF whose page tree lists itself as its own child (pypdf stops with LimitReachedError)."""
    return _pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])


def _pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF of these objects (numbered from 1, the first the catalog) with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def deep_html(path: Path, depth: int = 300) -> Path:
    """A page with a closed ``depth``-deep <div> before the letter (libxml2 stops at 256 levels)."""
    letter = SEED_TEXT.read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{line}</p>" for line in letter.splitlines() if line.strip())
    page = f"<html><head><title>答复</title></head><body>{'<div>' * depth}导航{'</div>' * depth}{paragraphs}</body></html>"
    path.write_text(page, encoding="utf-8")
    return path


def big5_letter(path: Path) -> Path:
    """The seed letter in traditional characters, encoded as Big5 (it is valid GB18030 too: garbage)."""
    import opencc

    text = opencc.OpenCC("s2t").convert(SEED_TEXT.read_text(encoding="utf-8"))
    path.write_bytes(text.encode("big5", errors="replace"))
    return path


def stray_byte_utf8(path: Path) -> Path:
    """The seed letter in UTF-8 with one stray 0xFF byte between two characters."""
    data = SEED_TEXT.read_bytes()
    cut = data.index("。".encode()) + len("。".encode())
    path.write_bytes(data[:cut] + b"\xff" + data[cut:])
    return path


def fifo(path: Path) -> Path:
    """A named pipe nobody writes to: reading it would wait for ever."""
    os.mkfifo(path)
    return path


def dev_zero(path: Path) -> Path:
    """A link to /dev/zero, a file that never ends."""
    path.symlink_to("/dev/zero")
    return path


def oversized_text(path: Path, megabytes: int = 50) -> Path:
    """A 50 MB text file (sparse: no disk is used), far beyond a letter's size."""
    with path.open("wb") as f:
        f.write("关于答复的函\n".encode())
        f.truncate(megabytes * 1024 * 1024)
    return path


MAKERS: dict[str, Callable[[Path], Path]] = {f.__name__: f for f in (
    zip_bomb_docx, entity_bomb_docx, malformed_docx, pdf_stream_bomb, pdf_page_cycle, deep_html, big5_letter, stray_byte_utf8,
    fifo, dev_zero, oversized_text)}
