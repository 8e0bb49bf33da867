"""Regenerate the labelled letters that are not plain UTF-8 from their UTF-8 sources.

    python tests/extract_corpus/make_binaries.py

sources/<name>.txt → letters/<name>.<ext> (heldout/<name>.<ext> when the letter is held out, that is when
heldout/<name>.expected.yaml exists): .docx (python-docx; a line "TABLE: a | b" is a table
row), .pdf (fpdf2 with Debian's Noto Sans CJK; lines wrap at the page width, which is the damage
the extractor must undo), or plain text in the encoding ``ENCODINGS`` names (or
that the name says: -gbk-, -gb18030-). The outputs are
committed; run this only after editing a source. Output is deterministic (fixed PDF dates).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

HERE = Path(__file__).parent
SOURCES = HERE / "sources"
LETTERS = HERE / "letters"
HELDOUT = HERE / "heldout"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FIXED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

ENCODINGS = {
    "06-gbk-no-colon": ("gbk", b""),
    "07-utf16-date-digits": ("utf-16-le", b"\xff\xfe"),
    "08-utf8bom-date-ambiguous": ("utf-8", b"\xef\xbb\xbf"),
    "20-gb18030-trad-mirror": ("gb18030", b""),
    "23-utf16le-nobom": ("utf-16-le", b""),
}


def docx_bytes(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.created = FIXED.replace(tzinfo=None)
    document.core_properties.modified = FIXED.replace(tzinfo=None)
    for line in lines:
        if line.startswith("TABLE:"):
            cells = [c.strip() for c in line.removeprefix("TABLE:").split("|")]
            table = document.add_table(rows=1, cols=len(cells))
            for cell, text in zip(table.rows[0].cells, cells):
                cell.text = text
        else:
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip_times(out.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """python-docx stamps each zip entry with the current time: rewrite them with a fixed one."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED)
    pdf.add_page()
    pdf.add_font("noto", fname=str(FONT))
    pdf.set_font("noto", size=12)
    for line in lines:
        # Break anywhere, as Chinese text is set, not only at spaces.
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
    return bytes(pdf.output())


def _encoding_in_name(name: str) -> tuple[str, bytes]:
    for encoding in ("gb18030", "gbk"):
        if f"-{encoding}" in name:
            return encoding, b""
    return "", b""


def main() -> None:
    for source in sorted(SOURCES.glob("*.txt")):
        name = source.stem
        text = source.read_text(encoding="utf-8")
        lines = [line for line in text.split("\n") if line]
        folder = HELDOUT if (HELDOUT / f"{name}.expected.yaml").exists() else LETTERS
        encoding, bom = ENCODINGS.get(name) or _encoding_in_name(name)
        if encoding:
            target, data = folder / f"{name}.txt", bom + text.replace("\n", "\r\n").encode(encoding)
        elif "-docx-" in name:
            target, data = folder / f"{name}.docx", docx_bytes(lines)
        elif "-pdf-" in name:
            target, data = folder / f"{name}.pdf", pdf_bytes(lines)
        else:
            raise SystemExit(f"{source}: name it -docx-, -pdf- or list it in ENCODINGS")
        target.write_bytes(data)
        print(f"wrote {target.relative_to(HERE)} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
